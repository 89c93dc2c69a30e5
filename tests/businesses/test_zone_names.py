"""Time zones named and found as a person would (DESIGN.md 12): no database needed."""

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from django.utils import translation

from bookingsite.businesses.validators import timezone_names
from bookingsite.businesses.zone_names import zone_label, zone_pick, zone_search, zone_time_name
from bookingsite.lib.locale_formats import formats_for, formats_used

WINTER = datetime(2027, 1, 15, 12, 4, tzinfo=UTC)
SUMMER = datetime(2027, 7, 15, 12, 4, tzinfo=UTC)


def found(query: str, now: datetime = WINTER) -> list[str]:
    return [choice.name for choice in zone_search(query, now).choices]


@pytest.mark.parametrize("query", ["tokyo", "Tokyo", "TOKYO", " tokyo ", "asia/tokyo", "Asia/Tokyo", "japan", "JST"])
def test_tokyo_is_found_by_its_city_country_id_and_abbreviation_in_any_case(query):
    assert found(query)[0] == "Asia/Tokyo"
    assert zone_pick(query, WINTER) == "Asia/Tokyo"


@pytest.mark.parametrize("query", ["PST", "pst", "PDT", "pacific time", "Pacific Standard Time"])
def test_a_zone_name_or_abbreviation_finds_every_zone_it_covers(query):
    assert {"America/Los_Angeles", "America/Vancouver", "America/Tijuana"} <= set(found(query))


def test_several_equally_good_matches_are_listed_not_picked():
    assert zone_pick("PST", WINTER) is None
    assert zone_pick("Germany", WINTER) is None  # Berlin and Busingen
    assert set(found("Germany")) == {"Europe/Berlin", "Europe/Busingen"}


def test_an_old_bare_iana_id_is_not_taken_for_what_a_person_means():
    # "EST" is Eastern Time to a person; IANA's "EST" is a fixed UTC-5 with no summer time.
    assert zone_pick("EST", WINTER) is None
    assert "America/New_York" in found("EST")


@pytest.mark.parametrize(("query", "zone"), [
    ("sao paulo", "America/Sao_Paulo"), ("São Paulo", "America/Sao_Paulo"), ("calcutta", "Asia/Kolkata"),
    ("kiev", "Europe/Kyiv"), ("india", "Asia/Kolkata"), ("uk", "Europe/London"), ("england", "Europe/London"),
    ("new york", "America/New_York"), ("utc", "UTC"), ("indianapolis", "America/Indiana/Indianapolis"),
])
def test_cities_countries_and_old_names_are_found_without_accents(query, zone):
    assert found(query)[0] == zone
    assert zone_pick(query, WINTER) == zone


def test_the_city_comes_before_a_name_that_merely_contains_the_query():
    assert found("ber")[0] == "Europe/Berlin"
    assert found("par")[0] == "America/Paramaribo" or "Europe/Paris" in found("par")[:3]


def test_an_offset_finds_the_zones_at_it_now():
    assert {"Asia/Kolkata", "Asia/Colombo"} == set(found("UTC+5:30"))
    assert "America/Los_Angeles" in found("utc-8", WINTER) and "America/Los_Angeles" not in found("utc-8", SUMMER)
    assert "America/Los_Angeles" in found("GMT-7", SUMMER)
    assert zone_pick("+9", WINTER) is None  # an offset is many places


def test_a_query_that_names_nothing_finds_nothing():
    assert found("Atlantis") == [] and zone_pick("Atlantis", WINTER) is None
    assert found("") == [] and found("   ") == []


def test_many_matches_are_cut_and_counted():
    matches = zone_search("america", WINTER, limit=5)
    assert len(matches.choices) == 5 and matches.more > 20


def test_the_label_gives_the_city_the_zone_the_offset_and_the_time_now():
    assert zone_label("Asia/Tokyo", WINTER) == "Tokyo — Japan Time, UTC+9, now 21:04"
    assert zone_label("America/Los_Angeles", WINTER) == "Los Angeles — Pacific Time, UTC−8, now 04:04"
    assert zone_label("America/Los_Angeles", SUMMER) == "Los Angeles — Pacific Time, UTC−7, now 05:04"
    assert zone_label("Asia/Kolkata", WINTER) == "Kolkata — India Time, UTC+5:30, now 17:34"
    assert zone_label("UTC", WINTER) == "UTC — Coordinated Universal Time, UTC+0, now 12:04"
    assert zone_label("Etc/GMT+5", WINTER) == "UTC−5 — now 07:04"  # POSIX sign: five hours behind


@pytest.mark.parametrize(("zone", "name"), [
    ("Asia/Tokyo", "Tokyo time"), ("America/Los_Angeles", "Los Angeles time"), ("Europe/London", "London time"),
    ("Asia/Calcutta", "Kolkata time"), ("America/Argentina/Buenos_Aires", "Buenos Aires time"), ("UTC", "UTC"),
    ("Etc/UTC", "UTC"),
])
def test_pages_and_emails_name_a_zone_by_its_place(zone, name):
    assert zone_time_name(zone) == name


def test_every_zone_a_client_may_use_has_a_readable_name_and_label():
    for zone in timezone_names():
        name, label = zone_time_name(zone), zone_label(zone, SUMMER)
        assert name and "/" not in name and "_" not in name, zone
        assert "Unknown" not in label and "/" not in label, (zone, label)


@given(st.text(max_size=40))
def test_any_query_answers_without_error_and_only_known_zones(query):
    matches = zone_search(query, WINTER)
    assert len(matches.choices) <= 12 and matches.more >= 0
    assert all(choice.name in timezone_names() for choice in matches.choices)
    picked = zone_pick(query, WINTER)
    assert picked is None or picked in timezone_names()


@pytest.mark.parametrize(("language", "query"), [
    ("de", "Tokio"), ("de", "tokio"), ("de", "Tokyo"), ("de", "Japan"), ("es", "Tokio"), ("fr", "Japon"), ("fr", "tokyo"),
])
def test_a_client_finds_a_zone_by_its_name_in_their_language_or_in_english(language, query):
    with translation.override(language):
        assert found(query)[0] == "Asia/Tokyo"


def test_a_language_s_names_are_not_found_in_another():
    with translation.override("en"):
        assert "Europe/Vienna" not in found("Wien")
    with translation.override("de"):
        assert found("Wien")[0] == "Europe/Vienna"


@pytest.mark.parametrize(("language", "zone", "label"), [
    ("de", "Asia/Tokyo", "Tokio — Japanische Zeit, UTC+9, jetzt 21:04"),
    ("de", "Europe/Vienna", "Wien — Mitteleuropäische Zeit, UTC+1, jetzt 13:04"),
    ("de", "UTC", "UTC — Koordinierte Weltzeit, UTC+0, jetzt 12:04"),
    ("fr", "Asia/Tokyo", "Tokyo — heure du Japon, UTC+9, actuellement 21:04"),
    ("fr", "Europe/Vienna", "Vienne — heure d’Europe centrale, UTC+1, actuellement 13:04"),
    ("fr", "America/Los_Angeles", "Los Angeles — heure du Pacifique nord-américain, UTC−8, actuellement 04:04"),
])
def test_zones_are_named_in_the_client_s_language(language, zone, label):
    with translation.override(language):
        assert zone_label(zone, WINTER) == label


def test_the_time_now_is_on_the_reader_s_clock():
    with translation.override("en"), formats_used(formats_for("en", accept_language="en-US")):
        assert zone_label("Asia/Tokyo", WINTER) == "Tokyo — Japan Time, UTC+9, now 9:04 PM"


def test_every_zone_has_a_readable_name_in_german_and_french():
    for language in ("de", "fr"):
        with translation.override(language):
            for zone in timezone_names():
                label = zone_label(zone, SUMMER)
                assert label and ("/" not in zone or zone not in label) and "_" not in label, label  # no id
                assert "Unbekannt" not in label and "indéterminée" not in label, label
