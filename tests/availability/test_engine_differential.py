"""The availability engine against a deliberately naive reference of DESIGN.md 4.

The reference walks every UTC minute of the client's range and asks of each one, straight
from the rules, whether a slot starts there. It finds block endpoints by reading wall clocks,
not with the engine's `to_instant`. No sweep, no cleverness: slow, but obviously right.
No database and no Django. Examples: tests/conftest.py's Hypothesis profile (200, or 2000 under
CI=true; `pytest tests/availability --hypothesis-profile=ci` runs those here).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bookingsite.availability.engine import find_slot, free_slots
from bookingsite.availability.types import AvailabilityRequest, Occupied

from .strategies import (
    FIRST_DAY,
    LAST_DAY,
    UTC,
    MINUTE,
    SERVICE,
    BUSINESS_ZONES,
    CLIENT_ZONES,
    ALL_ZONES,
    EDGE_MINUTES,
    local_wall,
    blocks_of,
    transitions,
    day_blocks,
    nows,
    holds_until,
    busy_times,
)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# --- The naive reference --------------------------------------------------------------------


@lru_cache(maxsize=100_000)
def wall_instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """Rule 1 by reading clocks: the first minute whose wall clock reads `day wall`, else the
    first minute whose wall clock has gone past it (the end of a gap)."""
    target = datetime.combine(day, wall)
    # Start where no zone's clock (UTC-12 .. UTC+14) can have reached the target yet.
    instant = (target - timedelta(hours=15)).replace(tzinfo=UTC)
    # Leap ahead in hours while the clock is clearly behind, then walk minute by minute.
    while local_wall(instant, zone) < target - timedelta(hours=3):
        instant += timedelta(hours=1)
    while local_wall(instant, zone) < target:
        instant += MINUTE
    return instant


def block_instants(request: AvailabilityRequest, low: datetime, high: datetime) -> list[tuple[datetime, datetime]]:
    """Every block of every business date anywhere near [low, high), as instants."""
    zone = ZoneInfo(request.business_timezone)
    first = low.date() - timedelta(days=2)
    days = [first + timedelta(days=i) for i in range((high.date() - first).days + 3)]
    return [
        (wall_instant(day, block.start, zone), wall_instant(day, block.end, zone))
        for day in days
        for block in blocks_of(request, day)
    ]


def client_window(request: AvailabilityRequest) -> tuple[datetime, datetime]:
    zone = ZoneInfo(request.client_timezone)
    return (
        wall_instant(request.start_date, time(), zone),
        wall_instant(request.end_date + timedelta(days=1), time(), zone),
    )


def minutes_since_epoch(instant: datetime) -> int:
    return (instant - EPOCH) // MINUTE


def reference_grid(request: AvailabilityRequest, low: datetime, high: datetime) -> list[datetime]:
    """Rule 2, minute by minute: the minutes in [low, high) that are a block start plus a
    whole number of (D + B) steps, with the slot ending inside that block."""
    duration = request.duration_minutes
    step = request.duration_minutes + request.buffer_minutes
    blocks = [
        (minutes_since_epoch(start), minutes_since_epoch(end))
        for start, end in block_instants(request, low, high)
        if start < high and end > low  # the others cannot hold a start in range; saves time
    ]
    starts = []
    for minute in range(minutes_since_epoch(low), minutes_since_epoch(high)):
        for block_start, block_end in blocks:
            if block_start <= minute and minute + duration <= block_end and (minute - block_start) % step == 0:
                starts.append(EPOCH + minute * MINUTE)
                break
    return starts


def reference_free_slots(request: AvailabilityRequest) -> list[tuple[date, datetime, datetime, int]]:
    """(client date, start, end, remaining) of every offered slot, checked one by one."""
    low, high = client_window(request)
    duration = timedelta(minutes=request.duration_minutes)
    buffer = timedelta(minutes=request.buffer_minutes)
    client_zone = ZoneInfo(request.client_timezone)
    offered = []
    # Rule 2: the grid, and every session of the service at its own start (at the service's length);
    # an item past its hold is no session any more (rule 4).
    sessions = {
        item.start for item in request.occupancy
        if item.service_id == request.service_id and item.end - item.start == duration and low <= item.start < high
        and (item.holds_until is None or item.holds_until > request.now)
    }
    for start in sorted(set(reference_grid(request, low, high)) | sessions):
        end = start + duration
        # Rule 3.
        if start < request.now + timedelta(minutes=request.minimum_notice_minutes):
            continue
        if start > request.now + timedelta(days=request.horizon_days):
            continue
        # Rule 4.
        holding = [item for item in request.occupancy if item.holds_until is None or item.holds_until > request.now]
        # Rule 5.
        same = [item for item in holding if (item.service_id, item.start, item.end) == (request.service_id, start, end)]
        others = [item for item in holding if (item.service_id, item.start, item.end) != (request.service_id, start, end)]
        if any(start < item.end + buffer and item.start < end + buffer for item in others):
            continue
        remaining = request.capacity - sum(item.places for item in same)
        if remaining > 0:
            offered.append((start.astimezone(client_zone).date(), start, end, remaining))
    return offered


# --- Strategies -----------------------------------------------------------------------------


def stepped_grid(request: AvailabilityRequest, low: datetime, high: datetime) -> list[datetime]:
    """The same starts as `reference_grid`, found quickly by stepping (to draw occupancy on them)."""
    duration = timedelta(minutes=request.duration_minutes)
    step = timedelta(minutes=request.duration_minutes + request.buffer_minutes)
    starts = []
    for start, end in block_instants(request, low, high):
        while start + duration <= end:
            if low <= start < high:
                starts.append(start)
            start += step
    return starts


@st.composite
def requests(draw: st.DrawFn) -> AvailabilityRequest:
    business = draw(st.sampled_from(BUSINESS_ZONES))
    client = draw(st.one_of(st.sampled_from(CLIENT_ZONES), st.sampled_from(ALL_ZONES)))
    change_dates, change_minutes = transitions(business)
    span = draw(st.integers(1, 3))
    if change_dates and draw(st.integers(0, 3)) > 0:
        # A range holding an offset change, or starting the day after or ending the day before.
        start_date = draw(st.sampled_from(change_dates)) - timedelta(days=draw(st.integers(-1, span)))
    else:
        start_date = draw(st.dates(FIRST_DAY, LAST_DAY))
    end_date = start_date + timedelta(days=span - 1)
    nearby = [start_date + timedelta(days=shift) for shift in range(-2, span + 2)]
    edges = tuple(sorted(set(EDGE_MINUTES) | set(change_minutes)))
    request = AvailabilityRequest(
        business_timezone=business,
        weekly_blocks=tuple(draw(day_blocks(edges)) for _ in range(7)),
        exceptions=draw(st.dictionaries(st.sampled_from(nearby), day_blocks(edges), max_size=3)),
        service_id=SERVICE,
        duration_minutes=draw(st.integers(5, 240)),
        capacity=draw(st.integers(1, 5)),
        buffer_minutes=draw(st.integers(0, 120)),
        minimum_notice_minutes=draw(st.one_of(st.just(0), st.integers(0, 1440))),
        horizon_days=draw(st.one_of(st.just(60), st.integers(0, 4))),
        client_timezone=client,
        start_date=start_date,
        end_date=end_date,
        now=datetime.combine(start_date, time(), UTC),  # replaced below, once the grid is known
    )
    low, high = client_window(request)
    grid = stepped_grid(request, low, high)
    now = draw(nows(request, grid))
    items = []
    for _ in range(draw(st.integers(0, 15))):
        if grid and draw(st.booleans()):
            # On a candidate: mostly the same group session, sometimes a near miss.
            service = draw(st.sampled_from((SERVICE, SERVICE, SERVICE, SERVICE + 1)))
            start = draw(st.sampled_from(grid))
            minutes = request.duration_minutes + draw(st.sampled_from((0, 0, 0, -1, 5)))
        else:
            service = draw(st.sampled_from((SERVICE, SERVICE + 1, SERVICE + 2)))
            start = low - timedelta(days=1) + draw(st.integers(0, (high - low) // MINUTE + 2 * 1440)) * MINUTE
            # Often the service's own length: a session off the grid, which is a candidate too.
            minutes = draw(st.one_of(st.just(request.duration_minutes), st.integers(1, 300)))
        places = draw(st.integers(0, 3))
        items.append(Occupied(service, start, start + minutes * MINUTE, places, draw(holds_until(now))))
    items.extend(draw(busy_times(low - timedelta(days=1), (high - low).days + 3, grid, request.duration_minutes)))
    return replace(request, now=now, occupancy=tuple(items))


# --- The comparison -------------------------------------------------------------------------


@given(requests())
def test_engine_matches_the_naive_reference(request: AvailabilityRequest) -> None:
    engine = [
        (day.date, slot.start_utc, slot.end_utc, slot.remaining) for day in free_slots(request) for slot in day.slots
    ]
    assert engine == reference_free_slots(request)
    # find_slot has its own properties; a few slots per case keep this file quick.
    for _, start, end, remaining in engine[:: max(1, len(engine) // 4)]:
        found = find_slot(request, start)
        assert found is not None and (found.start_utc, found.end_utc, found.remaining) == (start, end, remaining)
