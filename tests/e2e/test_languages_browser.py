"""The booking flow in the client's language, in a real browser (DESIGN.md 12): German on a phone
chosen by the browser's Accept-Language, French inside an owner's cross-site iframe by `?lang=`,
and axe on the service page in every language. Texts are the catalogue's, read with gettext."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from bookingsite.bookings.models import Booking

from . import steps
from .test_accessibility import blocking_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL_JS = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def say(code: str, message: str) -> str:
    """`message` as the pages in `code` write it; never the English one (a catalogue is compiled)."""
    with translation.override(code):
        translated = gettext(message)
    assert translated != message or code == "en", f"no {code} translation of {message!r}"
    return translated


def book_first_time(scope, code: str, service_name: str) -> None:
    """From the service list: the service, the first time of the day shown, the details, confirm."""
    expect(scope.get_by_role("heading", name=say(code, "Choose a service"))).to_be_visible()
    scope.get_by_role("link", name=re.compile(re.escape(service_name))).click()
    expect(scope.get_by_role("heading", level=1)).to_have_text(service_name)
    expect(scope.locator("#picker")).to_contain_text(say(code, "Your time zone:"))
    steps.first_slot(scope)[0].click()
    expect(scope.get_by_role("heading", level=1)).to_have_text(say(code, "Your details"))
    scope.get_by_label(say(code, "Your name")).fill(steps.NAME)
    scope.get_by_label(say(code, "Email")).fill(steps.EMAIL)
    scope.get_by_label(say(code, "Phone")).fill(steps.PHONE)
    scope.get_by_role("button", name=say(code, "Confirm booking")).click()
    expect(scope.get_by_role("heading", level=1)).to_have_text(say(code, "Booking confirmed!"))


def test_a_german_browser_books_in_german_on_a_phone(live_server, browser, studio):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE", timezone_id="Europe/London")
    tab = context.new_page()
    try:
        tab.goto(f"{live_server.url}/book/{studio.slug}/")
        expect(tab.locator("html")).to_have_attribute("lang", "de")
        book_first_time(tab, "de", studio.private.name)

        expect(tab.locator("html")).to_have_attribute("lang", "de")
        expect(tab.get_by_role("link", name=say("de", "Cancel booking"))).to_be_visible()
        assert tab.evaluate(NO_SIDEWAYS_SCROLL_JS)
        assert Booking.objects.get().client_name == steps.NAME

        # The switcher: the same page in French, marked as the language in use.
        tab.get_by_role("link", name="Français").click()
        expect(tab.locator("html")).to_have_attribute("lang", "fr")
        expect(tab.get_by_role("heading", level=1)).to_have_text(say("fr", "Booking confirmed!"))
        expect(tab.get_by_role("link", name="Français")).to_have_attribute("aria-current", "true")
    finally:
        context.close()


def test_a_french_visitor_books_in_french_inside_a_cross_site_frame(live_server, browser, viewport, studio, host_site):
    context = browser.new_context(viewport=viewport, timezone_id="Europe/London")  # an English browser
    tab = context.new_page()
    # The owner's French site embeds the page with embed.js, asking for French.
    host_url = host_site.url_for(
        "/framed-fr.html",
        f'<!doctype html><html lang="fr"><title>Harbour Yoga</title><h1>Nos cours</h1>'
        f'<script src="{live_server.url}/static/embed.js" data-slug="{studio.slug}" data-lang="fr" data-title="Réserver">'
        f'</script>',
        other_than=live_server.url,
    )
    try:
        tab.goto(host_url)
        expect(tab.locator("iframe")).to_have_attribute("src", f"{live_server.url}/book/{studio.slug}/?lang=fr")
        framed = tab.frame_locator("iframe")
        book_first_time(framed, "fr", studio.group.name)

        frame = next(f for f in tab.frames if f.url.startswith(live_server.url))
        assert tab.url.split("/")[2] != frame.url.split("/")[2]  # two sites
        assert frame.url.endswith("?lang=fr")
        expect(framed.locator("html")).to_have_attribute("lang", "fr")
        emailed = "We’ve emailed you the link to this page, so you can come back to it to see, move or cancel this booking."
        expect(framed.locator("main")).to_contain_text(say("fr", emailed))
        assert Booking.objects.get().session_category == studio.group
    finally:
        context.close()


@pytest.mark.parametrize("code", ["en", "de", "es", "fr"])
def test_the_service_page_has_no_serious_accessibility_violations_in_each_language(live_server, tab: Page, studio, code):
    tab.goto(f"{live_server.url}/book/{studio.slug}/{studio.group.pk}/?lang={code}")

    expect(tab.locator("html")).to_have_attribute("lang", code)
    expect(tab.locator("#picker-heading")).to_have_text(say(code, "Choose a date and time"))
    expect(tab.locator("#slots li a").first).to_be_visible()
    assert not blocking_violations(tab), "\n".join(blocking_violations(tab))
