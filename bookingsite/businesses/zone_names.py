"""Time zones as a person names and looks for them (DESIGN.md 12), from Babel's CLDR data.

A client sees "Tokyo time" in pages and emails, and picks a zone by searching for a city, a
country, a zone's name or its abbreviation, in any case ("tokyo", "Japan", "pacific", "PST",
"UTC+9"), each match shown as "Tokyo — Japan Time, UTC+9, now 21:04".

Names are in the reader's language (the active one, as bookingsite.lib.locale_formats reads it):
a German client sees "Tokio" and finds it by "Tokio" or by "Tokyo", since every language's index
also holds the English names. What a zone can be searched by is built once per process and
language, when that language first asks; what changes with the clock (its offset and local time
now) is worked out per answer, for the matches only.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location, get_timezone_name
from django.utils.translation import gettext as _

from bookingsite.lib.locale_formats import current_formats, format_time, zone_territory

from .validators import timezone_names

ENGLISH = "en"  # its names are searched in every language
UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/Universal", "Etc/Zulu", "Universal", "Zulu", "Etc/UCT", "UCT"})
# An offset asked for as such: "UTC+9", "gmt-3:30", "+0530", "+9".
OFFSET_QUERY = re.compile(r"^(?:utc|gmt)?\s*([+-−])\s*(\d{1,2})(?::?(\d{2}))?$")
# Everyday names of countries that CLDR keeps as short or variant forms, which Babel does not ship.
EVERYDAY_COUNTRY_NAMES = {
    "GB": ("UK", "Britain", "Great Britain", "England", "Scotland", "Wales"),
    "US": ("USA", "US", "America"),
    "AE": ("UAE",),
}
# Days whose abbreviations a zone is searched by: a northern winter and a northern summer day.
SEASONS = (datetime(2026, 1, 15, 12, tzinfo=UTC), datetime(2026, 7, 15, 12, tzinfo=UTC))


@dataclass(frozen=True)
class ZoneChoice:
    """One zone as the picker lists it."""

    name: str  # the IANA id the page sends: Asia/Tokyo
    city: str  # Tokyo
    detail: str  # Japan Time, UTC+9, now 21:04

    @property
    def label(self) -> str:
        return f"{self.city} — {self.detail}"


@dataclass(frozen=True)
class ZoneMatches:
    query: str
    choices: tuple[ZoneChoice, ...]
    more: int  # matches left off the list


@dataclass(frozen=True)
class _Entry:
    name: str
    city: str
    area: str  # Japan Time; Pacific Time
    principal: bool  # the zone CLDR names for a region's time (New York for Eastern Time): listed first
    exact: frozenset[str]  # what names it outright, folded: city, country, id, old ids, JST, PST
    words: tuple[str, ...]  # every name it is searched by, folded


def _fold(text: str) -> str:
    """Lower case, accents and punctuation away: "São Paulo" and "sao-paulo" meet."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return " ".join(re.sub(r"[^\w+]+", " ", plain.replace("_", " ")).split())


def _language() -> str:
    return current_formats().locale.language


def _city(name: str, language: str) -> str:
    if name in UTC_NAMES:
        return "UTC"
    if name.startswith("Etc/GMT"):  # POSIX signs: Etc/GMT+5 is five hours behind
        return _offset_text(ZoneInfo(name).utcoffset(SEASONS[0]) or timedelta())
    city = get_timezone_location(name, locale=language, return_city=True)
    # Babel falls back to the id's path ("Indiana/Indianapolis"); a person says the last part.
    return city.rsplit("/", 1)[-1].replace("_", " ")


def _country(name: str, language: str) -> str:
    territory = zone_territory(name)
    return Locale.parse(language).territories.get(territory, "") if territory else ""


def _area(name: str, language: str) -> str:
    """The zone's everyday name: "Pacific Time", "Japan Time"; its country's ("India Time") where
    CLDR has none of its own (Babel would say "United States (Knox) Time" or "Unknown Region")."""
    locale = Locale.parse(language)
    if name in UTC_NAMES:
        return locale.time_zones["Etc/UTC"]["long"]["standard"]
    own = locale.time_zones.get(name, {}).get("long", {}).get("generic")
    metazone = get_global("meta_zones").get(name)
    if own or (metazone and locale.meta_zones.get(metazone, {}).get("long", {}).get("generic")):
        return get_timezone_name(name, width="long", zone_variant="generic", locale=locale)
    country = _country(name, language)
    return locale.zone_formats["region"] % country if country else ""


def _abbreviations(name: str, language: str) -> frozenset[str]:
    zone = ZoneInfo(name)
    found = {moment.astimezone(zone).tzname() or "" for moment in SEASONS}
    for variant in ("generic", "standard", "daylight"):
        found.add(get_timezone_name(name, width="short", zone_variant=variant, locale=language))
    # "+09" and Babel's "GMT+09:00" fallbacks are offsets, searched as such.
    return frozenset(_fold(word) for word in found if word and word[0].isalpha() and not word.startswith("GMT+")
                     and not word.startswith("GMT-") and len(word) <= 5)


@cache
def _index(language: str) -> tuple[_Entry, ...]:
    """Every zone a person may pick, named in `language`: CLDR's cities (one per place that keeps
    its own time) and UTC. Searched by its English names too."""
    known = timezone_names()
    principal = frozenset(get_global("windows_zone_mapping").values())
    names = [name for name in get_global("zone_territories") if name in known and not name.startswith("Etc/")]
    english = {entry.name: entry for entry in _index(ENGLISH)} if language != ENGLISH else {}
    entries = []
    for name in [*names, "UTC"]:
        city, area = _city(name, language), _area(name, language)
        long_names = {get_timezone_name(name, width="long", zone_variant=variant, locale=language)
                      for variant in ("standard", "daylight")} if name not in UTC_NAMES else set()
        ids = [name, *sorted(alias for alias, canonical in get_global("zone_aliases").items() if canonical == name)]
        countries = [_country(name, language), *EVERYDAY_COUNTRY_NAMES.get(zone_territory(name), ())]
        exact = {city, *countries, *ids, *(zone_id.rsplit("/", 1)[-1] for zone_id in ids)}
        words = [city, *countries, area, *ids, *sorted(long_names)]
        also = english.get(name)
        entries.append(_Entry(
            name, city, area, principal=name in principal or name == "UTC",
            exact=frozenset(_fold(word) for word in exact if word) | _abbreviations(name, language)
            | (also.exact if also else frozenset()),
            words=tuple(dict.fromkeys([*(_fold(word) for word in words if word), *(also.words if also else ())])),
        ))
    return tuple(sorted(entries, key=lambda entry: _fold(entry.city)))


@cache
def _entry_by_name(language: str) -> dict[str, _Entry]:
    entries = {entry.name: entry for entry in _index(language)}
    for alias, canonical in get_global("zone_aliases").items():
        if canonical in entries:
            entries.setdefault(alias, entries[canonical])
    return entries


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_city(name: str) -> str:
    """The place a zone is named for, as a person writes it in the reader's language: "Tokyo", "Tokio", "UTC"."""
    return _named_city(name, _language())


@cache
def _named_city(name: str, language: str) -> str:
    entry = _entry_by_name(language).get(name)
    return entry.city if entry else _city(name, language)


def zone_time_name(name: str) -> str:
    """The zone as pages and emails name it: "Tokyo time"; "UTC"."""
    city = zone_city(name)
    return city if city == "UTC" else _("%(city)s time") % {"city": city}


def zone_choice(name: str, now: datetime) -> ZoneChoice:
    """The zone as the picker shows it: Tokyo, "Japan Time, UTC+9, now 21:04" (on the reader's clock)."""
    local = now.astimezone(ZoneInfo(name))
    language = _language()
    entry = _entry_by_name(language).get(name)
    city, area = (entry.city, entry.area) if entry else (_city(name, language), _area(name, language))
    offset = _offset_text(local.utcoffset() or timedelta())
    facts = [fact for fact in (area, offset) if fact and fact != city]
    return ZoneChoice(name=name, city=city, detail=", ".join([*facts, _("now %(time)s") % {"time": format_time(local)}]))


def zone_label(name: str, now: datetime) -> str:
    """The zone in one line: "Tokyo — Japan Time, UTC+9, now 21:04"; "UTC−5 — now 23:42"."""
    return zone_choice(name, now).label


def _rank(entry: _Entry, query: str) -> int | None:
    """0 what names it outright (its city, country, id, abbreviation); 1 a name that starts with
    the query; 2 a word that does; 3 the query anywhere in a name; None no match."""
    if query in entry.exact:
        return 0
    if any(word.startswith(query) for word in entry.words):
        return 1
    if any(part.startswith(query) for word in entry.words for part in word.split()):
        return 2
    if any(query in word for word in entry.words):
        return 3
    return None


def _offset_matches(query: str, now: datetime) -> list[_Entry] | None:
    """The zones at an offset asked for as such ("UTC+9"), or None when the query is not one."""
    found = OFFSET_QUERY.match(query)
    if not found:
        return None
    sign = -1 if found.group(1) in "-−" else 1
    offset = timedelta(hours=int(found.group(2)), minutes=int(found.group(3) or 0)) * sign
    return [entry for entry in _index(_language()) if now.astimezone(ZoneInfo(entry.name)).utcoffset() == offset]


def zone_search(query: str, now: datetime, *, limit: int = 12) -> ZoneMatches:
    """The zones a query names, best first (DESIGN.md 12): by city, country, zone name,
    abbreviation or UTC offset, in any case and without accents."""
    folded = _fold(query)
    if not folded:
        return ZoneMatches(query=query, choices=(), more=0)
    by_offset = _offset_matches(query.strip().casefold(), now)
    if by_offset is not None:
        ranked = sorted(by_offset, key=lambda entry: not entry.principal)
    else:
        scored = [(rank, entry) for entry in _index(_language()) if (rank := _rank(entry, folded)) is not None]
        # The index is in city order; within a rank the principal zones come first.
        ranked = [entry for _rank_, entry in sorted(scored, key=lambda pair: (pair[0], not pair[1].principal))]
    choices = tuple(zone_choice(entry.name, now) for entry in ranked[:limit])
    return ZoneMatches(query=query, choices=choices, more=max(0, len(ranked) - limit))


@cache
def _ids_by_folded_case() -> dict[str, str]:
    """The ids a person may type in any case ("asia/tokyo"); not IANA's old bare ones ("EST",
    "Japan"): "EST" is Eastern Time to a person, not a fixed UTC-5 without summer time."""
    return {name.casefold(): name for name in timezone_names() if "/" in name or name in UTC_NAMES}


def zone_pick(query: str, now: datetime) -> str | None:
    """The one zone a query can only mean, for a form sent without JavaScript: an IANA id in any
    case, or a single best match ("tokyo"). None when it names no zone or several equally well."""
    text = query.strip()
    if named := _ids_by_folded_case().get(text.casefold().replace(" ", "_")):
        return named
    folded = _fold(text)
    if not folded or OFFSET_QUERY.match(text.casefold()):
        return None
    exact = [entry for entry in _index(_language()) if _rank(entry, folded) == 0]
    if len(exact) == 1:
        return exact[0].name
    return None
