"""What the owner's calendar shows. Always scoped to one business."""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookingsite.availability.engine import blocks_on
from bookingsite.availability.types import Block
from bookingsite.businesses.models import MAX_DURATION_MINUTES, BusinessProfile, BusyInterval
from bookingsite.lib.locale_formats import format_time

from ..models import EXPECTED_STATUSES, Booking, Session, WaitlistEntry
from .actions import booking_actions
from .availability import attendees_without_holding_booking, exception_blocks, weekly_blocks
from .waitlist import waitlist_counts

Status = Booking.Status
# Whole sentences per weekday: a translation may need to inflect the day's name.
NO_WORK_ON = (
    gettext_lazy("You don’t work on Mondays."), gettext_lazy("You don’t work on Tuesdays."),
    gettext_lazy("You don’t work on Wednesdays."), gettext_lazy("You don’t work on Thursdays."),
    gettext_lazy("You don’t work on Fridays."), gettext_lazy("You don’t work on Saturdays."),
    gettext_lazy("You don’t work on Sundays."),
)


@dataclass(frozen=True)
class CalendarBooking:
    """One client of a session that has started: who, how they are marked, and whether the owner may mark them."""

    booking_id: str
    client_name: str
    status: str
    status_display: str
    can_mark_attendance: bool


@dataclass(frozen=True)
class CalendarEntry:
    """One thing on the owner's calendar: a session, a pending request not on it yet, a slot
    with a waitlist but no session (its one place freed and held for the first in line), or busy
    time from the owner's own calendars."""

    kind: str  # "session", "pending", "waitlist" or "busy"
    key: str
    service_id: int | None  # None for busy time
    service_name: str
    client_name: str  # the pending request's client, or a one-place session's; else ""
    start_utc: datetime
    end_utc: datetime
    taken: int  # places taken in a session (holding bookings + attendees without one)
    capacity: int
    created_by_owner: bool
    booking_id: str | None  # the one booking to open: a pending request, or a session's only booking
    # A session that has started: its clients (confirmed, completed or no-show), by name; else empty.
    bookings: tuple[CalendarBooking, ...] = ()
    waiting: int = 0  # clients in the slot's waitlist line (waiting or offered a place); 0 for a pending request
    # Busy time: its event's title when the owner opted in for that calendar, else "" (shown as just "Busy").
    busy_detail: str = ""
    session_id: int | None = None  # a session's own id, for its "Add a client"


def calendar_entries(
    business_profile_id: int, start: datetime, end: datetime, *, now: datetime | None = None
) -> list[CalendarEntry]:
    """Sessions, still-holding pending requests, slots with only a waitlist and busy time overlapping
    [start, end), by start; five queries, a sixth only when some waitlist has no session."""
    now = now or timezone.now()
    in_range = {"business_profile_id": business_profile_id, "start_time_utc__lt": end, "end_time_utc__gt": start}
    shown = Booking.objects.holding_at(now) | Booking.objects.filter(status__in=EXPECTED_STATUSES)
    sessions = (
        Session.objects.filter(**in_range)
        .select_related("session_category")
        .annotate(extra=attendees_without_holding_booking(now))
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=shown.only(
                    "pk", "session_id", "status", "client_name", "start_time_utc", "pending_request_expires_at"
                ).order_by("client_name", "pk"),
                to_attr="shown",
            )
        )
    )
    entries = []
    for session in sessions:
        holding = [booking for booking in session.shown if booking.holds_place_at(now)]
        expected = [booking for booking in session.shown if booking.status in EXPECTED_STATUSES]
        # A one-to-one session is known by its client (a past one by the client it had).
        names = [booking.client_name for booking in holding or expected]
        entries.append(CalendarEntry(
            kind="session",
            key=f"session-{session.pk}",
            service_id=session.session_category_id,
            service_name=session.session_category.name,
            client_name=names[0] if names and session.session_category.capacity == 1 else "",
            start_utc=session.start_time_utc,
            end_utc=session.end_time_utc,
            taken=len(holding) + session.extra,
            capacity=session.session_category.capacity,
            created_by_owner=session.created_by_owner,
            # Marked bookings hold no place, but their session still opens the one client it had.
            booking_id=str(expected[0].pk) if len(expected) == 1 else None,
            bookings=tuple(_calendar_booking(booking, now) for booking in expected) if session.start_time_utc <= now else (),
            session_id=session.pk,
        ))
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
    entries = _with_waitlists(entries, business_profile_id, start, end)
    entries += busy_entries(business_profile_id, start, end)
    return sorted(entries, key=lambda entry: (entry.start_utc, entry.kind, entry.service_name))


def _with_waitlists(
    entries: list[CalendarEntry], business_profile_id: int, start: datetime, end: datetime
) -> list[CalendarEntry]:
    """Each session with its waitlist count, plus a "waitlist" entry for a line whose slot has no
    session: a one-place session goes when its booking is cancelled, while the freed place is held
    for the first in line, and the owner should still see that time as taken."""
    # A slot that started up to a session's longest length before `start` may still overlap it.
    counts = waitlist_counts(business_profile_id, start - timedelta(minutes=MAX_DURATION_MINUTES), end)
    if not counts:
        return entries
    entries = [
        replace(entry, waiting=counts.pop((entry.service_id, entry.start_utc), 0)) if entry.kind == "session" else entry
        for entry in entries
    ]
    if counts:
        entries += _waitlist_only(business_profile_id, counts, start)
    return entries


def _waitlist_only(business_profile_id: int, counts: dict[tuple[int, datetime], int], start: datetime) -> list[CalendarEntry]:
    rows = (
        WaitlistEntry.objects.in_line()
        .filter(business_profile_id=business_profile_id, start_time_utc__in={slot_start for _id, slot_start in counts},
                end_time_utc__gt=start)
        .values_list("session_category_id", "session_category__name", "session_category__capacity", "start_time_utc",
                     "end_time_utc")
        .order_by()
        .distinct()
    )
    slots = {(row[0], row[3]): row for row in rows if (row[0], row[3]) in counts}  # one entry per slot
    return [
        CalendarEntry(
            kind="waitlist",
            key=f"waitlist-{service_id}-{slot_start:%Y%m%dT%H%M%SZ}",
            service_id=service_id,
            service_name=name,
            client_name="",
            start_utc=slot_start,
            end_utc=slot_end,
            taken=0,
            capacity=capacity,
            created_by_owner=False,
            booking_id=None,
            waiting=counts[service_id, slot_start],
        )
        for service_id, name, capacity, slot_start, slot_end in slots.values()
    ]


def _calendar_booking(booking: Booking, now: datetime) -> CalendarBooking:
    # Only the owner's actions are read here: the change cut-off moves the client's alone.
    actions = booking_actions(booking, now, cutoff_hours=0)
    return CalendarBooking(
        booking_id=str(booking.pk),
        client_name=booking.client_name,
        status=booking.status,
        status_display=booking.get_status_display(),
        can_mark_attendance=actions.owner_can_mark_attendance,
    )


def busy_entries(business_profile_id: int, start: datetime, end: datetime) -> list[CalendarEntry]:
    """Busy time from the owner's calendars overlapping [start, end), with its title only where the owner opted in."""
    rows = (
        BusyInterval.objects.filter(business_profile_id=business_profile_id, start_time_utc__lt=end, end_time_utc__gt=start)
        .order_by("start_time_utc")
        .values_list("pk", "start_time_utc", "end_time_utc", "summary", "calendar__show_details")
    )
    return [
        CalendarEntry(
            kind="busy", key=f"busy-{pk}", service_id=None, service_name="", client_name="", start_utc=busy_start,
            end_utc=busy_end, taken=0, capacity=0, created_by_owner=False, booking_id=None,
            busy_detail=summary if show_details else "",
        )
        for pk, busy_start, busy_end, summary, show_details in rows
    ]


@dataclass(frozen=True)
class CalendarDay:
    """A business date's working blocks as the engine reads them, and whether an exception date set them."""

    day: date
    blocks: tuple[Block, ...]  # by start (both selectors order them); empty: closed
    is_exception: bool


def calendar_days(business_profile_id: int, first: date, last: date) -> list[CalendarDay]:
    """Every date from first to last with its blocks by the engine's rule (blocks_on); two queries."""
    week = weekly_blocks(business_profile_id)
    exceptions = exception_blocks(business_profile_id, first, last)
    return [
        CalendarDay(day, blocks_on(week, exceptions, day), day in exceptions)
        for day in (first + timedelta(days=offset) for offset in range((last - first).days + 1))
    ]


def hand_session_notes(business: BusinessProfile, *, start_utc: datetime, end_utc: datetime, now: datetime) -> list[str]:
    """What an owner should know about a session they add by hand at this time, without being
    refused: it is in the past, on a closed day, outside their working hours, or runs past midnight."""
    zone = ZoneInfo(business.timezone)
    start, end = start_utc.astimezone(zone), end_utc.astimezone(zone)
    notes = []
    if start_utc < now:
        notes.append(_("It is in the past."))
    if end.date() > start.date() and end.time() != datetime.min.time():
        notes.append(_("It runs past midnight."))
    [day] = calendar_days(business.pk, start.date(), start.date())
    if not day.blocks:
        if day.is_exception:
            return [*notes, _("That date is closed (a day off).")]
        return [*notes, str(NO_WORK_ON[start.weekday()])]
    same_day = end.date() == start.date()
    if not any(same_day and block.start <= start.time() and end.time() <= block.end for block in day.blocks):
        hours = ", ".join(f"{format_time(block.start)}–{format_time(block.end)}" for block in day.blocks)
        notes.append(_("It is outside your working hours that day (%(hours)s).") % {"hours": hours})
    return notes
