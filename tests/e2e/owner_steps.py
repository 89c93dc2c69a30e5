"""What an owner does on the admin pages, step by step, and a client's request made through the public pages.

Shared by the owner journey (with and without JavaScript) and the owner accessibility check. Every
wait is one of Playwright's auto-waiting assertions or wait_for_url; nothing sleeps.
"""

import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Locator, Page, expect

from . import steps

BERLIN = ZoneInfo("Europe/Berlin")
PASSWORD = "Lantern-Harbour-42"
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# The client's phone in international form: a business signed up without a country reads no local numbers.
CLIENT_PHONE = "+44 7911 123456"


def log_in(tab: Page, base: str, *, email: str, password: str = PASSWORD) -> None:
    tab.goto(f"{base}/accounts/login/")
    expect(tab.get_by_role("heading", level=1)).to_have_text("Log in")
    tab.get_by_label("Email").fill(email)
    tab.get_by_label("Password").fill(password)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url(f"{base}/app/")
    expect(tab.get_by_role("heading", level=1)).to_contain_text("Good to see you")


def nav_badge(tab: Page, viewport: dict) -> Locator:
    """The pending count the owner sees: in the side nav on a desktop, on the "Menu" button on a phone."""
    if viewport["width"] >= 1024:
        return tab.get_by_role("navigation", name="Main").locator("#pending-badge")
    return tab.locator("header summary").filter(has_text="Menu").locator("span.rounded-full")


def expect_live_badge_cleared(tab: Page, viewport: dict) -> None:
    """After the last request is answered in place, the badge htmx refreshes (on `pending-changed`) counts 0.

    That live badge sits in the side nav, which only a desktop shows; on a phone it is in the page but
    hidden, and the "Menu" button's own badge is not refreshed (see test_phone_menu_badge_follows_answers_in_place).
    """
    live = tab.locator("#pending-badge")
    expect(live).to_have_text(re.compile(r"^\W*0 waiting$"))
    expect(live).to_have_class(re.compile(r"(^|\s)hidden(\s|$)"))
    if viewport["width"] >= 1024:
        expect(nav_badge(tab, viewport)).to_be_hidden()


def fill_week(tab: Page, start: str, end: str) -> None:
    """On /app/hours/, type one block on each day's blank row (type=time inputs take "09:00")."""
    for day in WEEKDAYS:
        tab.get_by_label(f"{day}, from").fill(start)
        tab.get_by_label(f"{day}, to").fill(end)


def pending_row(scope: Page | Locator, client_name: str) -> Locator:
    """A request's row (an `li` the answer swaps in place), found by the client's name."""
    return scope.locator('li[id^="pending-"]').filter(has_text=client_name)


def request_as_client(tab: Page, public_link: str, *, service_name: str, day: date, name: str, email: str) -> str:
    """From the owner's shared link, ask for the first free time on `day`; returns the manage page's URL."""
    tab.goto(public_link)
    steps.open_service_from_list(tab, service_name)
    steps.choose_day(tab, day)
    slot, _start = steps.first_slot(tab)
    slot.click()
    tab.wait_for_url(re.compile(r"/book/\?start="))
    steps.fill_details(tab, name=name, email=email, phone=CLIENT_PHONE)
    tab.get_by_role("button", name="Request booking").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Booking pending approval")
    tab.wait_for_url(re.compile(r"/booking/[^/]+/$"))
    return tab.url


def booking_day(zone: ZoneInfo) -> date:
    """Two days from today in the business's zone: past the default notice (60 min), inside the horizon."""
    return steps.today_in(zone) + timedelta(days=2)
