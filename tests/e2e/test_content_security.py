"""The pages under their Content-Security-Policy in a real browser: nothing refused, no console error.

The policy allows our own files only: no inline script, inline styles only with the page's nonce.
Anything on a page that needs more (htmx's indicator style, FullCalendar's styles, Swagger UI's
start-up script, an `hx-on` handler, a style attribute) is refused by Chromium, which fires
`securitypolicyviolation` and logs a console error; either fails these tests.
"""

import re
from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from bookingsite.bookings import services as booking_services
from bookingsite.bookings.models import Booking

from . import owner_steps, steps
from .steps import LONDON

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OWNER_PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => window.reportViolation(
  `${event.effectiveDirective} refused ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`));
"""


class Watched:
    """What went wrong in the tabs of one browser context: CSP violations, console errors, page errors."""

    def __init__(self, context: BrowserContext):
        self.context = context
        self.problems: list[str] = []
        self.expected_404s: set[str] = set()
        context.expose_binding("reportViolation", lambda source, text: self.problems.append(f"{source['frame'].url}: {text}"))
        context.add_init_script(REPORT_VIOLATIONS)

    def new_page(self) -> Page:
        tab = self.context.new_page()

        def on_console(message: ConsoleMessage) -> None:
            # A page asked for on purpose as a 404 logs its own status, and so does the icon Chromium
            # looks for by itself on pages that name none (Django's admin); anything else is a problem.
            url = message.location.get("url", "")
            if message.type == "error" and url not in self.expected_404s and not url.endswith("/favicon.ico"):
                self.problems.append(f"console: {message.text} ({url})")

        tab.on("console", on_console)
        tab.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        return tab

    def settled(self, tab: Page) -> list[str]:
        """The problems so far; the round trip first delivers every console event the tab sent before it."""
        tab.evaluate("1")
        return self.problems


@pytest.fixture
def watched(browser, viewport):
    context = browser.new_context(viewport=viewport, timezone_id="Asia/Tokyo")
    yield Watched(context)
    context.close()


def test_a_refused_inline_style_is_caught(live_server, watched, studio):
    """The control: the watch above does see a violation, and Chromium does enforce the policy."""
    tab = watched.new_page()
    tab.goto(f"{live_server.url}/book/{studio.slug}/")
    assert watched.settled(tab) == [], watched.problems

    tab.evaluate("document.head.insertAdjacentHTML('beforeend', '<style>body { color: rgb(255, 0, 0) }</style>')")

    tab.wait_for_function("getComputedStyle(document.body).color !== ''")
    assert tab.evaluate("getComputedStyle(document.body).color") != "rgb(255, 0, 0)"
    assert any("Content Security Policy" in problem for problem in watched.settled(tab)), watched.problems


def test_the_booking_flow_breaks_no_rule(live_server, settings, watched, studio):
    settings.ALLOWED_HOSTS = ["localhost", ".localhost", "127.0.0.1"]
    tab = watched.new_page()
    tab.goto(f"{live_server.url}/book/{studio.slug}/")
    steps.open_service_from_list(tab, studio.private.name)
    # A visitor in Tokyo: zone-first.js reloads the page in their zone before it paints.
    steps.times_shown_in(tab, "Asia/Tokyo")
    day = steps.today_in(steps.TOKYO) + timedelta(days=3)
    steps.choose_day(tab, day)
    slot, _start = steps.first_slot(tab)
    slot.click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Your details")
    steps.fill_details(tab, name=steps.NAME, email=steps.EMAIL, phone=steps.PHONE)
    tab.get_by_role("button", name="Confirm booking").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Booking confirmed!")
    assert Booking.objects.get().status == Booking.Status.CONFIRMED
    tab.get_by_role("link", name=re.compile("Cancel")).first.click()
    tab.wait_for_url(re.compile(r"/cancel/$"))

    watched.expected_404s.add(f"{live_server.url}/book/no-such-studio/")
    assert tab.goto(f"{live_server.url}/book/no-such-studio/").status == 404
    expect(tab.get_by_role("heading", level=1)).to_have_text("We couldn’t find that page")
    subdomain = live_server.url.replace("//localhost", f"//{studio.slug}.localhost")
    tab.goto(f"{subdomain}/")
    expect(tab.get_by_role("heading", name="Choose a service")).to_be_visible()

    assert watched.settled(tab) == [], watched.problems


@pytest.mark.parametrize("viewport", ["desktop"], indirect=True)
def test_the_owner_pages_break_no_rule(live_server, watched, studio):
    start = datetime.combine(timezone.now().astimezone(LONDON).date() + timedelta(days=2), time(10), tzinfo=LONDON)
    booking = booking_services.booking_create(
        service=studio.private, start_time_utc=start, client_name="Jo Swimmer", client_email="jo@example.com",
        client_phone="", client_timezone="Europe/London",
    )
    tab = watched.new_page()
    owner_steps.log_in(tab, live_server.url, email=studio.business.owner.username, password=OWNER_PASSWORD)

    tab.goto(f"{live_server.url}/app/calendar/?date={start:%Y-%m-%d}&view=timeGridWeek")
    expect(tab.locator("#calendar .fc-event").first).to_be_visible()
    # FullCalendar's own <style> (nonced) applies: without it its view would sit in the page's flow.
    expect(tab.locator("#calendar .fc-view")).to_have_css("position", "absolute")
    tab.get_by_role("button", name="Month").click()
    expect(tab.locator("#calendar .fc-daygrid")).to_be_visible()

    tab.goto(f"{live_server.url}/app/hours/")
    tab.get_by_role("button", name="Add a block on Monday").click()
    added = tab.locator("#day-0-rows").get_by_role("button", name=re.compile("^Remove"))
    expect(added).to_have_count(1)
    added.click()  # owner.js drops the row: there is no hx-on handler for the CSP to refuse
    expect(added).to_have_count(0)

    for path in ["/app/", "/app/pending/", "/app/bookings/", f"/app/bookings/{booking.pk}/", "/app/clients/",
                 "/app/services/", "/app/exceptions/", "/app/settings/", "/app/notifications/"]:
        response = tab.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        expect(tab.locator("main h1")).to_be_visible()

    assert watched.settled(tab) == [], watched.problems


@pytest.mark.parametrize("viewport", ["desktop"], indirect=True)
def test_the_staff_admin_and_the_api_docs_break_no_rule(live_server, watched, studio):
    get_user_model().objects.create_superuser("operator@example.com", "operator@example.com", OWNER_PASSWORD)
    tab = watched.new_page()
    tab.goto(f"{live_server.url}/staff/")
    tab.get_by_label("Username").fill("operator@example.com")
    tab.get_by_label("Password").fill(OWNER_PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    expect(tab.locator("#site-name")).to_contain_text("operator")
    tab.goto(f"{live_server.url}/staff/businesses/businessprofile/")
    tab.get_by_role("link", name=studio.business.name).click()
    expect(tab.locator("#content h2, #content h1").first).to_be_visible()
    tab.goto(f"{live_server.url}/staff/bookings/booking/")
    expect(tab.locator("#changelist")).to_be_visible()

    tab.goto(f"{live_server.url}/api/docs/")
    expect(tab.locator(".swagger-ui .opblock").first).to_be_visible()  # its start-up script ran and read the schema
    tab.locator(".swagger-ui .opblock-summary").first.click()
    expect(tab.locator(".swagger-ui .opblock-body").first).to_be_visible()

    assert watched.settled(tab) == [], watched.problems

