"""What the owner's private calendar feed holds (DESIGN.md 13): sessions with their clients, and the
bookings not shown as a session's client (pending requests, and cancelled, rejected or expired ones)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch, Q

from ..models import EXPECTED_STATUSES, Booking, Session

FEED_PAST = timedelta(days=30)
FEED_FUTURE = timedelta(days=365)


@dataclass(frozen=True)
class FeedSession:
    pk: int
    service: str
    location: str
    start: datetime
    end: datetime
    capacity: int
    clients: tuple[tuple[str, str], ...]  # (name, status shown) by name: its bookings, then attendees without one
    stamp: datetime  # when it was made: a stable DTSTAMP keeps the feed's ETag stable


@dataclass(frozen=True)
class FeedBooking:
    pk: str
    service: str
    location: str
    start: datetime
    end: datetime
    status: str
    status_display: str
    client_name: str
    sequence: int
    stamp: datetime  # its last change


def feed_contents(business_profile_id: int, now: datetime) -> tuple[list[FeedSession], list[FeedBooking]]:
    """The feed's sessions and bookings from 30 days before `now` to 365 after, in four queries whatever they hold."""
    start, end = now - FEED_PAST, now + FEED_FUTURE
    in_range = {"business_profile_id": business_profile_id, "start_time_utc__lt": end, "end_time_utc__gt": start}
    expected = Booking.objects.filter(status__in=EXPECTED_STATUSES).only(
        "pk", "session_id", "client_id", "client_name", "status"
    )
    sessions = (
        Session.objects.filter(**in_range)
        .select_related("session_category", "business_profile")
        .prefetch_related(Prefetch("bookings", queryset=expected, to_attr="expected"), "attendees")
        .order_by("start_time_utc", "pk")
    )
    feed_sessions = []
    for session in sessions:
        booked = {booking.client_id for booking in session.expected}
        clients = sorted((b.client_name, b.get_status_display()) for b in session.expected)
        clients += sorted((client.name, "") for client in session.attendees.all() if client.pk not in booked)
        service = session.session_category
        feed_sessions.append(FeedSession(
            pk=session.pk, service=service.name, location=service.location or session.business_profile.address,
            start=session.start_time_utc, end=session.end_time_utc, capacity=service.capacity, clients=tuple(clients),
            stamp=session.created_at,
        ))
    others = (
        Booking.objects.filter(**in_range)
        .filter(Q(session__isnull=True) | ~Q(status__in=EXPECTED_STATUSES))
        .select_related("session_category", "business_profile")
        .order_by("start_time_utc", "pk")
    )
    feed_bookings = [
        FeedBooking(
            pk=str(booking.pk), service=booking.session_category.name, location=booking.location,
            start=booking.start_time_utc, end=booking.end_time_utc, status=booking.status,
            status_display=booking.get_status_display(), client_name=booking.client_name, sequence=booking.sequence,
            stamp=booking.updated_at,
        )
        for booking in others
    ]
    return feed_sessions, feed_bookings
