"""A client books and cancels in a real browser, on a phone, with and without JavaScript."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from playwright.sync_api import Page, expect

from bookingsite.bookings.models import Booking

from . import steps
from .steps import LONDON, TOKYO

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def offered_starts(tab: Page, live_server, studio, service, day) -> dict[str, int]:
    """The public availability JSON for one day in Tokyo: {start_time_utc: places left}."""
    response = tab.request.get(
        f"{live_server.url}/book/{studio.slug}/availability/",
        params={"session_category_id": service.pk, "start_date": day.isoformat(), "end_date": day.isoformat(),
                "client_timezone": "Asia/Tokyo"},
    )
    assert response.status == 200, response.text()
    [only_day] = response.json()["days"]
    return {slot["start_time_utc"]: slot["remaining"] for slot in only_day["slots"]}


def expect_full_service_page(tab: Page, studio, month_text: str) -> None:
    """The month restored, on the whole page (header, service, one picker, footer), not a bare fragment."""
    expect(steps.month_heading(tab)).to_have_text(month_text)  # first: waits for htmx's restore
    expect(tab.locator("header")).to_contain_text(studio.business.name)
    expect(tab.get_by_role("link", name="All services")).to_be_visible()
    expect(tab.get_by_role("heading", level=1)).to_have_text(studio.private.name)
    expect(tab.locator("#picker")).to_have_count(1)
    expect(tab.locator("#picker-heading")).to_have_count(1)
    expect(tab.locator("footer")).to_contain_text("Flowkey Booking Links")


def test_book_in_tokyo_time_then_cancel(live_server, tab, studio):
    base = f"{live_server.url}/book/{studio.slug}"
    service_url = f"{base}/{studio.private.pk}/"
    this_month = steps.today_in(LONDON)
    following = steps.next_month(this_month)

    tab.goto(f"{base}/")
    expect(tab.get_by_text("Harbour Studio, first floor")).to_be_visible()
    steps.open_service_from_list(tab, studio.private.name)
    tab.wait_for_url(service_url)
    expect(steps.month_heading(tab)).to_have_text(steps.month_label(this_month))

    # Months change in place (htmx) and each gets its own address.
    steps.go_to_next_month(tab)
    expect(steps.month_heading(tab)).to_have_text(steps.month_label(following))
    expect(tab).to_have_url(f"{service_url}?month={following:%Y-%m}&tz=Europe%2FLondon")
    steps.go_to_previous_month(tab)
    expect(steps.month_heading(tab)).to_have_text(steps.month_label(this_month))
    expect(tab).to_have_url(f"{service_url}?month={this_month:%Y-%m}&tz=Europe%2FLondon")

    # Back and forward restore each month, as whole pages (htmx re-requests them: no history cache).
    tab.go_back()
    expect(tab).to_have_url(f"{service_url}?month={following:%Y-%m}&tz=Europe%2FLondon")
    expect_full_service_page(tab, studio, steps.month_label(following))
    tab.go_forward()
    expect(tab).to_have_url(f"{service_url}?month={this_month:%Y-%m}&tz=Europe%2FLondon")
    expect_full_service_page(tab, studio, steps.month_label(this_month))

    steps.show_times_in(tab, "Asia/Tokyo", press_enter=True)
    expect(tab).to_have_url(re.compile(r"[?&]tz=Asia%2FTokyo(&|$)"))

    day = steps.today_in(TOKYO) + timedelta(days=2)
    steps.choose_day(tab, day)
    expect(tab).to_have_url(re.compile(rf"[?&]date={day:%Y-%m-%d}&tz=Asia%2FTokyo$"))
    slot, start = steps.first_slot(tab)
    expect(slot).to_have_text(steps.times_label(start, 60, TOKYO))
    assert start.astimezone(TOKYO).date() == day
    slot.click()

    tab.wait_for_url(re.compile(r"/book/\?start="))
    steps.expect_slot_summary(tab, service_name=studio.private.name, start=start, minutes=60, zone=TOKYO)
    steps.submit_with_mistakes_then_fix(tab)

    tab.wait_for_url(re.compile(rf"{re.escape(base)}/booking/[^/]+/$"))
    expect(tab.get_by_role("heading", level=1)).to_have_text("Booking confirmed!")
    steps.expect_slot_summary(tab, service_name=studio.private.name, start=start, minutes=60, zone=TOKYO)
    booking = Booking.objects.get(session_category=studio.private)
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.start_time_utc == start
    assert booking.booked_in_client_timezone == "Asia/Tokyo"
    assert (booking.client_name, booking.client_email, booking.client_phone) == (steps.NAME, steps.EMAIL, steps.PHONE_E164)
    assert tab.url.endswith(f"/booking/{booking.manage_token}/")
    taken = f"{start:%Y-%m-%dT%H:%M:%SZ}"
    assert taken not in offered_starts(tab, live_server, studio, studio.private, day)  # one place, now booked

    with tab.expect_download() as download_info:
        tab.get_by_role("link", name="Download .ics").click()
    download = download_info.value
    assert download.suggested_filename == f"{studio.slug}-booking.ics"
    with open(download.path(), "rb") as ics:
        calendar = icalendar.Calendar.from_ical(ics.read())
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend") == booking.end_time_utc
    assert str(event["summary"]) == f"{studio.private.name} with {studio.business.name}"

    google = urlsplit(tab.get_by_role("link", name="Add to Google Calendar").get_attribute("href"))
    assert (google.netloc, google.path) == ("calendar.google.com", "/calendar/render")
    query = parse_qs(google.query)
    assert query["action"] == ["TEMPLATE"]
    assert query["dates"] == [f"{steps.google_time(start)}/{steps.google_time(booking.end_time_utc)}"]

    steps.cancel_from_confirmation(tab, reason="Plans changed")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED_BY_CLIENT
    assert booking.cancellation_reason == "Plans changed"
    assert offered_starts(tab, live_server, studio, studio.private, day)[taken] == 1  # offered again


def test_book_a_group_place_and_cancel_without_javascript(live_server, browser, viewport, studio):
    """No script at all: plain links, the GET zone form, the POSTed booking and cancel pages."""
    context = browser.new_context(viewport=viewport, timezone_id="Europe/London", java_script_enabled=False)
    tab = context.new_page()
    base = f"{live_server.url}/book/{studio.slug}"
    service_url = f"{base}/{studio.group.pk}/"
    this_month = steps.today_in(LONDON)
    following = steps.next_month(this_month)
    try:
        tab.goto(f"{base}/")
        steps.open_service_from_list(tab, studio.group.name)
        tab.wait_for_url(service_url)

        steps.go_to_next_month(tab)
        tab.wait_for_url(f"{service_url}?month={following:%Y-%m}&tz=Europe%2FLondon")
        expect(steps.month_heading(tab)).to_have_text(steps.month_label(following))
        steps.go_to_previous_month(tab)
        tab.wait_for_url(f"{service_url}?month={this_month:%Y-%m}&tz=Europe%2FLondon")
        expect(steps.month_heading(tab)).to_have_text(steps.month_label(this_month))

        steps.show_times_in(tab, "Asia/Tokyo", press_enter=False)
        expect(tab).to_have_url(re.compile(rf"\?tz=Asia%2FTokyo&month={this_month:%Y-%m}"))

        day = steps.today_in(TOKYO) + timedelta(days=2)
        steps.choose_day(tab, day)
        expect(tab).to_have_url(re.compile(rf"\?date={day:%Y-%m-%d}&tz=Asia%2FTokyo#slots$"))  # lands on the times
        slot, start = steps.first_slot(tab)
        expect(slot).to_contain_text(steps.times_label(start, 60, TOKYO))
        expect(slot).to_contain_text("3 places left")
        slot.click()

        steps.submit_with_mistakes_then_fix(tab)
        expect(tab.get_by_role("heading", level=1)).to_have_text("Booking confirmed!")
        steps.expect_slot_summary(tab, service_name=studio.group.name, start=start, minutes=60, zone=TOKYO)
        booking = Booking.objects.get(session_category=studio.group)
        assert (booking.status, booking.start_time_utc, booking.booked_in_client_timezone) == (
            Booking.Status.CONFIRMED, start, "Asia/Tokyo")
        confirmation_url = tab.url

        with tab.expect_download() as download_info:
            tab.get_by_role("link", name="Download .ics").click()
        with open(download_info.value.path(), "rb") as ics:
            [event] = icalendar.Calendar.from_ical(ics.read()).walk("VEVENT")
        assert event.decoded("dtstart") == start

        day_url = f"{service_url}?date={day:%Y-%m-%d}&tz=Asia%2FTokyo"
        the_slot = tab.locator("#slots li a", has_text=steps.times_label(start, 60, TOKYO))
        tab.goto(day_url)
        expect(the_slot).to_contain_text("2 places left")

        tab.goto(confirmation_url)
        steps.cancel_from_confirmation(tab, reason="")
        booking.refresh_from_db()
        assert booking.status == Booking.Status.CANCELLED_BY_CLIENT
        tab.goto(day_url)
        expect(the_slot).to_contain_text("3 places left")
    finally:
        context.close()


def test_times_follow_the_browsers_zone_until_the_client_picks_one(live_server, browser, studio):
    """The page opens in the visitor's own zone, and the address says so (a reload keeps it)."""
    context = browser.new_context(timezone_id="America/New_York")
    tab = context.new_page()
    service_url = f"{live_server.url}/book/{studio.slug}/{studio.private.pk}/"
    try:
        tab.goto(service_url)
        steps.times_shown_in(tab, "America/New_York")
        expect(tab).to_have_url(f"{service_url}?tz=America%2FNew_York")

        steps.show_times_in(tab, "Asia/Tokyo", press_enter=True)
        tab.reload()
        steps.times_shown_in(tab, "Asia/Tokyo")
    finally:
        context.close()


def test_keyboard_day_choice_moves_focus_to_the_times(live_server, tab, studio):
    """Tab to a day, press Enter: after the swap, focus is on the chosen day's heading."""
    this_month = steps.today_in(LONDON)
    following = steps.next_month(this_month)
    # Next month has many bookable days whatever today's date is.
    tab.goto(f"{live_server.url}/book/{studio.slug}/{studio.private.pk}/?month={following:%Y-%m}&tz=Europe%2FLondon")
    expect(tab.locator("#slots li a").first).to_be_visible()
    other_day = 'a[data-focus-after="slots-heading"]:not([aria-current])'
    for _press in range(40):
        tab.keyboard.press("Tab")
        if tab.evaluate(f"document.activeElement.matches({other_day!r})"):
            break
    else:
        pytest.fail("Tab never reached a bookable day")
    label = tab.evaluate("document.activeElement.getAttribute('aria-label')")
    day_text = label.split(",")[0]
    expect(tab.locator("#slots-heading")).not_to_have_text(day_text)

    tab.keyboard.press("Enter")

    expect(tab.locator("#slots-heading")).to_have_text(day_text)
    expect(tab.locator("#slots-heading")).to_be_focused()
    assert tab.evaluate("document.activeElement.id") == "slots-heading"
    expect(tab.locator(f'#picker a[aria-label="{label}"]')).to_have_attribute("aria-current", "date")

    # The month arrows do the same for the month heading.
    tab.get_by_role("link", name=re.compile(r"^Previous month")).focus()
    tab.keyboard.press("Enter")
    expect(steps.month_heading(tab)).to_have_text(steps.month_label(this_month))
    expect(steps.month_heading(tab)).to_be_focused()
