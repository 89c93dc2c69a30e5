"""Serve `<slug>.<BOOKING_ROOT_DOMAIN>` as the business's booking link, tell JSON requests from pages,
and answer "busy" when a lock times out."""

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render
from rest_framework.views import APIView

from bookingsite.businesses.locking import as_busy_error
from bookingsite.businesses.validators import RESERVED_SLUGS
from bookingsite.lib.json_errors import json_errors

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


def on_booking_link(request) -> bool:
    """A public booking page (a subdomain link's path is /book/<slug>/... by now): any site may frame it."""
    return request.path_info.startswith("/book/")


def subdomain_booking_link(get_response):
    def middleware(request):
        slug = subdomain_slug(request.get_host())
        if slug and not request.path_info.startswith(SHARED_PREFIXES):
            request.path_info = f"/book/{slug}{request.path_info}"
        return get_response(request)

    return middleware


def wants_json(request: HttpRequest) -> bool:
    """Whether an error answer to this request is JSON rather than a page: anything under /api/, the
    DRF views (the public JSON under /book/ too), and a request that sends or asks for JSON."""
    if request.path_info.startswith("/api/"):
        return True
    if request.content_type == "application/json" or request.headers.get("Accept", "").startswith("application/json"):
        return True
    return leads_to_drf_view(request)


def leads_to_drf_view(request: HttpRequest) -> bool:
    """Whether the request's URL resolved to a DRF view (the API's or the public JSON's)."""
    match = request.resolver_match
    return match is not None and issubclass(getattr(match.func, "cls", object), APIView)


def start_again_url(path: str) -> str:
    """Where an error page sends the visitor to start again: their booking link's first page, else the owner's."""
    return "/book/" + path.split("/")[2] + "/" if path.startswith("/book/") else "/app/"


def busy_answer(get_response):
    """A write that could not get its business's lock in time (BusyError) answers 503 "busy, please
    try again" with Retry-After, as a page or as JSON, never a hang or a 500 (DESIGN.md 5).
    DRF views answer it themselves, in the API's error shape."""

    def middleware(request):
        return get_response(request)

    def process_exception(request, exception):
        busy = as_busy_error(exception)
        if busy is None:
            return None
        if wants_json(request):
            response = json_errors(503, __all__=[str(busy.message)])
        else:
            context = {"message": busy.message, "back_url": start_again_url(request.path_info)}
            response = render(request, "busy.html", context, status=503)
        response["Retry-After"] = str(busy.retry_after_seconds)
        # A booking page inside the owner's website shows it in the frame, like the page itself.
        response.xframe_options_exempt = on_booking_link(request)
        return response

    middleware.process_exception = process_exception
    return middleware
