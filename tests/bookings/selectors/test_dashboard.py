"""The owner's dashboard: "today" and "the next 7 days" are the business's days, cut by the
engine's day rule, and only bookings that hold a place are on them (today also those marked
completed or no-show, with what the owner may do to each)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookingsite.bookings.models import Booking
from bookingsite.bookings.selectors.dashboard import owner_dashboard
from tests.factories import BookingFactory, BusinessProfileFactory, ServiceFactory, WorkingHoursFactory

pytestmark = pytest.mark.django_db

Status = Booking.Status


def business_in(zone: str):
    business = BusinessProfileFactory(timezone=zone)
    return business, ServiceFactory(business_profile=business)


def booked(business, service, start: datetime, **fields) -> Booking:
    return BookingFactory(business_profile=business, session_category=service, start_time_utc=start,
                          end_time_utc=start + timedelta(minutes=30), **fields)


def bookings(rows: list[tuple[Booking, object]]) -> list[Booking]:
    """The bookings of a list with actions (the dashboard's today)."""
    return [booking for booking, _actions in rows]


def wall(zone: str, *args, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone), fold=fold).astimezone(UTC)


def test_a_day_whose_midnight_the_clocks_skip_starts_when_they_jump():
    # Sunday 6 September 2026 in Santiago: at midnight the clocks go to 01:00, so the day is 23 hours long.
    zone = "America/Santiago"
    business, service = business_in(zone)
    saturday_late = booked(business, service, wall(zone, 2026, 9, 5, 23, 30))
    first_of_sunday = booked(business, service, wall(zone, 2026, 9, 6, 1, 0))
    last_of_sunday = booked(business, service, wall(zone, 2026, 9, 6, 23, 30))
    monday_midnight = booked(business, service, wall(zone, 2026, 9, 7, 0, 0))

    board = owner_dashboard(business, now=wall(zone, 2026, 9, 6, 9, 0))

    assert bookings(board.today) == [first_of_sunday, last_of_sunday]
    assert board.coming == [monday_midnight]
    assert saturday_late not in bookings(board.today) + board.coming


def test_a_day_whose_midnight_comes_twice_starts_at_the_first():
    # Sunday 1 November 2026 in Havana: at 01:00 the clocks go back to 00:00, so the day is 25 hours long.
    zone = "America/Havana"
    business, service = business_in(zone)
    saturday_late = booked(business, service, wall(zone, 2026, 10, 31, 23, 30))
    first_half_past_midnight = booked(business, service, wall(zone, 2026, 11, 1, 0, 30))
    second_half_past_midnight = booked(business, service, wall(zone, 2026, 11, 1, 0, 30, fold=1))
    last_of_sunday = booked(business, service, wall(zone, 2026, 11, 1, 23, 30))
    monday_midnight = booked(business, service, wall(zone, 2026, 11, 2, 0, 0))

    board = owner_dashboard(business, now=wall(zone, 2026, 11, 1, 10, 0))

    assert bookings(board.today) == [first_half_past_midnight, second_half_past_midnight, last_of_sunday]
    assert board.coming == [monday_midnight]
    assert saturday_late not in bookings(board.today) + board.coming


def test_only_bookings_holding_a_place_are_listed():
    zone = "Europe/London"
    business, service = business_in(zone)
    now = wall(zone, 2026, 6, 1, 8, 0)
    confirmed = booked(business, service, wall(zone, 2026, 6, 1, 10, 0))
    waiting = booked(business, service, wall(zone, 2026, 6, 1, 11, 0), status=Status.PENDING_APPROVAL,
                     pending_request_expires_at=now + timedelta(hours=1))
    booked(business, service, wall(zone, 2026, 6, 1, 12, 0), status=Status.PENDING_APPROVAL,
           pending_request_expires_at=now - timedelta(minutes=1))  # expired, not swept yet
    booked(business, service, wall(zone, 2026, 6, 1, 13, 0), status=Status.CANCELLED_BY_CLIENT)

    board = owner_dashboard(business, now=now)

    assert bookings(board.today) == [confirmed, waiting]
    assert [(booking, actions.owner_can_answer) for booking, actions in board.requests] == [(waiting, True)]


def test_today_keeps_marked_bookings_and_offers_the_marks_once_started():
    zone = "Europe/London"
    business, service = business_in(zone)
    now = wall(zone, 2026, 6, 1, 12, 0)
    came = booked(business, service, wall(zone, 2026, 6, 1, 9, 0), status=Status.COMPLETED)
    missed = booked(business, service, wall(zone, 2026, 6, 1, 10, 0), status=Status.NO_SHOW)
    started = booked(business, service, wall(zone, 2026, 6, 1, 11, 45))
    later = booked(business, service, wall(zone, 2026, 6, 1, 14, 0))
    booked(business, service, wall(zone, 2026, 5, 31, 10, 0), status=Status.NO_SHOW)  # yesterday's
    booked(business, service, wall(zone, 2026, 6, 2, 10, 0), status=Status.COMPLETED)  # tomorrow's (a data fix): not today

    board = owner_dashboard(business, now=now)

    assert [(booking, actions.owner_can_mark_attendance) for booking, actions in board.today] == [
        (came, False), (missed, False), (started, True), (later, False)]
    assert board.coming == []


def test_says_what_is_left_to_set_up_in_six_queries():
    business, _service = business_in("Europe/London")
    now = datetime(2026, 6, 1, 8, tzinfo=UTC)

    with CaptureQueriesContext(connection) as queries:
        board = owner_dashboard(business, now=now)
    assert len(queries.captured_queries) == 6  # five, and the count of requests waiting
    assert board.pending_count == 0
    assert (board.has_services, board.has_hours, board.set_up) == (True, False, False)

    WorkingHoursFactory(business_profile=business)
    assert owner_dashboard(business, now=now).set_up
