"""Fixtures by role (alice owns a business, bob owns another), SQLite's busy timeout for lock tests, and the browser."""

import os
import shutil
from datetime import time

import pytest
from django.db import connection
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from bookingsite.businesses.locking import LOCK_TIMEOUT_SECONDS

from .factories import BookingSettingsFactory, BusinessProfileFactory, ServiceFactory, UserFactory
from .private_redis import PrivateRedis

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the
# test itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() == "true"

# Every property test follows these profiles: 200 examples locally, 2000 under CI=true (or with
# `pytest --hypothesis-profile=ci`). A test that needs another count says so in its own @settings
# (test_schemathesis.py: each of its cases is a request against the database).
# No deadline: an example's time depends on the machine's load (the browser tests share it), and
# the engine's generated weeks of DST days are slow on purpose. No example database either: runs
# do not write .hypothesis/ into the working tree; a failure prints its falsifying example.
hypothesis_settings.register_profile(
    "default", max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.register_profile("ci", parent=hypothesis_settings.get_profile("default"), max_examples=2000)
hypothesis_settings.load_profile("ci" if IN_CI else "default")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session", autouse=True)
def collected_static(tmp_path_factory):
    """Static files collected as in production (hashed names in a manifest), minus compression:
    brotli at its best takes seconds, and the benchmark, not the tests, measures page weight."""
    from django.conf import settings
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path_factory.mktemp("staticfiles")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    return settings.STATIC_ROOT


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """The translations as `make install` compiles them, so a bare pytest run reads them too."""
    from bookingsite.core.catalogues import compile_catalogues

    compile_catalogues()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 costs most of a second per user; tests need working passwords, not strong ones."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in a cache (computed availability in another); each test starts
    and ends with both empty."""
    from django.core.cache import caches

    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


@pytest.fixture
def private_redis():
    """A redis-server of this test's own, running; the test may stop and start it again."""
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def alice(db):
    return UserFactory(username="alice@example.com", first_name="Alice")


@pytest.fixture
def business(alice):
    return BusinessProfileFactory(owner=alice, name="Alice's Aqua Studio", timezone="Europe/London")


@pytest.fixture
def page(business):
    """The business's booking link settings (the 'booking page')."""
    return BookingSettingsFactory(business_profile=business, public_booking_slug="alices-aqua")


@pytest.fixture
def service(business):
    return ServiceFactory(business_profile=business, name="Private lesson", duration_minutes=60, capacity=1)


@pytest.fixture
def open_page(page, business):
    """Alice works 09:00-17:00 London time every day and wants an hour's notice."""
    from .factories import WorkingHoursFactory

    page.minimum_notice_minutes = 60
    page.save()
    for weekday in range(7):
        WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(9), end_time=time(17))
    return page


@pytest.fixture
def other_business(db):
    bob = UserFactory(username="bob@example.com")
    profile = BusinessProfileFactory(owner=bob, name="Bob's Boxing")
    BookingSettingsFactory(business_profile=profile, public_booking_slug="bobs-boxing")
    return profile


@pytest.fixture
def sqlite_busy_timeout(monkeypatch):
    """SQLite has no row lock: its write lock is the database's, and its busy timeout (20 s in
    settings) plays lock_timeout's part. Here it is cut to the lock timeout for this test only
    (with tests.locking.LockHolder, a write gives up busy as it would on PostgreSQL)."""
    if connection.vendor == "sqlite":
        connection.close()
        options = {**connection.settings_dict["OPTIONS"], "timeout": LOCK_TIMEOUT_SECONDS}
        monkeypatch.setitem(connection.settings_dict, "OPTIONS", options)
        yield
        connection.close()  # the next test connects with the settings' own timeout again
    else:
        yield


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright; a missing browser fails the run, never skips it."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (make test does this as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield BritishBrowser(chromium)
        chromium.close()


class BritishBrowser:
    """The browser, whose tabs speak British English unless a test gives a `locale`: Playwright's
    default is en-US, and the browser's Accept-Language sets the page's region (DESIGN.md 12), which
    would put the tests' London businesses on a US calendar (Sunday first, 12-hour clock)."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        return self._browser.new_context(**{"locale": "en-GB", **options})

    def __getattr__(self, name):
        return getattr(self._browser, name)


VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
# For a test about layout, or accessibility, at both widths (a journey runs once, on the phone).
AT_BOTH_WIDTHS = pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)


@pytest.fixture
def viewport(request):
    """The browser's window: a phone's, unless the test asks for another with
    @pytest.mark.parametrize("viewport", ["desktop"], indirect=True), or AT_BOTH_WIDTHS."""
    return dict(VIEWPORTS[getattr(request, "param", "phone")])


@pytest.fixture
def browser_page(browser, viewport):
    context = browser.new_context(viewport=viewport)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="session")
def live_static(collected_static):
    """Make `live_server` serve the collected, hashed static files that pages link to.

    pytest-django's live server answers /static/ through staticfiles' finders, which know only
    the unhashed source names, so every `{% static %}` link 404s and browser tests would run
    without CSS or JS. Here it serves `collected_static`, as WhiteNoise does in production.
    """
    from unittest import mock

    from django.contrib.staticfiles.handlers import StaticFilesHandlerMixin
    from django.views.static import serve

    def serve_collected(handler, request):
        return serve(request, handler.file_path(request.path), document_root=collected_static)

    with mock.patch.object(StaticFilesHandlerMixin, "serve", serve_collected):
        yield collected_static
