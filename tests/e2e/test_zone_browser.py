"""The client's time zone in Chromium: searched as a person names it, with and without JavaScript,
and never a time painted in a zone the client does not end up with (DESIGN.md 10, 12)."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import AT_BOTH_WIDTHS

from . import steps
from .test_accessibility import blocking_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Before each frame is painted, what the slot list and the zone line show (innerText leaves out
# what is hidden), kept across the reload zone-first.js may do (sessionStorage survives it).
RECORD_PAINTS = """
(() => {
  const record = () => {
    const slots = document.getElementById("slots");
    if (slots) {
      const seen = JSON.parse(sessionStorage.getItem("painted") || "[]");
      const zone = document.getElementById("zone-current");
      const text = (zone ? zone.innerText + " | " : "") + slots.innerText.replace(/\\s+/g, " ");
      if (slots.innerText.trim() && seen[seen.length - 1] !== text) {
        sessionStorage.setItem("painted", JSON.stringify(seen.concat([text])));
      }
    }
    requestAnimationFrame(record);
  };
  requestAnimationFrame(record);
})();
"""


def service_url(live_server, studio) -> str:
    return f"{live_server.url}/book/{studio.slug}/{studio.private.pk}/"


@AT_BOTH_WIDTHS
def test_a_tokyo_browser_never_sees_a_london_time(live_server, browser, viewport, studio):
    context = browser.new_context(viewport=viewport, timezone_id="Asia/Tokyo")
    context.add_init_script(RECORD_PAINTS)
    tab = context.new_page()
    try:
        tab.goto(service_url(live_server, studio))
        steps.times_shown_in(tab, "Asia/Tokyo")
        expect(tab).to_have_url(re.compile(r"\?tz=Asia%2FTokyo$"))
        painted = json.loads(tab.evaluate("sessionStorage.getItem('painted')"))
    finally:
        context.close()

    assert painted, "no frame with the slot list was recorded"
    assert all("Times shown in Tokyo time" in text and text.startswith("Tokyo — ") for text in painted), painted
    assert not any("London" in text for text in painted), painted


def test_a_browser_in_the_business_zone_is_not_sent_round_again(live_server, browser, studio):
    context = browser.new_context(timezone_id="Europe/London")
    tab = context.new_page()
    try:
        tab.goto(service_url(live_server, studio))
        steps.times_shown_in(tab, "Europe/London")
        assert tab.url == service_url(live_server, studio)  # no ?tz= added: no second request was made
    finally:
        context.close()


@AT_BOTH_WIDTHS
def test_typing_part_of_a_city_lists_it_and_a_click_shows_its_times(live_server, tab, viewport, studio):
    tab.goto(service_url(live_server, studio))
    field = steps.zone_search_field(tab)

    field.press_sequentially("tok")

    choice = tab.locator("#zone-matches a", has_text="Tokyo — Japan Time, UTC+9, now")
    expect(choice).to_be_visible()
    expect(tab.locator("#zone-matches")).to_contain_text("match “tok”")
    assert tab.locator("#zone-matches a").first.bounding_box()["width"] <= viewport["width"]
    assert blocking_violations(tab) == []
    field.press("ArrowDown")  # from the box to the first zone found
    expect(tab.locator("#zone-matches a").first).to_be_focused()
    choice.click()
    steps.times_shown_in(tab, "Asia/Tokyo")
    expect(tab).to_have_url(re.compile(r"\?tz=Asia%2FTokyo&month=\d{4}-\d\d"))
    expect(tab.locator("#zone-current")).to_be_focused()


@pytest.mark.parametrize("query", ["PST", "pacific time", "los angeles"])
def test_an_abbreviation_or_a_zone_name_finds_the_zone(live_server, tab, studio, query):
    tab.goto(service_url(live_server, studio))
    steps.zone_search_field(tab).fill(query)
    choice = tab.locator("#zone-matches a", has_text=re.compile(r"^Los Angeles — Pacific Time, UTC−[78], now"))
    expect(choice).to_be_visible()
    choice.click()
    steps.times_shown_in(tab, "America/Los_Angeles")


@AT_BOTH_WIDTHS
def test_without_javascript_the_search_is_a_form_that_lists_matches(live_server, browser, viewport, studio):
    context = browser.new_context(viewport=viewport, timezone_id="Asia/Tokyo", java_script_enabled=False)
    tab = context.new_page()
    try:
        tab.goto(service_url(live_server, studio))
        steps.times_shown_in(tab, "Europe/London")  # no script to ask the browser: the page says its zone

        steps.zone_search_field(tab).fill("pst")
        tab.get_by_role("button", name="Find").click()
        expect(tab.locator("#zone-matches")).to_contain_text("match “pst”")
        steps.times_shown_in(tab, "Europe/London")  # nothing changed until a zone is picked
        tab.locator("#zone-matches a", has_text="Vancouver — Pacific Time").click()
        steps.times_shown_in(tab, "America/Vancouver")

        steps.zone_search_field(tab).fill("Atlantis")
        tab.get_by_role("button", name="Find").click()
        expect(tab.locator("#zone-matches")).to_contain_text("No time zone matches “Atlantis”.")
        steps.times_shown_in(tab, "America/Vancouver")

        steps.show_times_in(tab, "Asia/Tokyo", press_enter=False)  # one city: taken at once
        expect(tab).to_have_url(re.compile(r"\?tz=Asia%2FTokyo&month=\d{4}-\d\d"))
    finally:
        context.close()


@AT_BOTH_WIDTHS
@pytest.mark.parametrize("query", ["pst", "Atlantis"])
def test_the_search_as_drawn_by_the_server_has_no_serious_accessibility_violations(live_server, tab, studio, query):
    """The page a search sent without JavaScript answers (axe needs JavaScript to run, so it reads
    the same address in a browser that has it)."""
    tab.goto(f"{service_url(live_server, studio)}?tz=Europe%2FLondon&zone={query}")
    expect(tab.locator("#zone-matches")).to_contain_text(f"“{query}”")
    assert blocking_violations(tab) == []
