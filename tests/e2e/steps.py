"""What a client does on the booking pages, step by step, with the checks a client would make.

Shared by the flows with and without JavaScript and inside an iframe. Every wait is one of
Playwright's auto-waiting assertions; nothing sleeps.
"""

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from django.utils import timezone
from playwright.sync_api import Frame, FrameLocator, Page, expect

from bookingsite.businesses.zone_names import zone_city, zone_time_name
from bookingsite.lib.locale_formats import format_date, formats_for

LONDON = ZoneInfo("Europe/London")
TOKYO = ZoneInfo("Asia/Tokyo")
BRITISH = formats_for("en", accept_language="en-GB")  # the tests' browser (tests/conftest.py's BritishBrowser)

# A client who types their details wrongly, then fixes them.
NAME = "Hana Suzuki"
BAD_EMAIL = "hana.example.com"
BAD_PHONE = "call me maybe"
EMAIL = "hana@example.com"
PHONE = "07911 123456"  # a GB mobile, read in the business's country
PHONE_E164 = "+447911123456"
EMAIL_ERROR = "Enter a valid email address."
PHONE_ERROR = "Enter a valid phone number, with the country code if it is not a GB number."

Scope = Page | Frame | FrameLocator


def day_label(day: date) -> str:
    """A date as the pages write it for the tests' British browser, e.g. "Friday 27 November"."""
    return format_date(day, "weekday_date", BRITISH)


def long_day_label(day: date) -> str:
    """With its year, as in the booking summary: "Friday, 27 November 2026"."""
    return format_date(day, "weekday_date_year", BRITISH)


def month_label(day: date) -> str:
    return format_date(day, "month_year", BRITISH)


def next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def today_in(zone: ZoneInfo) -> date:
    return timezone.now().astimezone(zone).date()


def slot_start(href: str) -> datetime:
    """The UTC start a slot link books (its ?start=...Z)."""
    value = parse_qs(urlsplit(href).query)["start"][0]
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def times_label(start: datetime, minutes: int, zone: ZoneInfo) -> str:
    """A slot's times as the pages write them, e.g. "00:00 – 01:00"."""
    end = start + timedelta(minutes=minutes)
    return f"{start.astimezone(zone):%H:%M} – {end.astimezone(zone):%H:%M}"


def google_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def open_service_from_list(scope: Scope, service_name: str) -> None:
    """On the service list, click the service's card."""
    expect(scope.get_by_role("heading", name="Choose a service")).to_be_visible()
    scope.get_by_role("link", name=re.compile(re.escape(service_name))).click()
    expect(scope.get_by_role("heading", level=1)).to_have_text(service_name)


def month_heading(scope: Scope):
    return scope.locator("#month-heading")


def go_to_next_month(scope: Scope) -> None:
    scope.get_by_role("link", name=re.compile(r"^Next month")).click()


def go_to_previous_month(scope: Scope) -> None:
    scope.get_by_role("link", name=re.compile(r"^Previous month")).click()


def zone_search_field(scope: Scope):
    return scope.get_by_label("Change it: search a city, country or zone")


def times_shown_in(scope: Scope, zone_name: str) -> None:
    """The times, and the zone line above the calendar, are in this zone (named as a person would)."""
    expect(scope.locator("#slots")).to_contain_text(f"Times shown in {zone_time_name(zone_name)}")
    expect(scope.locator("#zone-current")).to_contain_text(f"{zone_city(zone_name)} — ")


def show_times_in(scope: Scope, zone_name: str, *, press_enter: bool) -> None:
    """Search the zone's city in lower case; with JavaScript Enter submits it (htmx), without it
    the "Find" button. A city names one zone, which is taken at once."""
    zone_search_field(scope).fill(zone_city(zone_name).lower())
    if press_enter:
        zone_search_field(scope).press("Enter")
    else:
        scope.get_by_role("button", name="Find").click()
    times_shown_in(scope, zone_name)
    expect(zone_search_field(scope)).to_have_value("")


def choose_day(scope: Scope, day: date) -> None:
    """Click a bookable day in the calendar (moving to its month first if needed)."""
    if month_heading(scope).inner_text() != month_label(day):
        go_to_next_month(scope)
        expect(month_heading(scope)).to_have_text(month_label(day))
    scope.locator(f'#picker a[aria-label^="{day_label(day)},"]').click()
    expect(scope.locator("#slots-heading")).to_have_text(day_label(day))


def first_slot(scope: Scope):
    """The first time offered for the chosen day: its link and the UTC start it books."""
    link = scope.locator("#slots li a").first
    expect(link).to_be_visible()
    return link, slot_start(link.get_attribute("href"))


def fill_details(scope: Scope, *, name: str, email: str, phone: str) -> None:
    scope.get_by_label("Your name").fill(name)
    scope.get_by_label("Email").fill(email)
    scope.get_by_label("Phone").fill(phone)


def submit_with_mistakes_then_fix(scope: Scope, *, button: str = "Confirm booking") -> None:
    """Send a bad email and phone, see both errors and the name kept, then fix and send again."""
    expect(scope.get_by_role("heading", level=1)).to_have_text("Your details")
    fill_details(scope, name=NAME, email=BAD_EMAIL, phone=BAD_PHONE)
    scope.get_by_role("button", name=button).click()

    # The error summary comes first, has the focus, and links to each field to fix (GOV.UK's pattern).
    summary = scope.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(2)
    expect(summary.get_by_role("link", name=f"Email: {EMAIL_ERROR}")).to_have_attribute("href", "#id_client_email")
    expect(summary.get_by_role("link", name=f"Phone: {PHONE_ERROR}")).to_have_attribute("href", "#id_client_phone")
    email, phone = scope.get_by_label("Email"), scope.get_by_label("Phone")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(EMAIL_ERROR)
    expect(phone).to_have_accessible_description(PHONE_ERROR)
    expect(scope.locator("#booking-form")).to_contain_text(EMAIL_ERROR)
    expect(scope.locator("#booking-form")).to_contain_text(PHONE_ERROR)
    expect(scope.get_by_label("Your name")).to_have_value(NAME)
    expect(scope.get_by_label("Your name")).not_to_have_attribute("aria-invalid", "true")
    expect(email).to_have_value(BAD_EMAIL)

    email.fill(EMAIL)
    phone.fill(PHONE)
    scope.get_by_role("button", name=button).click()


def expect_slot_summary(scope: Scope, *, service_name: str, start: datetime, minutes: int, zone: ZoneInfo) -> None:
    summary = scope.locator("main dl").first
    expect(summary).to_contain_text(service_name)
    expect(summary).to_contain_text(long_day_label(start.astimezone(zone).date()))
    expect(summary).to_contain_text(f"{times_label(start, minutes, zone)} ({zone_time_name(zone.key)})")


def cancel_from_confirmation(scope: Scope, *, reason: str) -> None:
    """"Cancel booking", the confirmation step, "Yes, cancel booking"; ends on the cancelled page."""
    scope.get_by_role("link", name="Cancel booking").click()
    expect(scope.get_by_role("heading", level=1)).to_have_text("Cancel this booking?")
    scope.get_by_label("Reason").fill(reason)
    scope.get_by_role("button", name="Yes, cancel booking").click()
    expect(scope.get_by_role("heading", level=1)).to_have_text("Booking cancelled")
    expect(scope.locator("main")).to_contain_text("You cancelled this booking.")
    expect(scope.get_by_role("link", name="Cancel booking")).to_have_count(0)
