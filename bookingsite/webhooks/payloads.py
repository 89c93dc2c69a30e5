"""What a webhook says: the event type of a change and its JSON body (README, "Webhooks").

    {"type": "booking.created", "timestamp": "2026-03-03T09:00:00Z", "data": {...}}

Plain functions over the rows; the outbox stores the body exactly as built here.
"""

import json
from datetime import UTC, datetime

from bookingsite.bookings.models import Booking, WaitlistEntry

Status = Booking.Status

# A booking's new status, after a change that was not its creation or a move.
STATUS_EVENTS = {
    Status.CONFIRMED: "booking.confirmed",
    Status.REJECTED: "booking.rejected",
    Status.EXPIRED_PENDING: "booking.expired",
    Status.CANCELLED_BY_CLIENT: "booking.cancelled",
    Status.CANCELLED_BY_ADMIN: "booking.cancelled",
    Status.COMPLETED: "booking.completed",
    Status.NO_SHOW: "booking.no_show",
}
TEST_EVENT = "webhook.test"
EVENT_TYPES = (
    "booking.created", "booking.confirmed", "booking.rejected", "booking.expired", "booking.cancelled",
    "booking.rescheduled", "booking.completed", "booking.no_show", "waitlist.offered", "webhook.test",
)


def utc_iso(moment: datetime | None) -> str | None:
    """2026-03-03T09:00:00Z: UTC, to the second."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def booking_event_type(*, from_status: str, to_status: str, moved: bool) -> str | None:
    """The event of a booking change, or None when it is none of the webhook events."""
    if moved:
        return "booking.rescheduled"
    if not from_status:
        return "booking.created"
    if from_status == to_status:
        return None
    return STATUS_EVENTS.get(to_status)


def booking_data(booking: Booking, *, slug: str, moved_from: datetime | None = None) -> dict:
    """The `data` of a booking event (the booking with its service loaded)."""
    data = {
        "booking_id": str(booking.pk),
        "status": booking.status,
        "service": {"id": booking.session_category_id, "name": booking.session_category.name},
        "start": utc_iso(booking.start_time_utc),
        "end": utc_iso(booking.end_time_utc),
        "client": {"name": booking.client_name, "email": booking.client_email},
        "business": slug,
    }
    if moved_from is not None:
        data["previous_start"] = utc_iso(moved_from)
    return data


def waitlist_data(entry: WaitlistEntry, *, slug: str) -> dict:
    """The `data` of a waitlist event (the entry with its service loaded)."""
    return {
        "waitlist_entry_id": entry.pk,
        "status": entry.status,
        "service": {"id": entry.session_category_id, "name": entry.session_category.name},
        "start": utc_iso(entry.start_time_utc),
        "end": utc_iso(entry.end_time_utc),
        "client": {"name": entry.client_name, "email": entry.client_email},
        "offer_expires_at": utc_iso(entry.offer_expires_at),
        "business": slug,
    }


def body(event_type: str, data: dict, *, now: datetime) -> str:
    """The JSON text sent, signed and stored."""
    return json.dumps({"type": event_type, "timestamp": utc_iso(now), "data": data}, separators=(",", ":"))
