"""The owner's lists of bookings and one booking's page. Always scoped to one business."""

import uuid
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import ATTENDANCE_STATUSES, Booking, BookingStatusChange

Status = Booking.Status


def pending_requests(business_profile_id: int, *, now: datetime | None = None) -> QuerySet[Booking]:
    """Pending requests still holding their place, soonest expiry first."""
    now = now or timezone.now()
    return (
        Booking.objects.holding_at(now)
        .filter(business_profile_id=business_profile_id, status=Status.PENDING_APPROVAL)
        .select_related("session_category", "client")
        .order_by("pending_request_expires_at")
    )


def pending_queue(business_profile_id: int, *, now: datetime | None = None) -> QuerySet[Booking]:
    """The owner's queue of requests to answer: `pending_requests`, soonest start first."""
    return pending_requests(business_profile_id, now=now).order_by("start_time_utc", "pk")


def owner_pending_among(business_profile_id: int, ids: list[str]) -> list[Booking] | None:
    """The requests named by `ids`, in the queue's order; None when any id is malformed or not the
    business's (the caller answers 404 and changes nothing)."""
    try:
        wanted = {uuid.UUID(value) for value in ids}
    except ValueError:
        return None
    found = list(owner_booking(business_profile_id).filter(pk__in=wanted).order_by("start_time_utc", "pk"))
    return found if len(found) == len(wanted) else None


def pending_count(business_profile_id: int) -> int:
    return pending_requests(business_profile_id).count()


def bookings_between(
    business_profile_id: int, start: datetime, end: datetime, *, now: datetime | None = None
) -> QuerySet[Booking]:
    """The bookings holding a place at `now` that start in [start, end), by start."""
    now = now or timezone.now()
    return (
        Booking.objects.holding_at(now)
        .filter(business_profile_id=business_profile_id, start_time_utc__gte=start, start_time_utc__lt=end)
        .select_related("session_category", "client")
        .order_by("start_time_utc")
    )


def day_bookings(business_profile_id: int, start: datetime, end: datetime, *, now: datetime | None = None) -> QuerySet[Booking]:
    """A day's list: the bookings that start in [start, end) and hold a place at `now`, or were
    marked completed or no-show (they happened, so they stay on it), by start."""
    now = now or timezone.now()
    return (
        (Booking.objects.holding_at(now) | Booking.objects.filter(status__in=ATTENDANCE_STATUSES))
        .filter(business_profile_id=business_profile_id, start_time_utc__gte=start, start_time_utc__lt=end)
        .select_related("session_category", "client")
        .order_by("start_time_utc")
    )


def booking_search(
    business_profile_id: int,
    *,
    status: str = "",
    service_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    text: str = "",
) -> QuerySet[Booking]:
    """The bookings list with its filters; text matches the client's name or email."""
    bookings = Booking.objects.filter(business_profile_id=business_profile_id).select_related("session_category", "client")
    if status:
        bookings = bookings.filter(status=status)
    if service_id:
        bookings = bookings.filter(session_category_id=service_id)
    if start:
        bookings = bookings.filter(start_time_utc__gte=start)
    if end:
        bookings = bookings.filter(start_time_utc__lt=end)
    if text:
        bookings = bookings.filter(Q(client_name__icontains=text) | Q(client_email__icontains=text))
    return bookings.order_by("-start_time_utc")


BOOKING_TABS = ("upcoming", "past")


def bookings_in_tab(bookings: QuerySet[Booking], tab: str, *, now: datetime) -> QuerySet[Booking]:
    """The bookings list's tabs: "upcoming" starts at or after `now`, soonest first; "past" started
    before it, most recent first."""
    if tab == "past":
        return bookings.filter(start_time_utc__lt=now).order_by("-start_time_utc", "pk")
    return bookings.filter(start_time_utc__gte=now).order_by("start_time_utc", "pk")


def owner_booking(business_profile_id: int) -> QuerySet[Booking]:
    """The business's bookings for a detail page (404 for another business's ids)."""
    return Booking.objects.filter(business_profile_id=business_profile_id).select_related(
        "session_category", "client", "session", "business_profile"  # business_profile: Booking.location
    )


def booking_history(booking_id) -> QuerySet[BookingStatusChange]:
    """Every status change of a booking, oldest first, with who made it."""
    return BookingStatusChange.objects.filter(booking_id=booking_id).select_related("changed_by").order_by("changed_at", "pk")


def client_bookings(business_profile_id: int, client_id: int) -> QuerySet[Booking]:
    """One client's bookings, newest first."""
    return (
        Booking.objects.filter(business_profile_id=business_profile_id, client_id=client_id)
        .select_related("session_category")
        .order_by("-start_time_utc")
    )
