"""Celery tasks: deliver one webhook, and pick up the deliveries due or lost.

Each takes ids (or nothing), calls a plain function, and is safe to run twice or twice at once.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import delivering, selectors

log = logging.getLogger("bookingsite.webhooks")


@shared_task(bind=True, name="webhooks.deliver", max_retries=None)
def deliver_webhook_task(self, delivery_id: int) -> str:
    """Try one delivery (its outcome: sent, retry, failed or skipped); after a failure, wait out a
    short backoff here and leave a long one to the pickup."""
    result = delivering.webhook_deliver(delivery_id=delivery_id, now=timezone.now())
    # In-process (no broker) a retry cannot wait: the pickup sends it when it is due.
    if result.outcome == "retry" and not self.request.is_eager and result.retry_in <= settings.WEBHOOK_COUNTDOWN_MAX_SECONDS:
        # The row is queued with next_attempt_at set: if this retry message is lost, the pickup sends it.
        raise self.retry(countdown=result.retry_in)
    return result.outcome


@shared_task(name="webhooks.flush_deliveries")
def flush_webhook_deliveries_task() -> int:
    """Beat, every minute: queue every delivery due and not yet tried past its grace period, and
    every one claimed by a worker that died. A duplicate task is harmless: the claim stops it."""
    delivery_ids = selectors.due_delivery_ids(now=timezone.now())
    for delivery_id in delivery_ids:
        deliver_webhook_task.delay(delivery_id)
    if delivery_ids:
        log.info("webhook.flush queued=%s", len(delivery_ids))
    return len(delivery_ids)
