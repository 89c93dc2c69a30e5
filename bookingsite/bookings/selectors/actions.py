"""What may happen to a booking now."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bookingsite.businesses.models import BusinessBookingSettings

from ..models import Booking


@dataclass(frozen=True)
class BookingActions:
    """What may happen to a booking now; the pages, the API, the emails and the services all ask this."""

    holds_place: bool
    # On the manage link, cancel or move: it holds a place and the business's change cut-off has
    # not passed (DESIGN.md 5, change policy).
    client_can_change: bool
    # It holds a place and has not started, but the cut-off has passed: the page shows the policy.
    past_change_cutoff: bool
    change_cutoff_at: datetime  # start minus the business's client_change_cutoff_hours
    owner_can_answer: bool  # approve or reject: a pending request still holding its place
    owner_can_cancel: bool  # a confirmed booking
    owner_can_move: bool  # a booking holding a place that has not started; the owner is never held by the cut-off
    owner_can_mark_attendance: bool  # a confirmed booking that has started: completed or no-show


def booking_actions(booking: Booking, now: datetime, *, cutoff_hours: int | None = None) -> BookingActions:
    """The one rule for what a client and the owner may still do to `booking` at `now`.

    `cutoff_hours` is the business's client_change_cutoff_hours; when None it is read from the
    booking's business (select_related("business_profile__booking_settings") saves the query).
    """
    if cutoff_hours is None:
        cutoff_hours = booking.business_profile.booking_settings.client_change_cutoff_hours
    holds = booking.holds_place_at(now)
    pending = booking.status == Booking.Status.PENDING_APPROVAL
    confirmed = booking.status == Booking.Status.CONFIRMED
    upcoming = booking.start_time_utc > now
    cutoff_at = booking.start_time_utc - timedelta(hours=cutoff_hours)
    return BookingActions(
        holds_place=holds,
        client_can_change=holds and now < cutoff_at and upcoming,
        past_change_cutoff=holds and upcoming and now >= cutoff_at,
        change_cutoff_at=cutoff_at,
        owner_can_answer=holds and pending,
        owner_can_cancel=confirmed,
        owner_can_move=holds and upcoming,
        owner_can_mark_attendance=confirmed and not upcoming,
    )


def with_actions(bookings: Iterable[Booking], now: datetime) -> list[tuple[Booking, BookingActions]]:
    """Each booking beside what may happen to it at `now`: the rows of a list that offers actions."""
    bookings = list(bookings)
    cutoffs = dict(
        BusinessBookingSettings.objects.filter(pk__in={b.business_profile_id for b in bookings}).values_list(
            "pk", "client_change_cutoff_hours"
        )
    )
    return [(b, booking_actions(b, now, cutoff_hours=cutoffs.get(b.business_profile_id, 0))) for b in bookings]
