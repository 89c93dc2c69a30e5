"""axe-core on every owner page, at phone and desktop widths: no serious or critical violation.

One context per width: the logged-out pages first, then the owner logs in and visits the rest, some
of them twice (as loaded, and showing a form's errors).
"""

from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from bookingsite.bookings import services as booking_services
from bookingsite.bookings.models import Booking, WaitlistEntry
from bookingsite.bookings.waitlist import waitlist_join
from bookingsite.businesses.models import WorkingHours
from tests.conftest import AT_BOTH_WIDTHS
from tests.factories import (
    BookingSettingsFactory,
    BusinessProfileFactory,
    ExceptionDateFactory,
    ServiceFactory,
    UserFactory,
    WorkingHoursFactory,
)

from . import owner_steps
from .owner_steps import BERLIN, PASSWORD
from .test_accessibility import AxeReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "nora@example.com"


def a_busy_business():
    """Nora's studio in Berlin with two services, a confirmed booking (with a client on its waitlist), a
    request, a day off and special hours.

    Its working hours are removed once the bookings are made, so the dashboard shows the first-run
    checklist next to the request; the test puts them back before it opens the hours page.
    """
    owner = UserFactory(username=EMAIL, first_name="Nora", password=PASSWORD)
    business = BusinessProfileFactory(owner=owner, name="Nora's Nails", timezone="Europe/Berlin", country="DE", currency="EUR")
    page = BookingSettingsFactory(business_profile=business, public_booking_slug="noras-nails")
    for weekday in range(7):
        WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(9), end_time=time(17))
    manicure = ServiceFactory(business_profile=business, name="Manicure", duration_minutes=60, capacity=1, position=0,
                              waitlist_enabled=True)
    ServiceFactory(business_profile=business, name="Nail art class", duration_minutes=90, capacity=4, position=1)
    day = owner_steps.booking_day(BERLIN)

    def book(hour: int, name: str) -> Booking:
        return booking_services.booking_create(
            service=manicure, start_time_utc=datetime.combine(day, time(hour), BERLIN), client_name=name,
            client_email=f"{name.lower()}@example.com", client_phone=f"+49 151 234567{hour:02d}", client_timezone="Asia/Tokyo",
            notes="Short nails, please.",
        )

    confirmed = book(9, "Ann")
    waitlist_join(service=manicure, start_time_utc=confirmed.start_time_utc, client_name="Cleo",
                  client_email="cleo@example.com", client_phone="+49 151 23456799", client_timezone="Europe/Berlin")
    page.requires_approval = True
    page.save(update_fields=["requires_approval"])
    pending = book(11, "Ben")
    ExceptionDateFactory(business_profile=business, date=day + timedelta(days=5), note="Bank holiday")
    ExceptionDateFactory(business_profile=business, date=day + timedelta(days=6), start_time=time(10), end_time=time(13))
    WorkingHours.objects.filter(business_profile=business).delete()
    return business, day, confirmed, pending


@AT_BOTH_WIDTHS
def test_owner_pages_have_no_serious_accessibility_violations(settings, live_server, browser, viewport):
    settings.RATELIMIT_ENABLE = False
    settings.SITE_URL = live_server.url
    business, day, confirmed, pending = a_busy_business()
    base = live_server.url
    context = browser.new_context(viewport=viewport, timezone_id="Europe/Berlin")
    tab = context.new_page()
    axe = AxeReport(tab)
    check = axe.check

    try:
        # Logged out.
        tab.goto(f"{base}/accounts/login/")
        check("login", tab.get_by_role("heading", name="Log in"))
        tab.get_by_label("Email").fill(EMAIL)
        tab.get_by_label("Password").fill("not the password")
        tab.get_by_role("button", name="Log in").click()
        check("login with an error", tab.get_by_role("alert"))

        tab.goto(f"{base}/accounts/signup/")
        check("signup", tab.get_by_role("heading", name="Create your booking page"))
        tab.get_by_label("Email").fill("not an email")
        tab.get_by_label("Password").fill("123")
        tab.get_by_role("button", name="Create my booking page").click()
        check("signup with errors", tab.locator('[aria-invalid="true"]').first)

        tab.goto(f"{base}/accounts/password-reset/")
        check("password reset", tab.get_by_role("heading", name="Reset your password"))
        tab.get_by_label("Email").fill(EMAIL)
        tab.get_by_role("button", name="Email me a link").click()
        check("password reset sent", tab.get_by_role("heading", name="Check your email"))
        tab.goto(f"{base}/accounts/reset/MQ/not-a-token/")
        check("password reset link expired", tab.get_by_role("heading", name="This link has expired"))

        # Logged in.
        owner_steps.log_in(tab, base, email=EMAIL)
        check("dashboard with a request and the checklist", tab.get_by_role("button", name="Approve"))
        expect(tab.get_by_role("heading", name="Get ready to take bookings")).to_be_visible()
        if viewport["width"] < 1024:
            tab.locator("header summary").filter(has_text="Menu").click()
            check("dashboard with the menu open", tab.get_by_role("navigation", name="Menu"))

        tab.goto(f"{base}/app/pending/")
        check("pending list", tab.get_by_role("button", name="Approve", exact=True))
        tab.get_by_text("Reject…").click()
        check("pending list, reject open", tab.get_by_role("button", name="Reject request"))

        tab.goto(f"{base}/app/bookings/")
        check("bookings list", tab.get_by_role("link", name="Ann"))
        tab.get_by_role("link", name="Past", exact=True).click()
        check("bookings list, past", tab.get_by_role("heading", name="No bookings"))
        tab.goto(f"{base}/app/bookings/?status=nonsense")
        check("bookings list with a wrong filter", tab.get_by_role("heading", name="Bookings"))

        tab.goto(f"{base}/app/bookings/{pending.pk}/")
        check("booking detail (request)", tab.get_by_role("button", name="Approve request"))
        tab.goto(f"{base}/app/bookings/{confirmed.pk}/")
        tab.get_by_text("Cancel booking…").click()
        check("booking detail (confirmed, cancel open)", tab.get_by_role("button", name="Yes, cancel this booking"))

        entry = WaitlistEntry.objects.get()
        tab.goto(f"{base}/app/waitlist/{entry.session_category_id}/{entry.start_time_utc:%Y-%m-%dT%H:%M:%SZ}/")
        check("slot waitlist", tab.get_by_role("heading", name="1 on the waitlist"))
        tab.get_by_text("Remove…").click()
        check("slot waitlist, remove open", tab.get_by_role("button", name="Yes, remove Cleo"))
        assert tab.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")

        tab.goto(f"{base}/app/notifications/")
        check("notifications", tab.get_by_role("heading", name="Notifications"))
        tab.goto(f"{base}/app/emails/")
        check("emails sent", tab.get_by_role("heading", name="Emails sent"))

        tab.goto(f"{base}/app/clients/")
        check("clients list", tab.get_by_role("link", name="Ben"))
        tab.goto(f"{base}/app/clients/{confirmed.client_id}/")
        check("client detail", tab.get_by_role("heading", name="Edit details"))
        tab.get_by_label("Email").fill("ann@")
        tab.get_by_role("button", name="Save details").click()
        check("client detail with errors", tab.locator('#client-form [aria-invalid="true"]').first)

        tab.goto(f"{base}/app/services/")
        check("services list", tab.get_by_role("link", name="Nail art class", exact=True))
        tab.goto(f"{base}/app/services/new/")
        check("new service", tab.get_by_role("heading", name="Add a service"))
        tab.get_by_label("Length (minutes)").fill("2")
        tab.get_by_role("button", name="Add service").click()
        check("new service with errors", tab.get_by_text("Give the service a name."))

        tab.goto(f"{base}/app/settings/")
        check("settings", tab.get_by_role("button", name="Save settings"))
        tab.get_by_label("Link name").fill("Not a slug!")
        tab.get_by_label("A request waits for my answer for (hours)").fill("0")
        tab.get_by_role("button", name="Save settings").click()
        check("settings with errors", tab.get_by_text("Nothing was saved. Fix the fields marked below."))

        for weekday in range(5):
            WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(9), end_time=time(17))
        tab.goto(f"{base}/app/hours/")
        check("hours", tab.get_by_role("button", name="Save working hours"))
        tab.get_by_label("Saturday, from").fill("18:00")
        tab.get_by_label("Saturday, to").fill("09:00")
        tab.get_by_role("button", name="Save working hours").click()
        check("hours with errors", tab.get_by_text("Nothing was saved. Fix the rows marked below."))

        tab.goto(f"{base}/app/exceptions/")
        check("exceptions", tab.get_by_text("Bank holiday"))
        tab.get_by_role("button", name="Open only these hours").click()
        check("exceptions with errors", tab.get_by_text("Nothing was saved. Fix the fields marked below."))

        tab.goto(f"{base}/app/calendar/?date={day.isoformat()}")
        check("calendar", tab.locator(".fc-event").filter(has_text="Pending: Ben").first)
        title = tab.locator(".fc-toolbar-title").inner_text()
        tab.get_by_role("button", name="Next week").click()
        expect(tab.locator(".fc-toolbar-title")).not_to_have_text(title)
        tab.get_by_role("button", name="Month").click()
        check("calendar, a month later", tab.locator(".fc-daygrid-day").first)

        axe.assert_clean(viewport["width"])
    finally:
        context.close()
