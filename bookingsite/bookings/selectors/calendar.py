"""What the owner's calendar shows. Always scoped to one business."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch
from django.utils import timezone

from ..models import Booking, Session
from .availability import attendees_without_holding_booking

Status = Booking.Status


@dataclass(frozen=True)
class CalendarEntry:
    """One thing on the owner's calendar: a session, or a pending request not on it yet."""

    kind: str  # "session" or "pending"
    key: str
    service_id: int
    service_name: str
    client_name: str  # the pending request's client; "" for a session
    start_utc: datetime
    end_utc: datetime
    taken: int  # places taken in a session (holding bookings + attendees without one)
    capacity: int
    created_by_owner: bool
    booking_id: str | None  # the one booking to open: a pending request, or a session's only booking


def calendar_entries(
    business_profile_id: int, start: datetime, end: datetime, *, now: datetime | None = None
) -> list[CalendarEntry]:
    """Sessions and still-holding pending requests overlapping [start, end), by start; three queries."""
    now = now or timezone.now()
    in_range = {"business_profile_id": business_profile_id, "start_time_utc__lt": end, "end_time_utc__gt": start}
    sessions = (
        Session.objects.filter(**in_range)
        .select_related("session_category")
        .annotate(extra=attendees_without_holding_booking(now))
        .prefetch_related(
            Prefetch("bookings", queryset=Booking.objects.holding_at(now).only("pk", "session_id"), to_attr="holding")
        )
    )
    entries = [
        CalendarEntry(
            kind="session",
            key=f"session-{session.pk}",
            service_id=session.session_category_id,
            service_name=session.session_category.name,
            client_name="",
            start_utc=session.start_time_utc,
            end_utc=session.end_time_utc,
            taken=len(session.holding) + session.extra,
            capacity=session.session_category.capacity,
            created_by_owner=session.created_by_owner,
            booking_id=str(session.holding[0].pk) if len(session.holding) == 1 else None,
        )
        for session in sessions
    ]
    pending = (
        Booking.objects.holding_at(now)
        .filter(status=Status.PENDING_APPROVAL, **in_range)
        .select_related("session_category")
    )
    entries += [
        CalendarEntry(
            kind="pending",
            key=f"pending-{booking.pk}",
            service_id=booking.session_category_id,
            service_name=booking.session_category.name,
            client_name=booking.client_name,
            start_utc=booking.start_time_utc,
            end_utc=booking.end_time_utc,
            taken=0,
            capacity=booking.session_category.capacity,
            created_by_owner=False,
            booking_id=str(booking.pk),
        )
        for booking in pending
    ]
    return sorted(entries, key=lambda entry: (entry.start_utc, entry.kind, entry.service_name))
