"""The owner's clients. Always scoped to one business."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from ..models import EXPECTED_STATUSES, Booking, Client

Status = Booking.Status


def owner_clients(business_profile_id: int, text: str = "") -> QuerySet[Client]:
    """The business's clients by name, those whose name, email or phone holds `text` if given;
    the scope for an owner's get_object_or_404."""
    clients = Client.objects.filter(business_profile_id=business_profile_id)
    if text:
        clients = clients.filter(Q(name__icontains=text) | Q(email__icontains=text) | Q(phone__icontains=text))
    return clients.order_by("name")


def client_search(business_profile_id: int, text: str = "") -> QuerySet[Client]:
    """The clients list: `owner_clients` with `booking_count` on each row."""
    return owner_clients(business_profile_id, text).annotate(booking_count=Count("bookings"))


@dataclass(frozen=True)
class Attendance:
    """A client's record with the business: "2 no-shows in 9 past bookings"."""

    past: int  # bookings that have started and that they were expected at (not cancelled, rejected or expired)
    no_shows: int


def client_attendance(business_profile_id: int, client_id: int, *, now: datetime) -> Attendance:
    """How often the client did not come, among their bookings that have started by `now`; one query."""
    counts = Booking.objects.filter(
        business_profile_id=business_profile_id, client_id=client_id, status__in=EXPECTED_STATUSES, start_time_utc__lte=now,
    ).aggregate(past=Count("pk"), no_shows=Count("pk", filter=Q(status=Status.NO_SHOW)))
    return Attendance(past=counts["past"], no_shows=counts["no_shows"])
