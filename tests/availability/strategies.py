"""Hypothesis strategies and helpers shared by the engine's property and differential tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from hypothesis import strategies as st

from bookingsite.availability.types import AvailabilityRequest, Block, Occupied

MINUTE = timedelta(minutes=1)
SERVICE = 1
FIRST_DAY, LAST_DAY = date(2024, 1, 1), date(2027, 12, 31)

BUSINESS_ZONES = (
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/Santiago",
    "Asia/Kolkata",
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "UTC",
)

# Clients anywhere: far east and west of the business, so client dates differ from its dates.
CLIENT_ZONES = BUSINESS_ZONES + ("Pacific/Auckland", "America/Los_Angeles", "Pacific/Kiritimati", "Pacific/Pago_Pago")
ALL_ZONES = tuple(sorted(available_timezones()))

# Wall times around the usual transition hours and midnight, to hit gaps and folds often.
EDGE_MINUTES = (0, 30, 59, 60, 90, 105, 120, 135, 150, 165, 180, 210, 240, 1380, 1410, 1439)



def local_wall(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)



def blocks_of(request: AvailabilityRequest, day: date) -> tuple[Block, ...]:
    if day in request.exceptions:
        return request.exceptions[day]
    return request.weekly_blocks[day.weekday()]



@lru_cache(maxsize=64)
def transitions(zone_name: str) -> tuple[tuple[date, ...], tuple[int, ...]]:
    """Local dates of the zone's offset changes in 2024-2027, and wall-clock minutes near them.

    Blocks starting or ending on those minutes land in gaps and folds far more often than
    uniformly drawn ones would.
    """
    zone = ZoneInfo(zone_name)
    dates: set[date] = set()
    minutes: set[int] = set()
    instant = datetime.combine(FIRST_DAY, time(), UTC)
    offset = instant.astimezone(zone).utcoffset()
    while instant.date() < LAST_DAY:
        later = instant + timedelta(hours=6)
        new_offset = later.astimezone(zone).utcoffset()
        if new_offset != offset and offset is not None and new_offset is not None:
            low, high = instant, later
            while high - low > MINUTE:
                middle = low + (high - low) // MINUTE // 2 * MINUTE
                if middle.astimezone(zone).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            walls = [(high + offset).replace(tzinfo=None), (high + new_offset).replace(tzinfo=None)]
            dates.update(wall.date() for wall in walls)
            points = [wall.hour * 60 + wall.minute for wall in walls]
            points.append(sum(points) // 2)
            minutes.update((point + shift) % 1440 for point in points for shift in (-15, -1, 0, 1, 15))
            offset = new_offset
        instant = later
    return tuple(sorted(dates)), tuple(sorted(minutes))



def minute_time(minute: int) -> time:
    return time(minute // 60, minute % 60)



@lru_cache(maxsize=256)
def block_points(edges: tuple[int, ...], count: int) -> st.SearchStrategy[list[int]]:
    """`count` distinct minutes of the day, often on `edges`; built once, as strategies are costly."""
    minute = st.one_of(st.integers(0, 1439), st.sampled_from(edges))
    return st.lists(minute, min_size=count, max_size=count, unique=True)



@st.composite
def day_blocks(draw: st.DrawFn, edges: tuple[int, ...] = EDGE_MINUTES) -> tuple[Block, ...]:
    """Zero to three non-overlapping blocks at minute granularity, sorted or reversed."""
    count = draw(st.integers(0, 3))
    points = sorted(draw(block_points(edges, 2 * count)))
    blocks = [Block(minute_time(points[2 * i]), minute_time(points[2 * i + 1])) for i in range(count)]
    if draw(st.booleans()):
        blocks.reverse()  # the engine must not rely on blocks coming sorted
    return tuple(blocks)



@st.composite
def nows(draw: st.DrawFn, request: AvailabilityRequest, grid: list[datetime]) -> datetime:
    """Anywhere around the range, or exactly on (or a minute off) a notice or horizon edge."""
    kind = draw(st.integers(0, 3)) if grid else 0
    if kind == 0:
        return (
            datetime.combine(request.start_date, time(), UTC)
            + timedelta(minutes=draw(st.integers(-3 * 1440, 2 * 1440)))
            + timedelta(seconds=draw(st.sampled_from((0, 0, 0, 1, 30))))
        )
    start = draw(st.sampled_from(grid))
    nudge = draw(st.sampled_from((0, 0, 1, -1))) * MINUTE
    if kind == 1:
        return start - timedelta(minutes=request.minimum_notice_minutes) + nudge
    return start - timedelta(days=request.horizon_days) + nudge



def holds_until(now: datetime) -> st.SearchStrategy[datetime | None]:
    """Mostly not pending; when pending, often expiring right at `now`."""
    minutes = st.one_of(st.sampled_from((-1, 0, 1)), st.integers(-180, 180))
    return st.one_of(st.none(), st.none(), minutes.map(lambda m: now + m * MINUTE))




@st.composite
def busy_times(draw: st.DrawFn, low: datetime, span_days: int, grid: list[datetime], duration: int) -> list[Occupied]:
    """Busy time from the owner's calendars (service None): on a candidate exactly (it must still
    block it, never coincide), a whole day, or anywhere, from a minute to a few days long."""
    items = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.integers(0, 2))
        if grid and kind == 0:
            start = draw(st.sampled_from(grid))
            minutes = duration
        elif kind == 1:
            start = datetime.combine(low.date() + timedelta(days=draw(st.integers(0, span_days))), time(), UTC)
            minutes = 1440
        else:
            start = low + timedelta(minutes=draw(st.integers(0, span_days * 1440)))
            minutes = draw(st.integers(1, 3 * 1440))
        items.append(Occupied(None, start, start + minutes * MINUTE))
    return items
