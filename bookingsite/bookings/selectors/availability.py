"""Reads that feed the availability engine (one business, one service, one range, four queries),
and the offered slots it computes from them."""

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import connection
from django.db.models import BigIntegerField, Count, DateTimeField, Exists, FloatField, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from bookingsite.availability import engine
from bookingsite.availability.types import AvailabilityRequest, Block, Day, Occupied
from bookingsite.businesses.models import (
    MAX_DURATION_MINUTES,
    BusinessBookingSettings,
    BusyInterval,
    ExceptionDate,
    SessionCategory,
    WorkingHours,
)

from ..models import HOLDING_STATUSES, Booking, Session, WaitlistEntry

# How long an offered-days entry may serve: entries are keyed by the minute too, so what the
# clock moves (minimum notice, a pending request's expiry) is at most a minute behind.
OFFERED_DAYS_SECONDS = 60
# No session or booking lasts longer than this, so one that overlaps a window starts less than
# this before it: the bound turns "overlaps the window" into a range scan on the start index.
LONGEST_SPAN = timedelta(minutes=MAX_DURATION_MINUTES)


def weekly_blocks(business_profile_id: int) -> tuple[tuple[Block, ...], ...]:
    week: list[list[Block]] = [[] for _ in range(7)]
    rows = WorkingHours.objects.filter(business_profile_id=business_profile_id).order_by("start_time")
    for weekday, start, end in rows.values_list("weekday", "start_time", "end_time"):
        week[weekday].append(Block(start, end))
    return tuple(tuple(day) for day in week)


def exception_blocks(business_profile_id: int, first: date, last: date) -> dict[date, tuple[Block, ...]]:
    """The exception dates between first and last: () for a closed date, else its own blocks."""
    closed: set[date] = set()
    blocks: dict[date, list[Block]] = {}
    rows = ExceptionDate.objects.filter(business_profile_id=business_profile_id, date__range=(first, last))
    for day, start, end in rows.order_by("date", "start_time").values_list("date", "start_time", "end_time"):
        if start is None:
            closed.add(day)
        else:
            blocks.setdefault(day, []).append(Block(start, end))
    # A closed row wins over stray blocks of the same date (validation keeps them apart anyway).
    return {day: tuple(day_blocks) for day, day_blocks in blocks.items()} | {day: () for day in closed}


def attendees_without_holding_booking(now: datetime) -> Coalesce:
    """Per session row: its attendees who hold no place at `now` through a booking of their own.

    The owner can add attendees by hand; they take places too (DESIGN.md 9), on top of the
    holding bookings, which are counted separately.
    """
    holds = Booking.objects.holding_at(now).filter(session=OuterRef("session"), client=OuterRef("client"))
    count = (
        Session.attendees.through.objects.filter(session=OuterRef("pk"))
        .exclude(Exists(holds))
        .values("session")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(count), 0)


class EpochSeconds(Func):
    """A timestamp as seconds since 1970, a float.

    A month's occupancy is some 1,500 timestamps; Django reads each timestamptz through a loader
    written in Python (a few microseconds apiece, most of a computed month's time), a float in C.
    """

    output_field = FloatField()
    template = "EXTRACT(EPOCH FROM %(expressions)s)::float8"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)", **extra_context)


def _instant(seconds: float, per_second: int) -> datetime:
    # round(x * n) / n, not round(x, 3): several times faster, and as exact.
    return datetime.fromtimestamp(round(seconds * per_second) / per_second, UTC)


def _epoch_ticks_per_second() -> int:
    """How finely EpochSeconds is exact: microseconds on PostgreSQL, milliseconds through SQLite's julianday()."""
    return 1000 if connection.vendor == "sqlite" else 1_000_000


def occupancy(
    business_profile_id: int, start: datetime, end: datetime, *, now: datetime | None = None, exclude_booking_id=None
) -> tuple[Occupied, ...]:
    """Sessions, place-holding bookings, waitlist offers and busy time of the business that overlap [start, end), as they
    stand at `now`.

    `exclude_booking_id` leaves one booking out: a pending request being approved, or a booking
    being moved, must not count against itself.
    """
    now = now or timezone.now()
    # Every booking that may hold a place, with its expiry: the engine applies DESIGN.md 4.4 at the
    # request's `now` (Occupied.holds_until). The status list is the partial index's condition.
    holding = Q(status__in=HOLDING_STATUSES)
    span = {"starts": EpochSeconds("start_time_utc"), "ends": EpochSeconds("end_time_utc")}
    sessions = (
        Session.objects.filter(
            business_profile_id=business_profile_id,
            start_time_utc__gt=start - LONGEST_SPAN,
            start_time_utc__lt=end,
            end_time_utc__gt=start,
        )
        .annotate(extra=attendees_without_holding_booking(now), **span)
        .values_list("session_category_id", "starts", "ends", "extra")
    )
    bookings = (
        Booking.objects.filter(
            holding,
            business_profile_id=business_profile_id,
            start_time_utc__gt=start - LONGEST_SPAN,
            start_time_utc__lt=end,
            end_time_utc__gt=start,
        )
        .exclude(pk=exclude_booking_id)
        .annotate(**span)
        .order_by()
        .values_list("session_category_id", "starts", "ends", "pending_request_expires_at")
    )
    # A waitlist offer holds its place until its deadline, as a pending request does (DESIGN.md 11):
    # read in the same query as the bookings.
    offers = (
        WaitlistEntry.objects.filter(
            status=WaitlistEntry.Status.OFFERED,
            business_profile_id=business_profile_id,
            start_time_utc__gt=start - LONGEST_SPAN,
            start_time_utc__lt=end,
            end_time_utc__gt=start,
        )
        .annotate(**span)
        .order_by()
        .values_list("session_category_id", "starts", "ends", "offer_expires_at")
    )
    # Busy time from the owner's calendars (DESIGN.md 13) is occupancy of no service (service None,
    # no expiry), read in the same query too. Its intervals are imported for the booking horizon only
    # and may last days, so the overlap is not bounded by LONGEST_SPAN as the others' is.
    busy = (
        BusyInterval.objects.filter(business_profile_id=business_profile_id, start_time_utc__lt=end, end_time_utc__gt=start)
        .annotate(no_service=Value(None, output_field=BigIntegerField()), **span)
        .annotate(no_expiry=Value(None, output_field=DateTimeField()))
        .order_by()
        .values_list("no_service", "starts", "ends", "no_expiry")
    )
    ticks = _epoch_ticks_per_second()
    return tuple(
        Occupied(service, _instant(s, ticks), _instant(e, ticks), places=extra) for service, s, e, extra in sessions
    ) + tuple(
        Occupied(service, _instant(s, ticks), _instant(e, ticks), places=0 if service is None else 1, holds_until=expires)
        for service, s, e, expires in bookings.union(offers, busy, all=True)
    )


def availability_request(
    *,
    page: BusinessBookingSettings,
    service: SessionCategory,
    client_timezone: str,
    start_date: date,
    end_date: date,
    now: datetime,
    exclude_booking_id=None,
    list_full: bool = False,
) -> AvailabilityRequest:
    """Everything the engine needs for a range of the client's dates, in four queries.

    `page` must come with its business (select_related), as `businesses.selectors` returns it.
    `exclude_booking_id`: as `occupancy`'s (a booking being moved). `list_full`: the full slots
    too, for a list that offers their waitlists; never for a check before a write.
    """
    business = page.business_profile
    buffer = timedelta(minutes=page.global_buffer_time_minutes_between_sessions)
    range_start, range_end = engine.client_range(client_timezone, start_date, end_date)
    # A client's day spans at most the business dates a day either side of it.
    return AvailabilityRequest(
        business_timezone=business.timezone,
        weekly_blocks=weekly_blocks(business.pk),
        exceptions=exception_blocks(business.pk, start_date - timedelta(days=2), end_date + timedelta(days=2)),
        service_id=service.pk,
        duration_minutes=service.duration_minutes,
        capacity=service.capacity,
        buffer_minutes=page.global_buffer_time_minutes_between_sessions,
        minimum_notice_minutes=page.minimum_notice_minutes,
        horizon_days=page.booking_horizon_days,
        client_timezone=client_timezone,
        start_date=start_date,
        end_date=end_date,
        now=now,
        occupancy=occupancy(
            business.pk, range_start - buffer - timedelta(days=1), range_end + buffer + timedelta(days=1), now=now,
            exclude_booking_id=exclude_booking_id,
        ),
        list_full=list_full,
    )


def availability_request_at(
    *, page: BusinessBookingSettings, service: SessionCategory, start_utc: datetime, now: datetime, exclude_booking_id=None,
    list_full: bool = False,
) -> AvailabilityRequest:
    """The engine's inputs around one instant, to re-check a single slot (`list_full`: as availability_request's)."""
    business_day = start_utc.astimezone(ZoneInfo(page.business_profile.timezone)).date()
    return availability_request(
        page=page,
        service=service,
        client_timezone=page.business_profile.timezone,
        start_date=business_day,
        end_date=business_day,
        now=now,
        exclude_booking_id=exclude_booking_id,
        list_full=list_full,
    )


def availability_days(
    *,
    page: BusinessBookingSettings,
    service: SessionCategory,
    client_timezone: str,
    start_date: date,
    end_date: date,
    now: datetime,
    exclude_booking_id=None,
    list_full: bool = False,
) -> tuple[Day, ...]:
    """The offered slots of a service, by the client's date: four queries whatever the range holds.

    With `exclude_booking_id`, as they would be without that booking (the times it may move to);
    with `list_full`, each day's full slots too (Day.full).
    """
    request = availability_request(
        page=page, service=service, client_timezone=client_timezone, start_date=start_date, end_date=end_date, now=now,
        exclude_booking_id=exclude_booking_id, list_full=list_full,
    )
    return engine.free_slots(request)


def days_to_move_to(
    *,
    page: BusinessBookingSettings,
    booking: Booking,
    client_timezone: str,
    start_date: date,
    end_date: date,
    now: datetime,
) -> tuple[Day, ...]:
    """The slots `booking` may move to: its service's offered slots as if its own place were free,
    less the time it has (moving there is no move)."""
    days = availability_days(
        page=page, service=booking.session_category, client_timezone=client_timezone, start_date=start_date,
        end_date=end_date, now=now, exclude_booking_id=booking.pk,
    )
    return tuple(
        dataclasses.replace(day, slots=tuple(slot for slot in day.slots if slot.start_utc != booking.start_time_utc))
        for day in days
    )


def offered_days(
    *,
    page: BusinessBookingSettings,
    service: SessionCategory,
    client_timezone: str,
    start_date: date,
    end_date: date,
    now: datetime,
) -> tuple[Day, ...]:
    """`availability_days` for the pages and the JSON, cached under the business's availability version.

    Every write that changes what availability depends on bumps the version in its own transaction
    (businesses.locking), so an entry is never older than the data it was computed from, though its
    clock may be up to a minute behind. The minute in the key is also the backstop for a change
    made outside the services (raw SQL, a data migration, a restored database): such an entry is
    served for at most OFFERED_DAYS_SECONDS. The booking re-check never reads this: it computes
    from the rows under the lock.
    """
    key = (
        f"offered-days:{page.pk}:{page.availability_version}:{service.pk}:{client_timezone}:"
        f"{start_date}:{end_date}:{int(now.timestamp()) // OFFERED_DAYS_SECONDS}"
    )
    days = cache.get(key)
    if days is None:
        days = availability_days(
            page=page, service=service, client_timezone=client_timezone, start_date=start_date, end_date=end_date, now=now,
            list_full=service.waitlist_enabled,  # a full slot of it takes a waitlist (DESIGN.md 11)
        )
        cache.set(key, days, OFFERED_DAYS_SECONDS)
    return days
