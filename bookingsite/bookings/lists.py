"""Reads for the owner's pages: pending requests, bookings, clients. Always scoped to one business."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from bookingsite.businesses.models import SessionCategory

from .models import Booking, BookingStatusChange, Client, Session
from .selectors import attendees_without_holding_booking

Status = Booking.Status


def pending_requests(business_profile_id: int, *, now: datetime | None = None) -> QuerySet[Booking]:
    """Pending requests still holding their place, soonest expiry first."""
    now = now or timezone.now()
    return (
        Booking.objects.filter(business_profile_id=business_profile_id, status=Status.PENDING_APPROVAL,
                               pending_request_expires_at__gt=now)
        .select_related("session_category", "client")
        .order_by("pending_request_expires_at")
    )


def pending_count(business_profile_id: int) -> int:
    return pending_requests(business_profile_id).count()


def bookings_between(business_profile_id: int, start: datetime, end: datetime) -> QuerySet[Booking]:
    """Confirmed and pending bookings starting in [start, end), by start."""
    return (
        Booking.objects.filter(
            business_profile_id=business_profile_id,
            status__in=[Status.CONFIRMED, Status.PENDING_APPROVAL],
            start_time_utc__gte=start,
            start_time_utc__lt=end,
        )
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


def owner_booking(business_profile_id: int) -> QuerySet[Booking]:
    """The business's bookings for a detail page (404 for another business's ids)."""
    return Booking.objects.filter(business_profile_id=business_profile_id).select_related(
        "session_category", "client", "session"
    )


def owner_clients(business_profile_id: int, text: str = "") -> QuerySet[Client]:
    clients = Client.objects.filter(business_profile_id=business_profile_id)
    if text:
        clients = clients.filter(Q(name__icontains=text) | Q(email__icontains=text) | Q(phone__icontains=text))
    return clients.order_by("name")


def owner_services(business_profile_id: int, *, include_archived: bool = False) -> QuerySet[SessionCategory]:
    """The business's services in their page order: the filter and session form choices."""
    services = SessionCategory.objects.filter(business_profile_id=business_profile_id)
    if not include_archived:
        services = services.filter(is_archived=False)
    return services.order_by("is_archived", "position", "name")


def booking_history(booking_id) -> QuerySet[BookingStatusChange]:
    """Every status change of a booking, oldest first, with who made it."""
    return BookingStatusChange.objects.filter(booking_id=booking_id).select_related("changed_by").order_by("changed_at", "pk")


def client_list(business_profile_id: int, text: str = "") -> QuerySet[Client]:
    """The clients list: `owner_clients` with `booking_count` on each row."""
    return owner_clients(business_profile_id, text).annotate(booking_count=Count("bookings"))


def client_bookings(business_profile_id: int, client_id: int) -> QuerySet[Booking]:
    """One client's bookings, newest first."""
    return (
        Booking.objects.filter(business_profile_id=business_profile_id, client_id=client_id)
        .select_related("session_category")
        .order_by("-start_time_utc")
    )


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


def calendar_entries(business_profile_id: int, start: datetime, end: datetime, *, now: datetime | None = None) -> list[CalendarEntry]:
    """Sessions and still-holding pending requests overlapping [start, end), by start; three queries."""
    now = now or timezone.now()
    in_range = {"business_profile_id": business_profile_id, "start_time_utc__lt": end, "end_time_utc__gt": start}
    sessions = (
        Session.objects.filter(**in_range)
        .select_related("session_category")
        .annotate(extra=attendees_without_holding_booking())
        .prefetch_related(
            Prefetch("bookings", queryset=Booking.objects.filter(status=Status.CONFIRMED).only("pk", "session_id"), to_attr="confirmed")
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
            taken=len(session.confirmed) + session.extra,
            capacity=session.session_category.capacity,
            created_by_owner=session.created_by_owner,
            booking_id=str(session.confirmed[0].pk) if len(session.confirmed) == 1 else None,
        )
        for session in sessions
    ]
    pending = Booking.objects.filter(
        status=Status.PENDING_APPROVAL, pending_request_expires_at__gt=now, **in_range
    ).select_related("session_category")
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
