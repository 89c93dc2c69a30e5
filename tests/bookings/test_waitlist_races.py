"""One holder for a freed place, whatever arrives at once (DESIGN.md 11, Concurrency): real threads,
real transactions.

As in test_races.py, each thread waits on one barrier, then calls a service in its own
connection: a claim, a stranger's booking, a cancel, the lapse sweep. Only the business lock
keeps them apart (businesses.locking): under it each re-reads the entry or the slot, and an offer
counts as taken until its deadline. On PostgreSQL the lock is the settings row's; on SQLite every
write transaction is IMMEDIATE and takes the database's write lock at BEGIN, so the same tests
run there too, and only the control test expects something else of it.

The clock is real, but every call is given its `now`, so an offer's deadline is where the test
puts it, whatever the threads' timing.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from bookingsite.bookings.exceptions import SlotTakenError, WaitlistError
from bookingsite.bookings.models import Booking, WaitlistEntry
from bookingsite.bookings.services import booking_cancel_by_client, booking_create
from bookingsite.bookings.waitlist import waitlist_claim, waitlist_join, waitlist_lapse, waitlist_sweep
from bookingsite.businesses.models import SessionCategory
from bookingsite.businesses.services import service_update
from bookingsite.notifications.models import EmailKind, OutboxEmail
from tests.factories import ServiceFactory

from .test_races import offered_start, offered_starts, open_every_day, run_together  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

Entry = WaitlistEntry.Status
THREADS = 20
CLAIM = timedelta(minutes=120)  # the settings' default waitlist_claim_minutes


@pytest.fixture
def t0() -> datetime:
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def lesson(business) -> SessionCategory:
    return ServiceFactory(business_profile=business, name="Private lesson", duration_minutes=60, capacity=1,
                          waitlist_enabled=True)


@pytest.fixture
def group(business) -> SessionCategory:
    return ServiceFactory(business_profile=business, name="Group swim", duration_minutes=60, capacity=2,
                          waitlist_enabled=True)


def book(service: SessionCategory, start: datetime, n: int, now: datetime) -> Callable[[], Booking]:
    def call() -> Booking:
        return booking_create(service=service, start_time_utc=start, client_name=f"Client {n}",
                              client_email=f"client{n}@example.com", client_timezone="Europe/London", now=now)

    return call


def line(service: SessionCategory, start: datetime, size: int, now: datetime, *, first: int = 1) -> list[WaitlistEntry]:
    """`size` clients join the full slot's waitlist, in order."""
    return [
        waitlist_join(service=service, start_time_utc=start, client_name=f"Waiter {n}", client_email=f"waiter{n}@example.com",
                      client_timezone="Europe/London", now=now)[0]
        for n in range(first, first + size)
    ]


def full_with_a_line(service: SessionCategory, start: datetime, now: datetime, *, size: int = 3, first: int = 1):
    """The slot booked full at `now`, and `size` clients waiting for it; (bookings, entries)."""
    bookings = [book(service, start, 1000 + first + n, now)() for n in range(service.capacity)]
    return bookings, line(service, start, size, now, first=first)


def holders(service: SessionCategory, start: datetime, now: datetime) -> tuple[list[Booking], list[WaitlistEntry]]:
    """Who holds a place in the slot at `now`: bookings, and live offers."""
    bookings = Booking.objects.holding_at(now).filter(session_category=service, start_time_utc=start)
    offers = WaitlistEntry.objects.holding_at(now).filter(session_category=service, start_time_utc=start)
    return list(bookings), list(offers)


def fresh(entry: WaitlistEntry) -> WaitlistEntry:
    return WaitlistEntry.objects.get(pk=entry.pk)


def sort_out(results: list, *expected: type) -> dict[type, list]:
    """The results by type; anything else (an unexpected error) fails the test."""
    unexpected = [r for r in results if not isinstance(r, expected)]
    assert unexpected == [], f"unexpected results: {unexpected[:3]!r}"
    return {kind: [r for r in results if isinstance(r, kind)] for kind in expected}


# --- A live offer: the claim wins, every stranger is refused ---------------------------------------


def test_a_live_offer_and_nineteen_bookings_leave_one_holder_the_claimant(page, lesson, t0):
    start = offered_start(page, lesson)
    [booking], (first, second, _third) = full_with_a_line(lesson, start, t0 - timedelta(minutes=10))
    booking_cancel_by_client(booking=booking, now=t0 - timedelta(minutes=5))
    assert fresh(first).status == Entry.OFFERED
    now = t0
    calls = [lambda: waitlist_claim(entry=first, now=now)] + [book(lesson, start, n, now) for n in range(THREADS - 1)]

    results = run_together(calls)

    claimed, strangers = results[0], results[1:]
    assert isinstance(claimed, Booking), claimed
    assert sort_out(strangers, SlotTakenError)[SlotTakenError] == strangers  # every stranger refused
    assert holders(lesson, start, now) == ([claimed], [])
    entry = fresh(first)
    assert (entry.status, entry.booking_id) == (Entry.CLAIMED, claimed.pk)
    assert claimed.client_email == "waiter1@example.com"
    assert fresh(second).status == Entry.WAITING
    assert Booking.objects.filter(start_time_utc=start).count() == 2  # the cancelled one and the claim


# --- A lapsed offer: the sweep, the late claim and the strangers ---------------------------------------


def lapsed_offer(lesson: SessionCategory, start: datetime, t0: datetime) -> tuple[WaitlistEntry, WaitlistEntry]:
    """Waiter 1's offer (made three hours before t0) lapsed an hour before t0, and no sweep has run;
    Waiter 2 is next in line. (first, second)"""
    [booking], (first, second, _third) = full_with_a_line(lesson, start, t0 - timedelta(hours=4))
    booking_cancel_by_client(booking=booking, now=t0 - timedelta(hours=3))
    assert (fresh(first).status, fresh(first).offer_expires_at) == (Entry.OFFERED, t0 - timedelta(hours=1))
    return first, second


def lapsed_offer_race(lesson: SessionCategory, start: datetime, t0: datetime, first: WaitlistEntry) -> list:
    """At t0, Waiter 1's late claim, beat's sweep and eighteen strangers' bookings arrive at once."""
    calls = [lambda: waitlist_claim(entry=first, now=t0), lambda: waitlist_sweep(now=t0)]
    calls += [book(lesson, start, n, t0) for n in range(THREADS - 2)]
    return run_together(calls)


def test_a_lapsed_offer_the_sweep_and_eighteen_bookings_leave_one_holder(page, lesson, t0):
    start = offered_start(page, lesson)

    first, second = lapsed_offer(lesson, start, t0)

    results = lapsed_offer_race(lesson, start, t0, first)

    claim, sweep, strangers = results[0], results[1], results[2:]
    # OfferLapsedError when the claim came before the sweep, "it went to the next person" after it.
    assert isinstance(claim, WaitlistError), claim
    assert not Booking.objects.filter(client_email=first.client_email).exists()
    assert sweep == (1, 0)
    by_type = sort_out(strangers, Booking, SlotTakenError)
    bookings, offers = holders(lesson, start, t0)
    assert len(bookings) + len(offers) == 1
    assert fresh(first).status == Entry.LAPSED
    assert OutboxEmail.objects.filter(waitlist_entry=first, kind=EmailKind.WAITLIST_LAPSED).count() == 1
    if offers:  # the sweep came first: the place went on to Waiter 2, and no stranger got it
        assert offers == [fresh(second)]
        assert by_type[Booking] == []
    else:  # a stranger came first and booked the free place; Waiter 2 waits on
        assert [b.pk for b in bookings] == [b.pk for b in by_type[Booking]]
        assert fresh(second).status == Entry.WAITING
        assert not OutboxEmail.objects.filter(waitlist_entry=second, kind=EmailKind.WAITLIST_OFFER).exists()


# --- Two places freed at once ------------------------------------------------------------------------


def test_two_cancels_at_once_offer_the_places_to_the_first_two_while_strangers_are_refused(page, group, t0):
    start = offered_start(page, group)
    bookings, line_ = full_with_a_line(group, start, t0 - timedelta(minutes=10), size=4)
    cancels = [lambda b=b: booking_cancel_by_client(booking=b, now=t0) for b in bookings]
    calls = cancels + [book(group, start, n, t0) for n in range(THREADS - 2)]

    results = run_together(calls)

    assert sort_out(results[:2], Booking)[Booking] == results[:2]  # both cancelled
    assert sort_out(results[2:], SlotTakenError)[SlotTakenError] == results[2:]  # every stranger refused
    assert [fresh(entry).status for entry in line_] == [Entry.OFFERED, Entry.OFFERED, Entry.WAITING, Entry.WAITING]
    assert holders(group, start, t0) == ([], [fresh(line_[0]), fresh(line_[1])])
    assert OutboxEmail.objects.filter(kind=EmailKind.WAITLIST_OFFER).count() == 2


def test_a_raised_capacity_offers_the_new_places_to_the_first_two_while_strangers_are_refused(page, group, t0):
    start = offered_start(page, group)
    _bookings, line_ = full_with_a_line(group, start, t0 - timedelta(minutes=10), size=4)
    now = timezone.now()  # service_update reads the clock itself

    def raise_capacity() -> SessionCategory:
        return service_update(service=SessionCategory.objects.get(pk=group.pk), name=group.name, description="",
                              duration_minutes=60, capacity=4, price=None, is_publicly_bookable=True, location="")

    results = run_together([raise_capacity] + [book(group, start, n, now) for n in range(THREADS - 1)])

    assert isinstance(results[0], SessionCategory), results[0]
    # Full before the change, and the two new places held by offers after it: no stranger books.
    assert sort_out(results[1:], Booking, SlotTakenError)[Booking] == []
    assert [fresh(entry).status for entry in line_] == [Entry.OFFERED, Entry.OFFERED, Entry.WAITING, Entry.WAITING]
    bookings, offers = holders(group, start, now)
    assert (len(bookings), offers) == (2, [fresh(line_[0]), fresh(line_[1])])


# --- An offer lapsing while its claim arrives ------------------------------------------------------------


def lines_with_offers_due_at(lesson, page, t0, slots: int) -> list[tuple[datetime, WaitlistEntry, WaitlistEntry]]:
    """`slots` slots, each full with Waiter A offered its freed place until exactly t0 and Waiter B behind."""
    starts = [s for days_ahead in (3, 4) for s in offered_starts(page, lesson, days_ahead=days_ahead)][:slots]
    assert len(starts) == slots
    made = t0 - CLAIM
    found = []
    for n, start in enumerate(starts):
        [booking], (a, b) = full_with_a_line(lesson, start, made - timedelta(minutes=5), size=2, first=10 * n + 1)
        booking_cancel_by_client(booking=booking, now=made)
        assert (fresh(a).status, fresh(a).offer_expires_at) == (Entry.OFFERED, t0)
        found.append((start, a, b))
    return found


def assert_one_outcome(lesson, start, a, b, claim_result, t0) -> str:
    """Either A claimed (and B waits), or A's offer lapsed and went to B (and A has no booking): never both."""
    a, b = fresh(a), fresh(b)
    bookings, offers = holders(lesson, start, t0)
    assert len(bookings) + len(offers) == 1
    if a.status == Entry.CLAIMED:
        assert isinstance(claim_result, Booking) and claim_result.pk == a.booking_id
        assert (bookings, offers) == ([claim_result], [])
        assert b.status == Entry.WAITING
        assert not OutboxEmail.objects.filter(waitlist_entry=a, kind=EmailKind.WAITLIST_LAPSED).exists()
        return "claimed"
    assert a.status == Entry.LAPSED
    assert isinstance(claim_result, WaitlistError), claim_result
    assert a.booking is None and not Booking.objects.filter(client_email=a.client_email).exists()
    assert (bookings, offers) == ([], [b])
    assert b.offered_at == t0
    assert OutboxEmail.objects.filter(waitlist_entry=a, kind=EmailKind.WAITLIST_LAPSED).count() == 1
    return "lapsed"


def test_an_offer_lapsing_while_its_claim_arrives_has_one_outcome(page, lesson, t0):
    slots = lines_with_offers_due_at(lesson, page, t0, THREADS // 2)
    calls = []
    for _start, a, _b in slots:
        calls += [lambda a=a: waitlist_claim(entry=a, now=t0 - timedelta(seconds=1)),  # just in time
                  lambda a=a: waitlist_lapse(entry=a, now=t0) or "unchanged"]  # just due (None: claimed first)

    results = run_together(calls)

    outcomes = [assert_one_outcome(lesson, start, a, b, results[2 * n], t0) for n, (start, a, b) in enumerate(slots)]
    lapses = results[1::2]
    assert not any(isinstance(lapse, BaseException) for lapse in lapses), lapses
    assert [lapse != "unchanged" for lapse in lapses] == [outcome == "lapsed" for outcome in outcomes]


def test_claims_racing_two_sweeps_have_one_outcome_each(page, lesson, t0):
    slots = lines_with_offers_due_at(lesson, page, t0, 9)
    calls = [lambda a=a: waitlist_claim(entry=a, now=t0 - timedelta(seconds=1)) for _start, a, _b in slots]
    calls += [lambda: waitlist_sweep(now=t0), lambda: waitlist_sweep(now=t0)]

    results = run_together(calls)

    outcomes = [assert_one_outcome(lesson, start, a, b, results[n], t0) for n, (start, a, b) in enumerate(slots)]
    sweeps = results[-2:]
    assert not any(isinstance(sweep, BaseException) for sweep in sweeps), sweeps
    assert sum(lapsed for lapsed, _closed in sweeps) == outcomes.count("lapsed")


# --- The control ----------------------------------------------------------------------------------


def test_control_without_the_lock_the_lapsed_offer_race_oversells(page, lesson, t0, monkeypatch):
    """As test_races.py's control: with the business lock switched off, the lapsed-offer race above
    leaves more than one holder of the one place on PostgreSQL (strangers' bookings, and the sweep's
    new offer, each read the place as free), so that test can fail. SQLite has no row lock to switch
    off: its IMMEDIATE transactions still serialise the writers, and the place has one holder."""
    from bookingsite.businesses import locking

    start = offered_start(page, lesson)
    first, _second = lapsed_offer(lesson, start, t0)
    monkeypatch.setattr(locking, "_enabled", False)

    results = lapsed_offer_race(lesson, start, t0, first)

    sort_out(results[2:], Booking, SlotTakenError)
    bookings, offers = holders(lesson, start, t0)
    if connection.vendor == "postgresql":
        assert len(bookings) + len(offers) > 1, "without the lock the race should oversell"
    else:
        assert len(bookings) + len(offers) == 1


def test_control_without_the_lock_an_offer_is_both_claimed_and_lapsed(page, lesson, t0, monkeypatch):
    """The control for the claim-or-lapse race: with the lock switched off, on PostgreSQL some claim
    and the lapse of the same offer both go through (the client is booked, yet their entry says
    lapsed and they are told the place passed on), so that test can fail. SQLite still serialises
    them: one outcome each."""
    from bookingsite.businesses import locking

    slots = lines_with_offers_due_at(lesson, page, t0, THREADS // 2)
    monkeypatch.setattr(locking, "_enabled", False)
    calls = []
    for _start, a, _b in slots:
        calls += [lambda a=a: waitlist_claim(entry=a, now=t0 - timedelta(seconds=1)),
                  lambda a=a: waitlist_lapse(entry=a, now=t0) or "unchanged"]

    results = run_together(calls)

    odd = [r for r in results if isinstance(r, BaseException) and not isinstance(r, (WaitlistError, SlotTakenError))]
    assert odd == [], odd[:3]
    both = [a for _start, a, _b in slots
            if fresh(a).status == Entry.LAPSED and Booking.objects.filter(client_email=a.client_email).exists()]
    if connection.vendor == "postgresql":
        assert both, "without the lock some offer should be both claimed and lapsed"
    else:
        assert both == []
        for n, (start, a, b) in enumerate(slots):
            assert_one_outcome(lesson, start, a, b, results[2 * n], t0)
