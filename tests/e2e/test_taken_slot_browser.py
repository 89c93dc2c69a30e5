"""A time taken while the client typed their details: the other times of the day carry what was
typed to the form for the time picked, and the stale time leaves the page (with and without JavaScript)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookingsite.bookings.models import Booking
from bookingsite.bookings.selectors import availability
from bookingsite.bookings.services import booking_create

from . import steps
from .steps import LONDON

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTES = "First class in years.\nA bad knee, left side."


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_typed_details_survive_a_time_taken_meanwhile(live_server, browser, viewport, studio, javascript):
    day = steps.today_in(LONDON) + timedelta(days=3)
    [offered] = availability.availability_days(
        page=studio.page, service=studio.private, client_timezone="Europe/London", start_date=day, end_date=day,
        now=timezone.now(),
    )
    taken, other = offered.slots[2], offered.slots[4]
    context = browser.new_context(viewport=viewport, timezone_id="Europe/London", java_script_enabled=javascript)
    tab = context.new_page()
    try:
        tab.goto(f"{live_server.url}/book/{studio.slug}/{studio.private.pk}/book/"
                 f"?start={taken.start_utc:%Y-%m-%dT%H:%M:%SZ}&tz=Europe%2FLondon")
        expect(tab.get_by_role("heading", level=1)).to_have_text("Your details")
        steps.fill_details(tab, name=steps.NAME, email=steps.EMAIL, phone=steps.PHONE)
        tab.get_by_label("Notes (optional)").fill(NOTES)
        # Someone else books the time while the client types.
        booking_create(service=studio.private, start_time_utc=taken.start_utc, client_name="Eve Early",
                       client_email="eve@example.com", client_timezone="Europe/London")
        tab.get_by_role("button", name="Confirm booking").click()

        expect(tab.get_by_role("heading", level=1)).to_have_text("Pick another time")
        expect(tab.get_by_role("alert")).to_contain_text("this time was just taken")
        # The stale time and its "Confirm" are off the page.
        expect(tab.get_by_role("button", name="Confirm booking")).to_have_count(0)
        expect(tab.locator("main")).not_to_contain_text(steps.times_label(taken.start_utc, 60, LONDON))
        expect(tab.get_by_label("Your name")).to_have_count(0)

        other_time = f"{other.start_utc.astimezone(LONDON):%H:%M}"
        tab.get_by_role("button", name=other_time, exact=True).click()

        expect(tab.get_by_role("heading", level=1)).to_have_text("Your details")
        steps.expect_slot_summary(tab, service_name=studio.private.name, start=other.start_utc, minutes=60, zone=LONDON)
        expect(tab.get_by_label("Your name")).to_have_value(steps.NAME)
        expect(tab.get_by_label("Email")).to_have_value(steps.EMAIL)
        expect(tab.get_by_label("Phone")).to_have_value(steps.PHONE)
        expect(tab.get_by_label("Notes (optional)")).to_have_value(NOTES)
        expect(tab.locator("#error-summary")).to_have_count(0)
        assert Booking.objects.count() == 1  # picking a time books nothing by itself

        tab.get_by_role("button", name="Confirm booking").click()
        expect(tab.get_by_role("heading", level=1)).to_have_text("Booking confirmed!")
        mine = Booking.objects.get(client_email=steps.EMAIL)
        assert (mine.start_time_utc, mine.client_name, mine.client_phone) == (other.start_utc, steps.NAME, steps.PHONE_E164)
        assert mine.notes_from_client.replace("\r\n", "\n") == NOTES
    finally:
        context.close()
