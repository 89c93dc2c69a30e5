"""/api/v1/webhooks/: the owner's endpoints through the API, validated like the page; another
owner's ids are 404 and change nothing."""

import pytest
from django.utils import timezone

from bookingsite.webhooks.models import WebhookDelivery, WebhookEndpoint
from bookingsite.webhooks.outbox import deliveries_queue
from bookingsite.webhooks.services import endpoint_create
from tests.api.conftest import Api, access_token, errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(alice, page):
    return Api(access_token(alice))


@pytest.fixture
def bobs(other_business):
    endpoint = endpoint_create(business_profile_id=other_business.pk, url="http://127.0.0.1:9/bob", description="Bob's")
    [delivery] = deliveries_queue(endpoints=[endpoint], event_type="booking.created", data={}, now=timezone.now())
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=WebhookDelivery.Status.FAILED)
    return {"endpoint": endpoint.pk, "delivery": delivery.pk}


def test_add_list_change_and_delete(api, business, receiver):
    created = api.post("/api/v1/webhooks/", {"url": receiver.url, "description": "CRM"})
    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["is_active"] is True and body["description"] == "CRM"
    pk = body["id"]
    assert [e["id"] for e in api.get("/api/v1/webhooks/").json()] == [pk]

    changed = api.patch(f"/api/v1/webhooks/{pk}/", {"is_active": False})
    assert changed.status_code == 200
    assert changed.json()["is_active"] is False and changed.json()["url"] == receiver.url

    rotated = api.post(f"/api/v1/webhooks/{pk}/rotate-secret/")
    assert rotated.status_code == 200 and rotated.json()["secret"] != body["secret"]

    assert api.delete(f"/api/v1/webhooks/{pk}/").status_code == 204
    assert not WebhookEndpoint.objects.exists()


def test_a_bad_address_is_a_400_by_field(api, settings):
    settings.CALENDAR_IMPORT_ALLOW_PRIVATE = False
    response = api.post("/api/v1/webhooks/", {"url": "http://example.com/hooks"})
    assert response.status_code == 400
    assert errors(response) == {"url": ["The address must start with https://."]}
    response = api.post("/api/v1/webhooks/", {"url": "https://192.168.1.10/hooks"})
    assert response.status_code == 400
    assert "private or local network address" in errors(response)["url"][0]
    assert api.post("/api/v1/webhooks/", {"url": 12}).status_code == 400
    assert not WebhookEndpoint.objects.exists()


def test_test_event_log_and_resend(api, endpoint, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(f"/api/v1/webhooks/{endpoint.pk}/test/")
    assert sent.status_code == 202 and sent.json()["event_type"] == "webhook.test"
    log = api.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").json()
    [row] = log["results"]
    assert row["status"] == "delivered" and row["last_status_code"] == 200 and row["attempts"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        resent = api.post(f"/api/v1/webhooks/{endpoint.pk}/deliveries/{row['id']}/resend/")
    assert resent.status_code == 202
    assert [r.event_id for r in receiver.received] == [row["event_id"]] * 2
    assert all(r.verified for r in receiver.received)


def test_a_resend_that_cannot_happen_is_a_409(api, endpoint):
    [delivery] = deliveries_queue(endpoints=[endpoint], event_type="booking.created", data={}, now=timezone.now())
    response = api.post(f"/api/v1/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/resend/")
    assert response.status_code == 409
    assert errors(response) == {"__all__": ["This event is already waiting to be sent."]}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/webhooks/{endpoint}/"),
        ("patch", "/api/v1/webhooks/{endpoint}/"),
        ("delete", "/api/v1/webhooks/{endpoint}/"),
        ("post", "/api/v1/webhooks/{endpoint}/rotate-secret/"),
        ("post", "/api/v1/webhooks/{endpoint}/test/"),
        ("get", "/api/v1/webhooks/{endpoint}/deliveries/"),
        ("post", "/api/v1/webhooks/{endpoint}/deliveries/{delivery}/resend/"),
    ],
)
def test_another_owners_endpoint_is_404_and_unchanged(api, bobs, method, path):
    before = list(WebhookEndpoint.objects.values()), list(WebhookDelivery.objects.values())
    url = path.format(**bobs)
    response = getattr(api, method)(url) if method in ("get", "delete") else getattr(api, method)(url, {"description": "x"})
    assert response.status_code == 404
    assert (list(WebhookEndpoint.objects.values()), list(WebhookDelivery.objects.values())) == before


def test_the_list_shows_only_the_callers_endpoints(api, bobs, endpoint):
    assert [e["id"] for e in api.get("/api/v1/webhooks/").json()] == [endpoint.pk]


def test_no_token_is_401(client, bobs):
    assert client.get("/api/v1/webhooks/").status_code == 401
