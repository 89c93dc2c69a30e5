"""The owner adds a busy calendar served by a real local .ics server, tests it, and sees it on the calendar;
axe-core finds no serious or critical violation on those pages, at phone and desktop widths."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.conftest import AT_BOTH_WIDTHS
from tests.factories import BookingSettingsFactory, BusinessProfileFactory, UserFactory

from ..local_http import calendar, local_server
from . import owner_steps
from .owner_steps import BERLIN, PASSWORD
from .test_accessibility import AxeReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "ines@example.com"


def one_event(day: date) -> str:
    return "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN",
        "BEGIN:VEVENT", "UID:dentist@test", "DTSTAMP:20260101T000000Z",
        f"DTSTART;TZID=Europe/Berlin:{day:%Y%m%d}T100000", f"DTEND;TZID=Europe/Berlin:{day:%Y%m%d}T113000",
        "SUMMARY:Dentist", "END:VEVENT", "END:VCALENDAR", "",
    ])


@AT_BOTH_WIDTHS
def test_adding_testing_and_seeing_a_busy_calendar(settings, live_server, browser, viewport):
    settings.RATELIMIT_ENABLE = False
    settings.CALENDAR_IMPORT_ALLOW_PRIVATE = True
    settings.SITE_URL = live_server.url
    owner = UserFactory(username=EMAIL, first_name="Ines", password=PASSWORD)
    business = BusinessProfileFactory(owner=owner, name="Ines Pilates", timezone="Europe/Berlin")
    BookingSettingsFactory(business_profile=business, public_booking_slug="ines-pilates")
    day = owner_steps.booking_day(BERLIN)
    base = live_server.url
    context = browser.new_context(viewport=viewport, timezone_id="Europe/Berlin")
    tab = context.new_page()
    axe = AxeReport(tab)

    def check(name: str, ready) -> None:
        axe.check(name, ready)
        assert tab.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), name

    try:
        with local_server({"/family.ics": calendar(one_event(day))}) as ics:
            owner_steps.log_in(tab, base, email=EMAIL)
            tab.goto(f"{base}/app/settings/")
            check("settings with the feed", tab.get_by_role("heading", name="Your calendars"))
            feed = tab.locator("#feed-url").inner_text()
            assert tab.request.get(feed).headers["content-type"] == "text/calendar; charset=utf-8"
            tab.get_by_role("link", name="Add your own calendars").click()

            check("busy calendars, none yet", tab.get_by_text("No calendars yet."))
            tab.get_by_label("iCal address (URL)").fill("ftp://calendar.example.com/family.ics")
            tab.get_by_role("button", name="Add calendar").click()
            check("busy calendars with an error", tab.get_by_text("The address must start with http:// or https://."))

            tab.get_by_label("iCal address (URL)").fill(ics.url("/family.ics"))
            tab.get_by_label("Name").fill("Family")
            tab.get_by_role("button", name="Add calendar").click()
            check("busy calendars, one added", tab.get_by_text("Not read yet."))

            tab.get_by_role("button", name="Test now").click()
            check("busy calendars, tested", tab.get_by_role("heading", name="Test of Family"))
            expect(tab.get_by_role("status")).to_contain_text("1 busy time")
            expect(tab.get_by_role("status")).to_contain_text("Next busy times (Berlin time)")
            expect(tab.get_by_role("status")).to_contain_text("10:00 – 11:30")
            expect(tab.get_by_role("status")).not_to_contain_text("Dentist")

        tab.goto(f"{base}/app/calendar/?date={day.isoformat()}&view=timeGridWeek")
        check("calendar with busy time", tab.locator(".fc-event").filter(has_text="Busy").first)
        expect(tab.locator(".fc-event").filter(has_text="Dentist")).to_have_count(0)

        axe.assert_clean(viewport["width"])
    finally:
        context.close()
