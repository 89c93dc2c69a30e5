"""Validators shared by the models, the owner's forms and the API."""

from functools import cache
from importlib import resources

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bookingsite.lib.locale_formats import currency_codes

# Words a booking slug may not take: they are, or may become, paths or subdomains of the site.
RESERVED_SLUGS = frozenset(
    {
        "about", "account", "accounts", "admin", "api", "app", "assets", "auth", "billing", "blog",
        "book", "booking", "bookings", "calendar", "dashboard", "docs", "embed", "help", "healthz",
        "home", "login", "logout", "mail", "manage", "media", "new", "owner", "pricing", "privacy",
        "root", "settings", "signup", "staff", "static", "status", "support", "terms", "www",
    }
)


# IANA's placeholder for "no zone set", which names no place.
NOT_LOCATIONS = frozenset({"Factory"})


@cache
def timezone_names() -> frozenset[str]:
    """The one list of zones a business or a client may use: the picker's, the forms', the API's.

    IANA's zones and links as the pinned tzdata package lists them, so every machine offers the
    same list and ZoneInfo loads each one. Old names stay (Asia/Calcutta, US/Eastern, Etc/GMT+5):
    browsers still report some and stored rows may hold them. zoneinfo.available_timezones() is
    not used: it adds the files of the machine's zoneinfo folder, such as "localtime", which name no zone.
    """
    names = resources.files("tzdata").joinpath("zones").read_text().split()
    return frozenset(names) - NOT_LOCATIONS


def validate_timezone(value: str) -> None:
    if value not in timezone_names():
        raise ValidationError(_("“%(value)s” is not a known time zone."), code="unknown_timezone", params={"value": value})


def validate_not_reserved_slug(value: str) -> None:
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(_("“%(value)s” is reserved; choose another link name."), code="reserved", params={"value": value})


def validate_currency(value: str) -> None:
    if value not in currency_codes():
        raise ValidationError(
            _("“%(value)s” is not a currency in use; use an ISO 4217 code such as GBP or EUR."),
            code="unknown_currency", params={"value": value},
        )
