"""No double booking under concurrent submissions (DESIGN.md 5): real threads, real transactions.

Each thread waits on one barrier, then calls booking_create for the same slot in its own
connection, so the submissions reach the database together and only the business lock in the
service keeps them apart (businesses.locking). On PostgreSQL that lock is the settings row's, taken by an UPDATE;
on SQLite every write transaction is IMMEDIATE and takes the database's write lock at BEGIN.
"""

from collections.abc import Callable
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from bookingsite.bookings.exceptions import SlotTakenError
from bookingsite.bookings.models import Booking, BookingStatusChange, Client, Session
from bookingsite.bookings.selectors import availability
from bookingsite.bookings.services import booking_create
from bookingsite.businesses.models import SessionCategory
from tests.factories import ServiceFactory, WorkingHoursFactory
from tests.threads import JOIN_TIMEOUT, run_together  # noqa: F401 (run_together: for test_reschedule_races too)

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 40


@pytest.fixture(autouse=True)
def open_every_day(business, page):
    """09:00-17:00 in Europe/London every weekday; the page has no minimum notice."""
    assert page.minimum_notice_minutes == 0
    for weekday in range(7):
        WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(9), end_time=time(17))


def offered_starts(page, service: SessionCategory, *, days_ahead: int = 3) -> list:
    """The starts of the slots offered now on the day `days_ahead` of today, as the booking page would show them."""
    now = timezone.now()
    day = timezone.localdate(now, timezone=ZoneInfo(page.business_profile.timezone)) + timedelta(days=days_ahead)
    days = availability.availability_days(
        page=page, service=service, client_timezone="Europe/London", start_date=day, end_date=day, now=now
    )
    starts = [slot.start_utc for slot in days[0].slots]
    assert starts, "the business should offer slots on a working day"
    return starts


def offered_start(page, service: SessionCategory):
    """A real offered slot a few days ahead, as the booking page would show it."""
    starts = offered_starts(page, service)
    return starts[len(starts) // 2]


def submit(service: SessionCategory, start, n: int, once_key: str | None = None) -> Callable[[], Booking]:
    def call() -> Booking:
        return booking_create(
            service=service,
            start_time_utc=start,
            client_name=f"Client {n}",
            client_email=f"client{n}@example.com",
            client_timezone="Europe/London",
            once_key=once_key,
        )

    return call


def split(results: list[Booking | BaseException]) -> tuple[list[Booking], list[SlotTakenError]]:
    bookings = [r for r in results if isinstance(r, Booking)]
    taken = [r for r in results if isinstance(r, SlotTakenError)]
    unexpected = [r for r in results if not isinstance(r, (Booking, SlotTakenError))]
    assert unexpected == [], f"unexpected errors: {unexpected[:3]!r}"
    return bookings, taken


def test_one_place_goes_to_exactly_one_of_forty(page, service):
    start = offered_start(page, service)

    bookings, taken = split(run_together([submit(service, start, n) for n in range(THREADS)]))

    assert (len(bookings), len(taken)) == (1, THREADS - 1)
    stored = Booking.objects.get()
    assert stored.pk == bookings[0].pk
    assert (stored.start_time_utc, stored.status) == (start, Booking.Status.CONFIRMED)
    assert Client.objects.count() == 1
    assert BookingStatusChange.objects.count() == 1
    session = Session.objects.get()
    assert list(session.attendees.all()) == [stored.client]


def test_a_group_of_three_fills_exactly_three_places(page, business):
    group = ServiceFactory(business_profile=business, name="Group swim", duration_minutes=60, capacity=3)
    start = offered_start(page, group)

    bookings, taken = split(run_together([submit(group, start, n) for n in range(THREADS)]))

    assert (len(bookings), len(taken)) == (3, THREADS - 3)
    assert set(Booking.objects.values_list("pk", flat=True)) == {b.pk for b in bookings}
    assert Booking.objects.filter(status=Booking.Status.CONFIRMED, start_time_utc=start).count() == 3
    session = Session.objects.get()
    assert set(session.attendees.values_list("pk", flat=True)) == {b.client_id for b in bookings}
    assert Client.objects.count() == 3


def test_two_services_at_the_same_time_share_one_place(page, business):
    lesson = ServiceFactory(business_profile=business, name="Lesson A", duration_minutes=60, capacity=1)
    other = ServiceFactory(business_profile=business, name="Lesson B", duration_minutes=60, capacity=1)
    start = offered_start(page, lesson)
    assert start == offered_start(page, other)
    half = THREADS // 2
    calls = [submit(lesson, start, n) for n in range(half)] + [submit(other, start, half + n) for n in range(half)]

    bookings, taken = split(run_together(calls))

    assert (len(bookings), len(taken)) == (1, THREADS - 1)
    assert Booking.objects.count() == 1
    assert Session.objects.count() == 1
    assert Client.objects.count() == 1


def test_the_same_once_key_makes_one_booking_for_every_thread(page, service):
    start = offered_start(page, service)
    # Ten copies of one submission (double clicks, retries): the same form, the same key.
    calls = [submit(service, start, 0, once_key="one-form-token-key") for _ in range(10)]

    bookings, taken = split(run_together(calls))

    assert (len(bookings), len(taken)) == (10, 0)
    stored = Booking.objects.get()
    assert {b.pk for b in bookings} == {stored.pk}
    assert stored.once_key == "one-form-token-key"
    assert BookingStatusChange.objects.count() == 1
    assert Client.objects.count() == 1


def test_control_without_the_lock_the_same_race_oversells(page, service, monkeypatch):
    """pretix's control test: with the business lock switched off, the forty-thread race above
    books the one place more than once on PostgreSQL, so those tests can fail. SQLite has no row
    lock to switch off: its IMMEDIATE transactions still serialise the writers, and one books."""
    from bookingsite.businesses import locking

    start = offered_start(page, service)
    monkeypatch.setattr(locking, "_enabled", False)

    bookings, taken = split(run_together([submit(service, start, n) for n in range(THREADS)]))

    if connection.vendor == "postgresql":
        assert len(bookings) > 1, "without the lock the race should oversell"
        assert Booking.objects.filter(start_time_utc=start).count() == len(bookings)
    else:
        assert (len(bookings), len(taken)) == (1, THREADS - 1)
