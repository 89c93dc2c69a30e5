"""Celery tasks: send one outbox email, and pick up the unsent ones.

Each task takes ids (or nothing), calls a service, and is safe to run twice or twice at once.
"""

import logging

from celery import shared_task
from django.utils import timezone

from . import selectors, sending

log = logging.getLogger("bookingsite.notifications")


@shared_task(bind=True, name="notifications.send_outbox_email", max_retries=None)
def send_outbox_email_task(self, email_id: int) -> str:
    """Send one outbox email; on a provider error, retry after 2, 4, 8, 16 s (the row counts tries)."""
    result = sending.outbox_email_send(email_id=email_id)
    if result.outcome == "retry":
        # The row is back to `queued` with next_attempt_at set: if this retry message is lost,
        # the beat pickup queues the row again.
        raise self.retry(countdown=result.retry_in)
    return result.outcome


@shared_task(name="notifications.flush_outbox")
def flush_outbox_task() -> int:
    """Beat, every minute: queue every email still unsent past its grace period.

    Catches what the commit-time queueing missed (broker down at commit, a lost retry, a worker
    that died mid-send). A duplicate send task is harmless: the first run's claim stops the next.
    """
    email_ids = selectors.unsent_email_ids(now=timezone.now())
    for email_id in email_ids:
        send_outbox_email_task.delay(email_id)
    if email_ids:
        log.info("outbox.flush queued=%s", len(email_ids))
    return len(email_ids)
