"""Hypothesis properties of the availability engine (DESIGN.md 4), across DST days of odd zones.

No database and no Django. Examples per property: tests/conftest.py's Hypothesis profile (200,
or 2000 under CI=true; `pytest tests/availability --hypothesis-profile=ci` runs those here).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bookingsite.availability.engine import find_slot, free_slots
from bookingsite.availability.types import AvailabilityRequest, Occupied, Slot

from .strategies import (
    busy_times,
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
)


# --- An independent wall-clock conversion --------------------------------------------------


@lru_cache(maxsize=100_000)
def reference_instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The first instant whose wall clock reads `day wall`; in a gap, the first one past it.

    Round trips through every offset the zone uses around that time instead of relying on
    PEP 495 folds as the engine does, and walks minutes through a gap.
    """
    target = datetime.combine(day, wall)
    offsets = {
        local_offset
        for hours in range(-26, 27)
        if (local_offset := (target - timedelta(hours=hours)).replace(tzinfo=UTC).astimezone(zone).utcoffset())
        is not None
    }
    guesses = sorted((target - offset).replace(tzinfo=UTC) for offset in offsets)
    for guess in guesses:
        if local_wall(guess, zone) == target:
            return guess
    instant = guesses[0]
    while local_wall(instant, zone) < target:
        instant += MINUTE
    return instant


# --- Strategies -----------------------------------------------------------------------------


def grid_starts(request: AvailabilityRequest, low: datetime, high: datetime) -> list[datetime]:
    """Rule 2 starts in [low, high), ignoring notice, horizon and occupancy (for drawing data)."""
    zone = ZoneInfo(request.business_timezone)
    duration = timedelta(minutes=request.duration_minutes)
    step = timedelta(minutes=request.duration_minutes + request.buffer_minutes)
    first = (low - timedelta(days=2)).date()
    starts = []
    for shift in range((high - low).days + 5):
        day = first + timedelta(days=shift)
        for block in blocks_of(request, day):
            start, end = reference_instant(day, block.start, zone), reference_instant(day, block.end, zone)
            while start + duration <= end:
                if low <= start < high:
                    starts.append(start)
                start += step
    return sorted(starts)


@st.composite
def occupancy(draw: st.DrawFn, request: AvailabilityRequest, grid: list[datetime]) -> tuple[Occupied, ...]:
    """Sessions and bookings of several services: some on the grid, some anywhere, some pending; and busy time."""
    low = datetime.combine(request.start_date, time(), UTC) - timedelta(days=1)
    span = (request.end_date - request.start_date).days + 3
    duration = request.duration_minutes
    items = []
    for _ in range(draw(st.integers(0, 12))):
        if grid and draw(st.booleans()):
            # Mostly the same group session as a candidate, sometimes a near miss.
            service = draw(st.sampled_from((SERVICE, SERVICE, SERVICE, SERVICE + 1)))
            start = draw(st.sampled_from(grid))
            minutes = draw(st.sampled_from((duration, duration, duration, duration - 1, duration + 5)))
        else:
            service = draw(st.sampled_from((SERVICE, SERVICE + 1, SERVICE + 2)))
            start = low + timedelta(minutes=draw(st.integers(0, span * 1440)))
            # Often the service's own length: a session off the grid, which is a candidate too.
            minutes = draw(st.one_of(st.just(duration), st.integers(1, 300)))
        places = draw(st.integers(0, 3))
        items.append(Occupied(service, start, start + minutes * MINUTE, places, draw(holds_until(request.now))))
    items.extend(draw(busy_times(low, span, grid, duration)))
    return tuple(items)


@st.composite
def requests(draw: st.DrawFn, max_days: int = 5) -> AvailabilityRequest:
    business = draw(st.sampled_from(BUSINESS_ZONES))
    client = draw(st.one_of(st.sampled_from(CLIENT_ZONES), st.sampled_from(ALL_ZONES)))
    change_dates, change_minutes = transitions(business)
    span = draw(st.integers(1, max_days))
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
        exceptions=draw(st.dictionaries(st.sampled_from(nearby), day_blocks(edges), max_size=4)),
        service_id=SERVICE,
        duration_minutes=draw(st.integers(5, 240)),
        capacity=draw(st.integers(1, 5)),
        buffer_minutes=draw(st.integers(0, 120)),
        minimum_notice_minutes=draw(st.one_of(st.just(0), st.integers(0, 2 * 1440))),
        horizon_days=draw(st.one_of(st.just(60), st.integers(0, 10))),
        client_timezone=client,
        start_date=start_date,
        end_date=end_date,
        now=datetime.combine(start_date, time(), UTC),  # replaced below, once the grid is known
    )
    low, high = reference_range(request)
    grid = grid_starts(request, low - timedelta(days=1), high + timedelta(days=1))
    request = replace(request, now=draw(nows(request, grid)))
    return replace(request, occupancy=draw(occupancy(request, grid)))


def reference_range(request: AvailabilityRequest) -> tuple[datetime, datetime]:
    zone = ZoneInfo(request.client_timezone)
    return (
        reference_instant(request.start_date, time(), zone),
        reference_instant(request.end_date + timedelta(days=1), time(), zone),
    )


def all_slots(request: AvailabilityRequest) -> list[Slot]:
    return [slot for day in free_slots(request) for slot in day.slots]


def holds(item: Occupied, now: datetime) -> bool:
    return item.holds_until is None or item.holds_until > now


# --- Properties -----------------------------------------------------------------------------


@given(requests())
def test_slots_lie_on_the_grid_of_a_block_of_their_business_date_or_are_a_session(request: AvailabilityRequest) -> None:
    zone = ZoneInfo(request.business_timezone)
    duration = timedelta(minutes=request.duration_minutes)
    step = timedelta(minutes=request.duration_minutes + request.buffer_minutes)
    sessions = {(item.start, item.end) for item in request.occupancy if item.service_id == request.service_id}
    for slot in all_slots(request):
        assert slot.end_utc - slot.start_utc == duration
        if (slot.start_utc, slot.end_utc) in sessions:
            continue  # an existing session of the service: offered at its own time (rule 2)
        business_date = slot.start_utc.astimezone(zone).date()
        homes = [
            block
            for block in blocks_of(request, business_date)
            if reference_instant(business_date, block.start, zone) <= slot.start_utc
            and slot.end_utc <= reference_instant(business_date, block.end, zone)
            and (slot.start_utc - reference_instant(business_date, block.start, zone)) % step == timedelta(0)
        ]
        assert homes, (slot, business_date)


@given(requests())
def test_days_cover_the_client_range_in_order(request: AvailabilityRequest) -> None:
    days = free_slots(request)
    span = (request.end_date - request.start_date).days + 1
    assert [day.date for day in days] == [request.start_date + timedelta(days=i) for i in range(span)]
    low, high = reference_range(request)
    starts = []
    for day in days:
        for slot in day.slots:
            assert slot.start_utc.tzinfo is UTC and slot.end_utc.tzinfo is UTC
            assert slot.start_local.tzinfo == ZoneInfo(request.client_timezone)
            # astimezone, not ==: PEP 495 makes an inter-zone == False for any time in a fold.
            assert slot.start_local.astimezone(UTC) == slot.start_utc
            assert slot.end_local.astimezone(UTC) == slot.end_utc
            assert slot.start_local.date() == day.date
            assert low <= slot.start_utc < high
            starts.append(slot.start_utc)
    assert starts == sorted(starts)


@given(requests())
def test_slots_keep_the_buffer_and_count_places(request: AvailabilityRequest) -> None:
    buffer = timedelta(minutes=request.buffer_minutes)
    holding = [item for item in request.occupancy if holds(item, request.now)]
    for slot in all_slots(request):
        own = (SERVICE, slot.start_utc, slot.end_utc)
        taken = 0
        for item in holding:
            if (item.service_id, item.start, item.end) == own:
                taken += item.places
            else:
                assert item.end + buffer <= slot.start_utc or slot.end_utc + buffer <= item.start, (slot, item)
        assert 1 <= slot.remaining <= request.capacity
        assert slot.remaining == request.capacity - taken


@given(requests())
def test_slots_respect_notice_and_horizon(request: AvailabilityRequest) -> None:
    earliest = request.now + timedelta(minutes=request.minimum_notice_minutes)
    latest = request.now + timedelta(days=request.horizon_days)
    for slot in all_slots(request):
        assert earliest <= slot.start_utc <= latest


@given(requests())
def test_offered_slots_never_overlap(request: AvailabilityRequest) -> None:
    slots = all_slots(request)
    for before, after in pairwise(slots):
        assert before.end_utc <= after.start_utc


@given(requests(max_days=3))
def test_find_slot_agrees_with_free_slots(request: AvailabilityRequest) -> None:
    offered = {slot.start_utc: slot for slot in all_slots(request)}
    for slot in offered.values():
        assert find_slot(request, slot.start_utc) == slot
        assert find_slot(request, slot.start_utc + MINUTE) is None
        assert find_slot(request, slot.start_utc - MINUTE) is None
        # The client dates of the request don't matter to find_slot.
        elsewhere = replace(request, start_date=date(2030, 1, 1), end_date=date(2030, 1, 1))
        assert find_slot(elsewhere, slot.start_utc) == slot
    # Grid and session starts that free_slots turned down (notice, horizon, occupancy) are refused too.
    low, high = reference_range(request)
    sessions = [item.start for item in request.occupancy if item.service_id == request.service_id and low <= item.start < high]
    for start in [*grid_starts(request, low, high), *sessions]:
        assert find_slot(request, start) == offered.get(start)
