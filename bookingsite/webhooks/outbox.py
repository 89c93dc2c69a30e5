"""The webhook outbox: a delivery per active endpoint for every booking event (DESIGN.md 13).

`booking_webhooks_queue` and `waitlist_webhooks_queue` are consumers of bookings.events: they run
inside the change's transaction and insert one WebhookDelivery per active endpoint of the
business, with its event id and body fixed, then ask for a delivery task once the transaction
commits. So a delivery exists if and only if its change does, and the receiver's HTTP call
never runs under the business lock or in the booking's request (`webhooks.delivering` runs it
in the worker).
"""

import uuid
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from bookingsite.bookings.models import Booking, WaitlistEntry
from bookingsite.notifications.outbox import publish_after_commit

from . import payloads
from .models import WebhookDelivery, WebhookEndpoint
from .tasks import deliver_webhook_task


def new_event_id() -> str:
    """A `webhook-id`: fixed when the event is recorded, the same on every try and resend."""
    return f"msg_{uuid.uuid4().hex}"


def booking_webhooks_queue(
    *, booking: Booking, from_status: str, moved_from: datetime | None = None, from_waitlist: bool = False,
    made_by_owner: bool = False, email_client: bool = True,
) -> list[WebhookDelivery]:
    """Record a delivery of the change's event to each active endpoint of the business (whoever
    made the change, and whether or not the client was emailed).

    Call it inside the booking service's transaction (bookings.events does); raises RuntimeError
    outside one. Nothing here waits on the network.
    """
    _require_transaction()
    endpoints = _active_endpoints(booking.business_profile_id)
    if not endpoints:
        return []
    event_type = payloads.booking_event_type(
        from_status=from_status, to_status=booking.status, moved=moved_from is not None
    )
    if event_type is None:
        return []
    booking = Booking.objects.select_related("session_category", "business_profile__booking_settings").get(pk=booking.pk)
    slug = booking.business_profile.booking_settings.public_booking_slug
    data = payloads.booking_data(booking, slug=slug, moved_from=moved_from)
    return deliveries_queue(endpoints=endpoints, event_type=event_type, data=data, now=timezone.now())


def waitlist_webhooks_queue(*, entry: WaitlistEntry, from_status: str) -> list[WebhookDelivery]:
    """Record a `waitlist.offered` delivery when an entry is just offered a place (no other step
    of a waitlist is a webhook event). Call it inside the waitlist service's transaction."""
    _require_transaction()
    offered = WaitlistEntry.Status.OFFERED
    if entry.status != offered or from_status == offered:
        return []
    endpoints = _active_endpoints(entry.business_profile_id)
    if not endpoints:
        return []
    entry = WaitlistEntry.objects.select_related("session_category", "business_profile__booking_settings").get(pk=entry.pk)
    slug = entry.business_profile.booking_settings.public_booking_slug
    data = payloads.waitlist_data(entry, slug=slug)
    return deliveries_queue(endpoints=endpoints, event_type="waitlist.offered", data=data, now=timezone.now())


def deliveries_queue(
    *, endpoints: list[WebhookEndpoint], event_type: str, data: dict, now: datetime
) -> list[WebhookDelivery]:
    """Insert one delivery of the event per endpoint and queue each after commit."""
    # One id for the event: each endpoint's receiver sees it under the same `webhook-id`.
    event_id = new_event_id()
    deliveries = []
    for endpoint in endpoints:
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            business_profile_id=endpoint.business_profile_id,
            event_id=event_id,
            event_type=event_type,
            payload=payloads.body(event_type, data, now=now),
            tries_since=now,
            next_attempt_at=now,
        )
        deliveries.append(delivery)
        delivery_publish(delivery.pk)
    return deliveries


def delivery_publish(delivery_id: int) -> None:
    """Queue the delivery task once the current transaction commits (never inside it)."""
    transaction.on_commit(lambda: publish_after_commit(deliver_webhook_task, delivery_id, what="webhook_delivery_id"))


def _active_endpoints(business_profile_id: int) -> list[WebhookEndpoint]:
    return list(WebhookEndpoint.objects.filter(business_profile_id=business_profile_id, is_active=True))


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        # A delivery without its change, or a change without its delivery, is what the outbox prevents.
        raise RuntimeError("webhook deliveries are recorded inside the change's transaction")
