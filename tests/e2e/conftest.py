"""Shared fixtures of the browser tests: a business open every day, a tab in a client's time zone,
and host pages on the other loopback name."""

import http.server
import threading
import urllib.parse
from dataclasses import dataclass
from datetime import time
from decimal import Decimal

import pytest

from bookingsite.businesses.models import BusinessBookingSettings, BusinessProfile, SessionCategory
from tests.factories import BookingSettingsFactory, BusinessProfileFactory, ServiceFactory, WorkingHoursFactory

CUSTOM_MESSAGE = "Classes are at the Harbour Studio, first floor. Bring a mat if you have one."


@pytest.fixture(autouse=True)
def _pages_load_their_css_and_js(live_static):
    """Every page here links hashed static names; live_static (tests/conftest.py) serves them."""


@dataclass(frozen=True)
class Studio:
    business: BusinessProfile
    page: BusinessBookingSettings
    private: SessionCategory  # one place per session
    group: SessionCategory  # three places per session

    @property
    def slug(self) -> str:
        return self.page.public_booking_slug


@pytest.fixture
def studio(settings) -> Studio:
    """A London business open 08:00-20:00 every day, bookable right now, with two services.

    Rate limits are off: several tests post more bookings than a client may in a minute.
    """
    settings.RATELIMIT_ENABLE = False
    business = BusinessProfileFactory(name="Harbour Yoga", timezone="Europe/London", country="GB", currency="GBP")
    for weekday in range(7):
        WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(8), end_time=time(20))
    page = BookingSettingsFactory(
        business_profile=business,
        public_booking_slug="harbour-yoga",
        minimum_notice_minutes=0,
        booking_horizon_days=60,
        custom_message_client=CUSTOM_MESSAGE,
    )
    private = ServiceFactory(
        business_profile=business, name="Private yoga", duration_minutes=60, capacity=1, price=Decimal("45"),
        description="One-to-one practice shaped around you.", position=0,
    )
    group = ServiceFactory(
        business_profile=business, name="Small group flow", duration_minutes=60, capacity=3, price=Decimal("15"),
        description="A gentle class for up to three people.", position=1,
    )
    return Studio(business=business, page=page, private=private, group=group)


@pytest.fixture
def tab(browser, viewport):
    """A tab in a context whose clock is in London, the business's zone, so the page keeps its zone.

    (zone-first.js reloads the page in the browser's zone when it differs; test_booking_flow and
    test_zone_browser test that.)
    """
    context = browser.new_context(viewport=viewport, timezone_id="Europe/London")
    yield context.new_page()
    context.close()


class _HostSite:
    """Pages of "an owner's own website", served on the loopback name the live server does not use."""

    def __init__(self):
        self.pages: dict[str, bytes] = {}
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = site.pages.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body or b"not found")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url_for(self, path: str, html: str, *, other_than: str) -> str:
        """Serve html at path; its address uses the loopback name that other_than's host does not."""
        self.pages[path] = html.encode()
        hostname = "127.0.0.1" if urllib.parse.urlsplit(other_than).hostname == "localhost" else "localhost"
        return f"http://{hostname}:{self.server.server_port}{path}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def host_site():
    site = _HostSite()
    yield site
    site.close()
