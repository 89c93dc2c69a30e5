"""Celery tasks of bookings: expire stale pending requests, complete past bookings.

Each task takes ids (or nothing), calls a service, and is safe to run twice or twice at once.
"""

import logging

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from .exceptions import BookingError
from .models import Booking
from .services import COMPLETE_AFTER_END, booking_complete_past, booking_expire

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
    candidates = list(
        Booking.objects.lapsed_at(now)
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


def complete_past_bookings(*, now: datetime | None = None) -> int:
    """Confirmed bookings whose end is COMPLETE_AFTER_END (12 hours) past become completed, by the
    system, unless the owner marked them first (DESIGN.md 5, Attendance); returns how many.

    Each goes through booking_complete_past, which locks the business and re-reads the booking:
    two sweeps at once, or a sweep racing the owner's no-show, change each booking once.
    """
    now = now or timezone.now()
    # PostgreSQL reads this from the partial index of holding bookings (booking_holding_business_start),
    # which stays small: the sweep itself moves past bookings out of it.
    candidates = list(
        Booking.objects.filter(status=Booking.Status.CONFIRMED, end_time_utc__lte=now - COMPLETE_AFTER_END)
        .order_by("end_time_utc")
        .only("pk", "business_profile_id")[:SWEEP_BATCH]
    )
    completed = 0
    for booking in candidates:
        try:
            if booking_complete_past(booking=booking, now=now) is not None:
                completed += 1
        except BookingError as exc:
            log.warning("booking.complete_failed booking_id=%s error=%s", booking.pk, exc.message)
    if candidates:
        log.info("booking.completion_sweep candidates=%s completed=%s", len(candidates), completed)
    return completed


@shared_task(name="bookings.complete_past_bookings")
def complete_past_bookings_task() -> int:
    """Beat, every 10 minutes: complete_past_bookings."""
    return complete_past_bookings()
