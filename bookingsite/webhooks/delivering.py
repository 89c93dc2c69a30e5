"""Delivering one webhook, in the worker (DESIGN.md 13).

`webhook_deliver` is what the delivery task runs: it claims the delivery, POSTs its stored body
signed per Standard Webhooks through the outbound guard, and records the answer: delivered, a
retry after a growing wait, or failed. An endpoint whose every try has failed for
WEBHOOK_GIVE_UP_SECONDS is switched off here, and its owner emailed, in the same transaction.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from standardwebhooks import Webhook

from bookingsite.businesses.models import BusinessProfile
from bookingsite.lib import outbound_http
from bookingsite.notifications.models import EmailKind
from bookingsite.notifications.outbox import absolute_url, owner_notice_queue
from bookingsite.notifications.sending import SendResult

from .models import WebhookDelivery, WebhookEndpoint

log = logging.getLogger("bookingsite.webhooks")
Status = WebhookDelivery.Status

ERROR_MAX_LENGTH = 500
ANSWER_EXCERPT = 200
# A worker's clock and the one that set next_attempt_at may differ a little; a countdown may fire early.
CLAIM_SLACK = timedelta(seconds=5)


def retry_wait(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failed try: the base, doubled after each failure, capped."""
    return float(min(settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempts - 1), settings.WEBHOOK_RETRY_MAX_SECONDS))


def signed_headers(*, secret: str, event_id: str, body: str, now: datetime) -> dict[str, str]:
    """The Standard Webhooks headers of one try: the id, the try's time, and the signature of both and the body."""
    return {
        "Content-Type": "application/json",
        "webhook-id": event_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id=event_id, timestamp=now, data=body),
    }


def _truncate(text: str) -> str:
    return text if len(text) <= ERROR_MAX_LENGTH else text[: ERROR_MAX_LENGTH - 1] + "…"


def _claim(delivery_id: int, now: datetime) -> WebhookDelivery | None:
    """Mark the delivery `sending` and count the try, or None when this run must not send it.

    One conditional UPDATE decides: of two runs for one delivery (the commit's task and the
    pickup's, a redelivered message, a resend), exactly one changes the row, on SQLite as on
    PostgreSQL. A claim older than WEBHOOK_CLAIM_TIMEOUT_SECONDS belonged to a worker that died.
    """
    lost_claim = now - timedelta(seconds=settings.WEBHOOK_CLAIM_TIMEOUT_SECONDS)
    claimable = Q(status=Status.QUEUED, next_attempt_at__lte=now + CLAIM_SLACK) | Q(
        status=Status.SENDING, claimed_at__lte=lost_claim
    )
    claimed = WebhookDelivery.objects.filter(claimable, pk=delivery_id).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)


def _post(delivery: WebhookDelivery, now: datetime) -> tuple[bool, int | None, str]:
    """One try: (delivered, the receiver's status code, the error to show the owner)."""
    endpoint = delivery.endpoint
    headers = signed_headers(secret=endpoint.secret, event_id=delivery.event_id, body=delivery.payload, now=now)
    try:
        answer = outbound_http.post(
            endpoint.url,
            body=delivery.payload.encode(),
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            https_only=not settings.CALENDAR_IMPORT_ALLOW_PRIVATE,
        )
    except (outbound_http.OutboundRefused, outbound_http.OutboundFailed) as exc:
        return False, None, _truncate(str(exc))
    if 200 <= answer.status < 300:
        return True, answer.status, ""
    if 300 <= answer.status < 400:
        where = answer.headers.get("location", "")
        return False, answer.status, _truncate(
            f"The receiver answered {answer.status}, a redirect{f' to {where}' if where else ''}; "
            "redirects are not followed: enter the final address."
        )
    excerpt = answer.body[:ANSWER_EXCERPT].decode("utf-8", "replace").strip()
    return False, answer.status, _truncate(f"The receiver answered {answer.status}." + (f" {excerpt}" if excerpt else ""))


def webhook_deliver(*, delivery_id: int, now: datetime) -> SendResult:
    """Try one delivery once, if it is due and nobody else is trying it; record how it went.

    Safe to run any number of times for one delivery: a delivered or failed one is left alone,
    one another run is sending is skipped, and the body and `webhook-id` never change. The HTTP
    call runs between two short transactions, never under a lock. `now` is the try's time (the
    tests pass a fake clock's).
    """
    claimed = _claim(delivery_id, now)
    if claimed is None:
        return SendResult("skipped", detail="not due, finished, or being sent")
    if not claimed.endpoint.is_active:
        ok, code, error = False, None, "The endpoint is switched off."
    else:
        ok, code, error = _post(claimed, now)
    with transaction.atomic():
        # The endpoint first, then the delivery: the order every writer of both takes.
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=claimed.endpoint_id)
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        delivery.last_status_code, delivery.last_error = code, error
        fields = ["status", "last_status_code", "last_error"]
        if ok:
            delivery.status, delivery.delivered_at = Status.DELIVERED, now
            delivery.save(update_fields=[*fields, "delivered_at"])
            if endpoint.failing_since is not None:
                endpoint.failing_since = None
                endpoint.save(update_fields=["failing_since", "updated_at"])
            log.info(
                "webhook.delivered delivery_id=%s event_id=%s attempts=%s", delivery.pk, delivery.event_id, delivery.attempts
            )
            return SendResult("sent")
        give_up = timedelta(seconds=settings.WEBHOOK_GIVE_UP_SECONDS)
        if endpoint.is_active:
            if endpoint.failing_since is None:
                endpoint.failing_since = now
                endpoint.save(update_fields=["failing_since", "updated_at"])
            elif now - endpoint.failing_since >= give_up:
                endpoint_switch_off(endpoint, last_error=error, now=now)
        if not endpoint.is_active or now - delivery.tries_since >= give_up:
            delivery.status = Status.FAILED
            delivery.save(update_fields=fields)
            log.warning("webhook.failed delivery_id=%s attempts=%s error=%r", delivery.pk, delivery.attempts, error)
            return SendResult("failed", detail=error)
        wait = retry_wait(delivery.attempts)
        delivery.status, delivery.next_attempt_at = Status.QUEUED, now + timedelta(seconds=wait)
        delivery.save(update_fields=[*fields, "next_attempt_at"])
    log.warning("webhook.retry delivery_id=%s attempts=%s in=%ss error=%r", delivery_id, delivery.attempts, wait, error)
    return SendResult("retry", retry_in=wait, detail=error)


def endpoint_switch_off(endpoint: WebhookEndpoint, *, last_error: str, now: datetime) -> None:
    """Switch off an endpoint that has failed for too long: its waiting deliveries fail, and its
    owner gets an email (through the email outbox, in this transaction). Call it with the
    endpoint locked."""
    failing_days = max(1, (now - endpoint.failing_since).days) if endpoint.failing_since else 0
    endpoint.is_active = False
    endpoint.disabled_reason = _truncate(f"Switched off after {failing_days} days of failed deliveries: {last_error}")
    endpoint.save(update_fields=["is_active", "disabled_reason", "updated_at"])
    WebhookDelivery.objects.filter(endpoint=endpoint, status=Status.QUEUED).update(
        status=Status.FAILED, last_error="The endpoint was switched off after failing for days."
    )
    business = BusinessProfile.objects.select_related("owner").get(pk=endpoint.business_profile_id)
    with translation.override(business.language):  # the owner's email, in the owner's language
        owner_notice_queue(
            business=business,
            kind=EmailKind.WEBHOOK_DISABLED,
            subject=_("Webhook switched off – %(url)s") % {"url": endpoint.url},
            context={
                "url": endpoint.url,
                "failing_days": failing_days,
                "last_error": last_error,
                "endpoint_url": absolute_url(reverse("owner:webhook", args=[endpoint.pk])),
            },
        )
    log.warning("webhook.switched_off endpoint_id=%s business_id=%s", endpoint.pk, endpoint.business_profile_id)
