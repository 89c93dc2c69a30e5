"""Celery tasks of bookings: expire stale pending requests, complete past bookings, sweep waitlists.

Each task takes ids (or nothing), calls a service, and is safe to run twice or twice at once.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from celery import shared_task
from django.utils import timezone

from .exceptions import BookingError
from .models import Booking
from .services import COMPLETE_AFTER_END, booking_complete_past, booking_expire
from .waitlist import waitlist_sweep

log = logging.getLogger("bookingsite.bookings")
SWEEP_BATCH = 500


@shared_task(name="bookings.expire_pending_requests")
def expire_pending_requests_task() -> int:
    """Beat, every 5 minutes: pending requests past their expiry become expired_pending (PRD 3.8 FR5-6).

    Each one goes through booking_expire (history row, client email, place freed), which locks
    the business and re-reads the booking before changing it. So two sweeps at once, or a sweep
    racing the owner's approve, change each booking once: the later one finds it no longer
    pending and moves on.
    """
    now = timezone.now()
    candidates = Booking.objects.lapsed_at(now).order_by("pending_request_expires_at")
    return _sweep(candidates, lambda booking: booking_expire(booking=booking, now=now), name="expiry", verb="expired")


def complete_past_bookings(*, now: datetime | None = None) -> int:
    """Confirmed bookings whose end is COMPLETE_AFTER_END (12 hours) past become completed, by the
    system, unless the owner marked them first (DESIGN.md 5, Attendance); returns how many.

    Each goes through booking_complete_past, which locks the business and re-reads the booking:
    two sweeps at once, or a sweep racing the owner's no-show, change each booking once.
    """
    now = now or timezone.now()
    # A partial index of confirmed bookings serves this; it stays small in the past because the
    # sweep itself moves past bookings out of it.
    candidates = Booking.objects.filter(
        status=Booking.Status.CONFIRMED, end_time_utc__lte=now - COMPLETE_AFTER_END
    ).order_by("end_time_utc")
    return _sweep(
        candidates, lambda booking: booking_complete_past(booking=booking, now=now), name="completion", verb="completed"
    )


def _sweep(candidates, change: Callable[[Booking], Booking | None], *, name: str, verb: str) -> int:
    """Apply `change` (a service that locks and re-reads the booking; None when it no longer
    applies) to the first SWEEP_BATCH candidates; how many changed. One refused booking is logged
    and skipped, never stops the rest; the next run takes what this one left."""
    batch = list(candidates.only("pk", "business_profile_id")[:SWEEP_BATCH])
    changed = 0
    for booking in batch:
        try:
            if change(booking) is not None:
                changed += 1
        except BookingError as exc:
            log.warning("booking.%s_failed booking_id=%s error=%s", name, booking.pk, exc.message)
    if batch:
        log.info("booking.%s_sweep candidates=%s %s=%s", name, len(batch), verb, changed)
    return changed


@shared_task(name="bookings.complete_past_bookings")
def complete_past_bookings_task() -> int:
    """Beat, every 10 minutes: complete_past_bookings."""
    return complete_past_bookings()


@shared_task(name="bookings.sweep_waitlists")
def sweep_waitlists_task() -> tuple[int, int]:
    """Beat, every minute: lapsed waitlist offers pass their place on, and lines inside the
    minimum notice close (bookings.waitlist.waitlist_sweep); (lapsed, closed)."""
    return waitlist_sweep()
