"""The owner's webhook pages: add, edit, rotate, delete, test, the delivery log and resend; bad
addresses refused with a clear message; another owner's endpoints are 404."""

import pytest
from django.utils import timezone

from bookingsite.webhooks.models import WebhookDelivery, WebhookEndpoint
from bookingsite.webhooks.outbox import deliveries_queue

from .receiver import REDIRECT

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client, alice, page):
    client.force_login(alice)
    return client


@pytest.fixture
def bob(client, other_business):
    client.force_login(other_business.owner)
    return client


def test_the_settings_page_links_to_webhooks(owner):
    assert 'href="/app/webhooks/"' in owner.get("/app/settings/").content.decode()


def test_adding_an_endpoint_shows_its_secret(owner, business, receiver):
    response = owner.post("/app/webhooks/", {"url": receiver.url, "description": "Zapier"})
    endpoint = WebhookEndpoint.objects.get(business_profile=business)
    assert response.status_code == 302 and response["Location"] == f"/app/webhooks/{endpoint.pk}/"
    assert endpoint.secret.startswith("whsec_") and endpoint.is_active
    page = owner.get(response["Location"]).content.decode()
    assert endpoint.secret in page
    assert "Nothing sent yet" in page
    assert receiver.url in owner.get("/app/webhooks/").content.decode()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://example.com/hooks", "The address must start with https://."),
        ("https://127.0.0.1/hooks", "private or local network address"),
        ("https://10.1.2.3/hooks", "private or local network address"),
        ("https://[::1]/hooks", "private or local network address"),
        ("not a url", "Enter a full web address"),
    ],
)
def test_a_bad_address_is_refused_and_said_why(owner, business, settings, url, message):
    settings.CALENDAR_IMPORT_ALLOW_PRIVATE = False
    response = owner.post("/app/webhooks/", {"url": url})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_editing_switching_off_and_back_on(owner, endpoint, receiver):
    endpoint.failing_since = timezone.now()
    endpoint.is_active = False
    endpoint.disabled_reason = "Switched off after 3 days"
    endpoint.save()
    assert "This endpoint is switched off" in owner.get(f"/app/webhooks/{endpoint.pk}/").content.decode()
    response = owner.post(f"/app/webhooks/{endpoint.pk}/", {"url": receiver.url, "description": "CRM", "is_active": "on"})
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.description, endpoint.is_active, endpoint.failing_since, endpoint.disabled_reason) == ("CRM", True, None, "")


def test_rotating_the_secret(owner, endpoint):
    old = endpoint.secret
    assert owner.post(f"/app/webhooks/{endpoint.pk}/rotate-secret/").status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret.startswith("whsec_")


def test_deleting(owner, endpoint):
    assert owner.post(f"/app/webhooks/{endpoint.pk}/delete/").status_code == 302
    assert not WebhookEndpoint.objects.exists()


def test_a_test_event_is_signed_and_logged(owner, endpoint, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(f"/app/webhooks/{endpoint.pk}/test/")
    assert response.status_code == 302
    [payload] = receiver.verified
    assert payload["type"] == "webhook.test" and payload["data"]["business"] == "alices-aqua"
    log = owner.get(f"/app/webhooks/{endpoint.pk}/").content.decode()
    assert "webhook.test" in log and "Delivered" in log and "last answer 200" in log


def test_a_failure_shows_in_the_log_and_resend_keeps_the_id(owner, endpoint, receiver, django_capture_on_commit_callbacks):
    receiver.plan(REDIRECT)
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = deliveries_queue(endpoints=[endpoint], event_type="booking.created", data={}, now=timezone.now())
    log = owner.get(f"/app/webhooks/{endpoint.pk}/").content.decode()
    assert "redirects are not followed" in log and "last answer 302" in log and "Next try" in log
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=WebhookDelivery.Status.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(f"/app/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/resend/")
    assert response.status_code == 302
    assert [r.event_id for r in receiver.received] == [delivery.event_id, delivery.event_id]
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED


def test_a_resend_refused_says_why(owner, endpoint):
    [delivery] = deliveries_queue(endpoints=[endpoint], event_type="booking.created", data={}, now=timezone.now())
    response = owner.post(f"/app/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/resend/", follow=True)
    assert "already waiting to be sent" in response.content.decode()


def test_another_owner_gets_404_everywhere(bob, endpoint):
    [delivery] = deliveries_queue(endpoints=[endpoint], event_type="booking.created", data={}, now=timezone.now())
    base = f"/app/webhooks/{endpoint.pk}"
    assert bob.get(f"{base}/").status_code == 404
    assert bob.post(f"{base}/", {"url": "https://example.com/x", "is_active": "on"}).status_code == 404
    for action in ("rotate-secret", "delete", "test", f"deliveries/{delivery.pk}/resend"):
        assert bob.post(f"{base}/{action}/").status_code == 404, action
    assert endpoint.url not in bob.get("/app/webhooks/").content.decode()
    endpoint.refresh_from_db()
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists() and endpoint.description == "Zapier"


def test_logged_out_visitors_are_sent_to_log_in(client, endpoint):
    response = client.get("/app/webhooks/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
