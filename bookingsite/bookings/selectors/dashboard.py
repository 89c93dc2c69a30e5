"""The owner's dashboard: what waits for an answer, what is coming, and what is left to set up."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bookingsite.availability import engine
from bookingsite.businesses.models import BusinessProfile, WorkingHours
from bookingsite.businesses.selectors import service_choices

from ..models import Booking
from .actions import BookingActions, with_actions
from .bookings import bookings_between, day_bookings, pending_queue
from .owner_waitlist import with_waitlist_counts

REQUESTS_SHOWN = 5  # the next few; the queue (/app/pending/) has them all
COMING_DAYS = 7
COMING_SHOWN = 10  # the first few; a busy week has them all on the bookings list, filtered to its dates


@dataclass(frozen=True)
class Dashboard:
    requests: list[tuple[Booking, BookingActions]]  # the first REQUESTS_SHOWN waiting for an answer, soonest start first
    pending_count: int  # all of them
    # Starting on the business's today, by start: holding a place, or marked completed or no-show;
    # beside each, what the owner may do (mark attendance once it has started).
    today: list[tuple[Booking, BookingActions]]
    coming: list[Booking]  # the first COMING_SHOWN holding a place and starting in the COMING_DAYS after today, by start
    coming_count: int  # all of them
    coming_dates: tuple[date, date]  # the first and last of those days
    # today's and coming bookings carry `waitlist_count`: how many wait for their slot
    has_services: bool  # an active one
    has_hours: bool

    @property
    def set_up(self) -> bool:
        """Clients can book: there is something to book, and time to book it in."""
        return self.has_services and self.has_hours


def owner_dashboard(business: BusinessProfile, *, now: datetime) -> Dashboard:
    """The dashboard of `business` at `now`, in six queries, and one more for each list with
    actions (requests, today) that has bookings: it reads the business's change cut-off; one more
    counts the waitlists of today's and coming bookings, when there are any.

    Its days are the business's, cut by the engine's day rule, so a day whose midnight the clocks
    skip or repeat still holds exactly its own bookings.
    """
    zone = ZoneInfo(business.timezone)
    day = now.astimezone(zone).date()
    start, tomorrow, end = (engine.day_start(day + timedelta(days=n), zone) for n in (0, 1, 1 + COMING_DAYS))
    today = with_actions(day_bookings(business.pk, start, tomorrow, now=now), now)
    all_coming = list(bookings_between(business.pk, tomorrow, end, now=now))
    coming = all_coming[:COMING_SHOWN]
    with_waitlist_counts(business.pk, [booking for booking, _actions in today] + coming)
    waiting = pending_queue(business.pk, now=now)
    return Dashboard(
        requests=with_actions(waiting[:REQUESTS_SHOWN], now),
        pending_count=waiting.count(),
        today=today,
        coming=coming,
        coming_count=len(all_coming),
        coming_dates=(day + timedelta(days=1), day + timedelta(days=COMING_DAYS)),
        has_services=service_choices(business.pk).exists(),
        has_hours=WorkingHours.objects.filter(business_profile_id=business.pk).exists(),
    )
