"""The owner's calendar in its day view, at phone and desktop widths: a one-to-one session by its client's
name, a hand-added group class with its filled places and marked as added by hand, the date's changed
hours shaded and named; the day steps on; axe finds nothing serious. Without JavaScript the same day is a
list reached by plain links."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from bookingsite.bookings import services as booking_services
from tests.conftest import AT_BOTH_WIDTHS
from tests.factories import (
    BookingSettingsFactory, BusinessProfileFactory, ExceptionDateFactory, ServiceFactory, UserFactory, WorkingHoursFactory,
)

from . import owner_steps
from .owner_steps import BERLIN, PASSWORD
from .test_accessibility import AxeReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "dora@example.com"


def a_day_at_the_pool():
    """Dora's pool in Berlin, open 09:00–17:00 every day but 10:00–16:00 on the day shown, with a private
    lesson booked at 11:00 and a group class Dora added at 08:00 (before opening) that three clients booked."""
    owner = UserFactory(username=EMAIL, first_name="Dora", password=PASSWORD)
    business = BusinessProfileFactory(owner=owner, name="Dora's Pool", timezone="Europe/Berlin", country="DE", currency="EUR")
    BookingSettingsFactory(business_profile=business, public_booking_slug="doras-pool")
    for weekday in range(7):
        WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(9), end_time=time(17))
    lesson = ServiceFactory(business_profile=business, name="Private lesson", duration_minutes=60, capacity=1)
    group = ServiceFactory(business_profile=business, name="Water fitness", duration_minutes=60, capacity=8)
    day = owner_steps.booking_day(BERLIN)
    ExceptionDateFactory(business_profile=business, date=day, start_time=time(10), end_time=time(16))

    def book(service, hour: int, name: str) -> None:
        booking_services.booking_create(
            service=service, start_time_utc=datetime.combine(day, time(hour), BERLIN), client_name=name,
            client_email=f"{name.split()[0].lower()}@example.com", client_phone="", client_timezone="Europe/Berlin",
            notes="",
        )

    booking_services.session_create_by_owner(service=group, start_time_utc=datetime.combine(day, time(8), BERLIN))
    for name in ["Mia Jones", "Leo Park", "Ava Lopez"]:
        book(group, 8, name)
    book(lesson, 11, "Ann Archer")
    return day


@AT_BOTH_WIDTHS
def test_the_day_view_shows_names_places_hand_added_sessions_and_hours(settings, live_server, browser, viewport):
    settings.RATELIMIT_ENABLE = False
    day = a_day_at_the_pool()
    base = live_server.url
    context = browser.new_context(viewport=viewport, timezone_id="Europe/Berlin")
    tab = context.new_page()
    axe = AxeReport(tab)
    try:
        owner_steps.log_in(tab, base, email=EMAIL)
        tab.goto(f"{base}/app/calendar/?view=day&date={day.isoformat()}")
        calendar = tab.locator("#calendar")
        expect(calendar.get_by_role("button", name="Day", exact=True)).to_have_attribute("aria-pressed", "true")
        group = calendar.locator(".fc-timegrid-event.fk-hand-added")
        expect(group).to_contain_text("Water fitness · 3/8 booked")
        expect(group).to_have_attribute(
            "aria-label", "08:00 - 09:00 Water fitness, 3 of 8 places booked (added by you on the calendar)"
        )
        lesson = calendar.locator(".fc-timegrid-event").filter(has_text="Private lesson · Ann Archer")
        expect(lesson).to_be_visible()
        expect(calendar.locator(".fc-timegrid-event.fk-hand-added")).to_have_count(1)  # the lesson is not
        expect(calendar.locator(".fk-day-note")).to_have_text("Changed hours: 10:00–16:00")
        # The day's own hours: shaded before 10:00 and after 16:00, hatched as an exception date.
        expect(calendar.locator(".fc-timegrid-col .fc-bg-event.fk-off-hours.fk-exception")).to_have_count(2)
        axe.check("calendar, day view", group)

        calendar.get_by_role("button", name="Next day").click()
        following = (day + timedelta(days=1)).isoformat()
        tab.wait_for_url(f"**date={following}**")
        assert "view=timeGridDay" in tab.url
        expect(calendar.locator(".fc-timegrid-event")).to_have_count(0)
        expect(calendar.locator(".fk-day-note")).to_have_count(0)  # an ordinary day: its weekday's hours
        expect(calendar.locator(".fc-timegrid-col .fc-bg-event.fk-off-hours")).to_have_count(2)
        calendar.get_by_role("button", name="Week", exact=True).click()
        expect(calendar.locator(".fc-timegrid-event.fk-hand-added")).to_have_count(1)
        # The page's week and clock (calendar_conventions), not FullCalendar's en-US Sunday and "8am".
        expect(calendar.locator(".fc-col-header-cell").first).to_have_attribute("data-date", re.compile(r"\d{4}-\d{2}-\d{2}"))
        assert date.fromisoformat(calendar.locator(".fc-col-header-cell").first.get_attribute("data-date")).weekday() == 0
        expect(calendar.locator(".fc-timegrid-slot-label[data-time='08:00:00']")).to_have_text("08:00")
        axe.check("calendar, week view", calendar.locator(".fc-timegrid-event.fk-hand-added"))
        axe.assert_clean(viewport["width"])
    finally:
        context.close()


@AT_BOTH_WIDTHS
def test_without_javascript_the_day_is_a_list_reached_by_links(settings, live_server, browser, viewport):
    day = a_day_at_the_pool()
    base = live_server.url
    context = browser.new_context(viewport=viewport, timezone_id="Europe/Berlin", java_script_enabled=False)
    tab = context.new_page()
    try:
        owner_steps.log_in(tab, base, email=EMAIL)
        tab.goto(f"{base}/app/calendar/?date={day.isoformat()}")
        agenda = tab.locator("#agenda")
        agenda.get_by_role("link", name="Day", exact=True).click()
        expect(agenda.get_by_role("link", name="Day", exact=True)).to_have_attribute("aria-current", "page")
        expect(agenda).to_contain_text("Changed hours: 10:00–16:00")
        group = agenda.get_by_role("link").filter(has_text="Water fitness · 3/8 booked")
        expect(group).to_contain_text("Added by you")
        expect(agenda.get_by_role("link").filter(has_text="Private lesson · Ann Archer")).not_to_contain_text("Added by you")
        assert tab.evaluate("document.documentElement.scrollWidth") <= viewport["width"]  # no sideways scrolling

        agenda.get_by_role("link", name="Later →").click()
        expect(agenda).to_contain_text("Working hours: 09:00–17:00")
        expect(agenda).to_contain_text("Nothing booked.")
        assert f"date={(day + timedelta(days=1)).isoformat()}" in tab.url
    finally:
        context.close()
