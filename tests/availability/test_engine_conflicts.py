"""engine.conflicts and engine.places_at: the owner-side checks (approving, adding a session by hand)."""

from datetime import UTC, datetime, timedelta

from bookingsite.availability.engine import conflicts, places_at
from bookingsite.availability.types import Occupied

NOW = datetime(2031, 1, 13, 8, 0, tzinfo=UTC)
TEN, ELEVEN, NOON = (datetime(2031, 1, 16, hour, tzinfo=UTC) for hour in (10, 11, 12))


def test_overlap_and_buffer_zone_clash_touching_does_not():
    lesson = Occupied(1, TEN, ELEVEN, places=1)
    assert conflicts([lesson], service_id=2, start=ELEVEN, end=NOON, buffer_minutes=0, now=NOW) == []
    assert conflicts([lesson], service_id=2, start=ELEVEN, end=NOON, buffer_minutes=15, now=NOW) == [lesson]
    half_past = TEN + timedelta(minutes=30)
    found = conflicts([lesson], service_id=2, start=half_past, end=half_past + timedelta(hours=1), buffer_minutes=0, now=NOW)
    assert found == [lesson]


def test_the_same_group_session_is_not_a_clash():
    group = Occupied(1, TEN, ELEVEN, places=2)
    assert conflicts([group], service_id=1, start=TEN, end=ELEVEN, buffer_minutes=30, now=NOW) == []
    assert conflicts([group], service_id=2, start=TEN, end=ELEVEN, buffer_minutes=30, now=NOW) == [group]


def test_an_expired_pending_request_holds_nothing():
    expired = Occupied(1, TEN, ELEVEN, places=1, holds_until=NOW)
    live = Occupied(1, TEN, ELEVEN, places=1, holds_until=NOW + timedelta(hours=1))
    assert conflicts([expired], service_id=2, start=TEN, end=ELEVEN, buffer_minutes=0, now=NOW) == []
    assert conflicts([live], service_id=2, start=TEN, end=ELEVEN, buffer_minutes=0, now=NOW) == [live]
    assert places_at([expired, live], service_id=1, start=TEN, end=ELEVEN, now=NOW) == 1


def test_a_session_and_its_bookings_are_one_clash_sorted_by_start():
    later = Occupied(3, NOON, NOON + timedelta(hours=1), places=0)
    session = Occupied(1, TEN, ELEVEN, places=0)
    booking = Occupied(1, TEN, ELEVEN, places=1)
    found = conflicts(
        [later, session, booking], service_id=2, start=TEN, end=NOON + timedelta(minutes=30), buffer_minutes=0, now=NOW
    )
    assert [(item.service_id, item.start) for item in found] == [(1, TEN), (3, NOON)]


def test_places_at_counts_holding_bookings_and_attendees_at_exactly_that_key():
    occupancy = [Occupied(1, TEN, ELEVEN, places=1), Occupied(1, TEN, ELEVEN, places=2), Occupied(1, ELEVEN, NOON, places=1)]
    assert places_at(occupancy, service_id=1, start=TEN, end=ELEVEN, now=NOW) == 3
    assert places_at(occupancy, service_id=2, start=TEN, end=ELEVEN, now=NOW) == 0


def test_busy_time_clashes_with_every_service_and_never_coincides():
    busy = Occupied(None, TEN, ELEVEN)
    assert conflicts([busy], service_id=1, start=TEN, end=ELEVEN, buffer_minutes=0, now=NOW) == [busy]
    assert conflicts([busy], service_id=1, start=ELEVEN, end=NOON, buffer_minutes=0, now=NOW) == []
    assert conflicts([busy], service_id=1, start=ELEVEN, end=NOON, buffer_minutes=1, now=NOW) == [busy]
    session = Occupied(2, TEN, ELEVEN, places=1)
    assert conflicts([session, busy], service_id=1, start=TEN, end=ELEVEN, buffer_minutes=0, now=NOW) == [busy, session]
    assert places_at([busy], service_id=1, start=TEN, end=ELEVEN, now=NOW) == 0
