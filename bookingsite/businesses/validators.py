"""Validators shared by the models, the owner's forms and the API."""

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Words a booking slug may not take: they are, or may become, paths or subdomains of the site.
RESERVED_SLUGS = frozenset(
    {
        "about", "account", "accounts", "admin", "api", "app", "assets", "auth", "billing", "blog",
        "book", "booking", "bookings", "calendar", "dashboard", "docs", "embed", "help", "healthz",
        "home", "login", "logout", "mail", "manage", "media", "new", "owner", "pricing", "privacy",
        "root", "settings", "signup", "staff", "static", "status", "support", "terms", "www",
    }
)


@cache
def timezone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in timezone_names():
        raise ValidationError(_("“%(value)s” is not a known time zone."), code="unknown_timezone", params={"value": value})


def validate_not_reserved_slug(value: str) -> None:
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(_("“%(value)s” is reserved; choose another link name."), code="reserved", params={"value": value})
