"""A phone booking in the browser, at a phone's and a desktop's width (issue 18): the owner books a
regular client at one of the day's free times with a confirmation email, a new client at a time
outside the hours after the warning, and a place in a class added on the calendar. axe checks the
page as it opens, with the warning, and with a field's error; nothing is wider than the window."""

from datetime import datetime, time

import pytest
from playwright.sync_api import Page, expect

from bookingsite.bookings.models import Booking
from bookingsite.bookings.services import session_create_by_owner
from bookingsite.notifications.models import EmailKind, OutboxEmail
from tests.conftest import AT_BOTH_WIDTHS
from tests.factories import (
    BookingSettingsFactory,
    BusinessProfileFactory,
    ClientFactory,
    ServiceFactory,
    UserFactory,
    WorkingHoursFactory,
)

from . import owner_steps
from .owner_steps import BERLIN, CLIENT_PHONE, PASSWORD
from .test_accessibility import AxeReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "nora@example.com"


def fits(tab: Page) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@AT_BOTH_WIDTHS
def test_the_owner_books_by_phone(settings, live_server, browser, viewport):
    settings.SITE_URL = live_server.url
    owner = UserFactory(username=EMAIL, first_name="Nora", password=PASSWORD)
    business = BusinessProfileFactory(owner=owner, name="Nora's Nails", timezone="Europe/Berlin", country="DE")
    BookingSettingsFactory(business_profile=business, public_booking_slug="noras-nails")
    for weekday in range(7):
        WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(9), end_time=time(17))
    ServiceFactory(business_profile=business, name="Manicure", duration_minutes=60, capacity=1, position=0)
    workshop = ServiceFactory(business_profile=business, name="Nail art class", duration_minutes=90, capacity=4, position=1)
    ClientFactory(business_profile=business, name="Rita Regular", email="rita@example.com", phone="+4915123456701")
    day = owner_steps.booking_day(BERLIN)
    evening = session_create_by_owner(service=workshop, start_time_utc=datetime.combine(day, time(19, 10), BERLIN))
    base = live_server.url
    context = browser.new_context(viewport=viewport, timezone_id="Europe/Berlin")
    tab = context.new_page()
    axe = AxeReport(tab)
    try:
        owner_steps.log_in(tab, base, email=EMAIL)
        tab.goto(f"{base}/app/bookings/")
        tab.get_by_role("link", name="New booking").click()
        axe.check("new booking", tab.get_by_role("heading", name="New booking", level=1))
        assert fits(tab)

        # A regular client at a free time, emailed.
        tab.get_by_role("searchbox", name="Find a client").fill("rita")
        tab.get_by_role("button", name="Search").click()
        tab.get_by_role("link", name="Choose Rita Regular").click()
        expect(tab.get_by_role("link", name="Another client")).to_be_visible()
        tab.get_by_label("Date").fill(day.isoformat())
        tab.get_by_role("button", name="Show free times", exact=True).last.click()
        tab.get_by_label("Email the client a confirmation").check()
        tab.get_by_role("button", name=f"Book at {day:%A} {day.day} {day:%B}, 10:00").click()
        expect(tab.get_by_text(f"Booked Manicure for Rita Regular on {day:%a} {day.day} {day:%b} at 10:00.")).to_be_visible()
        rita = Booking.objects.get(client_name="Rita Regular")
        assert rita.start_time_utc == datetime.combine(day, time(10), BERLIN)
        assert list(OutboxEmail.objects.values_list("kind", "to_email")) == [(EmailKind.CONFIRMED, "rita@example.com")]

        # A new client after hours: the warning first, then booked.
        tab.goto(f"{base}/app/bookings/new/")
        tab.get_by_label("Client’s name").fill("Pia Phone")
        tab.get_by_role("textbox", name="Email").fill("pia@example.com")
        tab.get_by_label("Phone").fill("12")
        tab.get_by_label("Date").fill(day.isoformat())
        tab.get_by_label("Starts at").fill("17:30")
        tab.get_by_role("button", name="Book at this time").click()
        axe.check("new booking with an error", tab.get_by_text("Enter a valid phone number"))
        tab.get_by_label("Phone").fill(CLIENT_PHONE)
        tab.get_by_role("button", name="Book at this time").click()
        axe.check("new booking with a warning", tab.get_by_role("button", name="Book anyway"))
        expect(tab.get_by_role("alert")).to_contain_text("It is outside your working hours that day (09:00–17:00).")
        assert fits(tab)
        tab.get_by_role("button", name="Book anyway").click()
        expect(tab.get_by_text(f"Booked Manicure for Pia Phone on {day:%a} {day.day} {day:%b} at 17:30.")).to_be_visible()
        assert Booking.objects.get(client_name="Pia Phone").start_time_utc == datetime.combine(day, time(17, 30), BERLIN)

        # A place in the class added on the calendar, from its "Add a client".
        tab.goto(f"{base}/app/calendar/?date={day.isoformat()}&view=listWeek")
        tab.get_by_role("link", name="Add a client").first.click()
        axe.check("add a client to a session", tab.get_by_role("heading", name="Add a client", level=1))
        tab.get_by_label("Client’s name").fill("Sam Session")
        tab.get_by_role("textbox", name="Email").fill("sam@example.com")
        tab.get_by_label("Phone").fill(CLIENT_PHONE)
        tab.get_by_role("button", name="Add to this session").click()
        expect(tab.get_by_text("Booked Nail art class for Sam Session")).to_be_visible()
        assert Booking.objects.get(client_name="Sam Session").session == evening
        assert len(OutboxEmail.objects.all()) == 1  # only Rita asked to be emailed
        axe.assert_clean(viewport["width"])
    finally:
        context.close()
