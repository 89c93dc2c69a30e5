"""Hand-worked cases for the availability engine (DESIGN.md 4), with exact UTC instants.

No database and no Django: the engine is pure.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bookingsite.availability.engine import client_range, day_start, find_slot, free_slots, to_instant
from bookingsite.availability.types import AvailabilityRequest, Block, Occupied

SERVICE = 1
OTHER_SERVICE = 2
CLOSED_WEEK: tuple[tuple[Block, ...], ...] = ((),) * 7
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def block(start: str, end: str) -> Block:
    return Block(time.fromisoformat(start), time.fromisoformat(end))


def make_request(
    *,
    day: date,
    blocks: tuple[Block, ...] = (),
    business: str = "UTC",
    client: str | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    duration: int = 60,
    buffer: int = 0,
    capacity: int = 1,
    notice: int = 0,
    horizon: int = 100_000,
    now: datetime = LONG_AGO,
    occupancy: tuple[Occupied, ...] = (),
    weekly: tuple[tuple[Block, ...], ...] = CLOSED_WEEK,
    exceptions: dict[date, tuple[Block, ...]] | None = None,
) -> AvailabilityRequest:
    """A request open only on `day` with `blocks` (unless `weekly`/`exceptions` say otherwise)."""
    return AvailabilityRequest(
        business_timezone=business,
        weekly_blocks=weekly,
        exceptions=exceptions if exceptions is not None else {day: blocks},
        service_id=SERVICE,
        duration_minutes=duration,
        capacity=capacity,
        buffer_minutes=buffer,
        minimum_notice_minutes=notice,
        horizon_days=horizon,
        client_timezone=client or business,
        start_date=start_date or day - timedelta(days=1),
        end_date=end_date or day + timedelta(days=1),
        now=now,
        occupancy=occupancy,
    )


def starts(request: AvailabilityRequest) -> list[datetime]:
    return [slot.start_utc for day in free_slots(request) for slot in day.slots]


# --- to_instant and client_range ------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "wall", "expected"),
    [
        # Ordinary times.
        ("America/New_York", date(2025, 1, 15), "09:00", utc(2025, 1, 15, 14)),
        ("Asia/Kolkata", date(2025, 1, 15), "09:00", utc(2025, 1, 15, 3, 30)),
        ("Pacific/Chatham", date(2025, 1, 15), "09:00", utc(2025, 1, 14, 19, 15)),
        # New York spring forward: 02:00-03:00 does not exist; 03:00 EDT = 07:00Z.
        ("America/New_York", date(2025, 3, 9), "02:00", utc(2025, 3, 9, 7)),
        ("America/New_York", date(2025, 3, 9), "02:30", utc(2025, 3, 9, 7)),
        ("America/New_York", date(2025, 3, 9), "03:00", utc(2025, 3, 9, 7)),
        ("America/New_York", date(2025, 3, 9), "01:59", utc(2025, 3, 9, 6, 59)),
        # New York fall back: 01:00-02:00 happens twice; the first (EDT) wins.
        ("America/New_York", date(2025, 11, 2), "01:30", utc(2025, 11, 2, 5, 30)),
        ("America/New_York", date(2025, 11, 2), "02:00", utc(2025, 11, 2, 7)),
        # Sydney: April back (03:00 AEDT -> 02:00 AEST), October forward (02:00 -> 03:00).
        ("Australia/Sydney", date(2025, 4, 6), "02:30", utc(2025, 4, 5, 15, 30)),
        ("Australia/Sydney", date(2025, 10, 5), "02:30", utc(2025, 10, 4, 16)),
        # Lord Howe moves by 30 minutes: 02:00 -> 02:30 in October, 02:00 -> 01:30 in April.
        ("Australia/Lord_Howe", date(2025, 10, 5), "02:10", utc(2025, 10, 4, 15, 30)),
        ("Australia/Lord_Howe", date(2025, 10, 5), "02:30", utc(2025, 10, 4, 15, 30)),
        ("Australia/Lord_Howe", date(2025, 4, 6), "01:40", utc(2025, 4, 5, 14, 40)),
        # Chatham (+12:45/+13:45) jumps 02:45 -> 03:45 in September.
        ("Pacific/Chatham", date(2025, 9, 28), "03:00", utc(2025, 9, 27, 14)),
        # Santiago changes at midnight: 00:00 -> 01:00 in September, so 00:00 is in the gap.
        ("America/Santiago", date(2025, 9, 7), "00:00", utc(2025, 9, 7, 4)),
        ("America/Santiago", date(2025, 9, 7), "00:59", utc(2025, 9, 7, 4)),
        ("America/Santiago", date(2025, 9, 7), "01:00", utc(2025, 9, 7, 4)),
        # ... and 24:00 -> 23:00 in April: 23:30 on Saturday happens twice.
        ("America/Santiago", date(2025, 4, 5), "23:30", utc(2025, 4, 6, 2, 30)),
        ("America/Santiago", date(2025, 4, 6), "00:00", utc(2025, 4, 6, 4)),
        # London: 01:00-02:00 missing in March, repeated in October.
        ("Europe/London", date(2025, 3, 30), "01:15", utc(2025, 3, 30, 1)),
        ("Europe/London", date(2025, 10, 26), "01:15", utc(2025, 10, 26, 0, 15)),
    ],
)
def test_to_instant(zone: str, day: date, wall: str, expected: datetime) -> None:
    result = to_instant(day, time.fromisoformat(wall), ZoneInfo(zone))
    assert result == expected
    assert result.tzinfo is UTC


def test_to_instant_ignores_a_callers_fold() -> None:
    wall = time(1, 30, fold=1)
    assert to_instant(date(2025, 11, 2), wall, ZoneInfo("America/New_York")) == utc(2025, 11, 2, 5, 30)


@pytest.mark.parametrize(
    ("zone", "first", "last", "expected"),
    [
        ("UTC", date(2025, 6, 1), date(2025, 6, 30), (utc(2025, 6, 1), utc(2025, 7, 1))),
        # 23 hours long: the spring-forward day.
        ("America/New_York", date(2025, 3, 9), date(2025, 3, 9), (utc(2025, 3, 9, 5), utc(2025, 3, 10, 4))),
        # Santiago's September day starts at 01:00, the first instant after the gap.
        ("America/Santiago", date(2025, 9, 7), date(2025, 9, 7), (utc(2025, 9, 7, 4), utc(2025, 9, 8, 3))),
        ("Asia/Kolkata", date(2025, 6, 1), date(2025, 6, 2), (utc(2025, 5, 31, 18, 30), utc(2025, 6, 2, 18, 30))),
    ],
)
def test_client_range(zone: str, first: date, last: date, expected: tuple[datetime, datetime]) -> None:
    assert client_range(zone, first, last) == expected


@pytest.mark.parametrize(
    ("zone", "day", "expected"),
    [
        # The clocks skip Santiago's September midnight: the day starts when they jump to 01:00.
        ("America/Santiago", date(2026, 9, 6), utc(2026, 9, 6, 4)),
        # Havana's November midnight comes twice (01:00 goes back to 00:00): the day starts at the first.
        ("America/Havana", date(2026, 11, 1), utc(2026, 11, 1, 4)),
        ("America/Havana", date(2026, 11, 2), utc(2026, 11, 2, 5)),
    ],
)
def test_day_start(zone: str, day: date, expected: datetime) -> None:
    assert day_start(day, ZoneInfo(zone)) == expected


# --- DST days in the business zone ----------------------------------------------------------


def test_new_york_spring_forward_day_has_real_hours() -> None:
    # 01:00 EST = 06:00Z to 05:00 EDT = 09:00Z: three real hours, not four.
    request = make_request(day=date(2025, 3, 9), blocks=(block("01:00", "05:00"),), business="America/New_York")
    assert starts(request) == [utc(2025, 3, 9, 6), utc(2025, 3, 9, 7), utc(2025, 3, 9, 8)]
    local = [slot.start_local.strftime("%H:%M %Z") for day in free_slots(request) for slot in day.slots]
    assert local == ["01:00 EST", "03:00 EDT", "04:00 EDT"]


def test_new_york_block_starting_in_the_gap_starts_after_it() -> None:
    request = make_request(
        day=date(2025, 3, 9),
        blocks=(block("02:30", "05:00"), block("05:30", "05:45")),
        business="America/New_York",
        duration=60,
    )
    assert starts(request) == [utc(2025, 3, 9, 7), utc(2025, 3, 9, 8)]


def test_new_york_block_wholly_in_the_gap_offers_nothing() -> None:
    request = make_request(
        day=date(2025, 3, 9), blocks=(block("02:00", "02:59"),), business="America/New_York", duration=5
    )
    assert starts(request) == []


def test_new_york_fall_back_day_offers_the_repeated_hour_twice() -> None:
    # 00:30 EDT = 04:30Z to 03:00 EST = 08:00Z: three and a half real hours.
    request = make_request(day=date(2025, 11, 2), blocks=(block("00:30", "03:00"),), business="America/New_York")
    assert starts(request) == [utc(2025, 11, 2, 4, 30), utc(2025, 11, 2, 5, 30), utc(2025, 11, 2, 6, 30)]
    local = [slot.start_local.strftime("%H:%M %Z") for day in free_slots(request) for slot in day.slots]
    assert local == ["00:30 EDT", "01:30 EDT", "01:30 EST"]


def test_new_york_block_starting_in_the_repeated_hour_takes_the_first() -> None:
    request = make_request(day=date(2025, 11, 2), blocks=(block("01:30", "02:00"),), business="America/New_York", duration=30)
    # 01:30 EDT = 05:30Z to 02:00 EST = 07:00Z.
    assert starts(request) == [utc(2025, 11, 2, 5, 30), utc(2025, 11, 2, 6), utc(2025, 11, 2, 6, 30)]


def test_sydney_april_fall_back() -> None:
    # 01:00 AEDT = 14:00Z to 04:00 AEST = 18:00Z; 90 minutes + 30 buffer steps by two hours.
    request = make_request(
        day=date(2025, 4, 6), blocks=(block("01:00", "04:00"),), business="Australia/Sydney", duration=90, buffer=30
    )
    assert starts(request) == [utc(2025, 4, 5, 14), utc(2025, 4, 5, 16)]
    slot = free_slots(request)[1].slots[1]
    assert slot.end_utc == utc(2025, 4, 5, 17, 30)
    assert slot.start_local.strftime("%H:%M %Z") == "02:00 AEST"


def test_sydney_october_spring_forward_and_gap_start() -> None:
    request = make_request(day=date(2025, 10, 5), blocks=(block("01:00", "05:00"),), business="Australia/Sydney")
    assert starts(request) == [utc(2025, 10, 4, 15), utc(2025, 10, 4, 16), utc(2025, 10, 4, 17)]
    in_gap = make_request(day=date(2025, 10, 5), blocks=(block("02:15", "05:00"),), business="Australia/Sydney")
    assert starts(in_gap) == [utc(2025, 10, 4, 16), utc(2025, 10, 4, 17)]


def test_lord_howe_thirty_minute_spring_forward() -> None:
    # 01:00 +10:30 = 14:30Z to 04:00 +11 = 17:00Z: two and a half real hours.
    request = make_request(day=date(2025, 10, 5), blocks=(block("01:00", "04:00"),), business="Australia/Lord_Howe")
    assert starts(request) == [utc(2025, 10, 4, 14, 30), utc(2025, 10, 4, 15, 30)]
    in_gap = make_request(day=date(2025, 10, 5), blocks=(block("02:10", "03:30"),), business="Australia/Lord_Howe")
    assert starts(in_gap) == [utc(2025, 10, 4, 15, 30)]  # 02:30 +11 to 03:30 +11


def test_lord_howe_thirty_minute_fall_back() -> None:
    # 01:00 +11 = 14:00Z to 03:00 +10:30 = 16:30Z.
    request = make_request(
        day=date(2025, 4, 6), blocks=(block("01:00", "03:00"),), business="Australia/Lord_Howe", duration=30
    )
    assert starts(request) == [utc(2025, 4, 5, 14) + timedelta(minutes=30 * i) for i in range(5)]


def test_santiago_midnight_gap_moves_a_midnight_block_to_one() -> None:
    # Sunday 7 September 2025: 00:00 -04 does not exist, the day starts at 01:00 -03 = 04:00Z.
    request = make_request(day=date(2025, 9, 7), blocks=(block("00:00", "03:00"),), business="America/Santiago")
    assert starts(request) == [utc(2025, 9, 7, 4), utc(2025, 9, 7, 5)]
    days = free_slots(request)
    assert [slot.start_local.strftime("%d %H:%M") for slot in days[1].slots] == ["07 01:00", "07 02:00"]


def test_santiago_midnight_fold_keeps_saturday_blocks_on_the_first_pass() -> None:
    # Saturday 5 April 2025: 23:00-24:00 happens twice; 22:00 -03 = 01:00Z to 23:30 -03 = 02:30Z.
    # Sunday starts at 00:00 -04 = 04:00Z, after the second pass through Saturday 23:00.
    request = make_request(
        day=date(2025, 4, 5),
        business="America/Santiago",
        duration=30,
        exceptions={date(2025, 4, 5): (block("22:00", "23:30"),), date(2025, 4, 6): (block("00:00", "01:00"),)},
    )
    assert starts(request) == [
        utc(2025, 4, 6, 1),
        utc(2025, 4, 6, 1, 30),
        utc(2025, 4, 6, 2),
        utc(2025, 4, 6, 4),
        utc(2025, 4, 6, 4, 30),
    ]


def test_chatham_odd_offset() -> None:
    # Pacific/Chatham is +13:45 in January: 09:00 local = 19:15Z the day before.
    request = make_request(day=date(2025, 1, 15), blocks=(block("09:00", "11:00"),), business="Pacific/Chatham")
    assert starts(request) == [utc(2025, 1, 14, 19, 15), utc(2025, 1, 14, 20, 15)]


def test_weekly_blocks_apply_on_their_weekday() -> None:
    weekly = ((block("09:00", "10:00"),), (), (), (), (), (), ())  # Mondays only
    request = make_request(
        day=date(2025, 6, 4),
        business="Asia/Kolkata",
        weekly=weekly,
        exceptions={},
        start_date=date(2025, 6, 1),
        end_date=date(2025, 6, 14),
    )
    assert starts(request) == [utc(2025, 6, 2, 3, 30), utc(2025, 6, 9, 3, 30)]


# --- Client dates ---------------------------------------------------------------------------


def test_auckland_client_sees_a_london_day_across_two_dates() -> None:
    # London 12:00 and 13:00 BST = 11:00Z and 12:00Z = 23:00 and 00:00 NZST.
    request = make_request(
        day=date(2025, 6, 10),
        blocks=(block("12:00", "14:00"),),
        business="Europe/London",
        client="Pacific/Auckland",
        start_date=date(2025, 6, 10),
        end_date=date(2025, 6, 11),
    )
    days = free_slots(request)
    assert [day.date for day in days] == [date(2025, 6, 10), date(2025, 6, 11)]
    assert [slot.start_utc for slot in days[0].slots] == [utc(2025, 6, 10, 11)]
    assert [slot.start_utc for slot in days[1].slots] == [utc(2025, 6, 10, 12)]
    late, early = days[0].slots[0], days[1].slots[0]
    assert late.start_local == datetime(2025, 6, 10, 23, tzinfo=ZoneInfo("Pacific/Auckland"))
    assert early.start_local == datetime(2025, 6, 11, 0, tzinfo=ZoneInfo("Pacific/Auckland"))
    assert early.end_local.hour == 1
    assert isinstance(early.start_local.tzinfo, ZoneInfo)
    assert early.start_local.tzinfo.key == "Pacific/Auckland"
    assert early.start_utc.tzinfo is UTC


@pytest.mark.parametrize(
    ("client_date", "expected"),
    [
        # London 07:00 and 08:00 BST = 06:00Z and 07:00Z = 23:00 (9 June) and 00:00 (10 June) PDT.
        (date(2025, 6, 9), [utc(2025, 6, 10, 6)]),
        (date(2025, 6, 10), [utc(2025, 6, 10, 7)]),
        (date(2025, 6, 11), []),
    ],
)
def test_los_angeles_client_date_differs_from_business_date(client_date: date, expected: list[datetime]) -> None:
    request = make_request(
        day=date(2025, 6, 10),
        blocks=(block("07:00", "09:00"),),
        business="Europe/London",
        client="America/Los_Angeles",
        start_date=client_date,
        end_date=client_date,
    )
    days = free_slots(request)
    assert [day.date for day in days] == [client_date]
    assert [slot.start_utc for slot in days[0].slots] == expected


def test_every_client_date_has_a_day_even_when_empty() -> None:
    request = make_request(
        day=date(2025, 6, 10), blocks=(), start_date=date(2025, 6, 8), end_date=date(2025, 6, 12)
    )
    days = free_slots(request)
    assert [day.date for day in days] == [date(2025, 6, d) for d in range(8, 13)]
    assert all(day.slots == () for day in days)


# --- Exceptions -----------------------------------------------------------------------------


def test_exception_closes_a_weekly_day() -> None:
    weekly = ((block("09:00", "11:00"),),) * 7
    open_request = make_request(day=date(2025, 6, 10), weekly=weekly, exceptions={})
    closed = make_request(day=date(2025, 6, 10), weekly=weekly, exceptions={date(2025, 6, 10): ()})
    assert len(starts(open_request)) == 6  # 9, 10 o'clock on each of three days
    assert starts(closed) == [utc(2025, 6, 9, 9), utc(2025, 6, 9, 10), utc(2025, 6, 11, 9), utc(2025, 6, 11, 10)]


def test_exception_replaces_a_weekly_day() -> None:
    weekly = ((block("09:00", "11:00"),),) * 7
    request = make_request(
        day=date(2025, 6, 10),
        weekly=weekly,
        exceptions={date(2025, 6, 10): (block("14:00", "15:00"), block("16:30", "17:30"))},
        start_date=date(2025, 6, 10),
        end_date=date(2025, 6, 10),
    )
    assert starts(request) == [utc(2025, 6, 10, 14), utc(2025, 6, 10, 16, 30)]


# --- Grid, buffer and occupancy -------------------------------------------------------------

DAY = date(2025, 6, 2)
# 09:00-13:00 UTC with 60 minutes + 15 buffer: 09:00, 10:15, 11:30 (12:45 would end at 13:45).
GRID = [utc(2025, 6, 2, 9), utc(2025, 6, 2, 10, 15), utc(2025, 6, 2, 11, 30)]


def grid_request(occupancy: tuple[Occupied, ...] = (), capacity: int = 1, now: datetime = LONG_AGO) -> AvailabilityRequest:
    return make_request(
        day=DAY, blocks=(block("09:00", "13:00"),), buffer=15, capacity=capacity, occupancy=occupancy, now=now
    )


def session(
    service: int | None, start: datetime, minutes: int = 60, places: int = 0, holds_until: datetime | None = None
) -> Occupied:
    return Occupied(service, start, start + timedelta(minutes=minutes), places, holds_until)


def test_grid_steps_by_duration_plus_buffer() -> None:
    assert starts(grid_request()) == GRID
    assert all(slot.end_utc - slot.start_utc == timedelta(minutes=60) for day in free_slots(grid_request()) for slot in day.slots)


def test_other_service_exactly_a_buffer_away_does_not_block() -> None:
    # Another service's session over 10:15-11:15 blocks 10:15 only: 09:00 ends at 10:00,
    # fifteen minutes before it, and 11:30 starts fifteen minutes after it.
    assert starts(grid_request((session(OTHER_SERVICE, GRID[1]),))) == [GRID[0], GRID[2]]


def test_other_service_inside_the_buffer_blocks() -> None:
    # 10:14-10:30 is one minute too close to 09:00-10:00; 11:30 is an hour after it ends.
    occupancy = (session(OTHER_SERVICE, utc(2025, 6, 2, 10, 14), minutes=16),)
    assert starts(grid_request(occupancy)) == [GRID[2]]
    # 11:26-11:30 is 11 minutes after 10:15-11:15 and right before 11:30: both inside the buffer.
    occupancy = (session(OTHER_SERVICE, utc(2025, 6, 2, 11, 26), minutes=4),)
    assert starts(grid_request(occupancy)) == [GRID[0]]


def test_same_service_at_another_time_blocks_like_any_session() -> None:
    # Same service, same start, but a different end: not the same group session.
    occupancy = (session(SERVICE, GRID[1], minutes=45),)
    assert starts(grid_request(occupancy, capacity=5)) == [GRID[0], GRID[2]]


def test_same_service_at_another_service_time_blocks() -> None:
    occupancy = (session(OTHER_SERVICE, GRID[1], places=1),)
    assert starts(grid_request(occupancy, capacity=5)) == [GRID[0], GRID[2]]


def test_coinciding_group_session_does_not_block_and_counts_places() -> None:
    occupancy = (
        session(SERVICE, GRID[1], places=1),  # a session with one walk-in attendee
        session(SERVICE, GRID[1], places=1),  # a confirmed booking
        session(SERVICE, GRID[1], places=1, holds_until=utc(2025, 6, 1, 12)),  # pending, still held
    )
    request = grid_request(occupancy, capacity=5, now=utc(2025, 6, 1, 11))
    slots = {slot.start_utc: slot.remaining for day in free_slots(request) for slot in day.slots}
    assert slots == {GRID[0]: 5, GRID[1]: 2, GRID[2]: 5}


def test_busy_time_exactly_on_a_slot_blocks_it_and_keeps_the_buffer() -> None:
    # Busy time is occupancy of no service: it never coincides with a slot, even at its exact times.
    assert starts(grid_request((session(None, GRID[1]),), capacity=5)) == [GRID[0], GRID[2]]
    # 10:00-10:01 busy: the 15-minute buffer keeps it from 09:00-10:00 and from 10:15-11:15 alike.
    assert starts(grid_request((session(None, utc(2025, 6, 2, 10), minutes=1),))) == [GRID[2]]


def test_empty_coinciding_session_leaves_full_capacity() -> None:
    request = grid_request((session(SERVICE, GRID[1]),), capacity=3)
    slots = {slot.start_utc: slot.remaining for day in free_slots(request) for slot in day.slots}
    assert slots == {GRID[0]: 3, GRID[1]: 3, GRID[2]: 3}


def test_full_group_session_is_not_offered() -> None:
    occupancy = (session(SERVICE, GRID[1], places=2), session(SERVICE, GRID[1], places=1))
    assert starts(grid_request(occupancy, capacity=3)) == [GRID[0], GRID[2]]


def test_pending_request_holds_until_its_expiry_and_not_after() -> None:
    expires = utc(2025, 6, 1, 12)
    blocking = (session(OTHER_SERVICE, GRID[1], places=1, holds_until=expires),)
    taking = (session(SERVICE, GRID[1], places=1, holds_until=expires),)
    before, at = expires - timedelta(seconds=1), expires
    assert starts(grid_request(blocking, now=before)) == [GRID[0], GRID[2]]
    assert starts(grid_request(blocking, now=at)) == GRID
    assert starts(grid_request(taking, now=before)) == [GRID[0], GRID[2]]
    assert starts(grid_request(taking, now=at)) == GRID


# --- Notice and horizon ---------------------------------------------------------------------


def edge_request(now: datetime, notice: int = 0, horizon: int = 100_000) -> AvailabilityRequest:
    return make_request(
        day=DAY, blocks=(block("09:00", "13:00"),), buffer=15, notice=notice, horizon=horizon, now=now
    )


def test_notice_edge() -> None:
    # 10:15 is offered exactly at now + 60 minutes, not a minute later.
    assert starts(edge_request(utc(2025, 6, 2, 9, 15), notice=60)) == GRID[1:]
    assert starts(edge_request(utc(2025, 6, 2, 9, 16), notice=60)) == GRID[2:]


def test_horizon_edge() -> None:
    # 10:15 is exactly two days after now: offered; a minute earlier now puts it beyond.
    assert starts(edge_request(utc(2025, 5, 31, 10, 15), horizon=2)) == GRID[:2]
    assert starts(edge_request(utc(2025, 5, 31, 10, 14), horizon=2)) == GRID[:1]


def test_now_in_another_zone_is_the_same_instant() -> None:
    now = datetime(2025, 6, 2, 5, 15, tzinfo=ZoneInfo("America/New_York"))  # 09:15Z
    assert starts(edge_request(now, notice=60)) == GRID[1:]


# --- find_slot ------------------------------------------------------------------------------


def test_find_slot_returns_the_offered_slot() -> None:
    request = grid_request((session(SERVICE, GRID[1], places=1),), capacity=2)
    found = find_slot(request, GRID[1])
    assert found is not None
    assert found == free_slots(request)[1].slots[1]
    assert found.remaining == 1


def test_find_slot_refuses_off_grid_blocked_and_full_starts() -> None:
    request = grid_request((session(OTHER_SERVICE, GRID[2]),))
    assert find_slot(request, GRID[1] + timedelta(minutes=1)) is None
    assert find_slot(request, GRID[2]) is None
    full = grid_request((session(SERVICE, GRID[0], places=1),))
    assert find_slot(full, GRID[0]) is None


def test_a_session_of_the_service_off_the_grid_is_offered_at_its_own_time() -> None:
    # A group class the owner added at 09:40, between the grid's 09:00 and 10:15.
    off_grid = utc(2025, 6, 2, 9, 40)
    request = grid_request((session(SERVICE, off_grid, places=1),), capacity=4)

    slots = [slot for day in free_slots(request) for slot in day.slots]

    # It blocks the grid's 09:00 and 10:15 (within the buffer); 11:30 starts 50 minutes after it ends.
    assert [slot.start_utc for slot in slots] == [off_grid, GRID[2]]
    assert (slots[0].end_utc, slots[0].remaining) == (off_grid + timedelta(hours=1), 3)
    assert find_slot(request, off_grid) == slots[0]


def test_a_session_outside_working_hours_is_offered_and_one_of_another_length_is_not() -> None:
    evening = utc(2025, 6, 2, 19)
    old_length = utc(2025, 6, 2, 21)
    request = grid_request((session(SERVICE, evening, places=1), session(SERVICE, old_length, minutes=45)), capacity=2)

    assert evening in starts(request)
    assert old_length not in starts(request)
    assert find_slot(request, old_length) is None
    # Notice still applies to a session: not once it is within the minimum notice.
    late = replace(request, now=evening - timedelta(minutes=30), minimum_notice_minutes=60)
    assert evening not in starts(late) and find_slot(late, evening) is None


def test_find_slot_ignores_the_client_dates_of_the_request() -> None:
    request = make_request(
        day=DAY, blocks=(block("09:00", "13:00"),), buffer=15, start_date=date(2025, 7, 1), end_date=date(2025, 7, 1)
    )
    found = find_slot(request, GRID[0])
    assert found is not None and found.start_utc == GRID[0]


def test_find_slot_accepts_an_instant_in_any_zone() -> None:
    request = make_request(day=date(2025, 3, 9), blocks=(block("02:30", "05:00"),), business="America/New_York")
    found = find_slot(request, datetime(2025, 3, 9, 3, tzinfo=ZoneInfo("America/New_York")))
    assert found is not None
    assert found.start_utc == utc(2025, 3, 9, 7)
    assert found.end_utc == utc(2025, 3, 9, 8)


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(("duration", "buffer"), [(0, 0), (-5, 10), (30, -1)])
def test_rejects_a_grid_that_cannot_advance(duration: int, buffer: int) -> None:
    request = make_request(day=DAY, blocks=(block("09:00", "13:00"),), duration=duration, buffer=buffer)
    with pytest.raises(ValueError):
        free_slots(request)
    with pytest.raises(ValueError):
        find_slot(request, GRID[0])
