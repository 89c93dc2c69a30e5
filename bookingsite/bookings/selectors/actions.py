"""What may happen to a booking now."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from ..models import Booking


@dataclass(frozen=True)
class BookingActions:
    """What may happen to a booking now; the pages, the API, the emails and the services all ask this."""

    holds_place: bool
    client_can_cancel: bool  # on the manage link: it holds a place and has not started
    owner_can_answer: bool  # approve or reject: a pending request still holding its place
    owner_can_cancel: bool  # a confirmed booking


def booking_actions(booking: Booking, now: datetime) -> BookingActions:
    """The one rule for what a client and the owner may still do to `booking` at `now`."""
    holds = booking.holds_place_at(now)
    pending = booking.status == Booking.Status.PENDING_APPROVAL
    return BookingActions(
        holds_place=holds,
        client_can_cancel=holds and booking.start_time_utc > now,
        owner_can_answer=holds and pending,
        owner_can_cancel=booking.status == Booking.Status.CONFIRMED,
    )


def with_actions(bookings: Iterable[Booking], now: datetime) -> list[tuple[Booking, BookingActions]]:
    """Each booking beside what may happen to it at `now`: the rows of a list that offers actions."""
    return [(booking, booking_actions(booking, now)) for booking in bookings]
