"""The engine's inputs read from the database: who holds a place, and what blocks time."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone

from bookingsite.bookings.models import Booking
from bookingsite.bookings.selectors import availability
from tests.factories import (
    BookingFactory,
    ClientFactory,
    ExceptionDateFactory,
    ServiceFactory,
    SessionFactory,
    WorkingHoursFactory,
)

Status = Booking.Status


def next_weekday(weekday: int) -> date:
    day = date.today() + timedelta(days=7)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


@pytest.fixture
def day():
    return next_weekday(2)  # a Wednesday a week or more ahead


@pytest.fixture
def group(business, page, day):
    page.business_profile.timezone = "UTC"
    page.business_profile.save()
    WorkingHoursFactory(business_profile=business, weekday=2, start_time=time(9), end_time=time(12))
    return ServiceFactory(business_profile=business, name="Group", duration_minutes=60, capacity=3)


def slots_on(page, service, day):
    page.refresh_from_db()
    days = availability.availability_days(page=page, service=service, client_timezone="UTC", start_date=day, end_date=day,
                                       now=timezone.now())
    return {slot.start_utc.time(): slot.remaining for slot in days[0].slots}


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def test_group_places_count_confirmed_and_live_pending_only(page, business, group, day):
    start, end = at(day, 10), at(day, 11)
    session = SessionFactory(business_profile=business, session_category=group, start_time_utc=start, end_time_utc=end)
    confirmed = BookingFactory(business_profile=business, session_category=group, session=session, start_time_utc=start,
                               end_time_utc=end, status=Status.CONFIRMED)
    session.attendees.add(confirmed.client)
    BookingFactory(business_profile=business, session_category=group, start_time_utc=start, end_time_utc=end,
                   status=Status.PENDING_APPROVAL, pending_request_expires_at=timezone.now() + timedelta(hours=2))
    BookingFactory(business_profile=business, session_category=group, start_time_utc=start, end_time_utc=end,
                   status=Status.PENDING_APPROVAL, pending_request_expires_at=timezone.now() - timedelta(minutes=1))
    for status in (Status.REJECTED, Status.EXPIRED_PENDING, Status.CANCELLED_BY_CLIENT, Status.CANCELLED_BY_ADMIN):
        BookingFactory(business_profile=business, session_category=group, start_time_utc=start, end_time_utc=end, status=status)
    assert slots_on(page, group, day) == {time(9): 3, time(10): 1, time(11): 3}


def test_attendees_added_by_hand_take_places(page, business, group, day):
    start, end = at(day, 10), at(day, 11)
    session = SessionFactory(business_profile=business, session_category=group, start_time_utc=start, end_time_utc=end,
                             created_by_owner=True)
    session.attendees.add(*ClientFactory.create_batch(2, business_profile=business))
    assert slots_on(page, group, day)[time(10)] == 1
    session.attendees.add(ClientFactory(business_profile=business))
    assert time(10) not in slots_on(page, group, day)


def test_a_session_of_another_service_blocks_with_the_buffer(page, business, group, day):
    page.global_buffer_time_minutes_between_sessions = 30
    page.save()
    other = ServiceFactory(business_profile=business, duration_minutes=30)
    SessionFactory(business_profile=business, session_category=other, start_time_utc=at(day, 11, 15),
                   end_time_utc=at(day, 11, 45))
    # Candidates step by 60 + 30 minutes: 09:00 and 10:30; 10:30-11:30 is within 30 minutes of 11:15.
    assert slots_on(page, group, day) == {time(9): 3}


def test_occupancy_of_other_businesses_is_ignored(page, business, group, day, other_business):
    theirs = ServiceFactory(business_profile=other_business)
    SessionFactory(business_profile=other_business, session_category=theirs, start_time_utc=at(day, 9), end_time_utc=at(day, 12))
    assert slots_on(page, group, day) == {time(9): 3, time(10): 3, time(11): 3}


def test_exception_dates_close_or_replace_the_day(page, business, group, day):
    ExceptionDateFactory(business_profile=business, date=day)
    assert slots_on(page, group, day) == {}
    next_week = day + timedelta(days=7)
    ExceptionDateFactory(business_profile=business, date=next_week, start_time=time(14), end_time=time(16))
    assert slots_on(page, group, next_week) == {time(14): 3, time(15): 3}


def test_occupancy_reads_only_the_window(business, group, day):
    SessionFactory(business_profile=business, session_category=group, start_time_utc=at(day, 10), end_time_utc=at(day, 11))
    SessionFactory(business_profile=business, session_category=group, start_time_utc=at(day + timedelta(days=5), 10),
                   end_time_utc=at(day + timedelta(days=5), 11))
    inside = availability.occupancy(business.pk, at(day, 0), at(day + timedelta(days=1), 0))
    assert [o.start for o in inside] == [at(day, 10)]
    # A span that started before the window and runs into it is read too.
    assert len(availability.occupancy(business.pk, at(day, 10, 30), at(day, 12))) == 1
    assert availability.occupancy(business.pk, at(day, 11), at(day, 12)) == ()
