"""An owner on a phone marks a no-show from the dashboard's today list (DESIGN.md 5, Attendance):
in place with JavaScript (htmx swaps the row), and as a plain form without it; axe-core finds no
serious violation on the pages that show the marks.

The bookings are made as a client makes them, two days ahead; then the clock (time-machine, ticking,
shared by the live server's thread) moves to 20 minutes into the first one's session.
"""

import re
from datetime import datetime, time

import pytest
from playwright.sync_api import expect

from bookingsite.bookings import services as booking_services
from bookingsite.bookings.models import Booking
from tests.factories import BookingSettingsFactory, BusinessProfileFactory, ServiceFactory, UserFactory, WorkingHoursFactory

from . import owner_steps
from .owner_steps import BERLIN, PASSWORD
from .test_accessibility import blocking_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def site(settings, live_server):
    settings.RATELIMIT_ENABLE = False
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def day_of_lessons(time_machine) -> tuple[Booking, Booking]:
    """Nora's studio (Berlin): Ann at 09:00 and Ben at 11:00 on a day two days ahead; the clock then stands at 09:20."""
    owner = UserFactory(username="nora@example.com", first_name="Nora", password=PASSWORD)
    business = BusinessProfileFactory(owner=owner, name="Nora's Nails", timezone="Europe/Berlin", country="DE", currency="EUR")
    BookingSettingsFactory(business_profile=business, public_booking_slug="noras-nails")
    for weekday in range(7):
        WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(9), end_time=time(17))
    service = ServiceFactory(business_profile=business, name="Manicure", duration_minutes=60, capacity=1)
    day = owner_steps.booking_day(BERLIN)
    ann, ben = (
        booking_services.booking_create(
            service=service, start_time_utc=datetime.combine(day, time(hour), BERLIN), client_name=name,
            client_email=f"{name.split()[0].lower()}@example.com", client_timezone="Europe/Berlin",
        )
        for hour, name in ((9, "Ann Archer"), (11, "Ben Baker"))
    )
    time_machine.move_to(datetime.combine(day, time(9, 20), BERLIN), tick=True)
    return ann, ben


def today_row(tab, name: str):
    return tab.get_by_role("region", name="Today").locator('li[id^="booking-row-"]').filter(has_text=name)


def accessible(tab, page: str) -> None:
    violations = blocking_violations(tab)
    assert violations == [], f"{page}:\n" + "\n".join(violations)


def test_owner_marks_a_no_show_from_the_dashboard_in_place(site, browser, day_of_lessons):
    ann, ben = day_of_lessons
    context = browser.new_context(viewport=PHONE, timezone_id="Europe/Berlin")
    tab = context.new_page()
    try:
        owner_steps.log_in(tab, site, email="nora@example.com")
        row, later = today_row(tab, "Ann Archer"), today_row(tab, "Ben Baker")
        expect(row).to_contain_text("Manicure")
        expect(row.get_by_role("button", name="Completed")).to_be_visible()
        expect(later).to_be_visible()
        expect(later.get_by_role("button")).to_have_count(0)  # not started yet
        accessible(tab, "dashboard with the marks")
        row.get_by_role("link", name="Ann Archer").click()
        expect(tab.get_by_text("This session has started. Did Ann Archer come?")).to_be_visible()
        accessible(tab, "booking page with the marks")
        tab.go_back()

        tab.evaluate("window.sameDocument = true")
        with tab.expect_request(lambda request: request.method == "POST") as posted:
            row.get_by_role("button", name="No-show").click()
        assert posted.value.headers.get("hx-request") == "true"
        expect(row.get_by_role("status")).to_have_text("No-show")
        expect(row.get_by_role("button")).to_have_count(0)
        assert tab.evaluate("window.sameDocument === true"), "marking reloaded the page"
        accessible(tab, "dashboard, a row marked in place")
        assert Booking.objects.get(pk=ann.pk).status == Booking.Status.NO_SHOW
        assert Booking.objects.get(pk=ben.pk).status == Booking.Status.CONFIRMED

        # It stays on today's list, marked; and the client's page counts it.
        tab.reload()
        expect(today_row(tab, "Ann Archer")).to_contain_text("No-show")
        today_row(tab, "Ann Archer").get_by_role("link", name="Ann Archer").click()
        tab.wait_for_url(re.compile(rf"/app/bookings/{ann.pk}/$"))
        expect(tab.get_by_text("Nothing to do: Ann Archer didn’t come to this session.")).to_be_visible()
        tab.get_by_role("link", name="All their bookings").click()
        expect(tab.get_by_text("1 no-show in 1 past booking")).to_be_visible()
        accessible(tab, "client page with a no-show")
    finally:
        context.close()


def test_owner_marks_a_no_show_from_the_dashboard_without_javascript(site, browser, day_of_lessons):
    ann, _ben = day_of_lessons
    context = browser.new_context(viewport=PHONE, timezone_id="Europe/Berlin", java_script_enabled=False)
    tab = context.new_page()
    try:
        owner_steps.log_in(tab, site, email="nora@example.com")
        with tab.expect_request(lambda request: request.method == "POST") as posted:
            today_row(tab, "Ann Archer").get_by_role("button", name="No-show").click()
        assert "hx-request" not in posted.value.all_headers()
        expect(tab.get_by_role("status")).to_have_text("Ann Archer is marked as a no-show.")
        assert tab.url == f"{site}/app/"
        expect(today_row(tab, "Ann Archer")).to_contain_text("No-show")
        expect(today_row(tab, "Ann Archer").get_by_role("button")).to_have_count(0)
        assert Booking.objects.get(pk=ann.pk).status == Booking.Status.NO_SHOW

        # The calendar's list (shown without JavaScript) has the marks too.
        tab.goto(f"{site}/app/calendar/?date={ann.start_time_utc.astimezone(BERLIN).date().isoformat()}")
        clients = tab.locator("#agenda").get_by_role("list", name="Clients")
        expect(clients.filter(has_text="Ann Archer")).to_contain_text("No-show")
    finally:
        context.close()
