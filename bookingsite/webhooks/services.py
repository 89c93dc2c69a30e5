"""Every write of webhook endpoints and deliveries: the owner's pages and the API call these.

They raise django's ValidationError (by field) for what the owner typed wrong; the forms check
the same rules first, so the pages and the API show the message next to the field.
"""

import base64
import secrets
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bookingsite.lib.outbound_http import url_refusal

from . import payloads
from .models import WebhookDelivery, WebhookEndpoint
from .outbox import deliveries_queue, delivery_publish

MAX_ENDPOINTS = 10
SECRET_BYTES = 24


def new_secret() -> str:
    """A Standard Webhooks secret: whsec_ and the base64 of 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def webhook_url_refusal(url: str) -> str | None:
    """Why the owner may not use this address for a webhook, or None. https only, and no private
    or local address (DESIGN.md 13), unless CALENDAR_IMPORT_ALLOW_PRIVATE (development, tests)."""
    return url_refusal(url, https_only=not settings.CALENDAR_IMPORT_ALLOW_PRIVATE)


def endpoint_limit_reached(business_profile_id: int) -> bool:
    return WebhookEndpoint.objects.filter(business_profile_id=business_profile_id).count() >= MAX_ENDPOINTS


def _check_url(url: str) -> None:
    if refusal := webhook_url_refusal(url):
        raise ValidationError({"url": [refusal]})


def endpoint_create(*, business_profile_id: int, url: str, description: str = "") -> WebhookEndpoint:
    """Add an endpoint with a new secret; it receives every event from now on. Raises ValidationError."""
    _check_url(url)
    if endpoint_limit_reached(business_profile_id):
        raise ValidationError({"__all__": [_("You can have at most %(count)s webhook endpoints.") % {"count": MAX_ENDPOINTS}]})
    return WebhookEndpoint.objects.create(
        business_profile_id=business_profile_id, url=url, description=description, secret=new_secret()
    )


@transaction.atomic
def endpoint_update(*, endpoint: WebhookEndpoint, url: str, description: str, is_active: bool) -> WebhookEndpoint:
    """Change an endpoint. Switching it back on starts its count of failing days afresh."""
    _check_url(url)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if is_active and not endpoint.is_active:
        endpoint.failing_since = None
        endpoint.disabled_reason = ""
    endpoint.url, endpoint.description, endpoint.is_active = url, description, is_active
    endpoint.save()
    return endpoint


def endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret; tries from now on are signed with it (the old one stops working at once)."""
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint


def endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Delete an endpoint and its delivery log; nothing more is sent to it."""
    endpoint.delete()


class ResendRefused(ValueError):
    """A resend that cannot happen now; str() is the message for the owner."""


@transaction.atomic
def delivery_resend(*, delivery: WebhookDelivery, now: datetime) -> WebhookDelivery:
    """Send a delivery again, now, with the same `webhook-id` and body, and a fresh run of tries.

    Raises ResendRefused when its endpoint is switched off, or while it is waiting to be tried or
    being sent (it goes out anyway: a second copy would only race the first).
    """
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if not endpoint.is_active:
        raise ResendRefused(_("This endpoint is switched off. Switch it on to resend."))
    if delivery.status in (WebhookDelivery.Status.QUEUED, WebhookDelivery.Status.SENDING):
        raise ResendRefused(_("This event is already waiting to be sent."))
    delivery.status = WebhookDelivery.Status.QUEUED
    delivery.attempts = 0
    delivery.tries_since = delivery.next_attempt_at = now
    delivery.delivered_at = None
    delivery.save(update_fields=["status", "attempts", "tries_since", "next_attempt_at", "delivered_at"])
    delivery_publish(delivery.pk)
    return delivery


@transaction.atomic
def endpoint_send_test(*, endpoint: WebhookEndpoint, now: datetime) -> WebhookDelivery:
    """Queue a `webhook.test` event to this endpoint alone; it shows in the log like any other."""
    if not endpoint.is_active:
        raise ResendRefused(_("This endpoint is switched off. Switch it on to send a test event."))
    slug = endpoint.business_profile.booking_settings.public_booking_slug
    data = {"message": "A test event from Flowkey Booking Links.", "business": slug}
    [delivery] = deliveries_queue(endpoints=[endpoint], event_type=payloads.TEST_EVENT, data=data, now=now)
    return delivery
