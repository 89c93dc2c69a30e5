"""An owner's phone booking and clients' bookings for the same one-place slot at once make exactly
one booking (issue 18): both paths take the one business lock (businesses.locking) and re-check
under it. Real threads and transactions, as tests/bookings/test_races.py; the control test
switches the lock off and sees the oversell on PostgreSQL, so this race test can fail."""

from collections.abc import Callable

import pytest
from django.db import connection

from bookingsite.bookings.exceptions import SlotTakenError
from bookingsite.bookings.models import Booking, BookingStatusChange, Session
from bookingsite.bookings.services import booking_create_by_owner

from .test_races import offered_start, open_every_day, split, submit  # noqa: F401 (an autouse fixture)
from tests.threads import run_together

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 20  # of each: the owner's phone bookings and the clients' bookings


def phone_submit(service, start, owner, n: int) -> Callable[[], Booking]:
    def call() -> Booking:
        return booking_create_by_owner(
            service=service, start_time_utc=start, client_name=f"Caller {n}", client_email=f"caller{n}@example.com",
            by=owner, once_key=f"phone-form-{n}",
        )

    return call


def both_at_once(page, service, alice) -> tuple[list[Booking], list[SlotTakenError], object]:
    start = offered_start(page, service)
    calls = []
    for n in range(THREADS):  # interleaved, so neither side starts first
        calls += [phone_submit(service, start, alice, n), submit(service, start, THREADS + n)]
    bookings, taken = split(run_together(calls))
    return bookings, taken, start


def test_an_owners_phone_booking_and_a_clients_booking_make_exactly_one(page, service, alice):
    bookings, taken, start = both_at_once(page, service, alice)

    assert (len(bookings), len(taken)) == (1, 2 * THREADS - 1)
    stored = Booking.objects.get()
    assert (stored.pk, stored.start_time_utc, stored.status) == (bookings[0].pk, start, Booking.Status.CONFIRMED)
    assert BookingStatusChange.objects.count() == 1
    assert list(Session.objects.get().attendees.all()) == [stored.client]


def test_control_without_the_lock_the_same_race_oversells(page, service, alice, monkeypatch):
    """With the business lock switched off, PostgreSQL books the one place more than once; SQLite's
    IMMEDIATE transactions still serialise the writers, and one books."""
    from bookingsite.businesses import locking

    monkeypatch.setattr(locking, "_enabled", False)

    bookings, taken, start = both_at_once(page, service, alice)

    if connection.vendor == "postgresql":
        assert len(bookings) > 1, "without the lock the race should oversell"
        assert Booking.objects.filter(start_time_utc=start).count() == len(bookings)
    else:
        assert (len(bookings), len(taken)) == (1, 2 * THREADS - 1)
