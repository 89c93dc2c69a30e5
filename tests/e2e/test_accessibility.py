"""axe-core on every public page, at phone and desktop widths: no serious or critical violation."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from bookingsite.bookings import services as booking_services
from bookingsite.bookings.selectors import availability
from bookingsite.businesses.services import exception_date_add
from tests.conftest import AT_BOTH_WIDTHS
from tests.factories import BookingSettingsFactory, BusinessProfileFactory

from . import steps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}


def book(studio, *, hours_ahead: int, name: str):
    """A real booking through the booking service: in two days, 09:00 UTC or later, inside opening hours."""
    start = (timezone.now() + timedelta(days=2)).replace(hour=9 + hours_ahead, minute=0, second=0, microsecond=0)
    return booking_services.booking_create(
        service=studio.private, start_time_utc=start, client_name=name, client_email=f"{name.lower()}@example.com",
        client_phone="+447911123456", client_timezone="Europe/London",
    )


def blocking_violations(tab: Page) -> list[str]:
    results = Axe().run(tab)
    lines = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING:
            for node in violation["nodes"]:
                lines.append(
                    f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
                    f"    at {', '.join(map(str, node['target']))}: {node['html'][:200]}\n"
                    f"    {node.get('failureSummary', '').replace(chr(10), ' ')}"
                )
    return lines


class AxeReport:
    """axe-core run on each page a tab shows: `check` waits for the page's `ready` element, then
    records its serious or critical violations; `assert_clean` fails listing them all, by page."""

    def __init__(self, tab: Page) -> None:
        self.tab = tab
        self.found: dict[str, list[str]] = {}

    def check(self, name: str, ready) -> None:
        expect(ready).to_be_visible()
        self.found[name] = blocking_violations(self.tab)

    def assert_clean(self, width: int) -> None:
        report = "\n".join(f"[{page}] {line}" for page, lines in self.found.items() for line in lines)
        assert not report, f"axe found serious or critical problems at {width}px:\n{report}"


@AT_BOTH_WIDTHS
def test_public_pages_have_no_serious_accessibility_violations(live_server, tab, viewport, studio):
    base = f"{live_server.url}/book/{studio.slug}"
    confirmed = book(studio, hours_ahead=0, name="Ann")
    cancelled = book(studio, hours_ahead=1, name="Ben")
    booking_services.booking_cancel_by_client(booking=cancelled, reason="Away that week")
    studio.page.requires_approval = True
    studio.page.save(update_fields=["requires_approval"])
    pending = book(studio, hours_ahead=2, name="Cat")
    paused = BookingSettingsFactory(
        business_profile=BusinessProfileFactory(name="Closed Studio"), public_booking_slug="closed-studio",
        is_booking_page_active=False,
    )

    axe = AxeReport(tab)
    check = axe.check

    tab.goto(f"{base}/")
    check("service list", tab.get_by_role("heading", name="Choose a service"))

    tab.goto(f"{base}/{studio.private.pk}/")
    check("service page", tab.locator("#slots li a").first)

    steps.first_slot(tab)[0].click()
    check("booking form", tab.get_by_role("button", name="Request booking"))

    steps.fill_details(tab, name="", email=steps.BAD_EMAIL, phone=steps.BAD_PHONE)
    tab.get_by_role("button", name="Request booking").click()
    check("booking form with errors", tab.locator("#error-summary"))

    tab.goto(f"{base}/booking/{confirmed.manage_token}/")
    check("confirmed", tab.get_by_role("heading", name="Booking confirmed!"))

    tab.goto(f"{base}/booking/{pending.manage_token}/")
    check("pending", tab.get_by_role("heading", name="Booking pending approval"))

    tab.goto(f"{base}/booking/{confirmed.manage_token}/cancel/")
    check("cancel step", tab.get_by_role("button", name="Yes, cancel booking"))

    tab.goto(f"{base}/booking/{cancelled.manage_token}/")
    check("cancelled", tab.get_by_role("heading", name="Booking cancelled"))

    tab.goto(f"{base}/booking/{confirmed.manage_token}/reschedule/")
    check("move: pick a time", tab.locator("#slots li a").first)
    tab.locator("#slots li a").first.click()
    check("move: confirm", tab.get_by_role("button", name="Yes, move my booking"))

    response = tab.goto(f"{live_server.url}/book/{paused.public_booking_slug}/")
    assert response.status == 404
    check("inactive page", tab.get_by_text("is not taking online bookings"))

    response = tab.goto(f"{live_server.url}/book/no-such-business/")
    assert response.status == 404
    check("404 page", tab.get_by_role("heading", name="We couldn’t find that page"))

    assert len(axe.found) == 12
    axe.assert_clean(viewport["width"])


@AT_BOTH_WIDTHS
def test_the_pickers_other_states_have_no_serious_accessibility_violations(live_server, tab, viewport, studio):
    """A closed day with "Next available", a month out of reach, a time taken meanwhile."""
    base = f"{live_server.url}/book/{studio.slug}/{studio.private.pk}/"
    closed = steps.today_in(steps.LONDON) + timedelta(days=4)
    exception_date_add(business_profile_id=studio.business.pk, date=closed, start_time=None, end_time=None)
    axe = AxeReport(tab)

    tab.goto(f"{base}?date={closed:%Y-%m-%d}&tz=Europe%2FLondon")
    axe.check("closed day", tab.get_by_text("Next available:"))

    tab.goto(f"{base}?month=2020-01&tz=Europe%2FLondon")
    axe.check("month passed", tab.get_by_text("January 2020 has passed"))

    [offered] = availability.availability_days(
        page=studio.page, service=studio.private, client_timezone="Europe/London",
        start_date=closed + timedelta(days=1), end_date=closed + timedelta(days=1), now=timezone.now(),
    )
    taken = offered.slots[1]
    tab.goto(f"{live_server.url}/book/{studio.slug}/{studio.private.pk}/book/"
             f"?start={taken.start_utc:%Y-%m-%dT%H:%M:%SZ}&tz=Europe%2FLondon")
    steps.fill_details(tab, name=steps.NAME, email=steps.EMAIL, phone=steps.PHONE)
    booking_services.booking_create(service=studio.private, start_time_utc=taken.start_utc, client_name="Eve Early",
                                    client_email="eve@example.com", client_timezone="Europe/London")
    tab.get_by_role("button", name="Confirm booking").click()
    axe.check("time taken meanwhile", tab.locator("#fresh-slots"))

    assert len(axe.found) == 3
    axe.assert_clean(viewport["width"])
