"""Plain data in and out of the availability engine (DESIGN.md 4). Standard library only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

@dataclass(frozen=True)
class Block:
    """A wall-clock working block `[start, end)` in the business's zone; start < end."""

    start: time
    end: time


@dataclass(frozen=True)
class Occupied:
    """Time taken in the business: a session, a booking that holds a place, or busy time.

    `places` counts the places it holds at exactly (service_id, start, end): 1 for a
    booking, the attendees without a holding booking for a session. `holds_until` is a
    pending request's expiry: from that instant on it holds nothing at all.
    `service_id` None is busy time of no service (imported from the owner's own calendars,
    DESIGN.md 4 rule 5): it never coincides with a candidate, so it blocks every one it
    overlaps, with the buffer.
    """

    service_id: int | None
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC
    places: int = 0
    holds_until: datetime | None = None


@dataclass(frozen=True)
class AvailabilityRequest:
    """Everything the engine needs for one service over a range of the client's dates."""

    business_timezone: str  # IANA name
    weekly_blocks: tuple[tuple[Block, ...], ...]  # 7 entries, index 0 = Monday
    exceptions: Mapping[date, tuple[Block, ...]]  # a date's own blocks; () closes it
    service_id: int
    duration_minutes: int
    capacity: int
    buffer_minutes: int
    minimum_notice_minutes: int
    horizon_days: int
    client_timezone: str  # IANA name
    start_date: date  # the client's, inclusive
    end_date: date  # the client's, inclusive
    now: datetime  # aware
    occupancy: tuple[Occupied, ...] = field(default=())
    # Also list the full slots (every place taken, no clash): a waitlist can be joined there (DESIGN.md 11).
    list_full: bool = False


@dataclass(frozen=True)
class Slot:
    start_utc: datetime
    end_utc: datetime
    start_local: datetime  # in the client's zone
    end_local: datetime
    remaining: int


@dataclass(frozen=True)
class Day:
    date: date  # the client's
    slots: tuple[Slot, ...]
    full: tuple[Slot, ...] = ()  # with AvailabilityRequest.list_full: the full slots, remaining 0
