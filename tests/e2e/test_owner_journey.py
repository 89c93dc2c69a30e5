"""A business owner in a real browser: sign up, set up, share the link, answer requests, rename the link.

On a phone, with JavaScript (htmx answers in place) and without it (plain forms); the pending
count in the phone's menu and in the desktop's side nav; and the admin pages refuse to be framed
by another site.
"""

import re
from datetime import datetime, time

import pytest
from playwright.sync_api import expect

from bookingsite.bookings import services as booking_services
from bookingsite.bookings.models import Booking
from bookingsite.businesses.models import BusinessProfile, WorkingHours
from tests.factories import BookingSettingsFactory, BusinessProfileFactory, ServiceFactory, UserFactory, WorkingHoursFactory

from . import owner_steps
from .owner_steps import BERLIN, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OWNER_EMAIL = "mira@example.com"
BUSINESS = "Lakeside Pottery"
SERVICE = "Wheel taster"
REASON = "The kiln is being repaired that week, sorry!"


@pytest.fixture
def site(settings, live_server):
    """The live server's address; the settings page shows links on it, and nothing is rate limited."""
    settings.RATELIMIT_ENABLE = False
    settings.SITE_URL = live_server.url
    return live_server.url


def test_owner_signs_up_sets_up_and_answers_requests(site, browser, viewport):
    owner_context = browser.new_context(viewport=viewport, timezone_id="Europe/Berlin")
    client_context = browser.new_context(viewport=viewport, timezone_id="Europe/Berlin")
    tab, client = owner_context.new_page(), client_context.new_page()
    try:
        # Sign up: the time zone comes preselected from the browser.
        tab.goto(f"{site}/accounts/signup/")
        expect(tab.get_by_label("Time zone")).to_have_value("Europe/Berlin")
        tab.get_by_label("Your name").fill("Mira Lindqvist")
        tab.get_by_label("Email").fill(OWNER_EMAIL)
        tab.get_by_label("Password").fill(PASSWORD)
        tab.get_by_label("Business name").fill(BUSINESS)
        tab.get_by_role("button", name="Create my booking page").click()

        tab.wait_for_url(f"{site}/app/")
        expect(tab.get_by_role("heading", level=1)).to_have_text("Good to see you, Mira")
        checklist = tab.get_by_role("region", name="Get ready to take bookings")
        expect(checklist.get_by_role("link", name="Add a service")).to_be_visible()
        expect(checklist.get_by_role("link", name="Set your working hours")).to_be_visible()
        business = BusinessProfile.objects.select_related("booking_settings").get(owner__username=OWNER_EMAIL)
        assert (business.name, business.timezone) == (BUSINESS, "Europe/Berlin")
        old_slug = business.booking_settings.public_booking_slug
        assert old_slug == "lakeside-pottery"

        # Working hours: a block on every day, and (htmx) a second evening block on Saturday.
        checklist.get_by_role("link", name="Set your working hours").click()
        tab.wait_for_url(f"{site}/app/hours/")
        owner_steps.fill_week(tab, "09:00", "17:00")
        tab.get_by_role("button", name="Add a block on Saturday").click()
        expect(tab.get_by_label("Saturday, from")).to_have_count(2)
        tab.get_by_label("Saturday, from").last.fill("18:00")
        tab.get_by_label("Saturday, to").last.fill("20:00")
        tab.get_by_role("button", name="Save working hours").click()
        expect(tab.get_by_role("status")).to_contain_text("Working hours saved.")
        hours = sorted(WorkingHours.objects.filter(business_profile=business).values_list("weekday", "start_time", "end_time"))
        assert hours == sorted([(day, time(9), time(17)) for day in range(7)] + [(5, time(18), time(20))])

        # Approve each booking.
        tab.goto(f"{site}/app/settings/")
        approve_box = tab.get_by_label("I approve each booking")
        expect(approve_box).not_to_be_checked()
        approve_box.check()
        tab.get_by_role("button", name="Save settings").click()
        expect(tab.get_by_role("status")).to_contain_text("Settings saved.")
        expect(tab.get_by_label("I approve each booking")).to_be_checked()

        # A service.
        tab.goto(f"{site}/app/services/new/")
        tab.get_by_label("Name").fill(SERVICE)
        tab.get_by_label("Description").fill("An hour at the wheel, clay included.")
        tab.get_by_label("Length (minutes)").fill("60")
        tab.get_by_label("Places per session").fill("1")
        tab.get_by_role("button", name="Add service").click()
        tab.wait_for_url(f"{site}/app/services/")
        expect(tab.get_by_role("status")).to_contain_text(f"“{SERVICE}” added.")
        expect(tab.get_by_role("link", name=SERVICE, exact=True)).to_be_visible()

        tab.goto(f"{site}/app/")
        expect(tab.get_by_role("heading", name="Get ready to take bookings")).to_have_count(0)

        # Copy the link from the settings page: the clipboard holds exactly the link shown.
        owner_context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
        tab.goto(f"{site}/app/settings/")
        public_link = f"{site}/book/{old_slug}/"
        expect(tab.locator("#link-public")).to_have_text(public_link)
        expect(tab.get_by_role("button", name="Copy link", exact=True)).to_be_visible()
        copy = tab.locator('button[data-copy="#link-public"]')  # its name changes to "Copied" for a moment
        copy.click()
        expect(copy).to_have_text("Copied")
        assert tab.evaluate("navigator.clipboard.readText()") == public_link

        # A client (own browser, no shared cookies) asks for a time through the shared link.
        day = owner_steps.booking_day(BERLIN)
        first_manage_url = owner_steps.request_as_client(
            client, public_link, service_name=SERVICE, day=day, name="Jonas Weber", email="jonas@example.com"
        )

        # The owner sees it on the dashboard and in the badge, and approves it in place.
        tab.goto(f"{site}/app/")
        badge = owner_steps.nav_badge(tab, viewport)
        expect(badge).to_be_visible()
        expect(badge).to_have_text(re.compile(r"^\W*1 waiting$"))
        waiting = tab.get_by_role("region", name="Waiting for your answer")
        row = owner_steps.pending_row(waiting, "Jonas Weber")
        expect(row).to_contain_text(SERVICE)
        tab.evaluate("window.sameDocument = true")
        with tab.expect_request(lambda request: request.method == "POST") as posted:
            row.get_by_role("button", name="Approve").click()
        assert posted.value.headers.get("hx-request") == "true"
        expect(row.get_by_role("status")).to_have_text("Confirmed")
        owner_steps.expect_live_badge_cleared(tab, viewport)
        assert tab.url == f"{site}/app/"
        assert tab.evaluate("window.sameDocument === true"), "approving reloaded the page"

        # A second request, rejected with a reason from the pending list.
        second_manage_url = owner_steps.request_as_client(
            client, public_link, service_name=SERVICE, day=day, name="Lea Hoffmann", email="lea@example.com"
        )
        tab.goto(f"{site}/app/pending/")
        expect(badge).to_have_text(re.compile(r"^\W*1 waiting$"))
        row = owner_steps.pending_row(tab.locator("main"), "Lea Hoffmann")
        row.get_by_text("Reject…").click()
        row.get_by_label("Reason").fill(REASON)
        tab.evaluate("window.sameDocument = true")
        row.get_by_role("button", name="Reject request").click()
        expect(row.get_by_role("status")).to_have_text("Rejected")
        owner_steps.expect_live_badge_cleared(tab, viewport)
        assert tab.evaluate("window.sameDocument === true"), "rejecting reloaded the page"

        approved, rejected = Booking.objects.filter(business_profile=business).order_by("start_time_utc")
        assert (approved.client_name, approved.status) == ("Jonas Weber", Booking.Status.CONFIRMED)
        assert (rejected.client_name, rejected.status, rejected.rejection_reason) == (
            "Lea Hoffmann", Booking.Status.REJECTED, REASON)
        assert approved.start_time_utc.astimezone(BERLIN).replace(tzinfo=None) == datetime.combine(day, time(9))
        assert rejected.start_time_utc.astimezone(BERLIN).replace(tzinfo=None) == datetime.combine(day, time(10))

        tab.goto(f"{site}/app/bookings/{rejected.pk}/")
        expect(badge).to_be_hidden()
        expect(tab.get_by_text("Rejected", exact=True).first).to_be_visible()
        expect(tab.locator("main dl")).to_contain_text(REASON)

        client.goto(second_manage_url)
        expect(client.get_by_role("heading", level=1)).to_have_text("Booking request declined")
        expect(client.locator("main")).to_contain_text(REASON)
        client.goto(first_manage_url)
        expect(client.get_by_role("heading", level=1)).to_have_text("Booking confirmed!")

        # A new link name: the old link answers 301 to the new one, which shows the business.
        tab.goto(f"{site}/app/settings/")
        tab.get_by_label("Link name").fill("lakeside-studio")
        tab.get_by_role("button", name="Save settings").click()
        expect(tab.get_by_role("status")).to_contain_text("Your link is now /book/lakeside-studio/")
        expect(tab.locator("#link-public")).to_have_text(f"{site}/book/lakeside-studio/")

        response = client.goto(public_link)
        client.wait_for_url(f"{site}/book/lakeside-studio/")
        assert response.status == 200
        assert response.request.redirected_from is not None
        assert response.request.redirected_from.url == public_link
        assert response.request.redirected_from.response().status == 301
        expect(client.locator("header")).to_contain_text(BUSINESS)
        expect(client.get_by_role("heading", name="Choose a service")).to_be_visible()
        expect(client.get_by_role("link", name=re.compile(SERVICE))).to_be_visible()
    finally:
        client_context.close()
        owner_context.close()


def requests_awaiting_answers(*names: str) -> list[Booking]:
    """Nora's business (Berlin, approves each booking) with one request per name, made as a client would."""
    owner = UserFactory(username="nora@example.com", first_name="Nora", password=PASSWORD)
    business = BusinessProfileFactory(owner=owner, name="Nora's Nails", timezone="Europe/Berlin", country="DE", currency="EUR")
    BookingSettingsFactory(business_profile=business, public_booking_slug="noras-nails", requires_approval=True)
    for weekday in range(7):
        WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(9), end_time=time(17))
    service = ServiceFactory(business_profile=business, name="Manicure", duration_minutes=60, capacity=1)
    day = owner_steps.booking_day(BERLIN)
    requests = [
        booking_services.booking_create(
            service=service, start_time_utc=datetime.combine(day, time(9 + index), BERLIN), client_name=name,
            client_email=f"{name.lower()}@example.com", client_timezone="Europe/Berlin",
        )
        for index, name in enumerate(names)
    ]
    assert {booking.status for booking in requests} == {Booking.Status.PENDING_APPROVAL}
    return requests


def test_owner_answers_requests_without_javascript(site, browser, viewport):
    """No script: Approve and Reject are plain form POSTs that come back to the page with a message."""
    requests = requests_awaiting_answers("Ann", "Ben")
    context = browser.new_context(viewport=viewport, timezone_id="Europe/Berlin", java_script_enabled=False)
    tab = context.new_page()
    try:
        owner_steps.log_in(tab, site, email="nora@example.com")
        badge = owner_steps.nav_badge(tab, viewport)
        expect(badge).to_have_text(re.compile(r"^\W*2 waiting$"))

        waiting = tab.get_by_role("region", name="Waiting for your answer")
        with tab.expect_request(lambda request: request.method == "POST") as posted:
            owner_steps.pending_row(waiting, "Ann").get_by_role("button", name="Approve").click()
        assert "hx-request" not in posted.value.all_headers()
        expect(tab.get_by_role("status")).to_have_text("Ann: confirmed.")
        assert tab.url == f"{site}/app/"
        expect(owner_steps.pending_row(waiting, "Ann")).to_have_count(0)
        expect(badge).to_have_text(re.compile(r"^\W*1 waiting$"))

        tab.goto(f"{site}/app/pending/")
        row = owner_steps.pending_row(tab.locator("main"), "Ben")
        row.get_by_text("Reject…").click()
        row.get_by_label("Reason").fill(REASON)
        row.get_by_role("button", name="Reject request").click()
        expect(tab.get_by_role("status")).to_have_text("Ben: rejected.")
        assert tab.url == f"{site}/app/pending/"
        expect(tab.get_by_text("No requests are waiting.")).to_be_visible()
        expect(badge).to_be_hidden()

        ann, ben = (Booking.objects.get(pk=booking.pk) for booking in requests)
        assert ann.status == Booking.Status.CONFIRMED
        assert (ben.status, ben.rejection_reason) == (Booking.Status.REJECTED, REASON)
    finally:
        context.close()


def test_phone_menu_badge_follows_answers_in_place(site, browser):
    requests_awaiting_answers("Ann")
    phone = {"width": 390, "height": 844}
    context = browser.new_context(viewport=phone, timezone_id="Europe/Berlin")
    tab = context.new_page()
    try:
        owner_steps.log_in(tab, site, email="nora@example.com")
        badge = owner_steps.nav_badge(tab, phone)
        expect(badge).to_have_text(re.compile(r"^\W*1 waiting$"))
        waiting = tab.get_by_role("region", name="Waiting for your answer")
        owner_steps.pending_row(waiting, "Ann").get_by_role("button", name="Approve").click()
        expect(owner_steps.pending_row(waiting, "Ann").get_by_role("status")).to_have_text("Confirmed")
        expect(tab.locator("#pending-badge")).to_have_text(re.compile(r"^\W*0 waiting$"))  # the desktop one did
        expect(badge).to_be_hidden(timeout=2000)
    finally:
        context.close()


@pytest.mark.parametrize("viewport", ["desktop"], indirect=True)
def test_side_nav_badge_follows_answers_in_place(site, browser, viewport):
    """A desktop shows the pending count in the side nav; htmx refreshes it after an answer in place."""
    requests_awaiting_answers("Ann")
    context = browser.new_context(viewport=viewport, timezone_id="Europe/Berlin")
    tab = context.new_page()
    try:
        owner_steps.log_in(tab, site, email="nora@example.com")
        badge = owner_steps.nav_badge(tab, viewport)
        expect(badge).to_be_visible()
        expect(badge).to_have_text(re.compile(r"^\W*1 waiting$"))
        waiting = tab.get_by_role("region", name="Waiting for your answer")
        owner_steps.pending_row(waiting, "Ann").get_by_role("button", name="Approve").click()
        expect(owner_steps.pending_row(waiting, "Ann").get_by_role("status")).to_have_text("Confirmed")
        owner_steps.expect_live_badge_cleared(tab, viewport)
    finally:
        context.close()


def test_admin_pages_refuse_to_be_framed_by_another_site(site, browser, host_site):
    """An owner's page inside another site's frame does not render (X-Frame-Options: DENY);
    the public booking page in the same host page does, so the frames themselves work."""
    business = BusinessProfileFactory(name="Framed Studio")
    BookingSettingsFactory(business_profile=business, public_booking_slug="framed-studio")
    sources = {
        "login": f"{site}/accounts/login/",
        "app": f"{site}/app/",
        "public": f"{site}/book/framed-studio/",
    }
    host_url = host_site.url_for(
        "/owner-frames.html",
        "<!doctype html><title>Someone else's site</title>"
        + "".join(f'<iframe id="{name}" src="{src}" title="{name}"></iframe>' for name, src in sources.items()),
        other_than=site,
    )
    context = browser.new_context()
    tab = context.new_page()
    answers = {}
    tab.on("response", lambda response: answers.setdefault(response.url, response))
    try:
        tab.goto(host_url, wait_until="load")
        expect(tab.frame_locator("#public").get_by_role("heading", name="Choose a service")).to_be_visible()

        assert answers[sources["login"]].headers.get("x-frame-options") == "DENY"
        assert answers[sources["app"]].headers.get("x-frame-options") == "DENY"  # the redirect to log in
        assert answers[sources["public"]].headers.get("x-frame-options") is None
        for name in ("login", "app"):
            frame = tab.frame_locator(f"#{name}")
            assert frame.locator("form").count() == 0, f"{name} rendered inside another site's frame"
            assert frame.get_by_role("heading", name="Log in").count() == 0
            # Chromium put its error page in the frame instead.
            assert tab.locator(f"#{name}").element_handle().content_frame().url.startswith("chrome-error://")
        # Loaded directly, the same page shows its form: the frame, not the page, was refused.
        tab.goto(sources["login"])
        expect(tab.get_by_role("heading", name="Log in")).to_be_visible()
    finally:
        context.close()
