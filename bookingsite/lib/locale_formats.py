"""Dates, times, weekdays and prices as the reader's locale writes them (DESIGN.md 12), with Babel.

The language comes from Django's translation (bookingsite.lib.languages chooses it); this module
adds the region and the clock. The formatting locale is the language with a region:
  1. the region of the first Accept-Language tag in that language ("en-US" -> en_US);
  2. else the territory of the first zone given whose locale exists (pages: the business's zone;
     emails, which have no Accept-Language: the client's zone, then the business's);
  3. else the language's usual locale: en_GB (the site's English has always been British), de_DE,
     es_ES, fr_FR.
The clock is CLDR's for that locale (12-hour for en_US, 24-hour for en_GB, de, es, fr) unless the
business forces one (BusinessProfile.clock).

`use_formats` sets the formats for the rest of a request or an email (a context variable, so it
follows the thread or task that set it); the template filters (core/templatetags/display.py), the
month grid and the zone names read `current_formats()`. Without one set, the active language's
usual locale and clock apply.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache

from babel import Locale, localedata
from babel.core import get_global
from babel.dates import format_datetime, match_skeleton, tokenize_pattern, untokenize_pattern
from babel.numbers import format_currency, get_currency_name, get_currency_symbol, get_territory_currencies
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

# The locale of a language when neither the browser nor a zone names its region.
USUAL_LOCALES = {"en": "en_GB", "de": "de_DE", "es": "es_ES", "fr": "fr_FR"}
FALLBACK_CURRENCY = "USD"  # a zone without a territory (UTC) or one without a currency


class Clock:
    """BusinessProfile.clock's values: the locale's clock, or one forced for every page and email."""

    AUTOMATIC = "auto"
    TWELVE = "12h"
    TWENTY_FOUR = "24h"


@dataclass(frozen=True)
class Formats:
    locale: Locale
    clock_12h: bool

    @property
    def key(self) -> str:
        """Names these formats in a cache key: "en_US:12"."""
        return f"{self.locale}:{12 if self.clock_12h else 24}"

    @property
    def first_weekday(self) -> int:
        """0 Monday … 6 Sunday (Sunday for en_US; Monday for en_GB, de, es, fr)."""
        return self.locale.first_week_day

    def weekdays(self) -> list[tuple[str, str]]:
        """The week from its first day as a calendar heads its columns: ("Mo", "Monday"), ("Di.", "Dienstag")."""
        short, wide = self.locale.days["stand-alone"]["short"], self.locale.days["stand-alone"]["wide"]
        days = [(self.first_weekday + n) % 7 for n in range(7)]
        return [(short[day], wide[day]) for day in days]


_current: ContextVar[Formats | None] = ContextVar("locale_formats", default=None)


def _language() -> str:
    return (translation.get_language() or "en").split("-")[0]


@cache
def _known_locales() -> frozenset[str]:
    return frozenset(localedata.locale_identifiers())


def zone_territory(zone: str) -> str:
    """The country a zone is in, by CLDR ("GB" for Europe/London); "" for UTC and the like."""
    territory = get_global("zone_territories").get(zone, "")
    return "" if territory in ("001", "ZZ") else territory


def formatting_locale(language: str, *, accept_language: str = "", zones: Iterable[str] = ()) -> Locale:
    """The language with its region, by the rule in this module's docstring."""
    language = language.split("-")[0].lower()
    regions = [code.split("-")[1] for code, _quality in parse_accept_lang_header(accept_language[:500])
               if code.count("-") == 1 and code.split("-")[0] == language]
    regions += [zone_territory(zone) for zone in zones if zone]
    for region in regions:
        if f"{language}_{region.upper()}" in _known_locales():
            return Locale(language, region.upper())
    return Locale.parse(USUAL_LOCALES.get(language, language))


def uses_12h(locale: Locale, clock: str = Clock.AUTOMATIC) -> bool:
    """A forced clock, else the locale's: CLDR's short time has an "h" or "K" ("h:mm a") where it is 12-hour."""
    if clock != Clock.AUTOMATIC:
        return clock == Clock.TWELVE
    pattern = locale.time_formats["short"].pattern
    return "h" in pattern or "K" in pattern


def formats_for(language: str, *, accept_language: str = "", zones: Iterable[str] = (), clock: str = Clock.AUTOMATIC) -> Formats:
    locale = formatting_locale(language, accept_language=accept_language, zones=zones)
    return Formats(locale=locale, clock_12h=uses_12h(locale, clock))


def business_formats(language: str, business, *, accept_language: str = "", client_zone: str = "") -> Formats:
    """The formats of a page or email of `business` (anything with `timezone` and `clock`) in `language`."""
    zones = [client_zone, business.timezone] if client_zone else [business.timezone]
    return formats_for(language, accept_language=accept_language, zones=zones, clock=business.clock)


def use_formats(formats: Formats | None) -> None:
    """Format the rest of this request (or task) so; None: by the active language alone."""
    _current.set(formats)


@contextmanager
def formats_used(formats: Formats) -> Iterator[Formats]:
    """Format with `formats` inside the block (an email rendered by a task), then as before."""
    token = _current.set(formats)
    try:
        yield formats
    finally:
        _current.reset(token)


def current_formats() -> Formats:
    """The formats set for this request or email when they are in the active language, else that language's usual ones."""
    formats, language = _current.get(), _language()
    if formats is not None and formats.locale.language == language:
        return formats
    return _usual_formats(language)


@cache
def _usual_formats(language: str) -> Formats:
    return formats_for(language)


# --- Dates and times ---------------------------------------------------------------------------
# Each style is a CLDR skeleton: the fields wanted, which each locale orders and punctuates its own way.
DATE_SKELETONS = {
    "weekday_date": "MMMMEEEEd",  # Monday 7 December; Monday, December 7; Montag, 7. Dezember
    "weekday_date_year": "yMMMMEEEEd",  # Monday, 7 December 2026
    "short_date": "MMMEd",  # Mon 7 Dec
    "short_date_year": "yMMMEd",  # Mon, 7 Dec 2026
    "day_month": "MMMd",  # 7 Dec
    "day_month_year": "yMMMd",  # 7 Dec 2026
    "month_year": "yMMMM",  # December 2026
    "month_name": "LLLL",  # December
}


@cache
def _pattern(locale_id: str, skeleton: str) -> str:
    """The locale's pattern for a skeleton. Babel picks the nearest one it has but keeps its widths
    ("E, MMM d" for "MMMMEEEEd"); as CLDR's matching asks, the names get the widths asked for."""
    locale = Locale.parse(locale_id)
    options = locale.datetime_skeletons
    found = skeleton if skeleton in options else match_skeleton(skeleton, options)
    if found is None:
        return skeleton
    asked = {}
    for char in skeleton:
        asked[char] = asked.get(char, 0) + 1
    same = {"L": "M", "M": "L", "c": "E", "E": "c"}  # stand-alone and format forms of one field
    tokens = []
    for kind, value in tokenize_pattern(str(options[found].pattern)):
        if kind == "field":
            char, width = value
            wanted = asked.get(char) or asked.get(same.get(char, ""), 0)
            is_name = char == "E" or (char in "MLc" and width >= 3)  # not a number: "E" is always a name
            if is_name and wanted >= 3:
                value = (char, wanted)
        tokens.append((kind, value))
    return untokenize_pattern(tokens)


def _time_pattern(formats: Formats) -> str:
    return _pattern(str(formats.locale), "hm" if formats.clock_12h else "Hm")


def format_date(value: date | datetime, style: str, formats: Formats | None = None) -> str:
    """A date in one of DATE_SKELETONS' styles ("weekday_date": "Montag, 7. Dezember")."""
    formats = formats or current_formats()
    return format_datetime(value, _pattern(str(formats.locale), DATE_SKELETONS[style]), locale=formats.locale)


def format_time(value: time | datetime, formats: Formats | None = None) -> str:
    """A time of day on the reader's clock: "09:00", "9:00 AM"."""
    formats = formats or current_formats()
    moment = datetime.combine(date(2000, 1, 1), value) if isinstance(value, time) else value
    return format_datetime(moment, _time_pattern(formats), locale=formats.locale)


def format_date_time(value: datetime, style: str, formats: Formats | None = None) -> str:
    """A date in `style` and its time, joined as the locale joins them: "Mon 7 Dec, 09:00"."""
    formats = formats or current_formats()
    joined = str(formats.locale.datetime_formats["medium"])
    return joined.replace("{1}", format_date(value, style, formats)).replace("{0}", format_time(value, formats))


# --- Prices ------------------------------------------------------------------------------------


def format_money(amount: Decimal, currency: str, formats: Formats | None = None) -> str:
    """A price in the reader's locale: £20 and £12.50 in en_GB, 20 € and 12,50 € in de. Whole amounts
    show no decimals, as the site always has."""
    formats = formats or current_formats()
    whole = amount == amount.to_integral_value()
    pattern = formats.locale.currency_formats["standard"].pattern
    return format_currency(
        amount, currency, pattern.replace("0.00", "0") if whole else pattern,
        locale=formats.locale, currency_digits=not whole,
    )


def zone_currency(zone: str) -> str:
    """The currency of the country a zone is in (GBP for Europe/London); USD when it has none."""
    territory = zone_territory(zone)
    current = get_territory_currencies(territory, tender=True) if territory else []
    return current[0] if current else FALLBACK_CURRENCY


@cache
def currency_codes() -> frozenset[str]:
    """The ISO 4217 codes in use today as some country's legal tender."""
    territories = get_global("territory_currencies")
    return frozenset(code for territory in territories for code in get_territory_currencies(territory, tender=True))


def currency_choices(language: str | None = None) -> list[tuple[str, str]]:
    """The currencies to choose from, by their names in the language: ("GBP", "British Pound (GBP)")."""
    locale = Locale.parse(language or _language())
    named = [(code, f"{get_currency_name(code, locale=locale)} ({code})") for code in currency_codes()]
    return sorted(named, key=lambda choice: choice[1].casefold())


def currency_symbol_label(currency: str, formats: Formats | None = None) -> str:
    """The currency as a price label names it: "£ (GBP)"; just "CHF" where its symbol is its code."""
    formats = formats or current_formats()
    symbol = get_currency_symbol(currency, locale=formats.locale)
    return currency if symbol == currency else f"{symbol} ({currency})"
