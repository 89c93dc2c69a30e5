"""The waitlist in Chromium (DESIGN.md 11): a client joins a full class from the slot list on a
phone, without JavaScript and inside an owner's cross-site iframe; when the booked client cancels,
the first in line claims the place from the link in their offer email."""

import re
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from bookingsite.bookings import services as booking_services
from bookingsite.bookings.models import Booking, WaitlistEntry
from bookingsite.notifications.models import EmailKind, OutboxEmail

from . import steps
from .steps import LONDON

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "07911 123457"


@pytest.fixture
def full_class(studio, settings, live_server):
    """The group class, with a waitlist, full two days ahead at 10:00 London time; links in emails
    point at the live server."""
    settings.SITE_URL = live_server.url
    studio.group.waitlist_enabled = True
    studio.group.save()
    start = datetime.combine(steps.today_in(LONDON) + timedelta(days=2), time(10), LONDON)
    bookings = [
        booking_services.booking_create(
            service=studio.group, start_time_utc=start, client_name=f"Booked {n}", client_email=f"booked{n}@example.com",
            client_timezone="Europe/London",
        )
        for n in range(studio.group.capacity)
    ]
    return start, bookings


def join_the_waitlist(scope, studio, start, *, name: str, email: str) -> None:
    """From the class's page: the day, the full time's "Join the waitlist", the details, send."""
    steps.choose_day(scope, start.astimezone(LONDON).date())
    full = scope.locator("#slots li a", has_text="Join the waitlist")
    expect(full).to_have_count(1)
    expect(full).to_contain_text(steps.times_label(start, 60, LONDON))
    assert steps.slot_start(full.get_attribute("href")) == start
    full.click()
    expect(scope.get_by_role("heading", level=1)).to_have_text("Join the waitlist")
    steps.expect_slot_summary(scope, service_name="Small group flow", start=start, minutes=60, zone=LONDON)
    steps.fill_details(scope, name=name, email=email, phone=PHONE)
    scope.get_by_role("button", name="Join the waitlist").click()


def test_two_clients_join_on_a_phone_and_the_first_claims_the_freed_place_from_the_email(live_server, tab, studio, full_class):
    start, bookings = full_class
    for position, (name, email) in enumerate([("Nina Wait", "nina@example.com"), ("Omar Next", "omar@example.com")], 1):
        tab.goto(f"{live_server.url}/book/{studio.slug}/{studio.group.pk}/")
        join_the_waitlist(tab, studio, start, name=name, email=email)
        expect(tab.get_by_role("heading", level=1)).to_have_text(f"You’re number {position} in line")
        assert tab.evaluate("document.documentElement.scrollWidth") <= tab.viewport_size["width"]
    assert list(WaitlistEntry.objects.values_list("client_email", "status")) == [
        ("nina@example.com", "waiting"), ("omar@example.com", "waiting"),
    ]

    # The booked client cancels from their manage link: Nina, first in line, is offered the place.
    tab.goto(f"{live_server.url}/book/{studio.slug}/booking/{bookings[0].manage_token}/")
    steps.cancel_from_confirmation(tab, reason="Sorry, can't make it")
    offer = OutboxEmail.objects.get(kind=EmailKind.WAITLIST_OFFER)
    assert offer.to_email == "nina@example.com"
    claim_url = re.search(r"(http://\S+/claim/)", offer.body_text).group(1)
    assert claim_url in offer.body_html

    tab.goto(claim_url)
    expect(tab.get_by_role("heading", level=1)).to_have_text("A place is free for you")
    tab.get_by_role("button", name="Claim my place").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Booking confirmed!")
    claimed = Booking.objects.get(client_email="nina@example.com")
    assert (claimed.status, claimed.start_time_utc) == (Booking.Status.CONFIRMED, start)
    assert Booking.objects.holding_at(datetime.now(LONDON)).filter(start_time_utc=start).count() == studio.group.capacity

    # The link again, later: it says the place was claimed and leads to the booking.
    tab.goto(claim_url)
    expect(tab.get_by_role("heading", level=1)).to_have_text("You claimed this place")
    tab.get_by_role("link", name="See your booking").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Booking confirmed!")


@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
def test_a_client_joins_and_leaves_without_javascript(live_server, browser, viewport, studio, full_class):
    start, _bookings = full_class
    context = browser.new_context(viewport=viewport, java_script_enabled=False, timezone_id="Europe/London")
    tab = context.new_page()
    try:
        tab.goto(f"{live_server.url}/book/{studio.slug}/{studio.group.pk}/")
        join_the_waitlist(tab, studio, start, name="Nina Wait", email="nina@example.com")
        expect(tab.get_by_role("heading", level=1)).to_have_text("You’re number 1 in line")
        tab.get_by_role("button", name="Leave the waitlist").click()
        expect(tab.get_by_role("heading", level=1)).to_have_text("You left this waitlist.")
        assert WaitlistEntry.objects.get().status == WaitlistEntry.Status.LEFT
    finally:
        context.close()


def test_a_client_joins_inside_a_cross_site_frame(live_server, browser, viewport, studio, full_class, host_site):
    start, _bookings = full_class
    context = browser.new_context(viewport=viewport, timezone_id="Europe/London")
    tab = context.new_page()
    try:
        service_page = f"{live_server.url}/book/{studio.slug}/{studio.group.pk}/"
        host = host_site.url_for(
            "/classes.html",
            f'<!doctype html><title>Harbour Yoga</title><h1>Classes</h1>'
            f'<iframe src="{service_page}" title="Book a class" style="width:100%;height:1600px;border:0"></iframe>',
            other_than=live_server.url,
        )
        tab.goto(host)
        framed = tab.frame_locator("iframe")
        join_the_waitlist(framed, studio, start, name="Nina Wait", email="nina@example.com")
        expect(framed.get_by_role("heading", level=1)).to_have_text("You’re number 1 in line")
        assert WaitlistEntry.objects.get().client_email == "nina@example.com"
        assert not context.cookies()  # nothing needed a cookie
    finally:
        context.close()
