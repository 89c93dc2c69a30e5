"""The owner's view of the waitlists (DESIGN.md 11): one slot's line with what may be done to it,
and each listed booking's slot count. Always scoped to one business."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet

from bookingsite.businesses.models import BusinessBookingSettings, SessionCategory

from ..models import Booking, WaitlistEntry
from ..waitlist_offers import closes_at, free_places
from .calendar import CalendarEntry, calendar_entries
from .waitlist import slot_waitlist, waitlist_counts


@dataclass(frozen=True)
class PlaceInLine:
    position: int  # 1 for the first in line
    entry: WaitlistEntry
    offer_live: bool  # offered a place that is still held for them
    offer_ran_out: bool  # offered, but the deadline passed: beat passes the place on within a minute


@dataclass(frozen=True)
class SlotLine:
    """One slot's waitlist as the owner's page shows it."""

    service: SessionCategory
    start_utc: datetime
    end_utc: datetime
    places: list[PlaceInLine]
    session: CalendarEntry | None  # the session at this time (places taken / places), if there is one
    free: int  # places a client could book now (live offers count as taken)
    # What an offer to someone waiting takes when no place is free: the latest live offer's place
    # (bookings.waitlist.waitlist_offer_to); None when nobody holds one.
    latest_offer: WaitlistEntry | None
    closed: bool  # inside the minimum notice (or past): no place is offered any more

    @property
    def can_offer(self) -> bool:
        """An offer to someone waiting has a place to give: a free one, or one a live offer holds."""
        return not self.closed and (self.free > 0 or self.latest_offer is not None)


def slot_line(page: BusinessBookingSettings, *, service: SessionCategory, start: datetime, now: datetime) -> SlotLine:
    """The line of `service` at `start`, in order, with the slot's session and free places.

    `service` must be the business's (the view's get_object_or_404); a time nobody waits for
    answers an empty line."""
    entries = slot_waitlist(page.business_profile_id, service_id=service.pk, start=start)
    session = next(
        (
            entry
            for entry in calendar_entries(page.business_profile_id, start, start + timedelta(microseconds=1), now=now)
            if entry.kind == "session" and entry.service_id == service.pk and entry.start_utc == start
        ),
        None,
    )
    if entries:
        end = entries[0].end_time_utc
    elif session is not None:
        end = session.end_utc
    else:
        end = start + timedelta(minutes=service.duration_minutes)
    places = [
        PlaceInLine(
            position=position,
            entry=entry,
            offer_live=entry.offer_live_at(now),
            offer_ran_out=entry.status == WaitlistEntry.Status.OFFERED and not entry.offer_live_at(now),
        )
        for position, entry in enumerate(entries, start=1)
    ]
    live = [place.entry for place in places if place.offer_live]
    closed = closes_at(page, start) <= now
    return SlotLine(
        service=service,
        start_utc=start,
        end_utc=end,
        places=places,
        session=session,
        free=0 if closed else free_places(page, service, start, end, now),
        latest_offer=max(live, key=lambda entry: (entry.offered_at, entry.pk), default=None),
        closed=closed,
    )


def owner_waitlist_entries(business_profile_id: int) -> QuerySet[WaitlistEntry]:
    """The business's waitlist entries, for an owner's get_object_or_404 (404 for another business's)."""
    return WaitlistEntry.objects.filter(business_profile_id=business_profile_id)


def with_waitlist_counts(business_profile_id: int, bookings: Iterable[Booking]) -> None:
    """Set `waitlist_count` on each booking: how many are in line for its slot. One query for the
    lot (waitlist_counts over their starts), none when there are no bookings."""
    bookings = list(bookings)
    if not bookings:
        return
    starts = [booking.start_time_utc for booking in bookings]
    counts = waitlist_counts(business_profile_id, min(starts), max(starts) + timedelta(microseconds=1))
    for booking in bookings:
        booking.waitlist_count = counts.get((booking.session_category_id, booking.start_time_utc), 0)
