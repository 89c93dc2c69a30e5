"""A client moves their booking from its manage link in Chromium: on a phone with JavaScript,
without it, and inside an owner's cross-site iframe (DESIGN.md 5 and 6)."""

from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from bookingsite.bookings import services as booking_services
from bookingsite.bookings.models import Booking

from . import steps
from .steps import LONDON, TOKYO

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def booked(studio, zone=LONDON) -> Booking:
    """A confirmed private lesson two days ahead at 10:00 London time, booked from `zone`."""
    day = steps.today_in(LONDON) + timedelta(days=2)
    start = datetime.combine(day, time(10), LONDON)
    return booking_services.booking_create(
        service=studio.private, start_time_utc=start, client_name=steps.NAME, client_email=steps.EMAIL,
        client_timezone=zone.key,
    )


def move_to_a_day_later(scope, booking: Booking, zone=LONDON) -> tuple:
    """From the manage page: "Move to another time", the day after, its first time, then confirm.
    Every time shown is in `zone`, the one the client booked in."""
    scope.get_by_role("link", name="Move to another time").click()
    expect(scope.get_by_role("heading", level=1)).to_have_text("Move your booking")
    expect(scope.locator("main")).to_contain_text("Your current time")
    steps.times_shown_in(scope, zone.key)
    target_day = booking.start_time_utc.astimezone(zone).date() + timedelta(days=1)
    steps.choose_day(scope, target_day)
    steps.times_shown_in(scope, zone.key)
    slot, start = steps.first_slot(scope)
    slot.click()
    expect(scope.get_by_role("heading", level=1)).to_have_text("Move your booking to this time?")
    expect(scope.locator("main")).to_contain_text(steps.times_label(start, 60, zone))
    scope.get_by_role("button", name="Yes, move my booking").click()
    expect(scope.get_by_role("status")).to_contain_text("Your booking has moved to the new time below.")
    steps.expect_slot_summary(scope, service_name="Private yoga", start=start, minutes=60, zone=zone)
    return start


def assert_moved(booking: Booking, start) -> None:
    booking.refresh_from_db()
    assert booking.start_time_utc == start and booking.status == Booking.Status.CONFIRMED
    assert booking.sequence == 1
    assert booking.status_changes.filter(to_start_utc=start, actor="client").count() == 1


def test_a_client_moves_a_booking_on_a_phone(live_server, tab, studio):
    """Booked from Tokyo, moved from a phone set to London: the times stay in the zone it was booked in."""
    booking = booked(studio, zone=TOKYO)
    tab.goto(f"{live_server.url}/book/{studio.slug}/booking/{booking.manage_token}/")
    start = move_to_a_day_later(tab, booking, zone=TOKYO)
    assert_moved(booking, start)
    assert tab.evaluate("document.documentElement.scrollWidth") <= tab.viewport_size["width"]


@pytest.mark.parametrize("viewport", ["desktop"], indirect=True)
def test_a_client_moves_a_booking_without_javascript(live_server, browser, viewport, studio):
    context = browser.new_context(viewport=viewport, java_script_enabled=False, timezone_id="Europe/London")
    tab = context.new_page()
    try:
        booking = booked(studio)
        tab.goto(f"{live_server.url}/book/{studio.slug}/booking/{booking.manage_token}/")
        start = move_to_a_day_later(tab, booking)
        assert_moved(booking, start)
    finally:
        context.close()


def test_a_client_moves_a_booking_inside_a_cross_site_frame(live_server, browser, viewport, studio, host_site):
    context = browser.new_context(viewport=viewport, timezone_id="Europe/London")
    tab = context.new_page()
    try:
        booking = booked(studio)
        manage = f"{live_server.url}/book/{studio.slug}/booking/{booking.manage_token}/"
        host = host_site.url_for(
            "/move.html",
            f'<!doctype html><title>Harbour Yoga</title><h1>Your booking</h1>'
            f'<iframe src="{manage}" title="Your booking" style="width:100%;height:1600px;border:0"></iframe>',
            other_than=live_server.url,
        )
        tab.goto(host)
        framed = tab.frame_locator("iframe")
        expect(framed.get_by_role("heading", name="Booking confirmed!")).to_be_visible()
        start = move_to_a_day_later(framed, booking)
        assert_moved(booking, start)
        assert not context.cookies()  # nothing needed a cookie
    finally:
        context.close()
