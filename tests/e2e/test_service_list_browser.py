"""The service list in a real browser, with and without JavaScript; no sideways scroll on a phone or a desktop."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import AT_BOTH_WIDTHS
from tests.factories import BookingSettingsFactory, BusinessProfileFactory, ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("live_static")]

SERVICE_NAMES = ["Private lesson", "Adult beginner lesson", "Kids group class"]


@pytest.fixture
def swim_school():
    """A business whose link lists three services; a hidden fourth must not show."""
    business = BusinessProfileFactory(name="Riverside Swim School", timezone="Europe/London", currency="GBP")
    page = BookingSettingsFactory(
        business_profile=business,
        public_booking_slug="riverside-swim",
        custom_message_client="Lessons take place at Riverside Leisure Centre, lane 6. Please arrive ten minutes early.",
    )
    for position, (name, minutes, places) in enumerate(zip(SERVICE_NAMES, (30, 45, 60), (1, 1, 6), strict=True)):
        ServiceFactory(
            business_profile=business, name=name, duration_minutes=minutes, capacity=places, price=Decimal("28"),
            description="One-to-one or small-group coaching for every age and level, in the warm teaching pool.",
            position=position,
        )
    ServiceFactory(business_profile=business, name="Lifeguard assessment", is_publicly_bookable=False)
    return page


def service_cards(tab: Page):
    return tab.get_by_role("main").get_by_role("listitem")


def assert_service_list_shown(tab: Page) -> None:
    expect(tab.locator("header")).to_contain_text("Riverside Swim School")
    expect(tab.get_by_role("heading", name="Choose a service")).to_be_visible()
    cards = service_cards(tab)
    expect(cards).to_have_count(len(SERVICE_NAMES))
    for card, name in zip(cards.all(), SERVICE_NAMES, strict=True):
        expect(card).to_be_visible()
        expect(card.get_by_role("heading")).to_have_text(name)
    expect(cards.filter(has_text="Kids group class")).to_contain_text("Group, 6 places")
    expect(tab.get_by_text("Lifeguard assessment")).to_have_count(0)
    expect(tab.get_by_text("Riverside Leisure Centre, lane 6")).to_be_visible()


def test_service_list_shows_the_business_and_its_services(live_server, browser_page, swim_school):
    response = browser_page.goto(f"{live_server.url}/book/riverside-swim/")

    assert response.status == 200
    assert_service_list_shown(browser_page)


def test_service_list_works_without_javascript(live_server, browser, viewport, swim_school):
    context = browser.new_context(viewport=viewport, java_script_enabled=False)
    try:
        tab = context.new_page()
        response = tab.goto(f"{live_server.url}/book/riverside-swim/")

        assert response.status == 200
        assert_service_list_shown(tab)
    finally:
        context.close()


@AT_BOTH_WIDTHS
def test_page_has_no_horizontal_scroll(live_server, browser_page, viewport, swim_school):
    browser_page.goto(f"{live_server.url}/book/riverside-swim/")
    expect(service_cards(browser_page).first).to_be_visible()

    scroll_width, inner_width = browser_page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")

    assert inner_width == viewport["width"]
    assert scroll_width <= inner_width


def test_stylesheet_is_loaded(live_server, browser_page, swim_school):
    browser_page.goto(f"{live_server.url}/book/riverside-swim/")

    rules = browser_page.evaluate(
        "[...document.styleSheets].filter(s => (s.href || '').includes('/static/css/')).map(s => s.cssRules.length)"
    )
    background = browser_page.evaluate("getComputedStyle(document.body).backgroundColor")

    assert rules and rules[0] > 0
    assert background != "rgba(0, 0, 0, 0)"  # bg-slate-50 applied: the body is no longer transparent


@AT_BOTH_WIDTHS
def test_long_unbroken_text_does_not_widen_the_page(live_server, browser_page, viewport, swim_school):
    # Owners paste links into their message and descriptions; a URL has no space to wrap at.
    directions = "https://www.google.com/maps/place/Riverside+Leisure+Centre,+Lane+6,+Manchester+M1+2AB/@53.4808,-2.2426,17z"
    swim_school.custom_message_client = f"Directions: {directions}"
    swim_school.save()
    ServiceFactory(business_profile=swim_school.business_profile, name="Open water", description=f"Meet here: {directions}")

    browser_page.goto(f"{live_server.url}/book/riverside-swim/")
    expect(service_cards(browser_page).filter(has_text="Open water")).to_be_visible()

    scroll_width = browser_page.evaluate("document.documentElement.scrollWidth")

    assert scroll_width <= viewport["width"]
