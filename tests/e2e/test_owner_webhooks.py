"""The owner's webhook pages in Chromium: axe finds nothing serious at phone and desktop widths,
nothing scrolls sideways at 390 px, and adding an endpoint works without JavaScript."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookingsite.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.conftest import AT_BOTH_WIDTHS
from tests.factories import BookingSettingsFactory, BusinessProfileFactory, UserFactory

from . import owner_steps
from .owner_steps import PASSWORD
from .test_accessibility import blocking_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "wren@example.com"
LONG_URL = "https://hooks.example.com/" + "a-very-long-path-segment/" * 6


def a_business_with_an_endpoint() -> WebhookEndpoint:
    owner = UserFactory(username=EMAIL, first_name="Wren", password=PASSWORD)
    business = BusinessProfileFactory(owner=owner, name="Wren's Yoga", timezone="Europe/London")
    BookingSettingsFactory(business_profile=business, public_booking_slug="wrens-yoga")
    endpoint = WebhookEndpoint.objects.create(business_profile=business, url=LONG_URL, secret="whsec_" + "A" * 32)
    for status, code, error in [
        (WebhookDelivery.Status.DELIVERED, 200, ""),
        (WebhookDelivery.Status.FAILED, 302, "The receiver answered 302, a redirect to https://elsewhere.example/x; "
                                             "redirects are not followed: enter the final address."),
    ]:
        WebhookDelivery.objects.create(
            endpoint=endpoint, business_profile=business, event_id=f"msg_{code}", event_type="booking.created",
            payload="{}", status=status, attempts=3, last_status_code=code, last_error=error,
            tries_since=timezone.now(), next_attempt_at=timezone.now(), delivered_at=timezone.now() if code == 200 else None,
        )
    return endpoint


@AT_BOTH_WIDTHS
def test_the_webhook_pages_pass_axe_and_fit_the_width(settings, live_server, browser, viewport):
    settings.RATELIMIT_ENABLE = False
    endpoint = a_business_with_an_endpoint()
    base = live_server.url
    context = browser.new_context(viewport=viewport)
    tab = context.new_page()
    found: dict[str, list[str]] = {}

    def check(name: str, ready) -> None:
        expect(ready).to_be_visible()
        found[name] = blocking_violations(tab)
        assert tab.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), name

    try:
        owner_steps.log_in(tab, base, email=EMAIL)
        tab.goto(f"{base}/app/settings/")
        tab.get_by_role("link", name="Webhooks").click()
        check("webhooks list", tab.get_by_role("heading", name="Your endpoints"))
        tab.get_by_label("Endpoint URL").fill("http://example.com/hooks")
        tab.get_by_role("button", name="Add endpoint").click()
        check("webhooks list with an error", tab.get_by_text("The address must start with https://."))

        tab.goto(f"{base}/app/webhooks/{endpoint.pk}/")
        check("one endpoint with its log", tab.get_by_text("redirects are not followed"))
        expect(tab.locator("#webhook-secret")).to_have_text(endpoint.secret)

        report = "\n".join(f"[{page}] {line}" for page, lines in found.items() for line in lines)
        assert not report, f"axe found serious or critical problems at {viewport['width']}px:\n{report}"
    finally:
        context.close()


def test_adding_and_deleting_an_endpoint_without_javascript(settings, live_server, browser):
    settings.RATELIMIT_ENABLE = False
    settings.CALENDAR_IMPORT_ALLOW_PRIVATE = True
    endpoint = a_business_with_an_endpoint()
    base = live_server.url
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    tab = context.new_page()
    try:
        owner_steps.log_in(tab, base, email=EMAIL)
        tab.goto(f"{base}/app/webhooks/")
        tab.get_by_label("Endpoint URL").fill("http://127.0.0.1:9/hooks")
        tab.get_by_label("Note (only you see it)").fill("Local CRM")
        tab.get_by_role("button", name="Add endpoint").click()
        added = WebhookEndpoint.objects.exclude(pk=endpoint.pk).get()
        tab.wait_for_url(f"{base}/app/webhooks/{added.pk}/")
        expect(tab.locator("#webhook-secret")).to_have_text(added.secret)
        tab.get_by_role("button", name="Make a new secret").click()
        expect(tab.get_by_text("New secret made")).to_be_visible()
        added_secret = added.secret
        added.refresh_from_db()
        expect(tab.locator("#webhook-secret")).to_have_text(added.secret)
        assert added.secret != added_secret
        tab.get_by_role("button", name="Delete endpoint").click()
        tab.wait_for_url(f"{base}/app/webhooks/")
        expect(tab.get_by_text("deleted; nothing more is sent to it")).to_be_visible()
        assert not WebhookEndpoint.objects.filter(pk=added.pk).exists()
    finally:
        context.close()
