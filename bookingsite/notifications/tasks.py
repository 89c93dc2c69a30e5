"""Celery tasks: send one outbox email, pick up unsent ones, expire stale pending requests.

Each task takes ids (or nothing), calls a service, and is safe to run twice or twice at once.
"""

import logging

from celery import shared_task
from django.utils import timezone

from bookingsite.bookings.exceptions import BookingError
from bookingsite.bookings.models import Booking
from bookingsite.bookings.services import booking_expire

from . import outbox, selectors

log = logging.getLogger("bookingsite.notifications")
SWEEP_BATCH = 500


@shared_task(bind=True, name="notifications.send_outbox_email", max_retries=None)
def send_outbox_email_task(self, email_id: int) -> str:
    """Send one outbox email; on a provider error, retry after 2, 4, 8, 16 s (the row counts tries)."""
    result = outbox.outbox_email_send(email_id=email_id)
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


@shared_task(name="notifications.expire_pending_requests")
def expire_pending_requests_task() -> int:
    """Beat, every 5 minutes: pending requests past their expiry become expired_pending (PRD 3.8 FR5-6).

    Each one goes through booking_expire (history row, client email, place freed), which locks
    the business and re-reads the booking before changing it. So two sweeps at once, or a sweep
    racing the owner's approve, change each booking once: the later one finds it no longer
    pending and moves on.
    """
    now = timezone.now()
    candidates = list(
        Booking.objects.filter(status=Booking.Status.PENDING_APPROVAL, pending_request_expires_at__lte=now)
        .order_by("pending_request_expires_at")
        .only("pk", "business_profile_id")[:SWEEP_BATCH]
    )
    expired = 0
    for booking in candidates:
        try:
            if booking_expire(booking=booking, now=now) is not None:
                expired += 1
        except BookingError as exc:
            log.warning("booking.expire_failed booking_id=%s error=%s", booking.pk, exc.message)
    if candidates:
        log.info("booking.expiry_sweep candidates=%s expired=%s", len(candidates), expired)
    return expired
