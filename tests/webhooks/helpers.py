"""Bookings made through the booking service at a real, near-future time (the receiver checks
signatures against the real clock, or time-machine's when a test travels)."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from bookingsite.bookings.models import Booking
from bookingsite.bookings.services import booking_create

LONDON = ZoneInfo("Europe/London")


def a_start(*, days_ahead: int = 3, hour: int = 10) -> datetime:
    day = timezone.now().astimezone(LONDON).date() + timedelta(days=days_ahead)
    return datetime.combine(day, time(hour), tzinfo=LONDON).astimezone(UTC)


def book(service, *, start: datetime | None = None, **fields) -> Booking:
    details = {
        "client_name": "Dana Diver",
        "client_email": "dana@example.com",
        "client_timezone": "Europe/London",
    } | fields
    return booking_create(service=service, start_time_utc=start or a_start(), **details)
