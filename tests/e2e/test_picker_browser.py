"""The picker in Chromium (issue 17): a chosen day's times come into view on a phone, with and
without JavaScript; arrow keys move between days; the times panel's swap is announced; a swap
that takes a while shows an indicator."""

import re

import pytest
from playwright.sync_api import expect

from . import steps
from .steps import LONDON

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def service_page(live_server, studio) -> str:
    following = steps.next_month(steps.today_in(LONDON))  # every day of it is bookable
    return f"{live_server.url}/book/{studio.slug}/{studio.private.pk}/?month={following:%Y-%m}&tz=Europe%2FLondon"


def in_viewport(tab, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= tab.viewport_size["height"]


def a_later_day(tab):
    """A bookable day other than the chosen one, late in the month (below the fold on a phone's times)."""
    return tab.locator('#picker a[data-focus-after="slots-heading"]:not([aria-current])').last


def test_tapping_a_day_on_a_phone_brings_its_times_into_view_and_says_so(live_server, tab, studio):
    tab.goto(service_page(live_server, studio))
    day = a_later_day(tab)
    label = day.get_attribute("aria-label").split(",")[0]
    tab.evaluate("window.scrollTo(0, 0)")

    day.click()

    expect(tab.locator("#slots-heading")).to_have_text(label)
    first = tab.locator("#slots li a").first
    expect(first).to_be_visible()
    tab.wait_for_function("document.querySelector('#slots li a').getBoundingClientRect().bottom <= window.innerHeight")
    assert in_viewport(tab, first)
    # The live region outside the swapped picker announces the new times.
    expect(tab.locator("#picker-status")).to_have_text(re.compile(rf"^{label}: \d+ times$"))


def test_without_javascript_a_days_link_lands_on_its_times(live_server, browser, studio):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False,
                                  timezone_id="Europe/London")
    tab = context.new_page()
    try:
        tab.goto(service_page(live_server, studio))
        day = a_later_day(tab)
        label = day.get_attribute("aria-label").split(",")[0]

        day.click()

        expect(tab.locator("#slots-heading")).to_have_text(label)
        assert tab.url.endswith("#slots")
        assert in_viewport(tab, tab.locator("#slots li a").first)
    finally:
        context.close()


@pytest.mark.parametrize("viewport", ["desktop"], indirect=True)
def test_arrow_keys_move_between_days(live_server, tab, studio):
    tab.goto(service_page(live_server, studio))
    days = tab.locator('#picker a[data-focus-after="slots-heading"]')
    labels = [label.split(",")[0] for label in days.evaluate_all("links => links.map(l => l.getAttribute('aria-label'))")]
    days.nth(3).focus()

    tab.keyboard.press("ArrowRight")
    assert tab.evaluate("document.activeElement.getAttribute('aria-label')").startswith(labels[4] + ",")
    tab.keyboard.press("ArrowDown")
    assert tab.evaluate("document.activeElement.getAttribute('aria-label')").startswith(labels[11] + ",")
    tab.keyboard.press("ArrowUp")
    tab.keyboard.press("ArrowLeft")
    assert tab.evaluate("document.activeElement.getAttribute('aria-label')").startswith(labels[3] + ",")
    assert tab.locator("#slots-heading").inner_text() != labels[3]  # moving focus does not choose the day


def test_a_slow_swap_shows_the_loading_indicator(live_server, tab, studio):
    tab.goto(service_page(live_server, studio))
    indicator = tab.locator("#picker-loading")
    expect(indicator).to_have_css("opacity", "0")
    assert tab.locator("#picker").get_attribute("hx-indicator") == "#picker-loading"

    indicator.evaluate("el => el.classList.add('htmx-request')")  # what htmx does while a request is out

    expect(indicator).to_have_css("opacity", "1")
