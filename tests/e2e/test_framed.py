"""The booking page inside an owner's website: a cross-site iframe, and the embed.js snippet.

The owner's site is served on the other loopback name (127.0.0.1 when the live server is
localhost), so the frame is cross-site, and this Chromium blocks third-party cookies by default.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from django.utils import timezone

from bookingsite.bookings.models import Booking
from bookingsite.bookings.selectors import availability
from bookingsite.bookings.services import booking_create

from . import steps
from .steps import TOKYO

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FRAME_HEIGHT_JS = "Math.ceil(document.getElementById('page-frame').getBoundingClientRect().height)"


def test_booking_inside_a_cross_site_frame_needs_no_cookie(live_server, browser, viewport, studio, host_site):
    # A visitor in Tokyo: the page opens in the browser's own zone (static/js/zone-first.js).
    context = browser.new_context(viewport=viewport, timezone_id="Asia/Tokyo")
    tab = context.new_page()
    booking_page = f"{live_server.url}/book/{studio.slug}/"
    host_url = host_site.url_for(
        "/framed.html",
        f'<!doctype html><title>Harbour Yoga</title><h1>Our classes</h1>'
        f'<iframe src="{booking_page}" title="Book online" style="width:100%;height:1400px;border:0"></iframe>',
        other_than=live_server.url,
    )
    try:
        # How we know third-party cookies are blocked here (no product code involved):
        # 1. First-party, the booking site sets a SameSite=None; Secure cookie (the kind a browser
        #    may send cross-site) and Chromium sends it back: a request carries it.
        tab.goto(booking_page)
        tab.evaluate('document.cookie = "probe=1; SameSite=None; Secure; Path=/"')
        first_party = tab.reload()
        assert "probe=1" in first_party.request.all_headers().get("cookie", "")
        assert {"name": "probe", "sameSite": "None", "secure": True}.items() <= next(
            cookie for cookie in context.cookies() if cookie["name"] == "probe").items()

        tab.goto(host_url)
        framed = tab.frame_locator("iframe")
        expect(framed.get_by_role("heading", name="Choose a service")).to_be_visible()
        frame = next(f for f in tab.frames if f.url == booking_page)
        assert tab.url.split("/")[2] != frame.url.split("/")[2]  # 127.0.0.1 vs localhost: two sites

        # 2. Inside the frame the same cookie is invisible, and one the frame sets does not stick.
        frame_cookies = frame.evaluate('document.cookie = "frameprobe=1; SameSite=None; Secure; Path=/"; document.cookie')
        assert "probe" not in frame_cookies
        assert "frameprobe" not in {cookie["name"] for cookie in context.cookies()}

        steps.open_service_from_list(framed, studio.private.name)
        steps.times_shown_in(framed, "Asia/Tokyo")
        steps.choose_day(framed, steps.today_in(TOKYO) + timedelta(days=3))
        slot, start = steps.first_slot(framed)
        slot.click()
        expect(framed.get_by_role("heading", level=1)).to_have_text("Your details")
        steps.fill_details(framed, name=steps.NAME, email=steps.EMAIL, phone=steps.PHONE)

        # 3. The booking POST itself leaves without any cookie, though the jar holds one for the
        #    site: the browser withheld it as a third-party cookie. The booking still succeeds.
        with tab.expect_request(lambda request: request.method == "POST") as posted:
            framed.get_by_role("button", name="Confirm booking").click()
        assert "cookie" not in posted.value.all_headers()
        assert "probe" in {cookie["name"] for cookie in context.cookies()}

        expect(framed.get_by_role("heading", level=1)).to_have_text("Booking confirmed!")
        steps.expect_slot_summary(framed, service_name=studio.private.name, start=start, minutes=60, zone=TOKYO)
        booking = Booking.objects.get()
        assert (booking.status, booking.start_time_utc, booking.booked_in_client_timezone) == (
            Booking.Status.CONFIRMED, start, "Asia/Tokyo")
        assert re.search(rf"/booking/{booking.manage_token}/$", frame.url)
        expect(tab.get_by_role("heading", name="Our classes")).to_be_visible()  # the host page stayed put
    finally:
        context.close()


def iframe_height(tab: Page) -> float:
    return tab.locator("iframe").bounding_box()["height"]


def wait_until_frame_fits(tab: Page, content_height: int) -> None:
    tab.wait_for_function(
        "h => Math.abs(document.querySelector('iframe').getBoundingClientRect().height - h) <= 1", arg=content_height
    )


def test_embed_script_frames_the_page_and_fits_its_height(live_server, tab, studio, host_site):
    host_url = host_site.url_for(
        "/embed.html",
        f'<!doctype html><title>Harbour Yoga</title><h1>Book a class</h1>'
        f'<script src="{live_server.url}/static/embed.js" data-slug="{studio.slug}"></script><p>Thanks for visiting.</p>',
        other_than=live_server.url,
    )
    tab.goto(host_url)

    iframe = tab.locator("iframe")
    expect(iframe).to_have_count(1)
    expect(iframe).to_have_attribute("src", f"{live_server.url}/book/{studio.slug}/")
    expect(iframe).to_have_attribute("title", "Book online")
    framed = tab.frame_locator("iframe")
    expect(framed.get_by_role("heading", name="Choose a service")).to_be_visible()
    frame = next(f for f in tab.frames if f.url.startswith(live_server.url))
    frame.wait_for_function("document.documentElement.classList.contains('framed')")

    # The frame takes the height the page reports (postMessage), so nothing scrolls inside it.
    list_height = frame.evaluate(FRAME_HEIGHT_JS)
    wait_until_frame_fits(tab, list_height)
    assert abs(iframe_height(tab) - list_height) <= 1
    assert iframe_height(tab) > 480  # grown past embed.js's starting min-height
    assert frame.evaluate("document.documentElement.scrollHeight <= document.documentElement.clientHeight + 1")

    # A taller page (calendar and times) makes the frame grow with it.
    steps.open_service_from_list(framed, studio.private.name)
    expect(framed.locator("#slots li a").first).to_be_visible()
    frame = next(f for f in tab.frames if f.url.startswith(live_server.url))
    service_height = frame.evaluate(FRAME_HEIGHT_JS)
    assert service_height > max(list_height, 480)
    wait_until_frame_fits(tab, service_height)
    assert abs(iframe_height(tab) - service_height) <= 1
    assert iframe_height(tab) > 480
    assert frame.evaluate("document.documentElement.scrollHeight <= document.documentElement.clientHeight + 1")
    # The frame sits where the owner pasted the script, between their heading and text.
    assert tab.evaluate("document.querySelector('script[data-slug]').nextElementSibling.tagName") == "IFRAME"


EMAILED_LINK = "We’ve emailed you the link to this page, so you can come back to it"
KEEP_ADDRESS = "Keep this page’s address"


def test_a_framed_confirmation_offers_the_emailed_link_not_the_address(live_server, tab, studio, host_site):
    day = steps.today_in(steps.LONDON) + timedelta(days=2)
    [offered] = availability.availability_days(page=studio.page, service=studio.private, client_timezone="Europe/London",
                                               start_date=day, end_date=day, now=timezone.now())
    start = offered.slots[0].start_utc
    booking = booking_create(service=studio.private, start_time_utc=start, client_name=steps.NAME,
                             client_email=steps.EMAIL, client_timezone="Europe/London")
    booking_page = f"{live_server.url}/book/{studio.slug}/booking/{booking.manage_token}/"

    # On its own the page's address is the client's link (and the email has it too).
    tab.goto(booking_page)
    expect(tab.get_by_text(KEEP_ADDRESS)).to_be_visible()
    expect(tab.get_by_text(EMAILED_LINK)).to_be_hidden()

    # In an owner's frame the address bar shows their site: only the emailed link is offered.
    host_url = host_site.url_for(
        "/confirmation.html",
        f'<!doctype html><title>Harbour Yoga</title><h1>Our classes</h1>'
        f'<iframe src="{booking_page}" title="Book online" style="width:100%;height:1400px;border:0"></iframe>',
        other_than=live_server.url,
    )
    tab.goto(host_url)
    framed = tab.frame_locator("iframe")
    expect(framed.get_by_role("heading", level=1)).to_have_text("Booking confirmed!")
    expect(framed.get_by_text(EMAILED_LINK)).to_be_visible()
    expect(framed.get_by_text(KEEP_ADDRESS)).to_be_hidden()


FRAME_TOP_JS = "document.querySelector('iframe').getBoundingClientRect().top"


def test_each_step_in_an_embedded_frame_brings_its_top_into_view_on_a_phone(live_server, tab, studio, host_site):
    host_url = host_site.url_for(
        "/long.html",
        f'<!doctype html><meta name="viewport" content="width=device-width"><title>Harbour Yoga</title>'
        f'<h1>Book a class</h1><div style="height:1200px">About us…</div>'
        f'<script src="{live_server.url}/static/embed.js" data-slug="{studio.slug}"></script>'
        f'<div style="height:2000px">Find us…</div>',
        other_than=live_server.url,
    )
    tab.goto(host_url)
    iframe = tab.locator("iframe")
    iframe.scroll_into_view_if_needed()  # embed.js's frame loads lazily
    framed = tab.frame_locator("iframe")
    expect(framed.get_by_role("heading", name="Choose a service")).to_be_visible()
    frame = next(f for f in tab.frames if f.url.startswith(live_server.url))
    wait_until_frame_fits(tab, frame.evaluate(FRAME_HEIGHT_JS))

    # The visitor scrolls on down the host page: the frame's top goes out of sight above.
    tab.evaluate(f"window.scrollBy(0, {FRAME_TOP_JS} + 180)")
    assert tab.evaluate(FRAME_TOP_JS) < -150
    card = framed.get_by_role("link", name=re.compile(re.escape(studio.group.name)))
    expect(card).to_be_in_viewport()

    card.click()  # a step: the service's own page loads inside the frame

    expect(framed.get_by_role("heading", level=1)).to_have_text(studio.group.name)
    tab.wait_for_function(f"Math.abs({FRAME_TOP_JS}) <= 1")
    assert -1 <= tab.evaluate(FRAME_TOP_JS) < tab.viewport_size["height"]  # (subpixel layout)
    # And the frame still takes its new page's height.
    frame = next(f for f in tab.frames if f.url.startswith(live_server.url))
    wait_until_frame_fits(tab, frame.evaluate(FRAME_HEIGHT_JS))
