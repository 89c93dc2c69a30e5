"""Dates, times, the week and prices by locale (DESIGN.md 12): lib.locale_formats and the display filters."""

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from bookingsite.lib.locale_formats import (
    Clock,
    current_formats,
    currency_choices,
    currency_symbol_label,
    format_date,
    format_date_time,
    format_money,
    format_time,
    formats_for,
    formats_used,
    formatting_locale,
    use_formats,
    zone_currency,
)

MONDAY = datetime(2026, 12, 7, 21, 30, tzinfo=UTC)


@pytest.mark.parametrize(("language", "accepted", "zones", "locale"), [
    ("en", "en-US,en;q=0.9", ["Europe/London"], "en_US"),  # the browser's region first
    ("en", "de-DE,en-AU;q=0.8", ["Europe/London"], "en_AU"),  # its first tag in the page's language
    ("en", "", ["America/New_York"], "en_US"),  # else the zone's country
    ("en", "", ["Europe/London"], "en_GB"),
    ("de", "", ["Europe/Berlin"], "de_DE"),
    ("de", "", ["Europe/Vienna"], "de_AT"),
    ("de", "en-US", ["America/New_York"], "de_DE"),  # no German of the US: the usual German
    ("en", "", ["UTC"], "en_GB"),  # no country: English as the site has always written it
    ("fr", "", [], "fr_FR"),
    ("es", "", [], "es_ES"),
    ("en", "", ["", "Asia/Tokyo", "America/Chicago"], "en_US"),  # the first zone whose locale exists: no en_JP
])
def test_the_formatting_locale_is_the_language_with_a_region(language, accepted, zones, locale):
    assert str(formatting_locale(language, accept_language=accepted, zones=zones)) == locale


@pytest.mark.parametrize(("language", "accepted", "clock", "expected"), [
    ("en", "en-US", Clock.AUTOMATIC, "9:30 PM"),
    ("en", "en-GB", Clock.AUTOMATIC, "21:30"),
    ("de", "", Clock.AUTOMATIC, "21:30"),
    ("fr", "", Clock.AUTOMATIC, "21:30"),
    ("es", "", Clock.AUTOMATIC, "21:30"),
    ("en", "en-US", Clock.TWENTY_FOUR, "21:30"),  # the owner's setting forces either
    ("en", "en-GB", Clock.TWELVE, "9:30 pm"),
    ("de", "", Clock.TWELVE, "9:30 PM"),
])
def test_12_hour_clock_for_en_us_24_hour_for_the_others_unless_forced(language, accepted, clock, expected):
    formats = formats_for(language, accept_language=accepted, clock=clock)

    assert format_time(MONDAY, formats).replace("\N{NARROW NO-BREAK SPACE}", " ") == expected
    assert format_time(time(21, 30), formats).replace("\N{NARROW NO-BREAK SPACE}", " ") == expected
    assert formats.clock_12h is (expected[-2:].lower() == "pm")


@pytest.mark.parametrize(("language", "accepted", "first", "headers"), [
    ("en", "en-US", 6, ["Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"]),
    ("en", "en-GB", 0, ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]),
    ("de", "", 0, ["Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."]),
    ("fr", "", 0, ["lu", "ma", "me", "je", "ve", "sa", "di"]),
    ("es", "", 0, ["LU", "MA", "MI", "JU", "VI", "SA", "DO"]),
])
def test_the_week_starts_on_sunday_in_en_us_and_monday_elsewhere(language, accepted, first, headers):
    formats = formats_for(language, accept_language=accepted)

    assert formats.first_weekday == first
    assert [short for short, _long in formats.weekdays()] == headers


@pytest.mark.parametrize(("language", "accepted", "weekday_date", "short_time", "month_year"), [
    ("en", "en-GB", "Monday 7 December", "Mon 7 Dec, 21:30", "December 2026"),
    ("en", "en-US", "Monday, December 7", "Mon, Dec 7, 9:30 PM", "December 2026"),
    ("de", "", "Montag, 7. Dezember", "Mo., 7. Dez., 21:30", "Dezember 2026"),
    ("fr", "", "lundi 7 décembre", "lun. 7 déc., 21:30", "décembre 2026"),
    ("es", "", "lunes, 7 de diciembre", "lun, 7 dic, 21:30", "diciembre de 2026"),
])
def test_dates_name_the_weekday_and_month_in_the_locale(language, accepted, weekday_date, short_time, month_year):
    formats = formats_for(language, accept_language=accepted)

    assert format_date(MONDAY, "weekday_date", formats) == weekday_date
    assert format_date_time(MONDAY, "short_date", formats) == short_time
    assert format_date(date(2026, 12, 1), "month_year", formats) == month_year


@pytest.mark.parametrize(("language", "accepted", "whole", "cents", "yen"), [
    ("en", "en-GB", "£20", "£12.50", "JP¥1,500"),
    ("en", "en-US", "£20", "£12.50", "¥1,500"),
    ("de", "", "20 £", "12,50 £", "1.500 ¥"),
    ("fr", "", "20 £GB", "12,50 £GB", "1 500 JPY"),
    ("es", "", "20 GBP", "12,50 GBP", "1.500 JPY"),
])
def test_prices_are_written_as_the_locale_writes_them(language, accepted, whole, cents, yen):
    formats = formats_for(language, accept_language=accepted)
    spaced = {"\N{NO-BREAK SPACE}": " ", "\N{NARROW NO-BREAK SPACE}": " "}

    assert format_money(Decimal("20"), "GBP", formats).translate(str.maketrans(spaced)) == whole
    assert format_money(Decimal("12.50"), "GBP", formats).translate(str.maketrans(spaced)) == cents
    assert format_money(Decimal("1500"), "JPY", formats).translate(str.maketrans(spaced)) == yen


@pytest.mark.parametrize(("zone", "currency"), [
    ("Europe/London", "GBP"), ("Europe/Berlin", "EUR"), ("America/New_York", "USD"), ("Asia/Tokyo", "JPY"),
    ("Europe/Zurich", "CHF"), ("UTC", "USD"), ("Etc/GMT+5", "USD"),
])
def test_the_default_currency_is_the_zone_s_country_s(zone, currency):
    assert zone_currency(zone) == currency


def test_currencies_are_named_in_the_language_and_only_those_in_use():
    assert ("GBP", "Britisches Pfund (GBP)") in currency_choices("de")
    assert ("EUR", "euro (EUR)") in currency_choices("fr")
    assert "DEM" not in dict(currency_choices("en"))
    assert currency_symbol_label("GBP", formats_for("en")) == "£ (GBP)"
    assert currency_symbol_label("CHF", formats_for("en")) == "CHF"


def test_formats_set_for_a_request_apply_only_in_their_language_and_only_until_reset():
    us = formats_for("en", accept_language="en-US")
    with translation.override("en"):
        use_formats(us)
        try:
            assert current_formats() == us
            with translation.override("de"):  # an email in another language: that language's own
                assert str(current_formats().locale) == "de_DE"
            with formats_used(formats_for("en", clock=Clock.TWENTY_FOUR)):
                assert not current_formats().clock_12h
            assert current_formats() == us
        finally:
            use_formats(None)
        assert str(current_formats().locale) == "en_GB"


FILTERS = Template(
    "{% load tz display %}{% timezone 'America/New_York' %}"
    "{{ at|weekday_date }}|{{ at|weekday_date_year }}|{{ at|short_date }}|{{ at|short_date_year }}|{{ at|day_month }}|"
    "{{ at|day_month_year }}|{{ at|month_year }}|{{ at|month_name }}|{{ at|clock }}|{{ at|weekday_date_time }}|"
    "{{ at|short_date_time }}|{{ at|short_date_year_time }}|{{ at|day_month_time }}|{{ opens|clock }}|"
    "{{ price|money:'EUR' }}|{{ nothing|clock }}{% endtimezone %}"
)


@pytest.mark.parametrize(("language", "accepted", "expected"), [
    ("en", "en-GB", "Monday 7 December|Monday, 7 December 2026|Mon 7 Dec|Mon, 7 Dec 2026|7 Dec|7 Dec 2026|"
     "December 2026|December|16:30|Monday 7 December, 16:30|Mon 7 Dec, 16:30|Mon, 7 Dec 2026, 16:30|7 Dec, 16:30|"
     "09:15|€12.50|"),
    ("en", "en-US", "Monday, December 7|Monday, December 7, 2026|Mon, Dec 7|Mon, Dec 7, 2026|Dec 7|Dec 7, 2026|"
     "December 2026|December|4:30 PM|Monday, December 7, 4:30 PM|Mon, Dec 7, 4:30 PM|Mon, Dec 7, 2026, 4:30 PM|"
     "Dec 7, 4:30 PM|9:15 AM|€12.50|"),
    ("de", "", "Montag, 7. Dezember|Montag, 7. Dezember 2026|Mo., 7. Dez.|Mo., 7. Dez. 2026|7. Dez.|7. Dez. 2026|"
     "Dezember 2026|Dezember|16:30|Montag, 7. Dezember, 16:30|Mo., 7. Dez., 16:30|Mo., 7. Dez. 2026, 16:30|"
     "7. Dez., 16:30|09:15|12,50 €|"),
    ("fr", "", "lundi 7 décembre|lundi 7 décembre 2026|lun. 7 déc.|lun. 7 déc. 2026|7 déc.|7 déc. 2026|"
     "décembre 2026|décembre|16:30|lundi 7 décembre, 16:30|lun. 7 déc., 16:30|lun. 7 déc. 2026, 16:30|"
     "7 déc., 16:30|09:15|12,50 €|"),
    ("es", "", "lunes, 7 de diciembre|lunes, 7 de diciembre de 2026|lun, 7 dic|lun, 7 dic 2026|7 dic|7 dic 2026|"
     "diciembre de 2026|diciembre|16:30|lunes, 7 de diciembre, 16:30|lun, 7 dic, 16:30|lun, 7 dic 2026, 16:30|"
     "7 dic, 16:30|9:15|12,50 €|"),
])
def test_the_filters_write_each_style_in_each_language_in_the_current_time_zone(language, accepted, expected):
    context = Context({"at": MONDAY, "opens": time(9, 15), "price": Decimal("12.50"), "nothing": None})
    with translation.override(language), formats_used(formats_for(language, accept_language=accepted)):
        shown = FILTERS.render(context)

    assert shown.replace("\N{NO-BREAK SPACE}", " ").replace("\N{NARROW NO-BREAK SPACE}", " ") == expected
