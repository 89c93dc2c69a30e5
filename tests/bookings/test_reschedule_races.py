"""No double booking under concurrent moves (DESIGN.md 5, reschedule): real threads, real transactions.

As in test_races.py, each thread waits on one barrier, then calls booking_reschedule (or
booking_create) in its own connection. Only the business lock keeps them apart: under it the
service re-reads the booking, frees its old place, re-checks the new time excluding the booking
itself, and saves. A refused move rolls all of that back, the freed old place included, so a
loser must end exactly as it began. Moves alternate between the client's (the slot must be
offered) and the owner's (the slot must have a place), which re-check by different paths.
"""

from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import timezone

from bookingsite.bookings.models import Booking, BookingStatusChange, Session
from bookingsite.bookings.services import booking_reschedule
from bookingsite.businesses.models import SessionCategory
from bookingsite.notifications.models import EmailKind, OutboxEmail
from tests.factories import ServiceFactory

from .test_races import offered_start, offered_starts, open_every_day, run_together, split, submit  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

Status = Booking.Status
MOVERS = 20
OTHER_DAYS = (4, 5, 6)  # the movers' own times; the contested slot is on day 3 (offered_start)
MOVED_EMAILS = (EmailKind.MOVED, EmailKind.BOOKING_MOVED)


@pytest.fixture
def group(business):
    return ServiceFactory(business_profile=business, name="Group swim", duration_minutes=60, capacity=3)


def booked_elsewhere(page, service: SessionCategory, count: int, *, first_client: int = 0) -> list[Booking]:
    """`count` confirmed bookings of `service`, each at a time of its own on days after the contested one."""
    starts = [start for days_ahead in OTHER_DAYS for start in offered_starts(page, service, days_ahead=days_ahead)]
    assert len(starts) >= count, "the business should offer enough separate times"
    return [submit(service, start, first_client + n)() for n, start in enumerate(starts[:count])]


def move(booking: Booking, start, by=None) -> Callable[[], Booking]:
    return lambda: booking_reschedule(booking=booking, start_time_utc=start, by=by)


def moves_of(bookings: list[Booking], start, owner) -> list[Callable[[], Booking]]:
    """Every booking moved to `start`: the even ones by their client, the odd ones by the owner."""
    return [move(booking, start, by=owner if n % 2 else None) for n, booking in enumerate(bookings)]


def row(booking: Booking) -> tuple:
    """What a refused move must leave as it was: the booking's row, its session's attendees, its history."""
    booking = Booking.objects.get(pk=booking.pk)
    attendees = sorted(booking.session.attendees.values_list("pk", flat=True)) if booking.session else None
    return (
        booking.start_time_utc, booking.end_time_utc, booking.status, booking.session_id, booking.sequence,
        booking.rescheduled_at, attendees, booking.status_changes.count(),
        OutboxEmail.objects.filter(booking=booking, kind__in=MOVED_EMAILS).count(),
    )


def holders_at(start) -> list[Booking]:
    return list(Booking.objects.holding_at(timezone.now()).filter(start_time_utc=start))


def assert_sessions_match_the_bookings() -> None:
    """Every session holds exactly the clients of the confirmed bookings in it, at its own time, and
    every confirmed booking sits in one: no place is left held by nobody, or held twice."""
    for session in Session.objects.all():
        holders = list(Booking.objects.filter(session=session, status=Status.CONFIRMED))
        assert holders, f"a session at {session.start_time_utc} that no booking holds"
        assert sorted(session.attendees.values_list("pk", flat=True)) == sorted(b.client_id for b in holders)
        for booking in holders:
            assert (booking.session_category_id, booking.start_time_utc, booking.end_time_utc) == (
                session.session_category_id, session.start_time_utc, session.end_time_utc)
    assert not Booking.objects.filter(status=Status.CONFIRMED, session__isnull=True).exists()


def test_twenty_moves_into_one_place_move_exactly_one(page, service, alice):
    target = offered_start(page, service)
    bookings = booked_elsewhere(page, service, MOVERS)
    before = {booking.pk: row(booking) for booking in bookings}

    moved, taken = split(run_together(moves_of(bookings, target, alice)))

    assert (len(moved), len(taken)) == (1, MOVERS - 1)
    winner = Booking.objects.get(pk=moved[0].pk)
    old_start = before[winner.pk][0]
    assert holders_at(target) == [winner]
    assert (winner.sequence, winner.session.start_time_utc) == (1, target)
    assert list(winner.session.attendees.values_list("pk", flat=True)) == [winner.client_id]
    assert OutboxEmail.objects.filter(booking=winner, kind__in=MOVED_EMAILS).count() == 2
    for booking in bookings:
        if booking.pk != winner.pk:
            assert row(booking) == before[booking.pk]  # its time, session, attendee, history and emails
    assert BookingStatusChange.objects.count() == MOVERS + 1
    assert_sessions_match_the_bookings()
    # The winner's old place is free: its session went, and a new client books the time at once.
    assert not Session.objects.filter(start_time_utc=old_start).exists()
    assert submit(service, old_start, MOVERS)().status == Status.CONFIRMED


def test_twenty_moves_into_a_group_of_three_move_exactly_three(page, group, alice):
    target = offered_start(page, group)
    bookings = booked_elsewhere(page, group, MOVERS)
    before = {booking.pk: row(booking) for booking in bookings}

    moved, taken = split(run_together(moves_of(bookings, target, alice)))

    assert (len(moved), len(taken)) == (3, MOVERS - 3)
    winners = {booking.pk for booking in moved}
    assert {booking.pk for booking in holders_at(target)} == winners
    session = Session.objects.get(start_time_utc=target)
    assert set(session.attendees.values_list("pk", flat=True)) == {b.client_id for b in moved}
    for booking in bookings:
        if booking.pk not in winners:
            assert row(booking) == before[booking.pk]
        else:
            assert not Session.objects.filter(start_time_utc=before[booking.pk][0]).exists()
    assert_sessions_match_the_bookings()


@pytest.mark.parametrize("capacity", [1, 3])
def test_moves_and_new_bookings_for_the_last_place_give_it_to_one(page, business, alice, capacity):
    lesson = ServiceFactory(business_profile=business, name="Lesson", duration_minutes=60, capacity=capacity)
    target = offered_start(page, lesson)
    earlier = [submit(lesson, target, 100 + n)() for n in range(capacity - 1)]  # all but the last place
    bookings = booked_elsewhere(page, lesson, MOVERS // 2)
    before = {booking.pk: row(booking) for booking in bookings}
    count_before = Booking.objects.count()
    newcomers = [submit(lesson, target, 200 + n) for n in range(MOVERS // 2)]
    calls = [call for pair in zip(moves_of(bookings, target, alice), newcomers, strict=True) for call in pair]

    won, taken = split(run_together(calls))

    assert (len(won), len(taken)) == (1, MOVERS - 1)
    holders = holders_at(target)
    assert {booking.pk for booking in holders} == {booking.pk for booking in earlier} | {won[0].pk}
    session = Session.objects.get(start_time_utc=target)
    assert session.attendees.count() == capacity
    a_move = won[0].pk in before
    assert Booking.objects.count() == count_before + (0 if a_move else 1)  # a refused booking leaves no row
    for booking in bookings:
        if booking.pk != won[0].pk:
            assert row(booking) == before[booking.pk]
    assert_sessions_match_the_bookings()


def test_two_moves_of_one_booking_run_one_after_the_other(page, service, alice):
    """Two threads move the same booking to two different times at once, for a few rounds. The
    second to get the lock reads the booking as the first left it, so both moves succeed, one
    after the other: the history is one chain of times, and no place stays held at a time the
    booking left."""
    booking = submit(service, offered_start(page, service), 0)()
    first_start = booking.start_time_utc
    pairs = [starts[n:n + 2] for starts in (offered_starts(page, service, days_ahead=d) for d in OTHER_DAYS)
             for n in (0, 4)]
    succeeded = 0

    for a, b in pairs:
        # Each thread has its own copy, read before either move, as two requests would have.
        copies = Booking.objects.get(pk=booking.pk), Booking.objects.get(pk=booking.pk)
        moved, taken = split(run_together([move(copies[0], a), move(copies[1], b, by=alice)]))

        assert (len(moved), taken) == (2, [])
        succeeded += len(moved)
        stored = Booking.objects.get(pk=booking.pk)
        assert stored.start_time_utc in (a, b)
        assert (stored.sequence, stored.status) == (succeeded, Status.CONFIRMED)
        chain = list(stored.status_changes.filter(to_start_utc__isnull=False).order_by("pk")
                     .values_list("from_start_utc", "to_start_utc"))
        assert len(chain) == succeeded
        assert [start for start, _to in chain] == [first_start] + [to for _from, to in chain[:-1]]
        assert chain[-1][1] == stored.start_time_utc
        assert {to for _from, to in chain[-2:]} == {a, b}  # this round's two moves, in either order
        assert list(Session.objects.values_list("start_time_utc", flat=True)) == [stored.start_time_utc]
        assert_sessions_match_the_bookings()
    assert OutboxEmail.objects.filter(booking=booking, kind__in=MOVED_EMAILS).count() == 2 * succeeded


def test_control_without_the_lock_twenty_moves_oversell_one_place(page, service, alice, monkeypatch):
    """The control, as test_races.py's: with the business lock switched off, the twenty moves into
    one place above move more than one there on PostgreSQL, so that test can fail. SQLite has no
    row lock to switch off: its IMMEDIATE transactions still serialise the writers, and one moves."""
    from bookingsite.businesses import locking

    target = offered_start(page, service)
    bookings = booked_elsewhere(page, service, MOVERS)
    monkeypatch.setattr(locking, "_enabled", False)

    moved, taken = split(run_together(moves_of(bookings, target, alice)))

    if connection.vendor == "postgresql":
        assert len(moved) > 1, "without the lock the race should oversell"
        assert len(holders_at(target)) == len(moved)
    else:
        assert (len(moved), len(taken)) == (1, MOVERS - 1)
