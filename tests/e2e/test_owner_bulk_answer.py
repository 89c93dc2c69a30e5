"""Answering several requests at once from the pending queue, at a phone's and a desktop's width.

The owner ticks two of three requests (each box a 44 px target) and approves them; then rejects the
rest with "Select all on this page". axe checks the queue, and the bookings list's two tabs.
"""

from datetime import datetime, time

import pytest
from playwright.sync_api import expect

from bookingsite.bookings import services as booking_services
from bookingsite.bookings.models import Booking
from tests.conftest import AT_BOTH_WIDTHS
from tests.factories import BookingSettingsFactory, BusinessProfileFactory, ServiceFactory, UserFactory, WorkingHoursFactory

from . import owner_steps
from .owner_steps import BERLIN, PASSWORD
from .test_accessibility import blocking_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "nora@example.com"
Status = Booking.Status


def three_requests() -> list[Booking]:
    owner = UserFactory(username=EMAIL, first_name="Nora", password=PASSWORD)
    business = BusinessProfileFactory(owner=owner, name="Nora's Nails", timezone="Europe/Berlin", country="DE")
    BookingSettingsFactory(business_profile=business, public_booking_slug="noras-nails", requires_approval=True)
    for weekday in range(7):
        WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(9), end_time=time(17))
    manicure = ServiceFactory(business_profile=business, name="Manicure", duration_minutes=60, capacity=1)
    day = owner_steps.booking_day(BERLIN)
    return [
        booking_services.booking_create(
            service=manicure, start_time_utc=datetime.combine(day, time(hour), BERLIN), client_name=name,
            client_email=f"{name.lower()}@example.com", client_timezone="Europe/Berlin",
        )
        for hour, name in ((13, "Cleo"), (9, "Ann"), (11, "Ben"))
    ]


def statuses() -> dict[str, str]:
    return dict(Booking.objects.values_list("client_name", "status"))


@AT_BOTH_WIDTHS
def test_bulk_approve_then_reject_the_rest(settings, live_server, browser, viewport):
    settings.RATELIMIT_ENABLE = False
    three_requests()
    base = live_server.url
    context = browser.new_context(viewport=viewport, timezone_id="Europe/Berlin")
    tab = context.new_page()
    try:
        owner_steps.log_in(tab, base, email=EMAIL)
        tab.goto(f"{base}/app/pending/")
        rows = tab.locator('li[id^="pending-"]')
        expect(rows).to_have_count(3)
        expect(rows.nth(0)).to_contain_text("Ann")  # soonest first
        expect(rows.nth(2)).to_contain_text("Cleo")
        assert blocking_violations(tab) == []

        ann = tab.get_by_label("Select Ann’s request")
        box = ann.locator("xpath=..").bounding_box()  # the label wrapping it is the target
        assert box["width"] >= 44 and box["height"] >= 44
        ann.check()
        tab.get_by_label("Select Ben’s request").check()
        tab.get_by_role("button", name="Approve selected").click()
        tab.wait_for_url(f"{base}/app/pending/")
        expect(tab.get_by_text("Approved 2 requests: Ann, Ben.")).to_be_visible()
        assert statuses() == {"Ann": Status.CONFIRMED, "Ben": Status.CONFIRMED, "Cleo": Status.PENDING_APPROVAL}
        assert tab.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")

        tab.get_by_label("Select all on this page").check()
        expect(tab.get_by_label("Select Cleo’s request")).to_be_checked()  # owner.js ticks the boxes too
        tab.get_by_label("Reason for the rejections (optional, sent to each client)").fill("Fully booked that day.")
        tab.get_by_role("button", name="Reject selected").click()
        expect(tab.get_by_text("Rejected 1 request: Cleo.")).to_be_visible()
        expect(tab.get_by_text("No requests are waiting.")).to_be_visible()
        assert Booking.objects.get(client_name="Cleo").rejection_reason == "Fully booked that day."

        tab.goto(f"{base}/app/bookings/")
        expect(tab.get_by_role("link", name="Upcoming", exact=True)).to_have_attribute("aria-current", "page")
        expect(tab.get_by_role("link", name="Booking of Ann")).to_be_visible()
        assert blocking_violations(tab) == []
        tab.get_by_role("link", name="Past", exact=True).click()
        expect(tab.get_by_role("heading", name="No bookings")).to_be_visible()
        assert blocking_violations(tab) == []
    finally:
        context.close()
