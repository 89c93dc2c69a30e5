"""The availability engine (DESIGN.md 4): opening hours and occupancy in, bookable slots out.

Pure and standard library only: no Django, no clock (`now` is an argument), no I/O. A
subprocess test checks that importing this module does not import `django`.

All instants are aware `datetime`s normalised to `timezone.utc`; arithmetic on them is
therefore in real minutes, which is what the rules ask for across DST changes.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from .types import AvailabilityRequest, Block, Day, Occupied, Slot

ONE_DAY = timedelta(days=1)
ONE_SECOND = timedelta(seconds=1)
MIDNIGHT = time(0, 0)

# (service_id, start, end): occupancy at exactly the same key as a candidate "coincides" with it.
# Busy time has service_id None, which no candidate's key has.
Key = tuple[int | None, datetime, datetime]


# --- Wall clock to instants --------------------------------------------------------------


def to_instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time on `day` in `zone`, by the DST rules of DESIGN.md 4.1.

    An ambiguous time (clocks going back) takes its first occurrence; a time inside a gap
    (clocks going forward) moves to the first valid instant after the gap, i.e. the
    transition itself.
    """
    if wall.fold:
        wall = wall.replace(fold=0)  # the rule picks the first occurrence, whatever the caller set
    local = datetime.combine(day, wall, zone)
    first = local.utcoffset()
    second = datetime.combine(day, _second_fold(wall), zone).utcoffset()
    assert first is not None and second is not None
    if first >= second:
        # Unique, or ambiguous (offset drops): fold=0 is the first occurrence.
        return local.astimezone(UTC)
    # In a gap. PEP 495 maps fold=0 with the offset from before the transition (an instant
    # after it) and fold=1 with the one from after (an instant before it); the transition
    # lies between the two. Searching for it, rather than assuming it sits on the hour,
    # keeps Lord Howe's 30-minute shift and Santiago's midnight change right.
    naive = datetime.combine(day, wall)
    return _transition_between(
        (naive - second).replace(tzinfo=UTC), (naive - first).replace(tzinfo=UTC), zone
    )


@lru_cache(maxsize=1024)
def _second_fold(wall: time) -> time:
    """`wall` with fold=1, cached: `replace` costs more than the rest of `to_instant`."""
    return wall.replace(fold=1)


def _transition_between(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """The first instant in (before, after] whose UTC offset differs from `before`'s."""
    old_offset = before.astimezone(zone).utcoffset()
    # tzdata transitions fall on whole seconds, so search whole seconds from a floored start.
    low = before.replace(microsecond=0)
    low_step, high_step = 0, -(-(after - low) // ONE_SECOND)
    while high_step - low_step > 1:
        middle = (low_step + high_step) // 2
        if (low + middle * ONE_SECOND).astimezone(zone).utcoffset() == old_offset:
            low_step = middle
        else:
            high_step = middle
    return low + high_step * ONE_SECOND


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of `day` in `zone`: its midnight, the first one where midnight repeats, or
    the end of the gap where the clocks skip it (Santiago in September)."""
    return to_instant(day, MIDNIGHT, zone)


def client_range(client_timezone: str, start_date: date, end_date: date) -> tuple[datetime, datetime]:
    """UTC instants `[start of start_date, start of end_date + 1)` in the client's zone."""
    zone = ZoneInfo(client_timezone)
    return day_start(start_date, zone), day_start(end_date + ONE_DAY, zone)


# --- Candidates ------------------------------------------------------------------------------


def blocks_on(
    weekly_blocks: tuple[tuple[Block, ...], ...], exceptions: Mapping[date, tuple[Block, ...]], day: date
) -> tuple[Block, ...]:
    """A business date's blocks: its exception if any (empty = closed), else its weekday's."""
    if day in exceptions:
        return exceptions[day]
    return weekly_blocks[day.weekday()]


def _blocks_for(request: AvailabilityRequest, day: date) -> tuple[Block, ...]:
    return blocks_on(request.weekly_blocks, request.exceptions, day)


def _business_dates(zone: ZoneInfo, start: datetime, end: datetime) -> list[date]:
    """Business dates whose blocks can produce a start in `[start, end)`.

    One extra date each side as a margin: around a fold at midnight (Santiago in April) the
    local date of an instant steps back, so an instant and the date of the block it came
    from need not agree. Extra dates cost a few conversions; their starts get filtered out.
    """
    first = start.astimezone(zone).date() - ONE_DAY
    last = end.astimezone(zone).date() + ONE_DAY
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _candidate_starts(request: AvailabilityRequest, dates: Iterable[date], extra: Iterable[datetime] = ()) -> list[datetime]:
    """Grid starts of every block of `dates` (rule 2), with `extra` starts, sorted, before any filtering."""
    zone = ZoneInfo(request.business_timezone)
    duration = timedelta(minutes=request.duration_minutes)
    step = timedelta(minutes=request.duration_minutes + request.buffer_minutes)
    starts: list[datetime] = []
    for day in dates:
        for block in _blocks_for(request, day):
            start = to_instant(day, block.start, zone)
            end = to_instant(day, block.end, zone)
            while start + duration <= end:
                starts.append(start)
                start += step
    # Blocks of valid data never overlap, so the grid is already sorted; sorting and dropping
    # duplicates keeps the sweep's assumptions true even for overlapping admin input, and
    # merges the sessions' own starts in.
    return sorted({*starts, *extra})


def _session_starts(request: AvailabilityRequest, places: dict[Key, int]) -> set[datetime]:
    """Rule 2's other half: every existing session of the service is a candidate at its own
    start, off the grid or outside working hours too (the owner made it, or a booking did). Only
    at the service's length: a session of a length the service no longer has is no slot of it.
    Read from the holding places' keys (a session's own entry holds even with no place taken)."""
    duration = timedelta(minutes=request.duration_minutes)
    return {start for service_id, start, end in places if service_id == request.service_id and end - start == duration}


def _within_notice_and_horizon(request: AvailabilityRequest, starts: list[datetime]) -> list[datetime]:
    """Rule 3: keep starts in `[now + N minutes, now + H days]`."""
    now = request.now.astimezone(UTC)
    earliest = now + timedelta(minutes=request.minimum_notice_minutes)
    latest = now + timedelta(days=request.horizon_days)
    return [start for start in starts if earliest <= start <= latest]


# --- Occupancy sweep -------------------------------------------------------------------------


def _holding_places(occupancy: Iterable[Occupied], now: datetime) -> dict[Key, int]:
    """Rule 4: places held per (service, start, end); an expired pending hold holds nothing."""
    places: dict[Key, int] = {}
    for item in occupancy:
        if item.holds_until is not None and item.holds_until <= now:
            continue
        key = (item.service_id, item.start.astimezone(UTC), item.end.astimezone(UTC))
        places[key] = places.get(key, 0) + item.places
    return places


def _offered(request: AvailabilityRequest, starts: list[datetime], places: dict[Key, int]) -> list[tuple[datetime, int]]:
    """Rule 5 for sorted `starts`: the (start, remaining) pairs that are offered; with
    `request.list_full`, (start, 0) too for the starts that only a lack of places keeps from being offered.

    A sweep: occupancy enters the active set once `t0 < s + D + B` and leaves it once
    `t1 + B <= s`; both bounds only grow with `s`, so each interval enters and leaves once.
    The active set then holds exactly the occupancy within the buffer zone of `[s, s + D)`.
    """
    by_start = sorted(places, key=lambda key: key[1])
    duration = timedelta(minutes=request.duration_minutes)
    buffer = timedelta(minutes=request.buffer_minutes)
    reach = duration + buffer

    offered: list[tuple[datetime, int]] = []
    active: list[tuple[datetime, int]] = []  # heap of (t1 + B, index into by_start)
    pointer = 0
    for start in starts:
        while pointer < len(by_start) and by_start[pointer][1] < start + reach:
            heapq.heappush(active, (by_start[pointer][2] + buffer, pointer))
            pointer += 1
        while active and active[0][0] <= start:
            heapq.heappop(active)
        own = (request.service_id, start, start + duration)
        # Occupancy at exactly this key is the same group session, not a neighbour: it is
        # always active here (t0 = s, t1 + B > s), so it accounts for one active entry.
        coinciding = 1 if own in places else 0
        if len(active) > coinciding:
            continue
        remaining = request.capacity - places.get(own, 0)
        if remaining > 0:
            offered.append((start, remaining))
        elif request.list_full:
            offered.append((start, 0))
    return offered


# --- Public API ------------------------------------------------------------------------------


def _slot(start: datetime, remaining: int, duration: timedelta, client_zone: ZoneInfo) -> Slot:
    end = start + duration
    return Slot(
        start_utc=start,
        end_utc=end,
        start_local=start.astimezone(client_zone),
        end_local=end.astimezone(client_zone),
        remaining=remaining,
    )


def _check(request: AvailabilityRequest) -> None:
    """Refuse inputs that would make the grid loop forever or step backwards."""
    if request.duration_minutes <= 0 or request.buffer_minutes < 0:
        raise ValueError("duration must be positive and buffer not negative")


def free_slots(request: AvailabilityRequest) -> tuple[Day, ...]:
    """One Day per client date from start_date to end_date, each with its offered slots by start.

    Raises ValueError for a duration <= 0 or a negative buffer.
    """
    _check(request)
    client_zone = ZoneInfo(request.client_timezone)
    range_start, range_end = client_range(request.client_timezone, request.start_date, request.end_date)
    dates = _business_dates(ZoneInfo(request.business_timezone), range_start, range_end)
    places = _holding_places(request.occupancy, request.now)
    candidates = _candidate_starts(request, dates, extra=_session_starts(request, places))
    starts = [s for s in candidates if range_start <= s < range_end]
    starts = _within_notice_and_horizon(request, starts)

    duration = timedelta(minutes=request.duration_minutes)
    dates_asked = [request.start_date + timedelta(days=i) for i in range((request.end_date - request.start_date).days + 1)]
    by_date: dict[date, list[Slot]] = {day: [] for day in dates_asked}
    full_by_date: dict[date, list[Slot]] = {day: [] for day in dates_asked}
    for start, remaining in _offered(request, starts, places):
        slot = _slot(start, remaining, duration, client_zone)
        # Rule 6: grouped by the client's date, which can differ from the business's.
        day_slots = (by_date if remaining else full_by_date).get(slot.start_local.date())
        if day_slots is not None:
            day_slots.append(slot)
    return tuple(Day(date=day, slots=tuple(by_date[day]), full=tuple(full_by_date[day])) for day in dates_asked)


def find_slot(request: AvailabilityRequest, start_utc: datetime) -> Slot | None:
    """The slot offered at exactly `start_utc`, or None; ignores the request's client dates.

    For the booking service's re-check under a lock. It looks only at the business dates
    around `start_utc`, so it agrees with `free_slots` whatever client range was passed.
    With `request.list_full`, a full slot there comes back too, with remaining 0.
    Raises ValueError like `free_slots`.
    """
    _check(request)
    start = start_utc.astimezone(UTC)
    dates = _business_dates(ZoneInfo(request.business_timezone), start, start)
    places = _holding_places(request.occupancy, request.now)
    if start not in _candidate_starts(request, dates) and start not in _session_starts(request, places):
        return None
    if not _within_notice_and_horizon(request, [start]):
        return None
    offered = _offered(request, [start], places)
    if not offered:
        return None
    duration = timedelta(minutes=request.duration_minutes)
    return _slot(start, offered[0][1], duration, ZoneInfo(request.client_timezone))


def conflicts(
    occupancy: Iterable[Occupied], *, service_id: int, start: datetime, end: datetime, buffer_minutes: int, now: datetime
) -> list[Occupied]:
    """What `[start, end)` of a service clashes with, one entry per (service, start, end), by start.

    Rule 5's first half without working hours, notice or horizon, for times the owner picks
    (approving a request, adding a session by hand): occupancy clashes when
    `start < t1 + B and t0 < end + B`, except occupancy at exactly (service_id, start, end),
    which is the same group session. A pending request past its expiry holds nothing.
    """
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    buffer = timedelta(minutes=buffer_minutes)
    own = (service_id, start, end)
    found: dict[Key, Occupied] = {}
    for item in occupancy:
        if item.holds_until is not None and item.holds_until <= now:
            continue
        key = (item.service_id, item.start.astimezone(UTC), item.end.astimezone(UTC))
        if key != own and start < key[2] + buffer and key[1] < end + buffer:
            found.setdefault(key, item)  # a session and its bookings are one clash
    return [found[key] for key in sorted(found, key=lambda key: (key[1], key[2], key[0] is not None, key[0] or 0))]


def places_at(occupancy: Iterable[Occupied], *, service_id: int, start: datetime, end: datetime, now: datetime) -> int:
    """Places held at exactly (service_id, start, end): holding bookings plus attendees without one."""
    return _holding_places(occupancy, now).get((service_id, start.astimezone(UTC), end.astimezone(UTC)), 0)
