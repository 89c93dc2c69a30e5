"""Serve `<slug>.<BOOKING_ROOT_DOMAIN>` as the business's booking link."""

from django.conf import settings

from bookingsite.businesses.validators import RESERVED_SLUGS

# Paths that mean the same on every host, so a booking subdomain leaves them alone.
SHARED_PREFIXES = ("/book/", "/static/", "/media/", "/healthz")


def subdomain_slug(host: str) -> str | None:
    """The booking slug a host names, e.g. `sarahs-swim-school` for `sarahs-swim-school.example.com`."""
    hostname = host.rsplit(":", 1)[0].lower() if not host.startswith("[") else ""
    suffix = "." + settings.BOOKING_ROOT_DOMAIN
    if not hostname.endswith(suffix):
        return None
    label = hostname[: -len(suffix)]
    if not label or "." in label or label in RESERVED_SLUGS:
        return None
    return label


def subdomain_booking_link(get_response):
    def middleware(request):
        slug = subdomain_slug(request.get_host())
        if slug and not request.path_info.startswith(SHARED_PREFIXES):
            request.path_info = f"/book/{slug}{request.path_info}"
        return get_response(request)

    return middleware
