"""The waitlist's rules (DESIGN.md 11), through the services only: joining a full slot, a freed place
offered to the first in line in the transaction that frees it, claiming, declining, leaving,
lapsing and closing, the owner's remove and offer, and the emails each step writes.

The clock is fixed: every service that takes `now` gets it, and time-machine stops the real clock
at the same instant for the few that read it themselves (the owner's cancel and reject,
service_update). NOW is a Monday in January, when London is on UTC, so the business's wall-clock
times are UTC times.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from bookingsite.bookings.exceptions import (
    OfferLapsedError,
    OutsideBookingWindowError,
    SlotHasPlacesError,
    SlotNotOfferedError,
    SlotTakenError,
    WaitlistError,
)
from bookingsite.bookings.models import Booking, WaitlistEntry
from bookingsite.bookings.selectors import availability
from bookingsite.bookings.services import (
    booking_cancel_by_admin,
    booking_cancel_by_client,
    booking_create,
    booking_expire,
    booking_reject,
    booking_reschedule,
)
from bookingsite.bookings.tasks import sweep_waitlists_task
from bookingsite.bookings.waitlist import (
    waitlist_claim,
    waitlist_join,
    waitlist_lapse,
    waitlist_leave,
    waitlist_offer_to,
    waitlist_remove,
    waitlist_sweep,
)
from bookingsite.businesses.models import BusinessBookingSettings, SessionCategory
from bookingsite.businesses.services import service_update
from bookingsite.notifications.models import EmailKind, Notification, OutboxEmail
from tests.bookings.selectors.test_offered_days import settings_update
from tests.factories import ServiceFactory, WorkingHoursFactory

pytestmark = pytest.mark.django_db

Entry = WaitlistEntry.Status
Status = Booking.Status
NOW = datetime(2031, 1, 13, 8, 0, tzinfo=UTC)  # Monday 08:00 in London (GMT)
DAY = NOW.date() + timedelta(days=3)  # Thursday 16 January
CLAIM = timedelta(minutes=120)  # the settings' default waitlist_claim_minutes
WAITLIST_EMAILS = (EmailKind.WAITLIST_JOINED, EmailKind.WAITLIST_OFFER, EmailKind.WAITLIST_LAPSED, EmailKind.WAITLIST_CLOSED)


def at(hour: int, minute: int = 0, day=DAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


SLOT = at(10)  # the contested slot, Thursday 10:00-11:00


@pytest.fixture(autouse=True)
def clock(time_machine):
    """The real clock stopped at NOW (the services that take `now` are given it too)."""
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture(autouse=True)
def open_every_day(business, page):
    """09:00-17:00 every day; the page fixture has no minimum notice and a 60-day horizon."""
    assert (page.minimum_notice_minutes, page.waitlist_claim_minutes) == (0, 120)
    for weekday in range(7):
        WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(9), end_time=time(17))


@pytest.fixture
def lesson(business):
    return ServiceFactory(business_profile=business, name="Private lesson", duration_minutes=60, capacity=1,
                          waitlist_enabled=True, location="Pool 2, Riverside Leisure Centre")


@pytest.fixture
def group(business):
    return ServiceFactory(business_profile=business, name="Group swim", duration_minutes=60, capacity=2,
                          waitlist_enabled=True)


def settings_of(page) -> BusinessBookingSettings:
    return BusinessBookingSettings.objects.get(pk=page.pk)


def page_set(page, **fields) -> None:
    BusinessBookingSettings.objects.filter(pk=page.pk).update(**fields)


def book(service: SessionCategory, start: datetime = SLOT, *, n: int = 0, now: datetime = NOW, **fields) -> Booking:
    arguments = {"client_name": f"Booker {n}", "client_email": f"booker{n}@example.com", "client_timezone": "Europe/London"}
    return booking_create(service=service, start_time_utc=start, now=now, **(arguments | fields))


def join(service: SessionCategory, start: datetime = SLOT, *, n: int = 1, now: datetime = NOW, **fields) -> WaitlistEntry:
    entry, _new = join_answer(service, start, n=n, now=now, **fields)
    return entry


def join_answer(service, start=SLOT, *, n: int = 1, now: datetime = NOW, **fields) -> tuple[WaitlistEntry, bool]:
    arguments = {"client_name": f"Waiter {n}", "client_email": f"waiter{n}@example.com", "client_timezone": "Europe/London"}
    return waitlist_join(service=service, start_time_utc=start, now=now, **(arguments | fields))


def fresh(entry: WaitlistEntry) -> WaitlistEntry:
    return WaitlistEntry.objects.get(pk=entry.pk)


def statuses(*entries: WaitlistEntry) -> list[str]:
    return [fresh(entry).status for entry in entries]


def emails_of(entry: WaitlistEntry, kind: str | None = None) -> list[OutboxEmail]:
    found = OutboxEmail.objects.filter(waitlist_entry_id=entry.pk).order_by("pk")
    return list(found.filter(kind=kind) if kind else found)


def places_shown(service: SessionCategory, start: datetime = SLOT, *, now: datetime = NOW) -> int | None:
    """The slot's remaining places as the booking page shows them (offered_days); None when not shown at all."""
    page = BusinessBookingSettings.objects.select_related("business_profile").get(pk=service.business_profile_id)
    day = start.astimezone(ZoneInfo("Europe/London")).date()
    [shown] = availability.offered_days(
        page=page, service=service, client_timezone="Europe/London", start_date=day, end_date=day, now=now
    )
    return next((slot.remaining for slot in shown.slots + shown.full if slot.start_utc == start), None)


def assert_offered(entry: WaitlistEntry, *, at_: datetime, until: datetime) -> None:
    entry = fresh(entry)
    assert (entry.status, entry.offered_at, entry.offer_expires_at) == (Entry.OFFERED, at_, until)


def assert_place_held(service: SessionCategory, start: datetime = SLOT, *, now: datetime = NOW) -> None:
    """The offered place counts as taken: the page shows none left and a stranger's booking is refused."""
    assert places_shown(service, start, now=now) == 0
    bookings = Booking.objects.count()
    with pytest.raises(SlotTakenError):
        book(service, start, n=99, now=now)
    assert Booking.objects.count() == bookings


# --- Joining -----------------------------------------------------------------------------------


def test_joins_a_full_slot_as_a_new_entry(business, lesson):
    book(lesson)

    entry, new = join_answer(lesson, n=1, client_phone="+447700900123", notes="Any lane is fine")

    assert new
    entry = fresh(entry)
    assert (entry.status, entry.business_profile_id, entry.session_category_id) == (Entry.WAITING, business.pk, lesson.pk)
    assert (entry.start_time_utc, entry.end_time_utc) == (SLOT, at(11))
    assert (entry.client_name, entry.client_email, entry.client_phone, entry.notes_from_client) == (
        "Waiter 1", "waiter1@example.com", "+447700900123", "Any lane is fine")
    assert entry.client.email == "waiter1@example.com"
    assert (entry.offered_at, entry.offer_expires_at, entry.booking) == (None, None, None)
    assert [e.kind for e in emails_of(entry)] == [EmailKind.WAITLIST_JOINED]


def test_a_slot_with_a_free_place_refuses_to_join(group):
    book(group)  # one of two places taken

    with pytest.raises(SlotHasPlacesError):
        join(group)

    assert not WaitlistEntry.objects.exists()
    assert not OutboxEmail.objects.filter(kind__in=WAITLIST_EMAILS).exists()


@pytest.mark.parametrize("start", [at(10, 30), at(18), at(10, day=DAY + timedelta(days=90))],
                         ids=["off-the-grid", "outside-hours", "past-the-horizon"])
def test_a_time_that_is_no_slot_refuses_to_join(lesson, start):
    book(lesson)

    with pytest.raises((SlotNotOfferedError, OutsideBookingWindowError)) as refused:
        join(lesson, start)

    expected = OutsideBookingWindowError if start > NOW + timedelta(days=60) else SlotNotOfferedError
    assert type(refused.value) is expected
    assert not WaitlistEntry.objects.exists()


def test_a_service_without_a_waitlist_refuses_to_join(service):
    assert not service.waitlist_enabled
    book(service)

    with pytest.raises(WaitlistError) as refused:
        join(service)

    assert type(refused.value) is WaitlistError
    assert "no waitlist" in str(refused.value.message)
    assert not WaitlistEntry.objects.exists()


def test_the_same_email_twice_answers_the_entry_it_has(lesson):
    book(lesson)
    first, first_new = join_answer(lesson, n=1)

    again, again_new = join_answer(lesson, n=1, client_email="WAITER1@Example.com", client_name="Someone else")

    assert (first_new, again_new) == (True, False)
    assert again.pk == first.pk
    assert WaitlistEntry.objects.count() == 1
    # The link goes to the address again (a caller never shows it for a repeat: test_waitlist_pages).
    assert [email.to_email for email in emails_of(first, EmailKind.WAITLIST_JOINED)] == ["waiter1@example.com"] * 2


def test_a_client_already_booked_there_is_refused(group):
    book(group, n=0)
    book(group, n=1)

    with pytest.raises(WaitlistError) as refused:
        join(group, client_email="BOOKER1@example.com")

    assert "already have a place" in str(refused.value.message)
    assert not WaitlistEntry.objects.exists()


def test_inside_the_minimum_notice_joining_is_refused(page, lesson):
    page_set(page, minimum_notice_minutes=180)
    today = at(10, day=NOW.date())
    book(lesson, today, now=NOW - timedelta(hours=3))  # booked while still outside the notice

    with pytest.raises(OutsideBookingWindowError):
        join(lesson, today)  # 2 hours ahead, notice 3 hours

    assert not WaitlistEntry.objects.exists()
    assert join(lesson, today, now=NOW - timedelta(hours=2)).status == Entry.WAITING  # an hour earlier it could


# --- A freed place goes to the first in line, in the transaction that frees it ---------------------


def _cancel_by_client(booking, owner, clock):
    booking_cancel_by_client(booking=booking, now=NOW)
    return NOW


def _cancel_by_admin(booking, owner, clock):
    booking_cancel_by_admin(booking=booking, by=owner)
    return NOW


def _reject(booking, owner, clock):
    booking_reject(booking=booking, by=owner)
    return NOW


def _expire(booking, owner, clock):
    expired_at = booking.pending_request_expires_at
    clock.move_to(expired_at, tick=False)
    assert booking_expire(booking=booking, now=expired_at) is not None
    return expired_at


def _move_by_client(booking, owner, clock):
    booking_reschedule(booking=booking, start_time_utc=at(13), now=NOW)
    return NOW


def _move_by_owner(booking, owner, clock):
    booking_reschedule(booking=booking, start_time_utc=at(13), by=owner, now=NOW)
    return NOW


FREEING = {
    "client-cancel": (_cancel_by_client, False),
    "owner-cancel": (_cancel_by_admin, False),
    "reject": (_reject, True),
    "expiry": (_expire, True),
    "move-away-by-client": (_move_by_client, False),
    "move-away-by-owner": (_move_by_owner, False),
}


@pytest.mark.parametrize("path", FREEING)
def test_a_freed_place_is_offered_to_the_first_in_line_and_held(page, lesson, alice, clock, path):
    free, needs_approval = FREEING[path]
    page_set(page, requires_approval=needs_approval)
    booking = book(lesson)
    assert booking.status == (Status.PENDING_APPROVAL if needs_approval else Status.CONFIRMED)
    first, second = join(lesson, n=1), join(lesson, n=2)

    freed_at = free(booking, alice, clock)

    assert_offered(first, at_=freed_at, until=freed_at + CLAIM)
    assert statuses(second) == [Entry.WAITING]
    assert [e.to_email for e in emails_of(first, EmailKind.WAITLIST_OFFER)] == ["waiter1@example.com"]
    assert emails_of(second, EmailKind.WAITLIST_OFFER) == []
    assert_place_held(lesson, now=freed_at)


def test_a_refused_move_offers_nothing(lesson, group):
    booking = book(lesson)
    book(lesson, at(13), n=1)  # the time it tries to move to is taken
    waiting = join(lesson)

    with pytest.raises(SlotTakenError):
        booking_reschedule(booking=booking, start_time_utc=at(13), now=NOW)

    assert Booking.objects.get(pk=booking.pk).start_time_utc == SLOT
    assert statuses(waiting) == [Entry.WAITING]
    assert emails_of(waiting, EmailKind.WAITLIST_OFFER) == []


@pytest.mark.parametrize("by_owner", [False, True], ids=["client", "owner"])
def test_a_place_held_by_an_offer_is_no_place_to_move_to(lesson, alice, by_owner):
    booking = book(lesson)
    waiting = join(lesson)
    booking_cancel_by_client(booking=booking, now=NOW)
    assert statuses(waiting) == [Entry.OFFERED]
    mover = book(lesson, at(13), n=5)

    with pytest.raises(SlotTakenError):
        booking_reschedule(booking=mover, start_time_utc=SLOT, by=alice if by_owner else None, now=NOW + timedelta(minutes=1))

    assert Booking.objects.get(pk=mover.pk).start_time_utc == at(13)
    assert_offered(waiting, at_=NOW, until=NOW + CLAIM)


def test_a_raised_capacity_offers_each_new_place_in_line_order(group):
    book(group, n=0), book(group, n=1)
    first, second, third = (join(group, n=n) for n in (1, 2, 3))

    service_update(service=group, name=group.name, description="", duration_minutes=60, capacity=4, price=None,
                   is_publicly_bookable=True, location="")

    assert_offered(first, at_=NOW, until=NOW + CLAIM)
    assert_offered(second, at_=NOW, until=NOW + CLAIM)
    assert statuses(third) == [Entry.WAITING]
    assert_place_held(group)


def test_two_places_freed_one_after_the_other_go_to_the_first_two(group, clock):
    bookings = [book(group, n=0), book(group, n=1)]
    first, second, third = (join(group, n=n) for n in (1, 2, 3))

    booking_cancel_by_client(booking=bookings[0], now=NOW)
    booking_cancel_by_client(booking=bookings[1], now=NOW + timedelta(minutes=5))

    assert_offered(first, at_=NOW, until=NOW + CLAIM)
    assert_offered(second, at_=NOW + timedelta(minutes=5), until=NOW + timedelta(minutes=5) + CLAIM)
    assert statuses(third) == [Entry.WAITING]
    assert_place_held(group, now=NOW + timedelta(minutes=5))


def test_the_offer_deadline_is_the_claim_time_or_the_closing_whichever_is_sooner(page, lesson):
    page_set(page, minimum_notice_minutes=60)
    far, near = SLOT, at(10, day=NOW.date())  # Thursday; today 10:00, whose line closes at 09:00
    far_booking, near_booking = book(lesson, far, n=0), book(lesson, near, n=1)
    far_entry, near_entry = join(lesson, far, n=1), join(lesson, near, n=2)

    booking_cancel_by_client(booking=far_booking, now=NOW)
    booking_cancel_by_client(booking=near_booking, now=NOW)

    assert_offered(far_entry, at_=NOW, until=NOW + CLAIM)  # 10:00 Monday, two hours
    assert_offered(near_entry, at_=NOW, until=near - timedelta(minutes=60))  # 09:00, not 10:00


# --- Claiming ----------------------------------------------------------------------------------


@pytest.fixture
def offered(lesson) -> WaitlistEntry:
    """Waiter 1 holds an offer for the lesson's 10:00 place (freed at NOW), Waiter 2 waits behind."""
    booking = book(lesson)
    entry = join(lesson, n=1, client_timezone="America/New_York", client_phone="+447700900123", notes="Lane 3")
    join(lesson, n=2)
    booking_cancel_by_client(booking=booking, now=NOW)
    assert_offered(entry, at_=NOW, until=NOW + CLAIM)
    return fresh(entry)


def second_in_line(entry: WaitlistEntry) -> WaitlistEntry:
    return WaitlistEntry.objects.exclude(pk=entry.pk).get(client_email="waiter2@example.com")


def test_a_claim_books_the_held_place_and_marks_the_entry_claimed(offered):
    booking = waitlist_claim(entry=offered, now=NOW + timedelta(minutes=30))

    booking = Booking.objects.get(pk=booking.pk)
    assert (booking.status, booking.start_time_utc, booking.end_time_utc) == (Status.CONFIRMED, SLOT, at(11))
    assert (booking.client_name, booking.client_email, booking.client_phone, booking.notes_from_client) == (
        "Waiter 1", "waiter1@example.com", "+447700900123", "Lane 3")
    assert booking.booked_in_client_timezone == "America/New_York"
    assert booking.session.attendees.get() == booking.client
    entry = fresh(offered)
    assert (entry.status, entry.booking_id) == (Entry.CLAIMED, booking.pk)
    assert Booking.objects.holding_at(NOW).filter(start_time_utc=SLOT).get() == booking
    assert statuses(second_in_line(offered)) == [Entry.WAITING]
    assert places_shown(offered.session_category, now=NOW + timedelta(minutes=30)) == 0


def test_claiming_again_answers_the_same_booking(offered):
    booking = waitlist_claim(entry=offered, now=NOW + timedelta(minutes=30))

    again = waitlist_claim(entry=offered, now=NOW + timedelta(minutes=31))
    late = waitlist_claim(entry=offered, now=NOW + CLAIM + timedelta(hours=1))  # even past the deadline

    assert again.pk == late.pk == booking.pk
    assert Booking.objects.filter(status=Status.CONFIRMED).count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.WAITLIST_CLAIMED).count() == 1


def test_a_claim_in_an_approval_business_makes_a_pending_request(page, offered):
    page_set(page, requires_approval=True)

    booking = waitlist_claim(entry=offered, now=NOW + timedelta(minutes=30))

    assert booking.status == Status.PENDING_APPROVAL
    assert booking.pending_request_expires_at == NOW + timedelta(minutes=30) + timedelta(hours=24)
    assert fresh(offered).status == Entry.CLAIMED
    assert_place_held(offered.session_category, now=NOW + timedelta(minutes=30))


def test_a_claim_after_the_deadline_is_refused_and_changes_nothing(offered):
    emails = OutboxEmail.objects.count()

    with pytest.raises(OfferLapsedError):
        waitlist_claim(entry=offered, now=NOW + CLAIM)

    assert_offered(offered, at_=NOW, until=NOW + CLAIM)
    assert fresh(offered).booking is None
    assert not Booking.objects.filter(status=Status.CONFIRMED).exists()
    assert statuses(second_in_line(offered)) == [Entry.WAITING]
    assert OutboxEmail.objects.count() == emails


def test_a_claim_while_only_waiting_is_refused(offered):
    waiting = second_in_line(offered)

    with pytest.raises(WaitlistError) as refused:
        waitlist_claim(entry=waiting, now=NOW + timedelta(minutes=1))

    assert "No place has come free" in str(refused.value.message)
    assert statuses(waiting, offered) == [Entry.WAITING, Entry.OFFERED]
    assert not Booking.objects.filter(client_email="waiter2@example.com").exists()


def test_a_claim_tells_the_owner_as_a_waitlist_claim_not_a_new_booking(offered):
    booking = waitlist_claim(entry=offered, now=NOW + timedelta(minutes=30))

    assert list(Notification.objects.filter(booking=booking).values_list("kind", flat=True)) == [
        Notification.Kind.WAITLIST_CLAIMED]
    assert not Notification.objects.filter(booking=booking, kind=Notification.Kind.NEW_BOOKING).exists()
    assert OutboxEmail.objects.filter(booking=booking, kind=EmailKind.CONFIRMED, to_email="waiter1@example.com").count() == 1
    # Claiming is the booking's own news: the entry writes no waitlist email of its own.
    assert [e.kind for e in emails_of(offered)] == [EmailKind.WAITLIST_JOINED, EmailKind.WAITLIST_OFFER]


# --- Declining, leaving -----------------------------------------------------------------------


def test_declining_passes_the_place_to_the_next_in_line(offered):
    later = NOW + timedelta(minutes=20)

    waitlist_leave(entry=offered, now=later)

    assert statuses(offered) == [Entry.DECLINED]
    assert_offered(second_in_line(offered), at_=later, until=later + CLAIM)
    assert_place_held(offered.session_category, now=later)
    assert [e.kind for e in emails_of(offered)] == [EmailKind.WAITLIST_JOINED, EmailKind.WAITLIST_OFFER]
    assert len(emails_of(second_in_line(offered), EmailKind.WAITLIST_OFFER)) == 1


def test_declining_twice_changes_nothing_more(offered):
    waitlist_leave(entry=offered, now=NOW + timedelta(minutes=20))
    emails = OutboxEmail.objects.count()

    assert waitlist_leave(entry=offered, now=NOW + timedelta(minutes=21)).status == Entry.DECLINED

    assert_offered(second_in_line(offered), at_=NOW + timedelta(minutes=20), until=NOW + timedelta(minutes=140))
    assert OutboxEmail.objects.count() == emails


def test_leaving_while_waiting_offers_nothing(lesson):
    book(lesson)
    first, second = join(lesson, n=1), join(lesson, n=2)

    waitlist_leave(entry=first, now=NOW)
    waitlist_leave(entry=first, now=NOW)  # twice: the same

    assert statuses(first, second) == [Entry.LEFT, Entry.WAITING]
    assert [e.kind for e in emails_of(first)] == [EmailKind.WAITLIST_JOINED]
    assert emails_of(second, EmailKind.WAITLIST_OFFER) == []


def test_leaving_after_claiming_is_refused(offered):
    waitlist_claim(entry=offered, now=NOW + timedelta(minutes=1))

    with pytest.raises(WaitlistError):
        waitlist_leave(entry=offered, now=NOW + timedelta(minutes=2))

    assert statuses(offered) == [Entry.CLAIMED]
    assert statuses(second_in_line(offered)) == [Entry.WAITING]


# --- Lapsing and closing: beat's sweep ------------------------------------------------------------


def test_the_sweep_lapses_an_offer_at_its_deadline_and_passes_the_place_on(offered):
    nxt = second_in_line(offered)
    deadline = NOW + CLAIM

    assert waitlist_sweep(now=deadline - timedelta(seconds=1)) == (0, 0)
    assert statuses(offered, nxt) == [Entry.OFFERED, Entry.WAITING]

    assert waitlist_sweep(now=deadline) == (1, 0)

    assert statuses(offered) == [Entry.LAPSED]
    assert_offered(nxt, at_=deadline, until=deadline + CLAIM)
    assert_place_held(offered.session_category, now=deadline)
    [lapsed] = emails_of(offered, EmailKind.WAITLIST_LAPSED)
    assert lapsed.to_email == "waiter1@example.com"
    assert len(emails_of(nxt, EmailKind.WAITLIST_OFFER)) == 1
    with pytest.raises(WaitlistError):
        waitlist_claim(entry=offered, now=deadline)


def test_the_sweep_run_twice_changes_nothing_the_second_time(offered):
    deadline = NOW + CLAIM
    assert waitlist_sweep(now=deadline) == (1, 0)
    rows = (list(WaitlistEntry.objects.order_by("pk").values()), OutboxEmail.objects.count(), Booking.objects.count())

    assert waitlist_sweep(now=deadline) == (0, 0)

    assert (list(WaitlistEntry.objects.order_by("pk").values()), OutboxEmail.objects.count(), Booking.objects.count()) == rows


def test_lapsing_a_claimed_offer_changes_nothing(offered):
    waitlist_claim(entry=offered, now=NOW + timedelta(minutes=5))

    assert waitlist_lapse(entry=offered, now=NOW + CLAIM) is None

    assert statuses(offered, second_in_line(offered)) == [Entry.CLAIMED, Entry.WAITING]


def test_the_beat_task_sweeps_on_the_clock(offered, clock):
    clock.move_to(NOW + CLAIM + timedelta(seconds=30), tick=False)

    assert tuple(sweep_waitlists_task()) == (1, 0)

    assert statuses(offered, second_in_line(offered)) == [Entry.LAPSED, Entry.OFFERED]


@pytest.fixture
def near_line(page, lesson):
    """Today's 10:00 lesson is full and its line closes at 09:00 (an hour's notice): Waiter 1 and
    Waiter 2 wait, and Booker 0 holds the place."""
    page_set(page, minimum_notice_minutes=60)
    start = at(10, day=NOW.date())
    booking = book(lesson, start, now=NOW - timedelta(hours=2))
    return booking, join(lesson, start, n=1), join(lesson, start, n=2)


def test_the_sweep_closes_waiting_lines_once_inside_the_notice(near_line):
    _booking, first, second = near_line
    closing = at(9, day=NOW.date())

    assert waitlist_sweep(now=closing - timedelta(seconds=1)) == (0, 0)
    assert statuses(first, second) == [Entry.WAITING, Entry.WAITING]

    assert waitlist_sweep(now=closing) == (0, 2)

    assert statuses(first, second) == [Entry.CLOSED, Entry.CLOSED]
    for n, entry in ((1, first), (2, second)):
        [closed] = emails_of(entry, EmailKind.WAITLIST_CLOSED)
        assert closed.to_email == f"waiter{n}@example.com"
    assert waitlist_sweep(now=closing) == (0, 0)
    assert OutboxEmail.objects.filter(kind=EmailKind.WAITLIST_CLOSED).count() == 2


def test_a_place_freed_inside_the_notice_is_offered_to_nobody(near_line):
    booking, first, second = near_line
    inside = at(9, 30, day=NOW.date())  # before any sweep closed the line

    booking_cancel_by_client(booking=booking, now=inside)

    assert statuses(first, second) == [Entry.CLOSED, Entry.CLOSED]
    assert not OutboxEmail.objects.filter(kind=EmailKind.WAITLIST_OFFER).exists()
    assert OutboxEmail.objects.filter(kind=EmailKind.WAITLIST_CLOSED).count() == 2


def test_an_offer_lapsing_at_the_closing_closes_the_line_behind_it(near_line):
    booking, first, second = near_line
    closing = at(9, day=NOW.date())
    booking_cancel_by_client(booking=booking, now=NOW)
    assert_offered(first, at_=NOW, until=closing)  # not 10:00: the line closes first

    lapsed, _closed = waitlist_sweep(now=closing)

    assert lapsed == 1
    assert statuses(first, second) == [Entry.LAPSED, Entry.CLOSED]
    assert len(emails_of(first, EmailKind.WAITLIST_LAPSED)) == 1
    assert len(emails_of(second, EmailKind.WAITLIST_CLOSED)) == 1
    assert emails_of(second, EmailKind.WAITLIST_OFFER) == []


def test_switching_the_waitlist_off_closes_the_services_lines(lesson):
    book(lesson)
    first, second = join(lesson, n=1), join(lesson, n=2)

    service_update(service=lesson, name=lesson.name, description="", duration_minutes=60, capacity=1, price=None,
                   is_publicly_bookable=True, location=lesson.location, waitlist_enabled=False)

    assert statuses(first, second) == [Entry.CLOSED, Entry.CLOSED]
    assert len(emails_of(first, EmailKind.WAITLIST_CLOSED)) == len(emails_of(second, EmailKind.WAITLIST_CLOSED)) == 1


def test_a_new_length_closes_the_lines_of_the_old_one(lesson):
    book(lesson)
    first = join(lesson, n=1)

    service_update(service=lesson, name=lesson.name, description="", duration_minutes=45, capacity=1, price=None,
                   is_publicly_bookable=True, location=lesson.location)

    # No 10:00-11:00 slot of it will come again: its line is told now, not at the minimum notice.
    assert statuses(first) == [Entry.CLOSED]
    assert len(emails_of(first, EmailKind.WAITLIST_CLOSED)) == 1


def test_a_page_taking_bookings_again_offers_what_freed_while_it_was_paused(page, business, lesson, alice):
    booking = book(lesson)
    first, second = join(lesson, n=1), join(lesson, n=2)
    settings_update(business, is_booking_page_active=False)
    booking_cancel_by_admin(booking=booking, by=alice)
    assert statuses(first, second) == [Entry.WAITING, Entry.WAITING]  # a claim could not book it

    settings_update(business, is_booking_page_active=True)

    assert_offered(first, at_=NOW, until=NOW + CLAIM)
    assert statuses(second) == [Entry.WAITING]
    assert_place_held(lesson)


# --- The owner's remove and offer ---------------------------------------------------------------


def test_removing_an_offered_client_passes_the_place_on(offered, alice):
    later = NOW + timedelta(minutes=10)
    emails = len(emails_of(offered))

    waitlist_remove(entry=offered, by=alice, now=later)

    assert statuses(offered) == [Entry.REMOVED]
    assert len(emails_of(offered)) == emails  # nobody writes to the client removed
    assert_offered(second_in_line(offered), at_=later, until=later + CLAIM)
    assert_place_held(offered.session_category, now=later)


def test_removing_a_waiting_client_offers_nothing(offered, alice):
    waiting = second_in_line(offered)

    waitlist_remove(entry=waiting, by=alice, now=NOW)

    assert statuses(waiting, offered) == [Entry.REMOVED, Entry.OFFERED]
    assert [e.kind for e in emails_of(waiting)] == [EmailKind.WAITLIST_JOINED]


def test_the_owner_offers_a_free_place_to_a_later_client(page, lesson, alice):
    booking = book(lesson)
    first, second, third = (join(lesson, n=n) for n in (1, 2, 3))
    page_set(page, is_booking_page_active=False)
    booking_cancel_by_admin(booking=booking, by=alice)  # the page is off: nobody is offered it
    assert statuses(first, second, third) == [Entry.WAITING] * 3
    page_set(page, is_booking_page_active=True)

    waitlist_offer_to(entry=third, by=alice, now=NOW)

    assert_offered(third, at_=NOW, until=NOW + CLAIM)
    assert statuses(first, second) == [Entry.WAITING, Entry.WAITING]
    assert_place_held(lesson)


def test_the_owner_offering_a_full_slot_takes_back_the_latest_live_offer(group, alice):
    bookings = [book(group, n=0), book(group, n=1)]
    first, second, third = (join(group, n=n) for n in (1, 2, 3))
    booking_cancel_by_client(booking=bookings[0], now=NOW)
    booking_cancel_by_client(booking=bookings[1], now=NOW + timedelta(minutes=5))
    assert statuses(first, second, third) == [Entry.OFFERED, Entry.OFFERED, Entry.WAITING]
    later = NOW + timedelta(minutes=10)

    waitlist_offer_to(entry=third, by=alice, now=later)

    assert_offered(first, at_=NOW, until=NOW + CLAIM)
    withdrawn = fresh(second)
    assert (withdrawn.status, withdrawn.offered_at, withdrawn.offer_expires_at) == (Entry.WAITING, None, None)
    assert_offered(third, at_=later, until=later + CLAIM)
    assert_place_held(group, now=later)
    with pytest.raises(WaitlistError):
        waitlist_claim(entry=second, now=later)
    # Their claim link no longer books: they are told, and still hold their place in line.
    told = emails_of(second, EmailKind.WAITLIST_WITHDRAWN)
    assert [email.to_email for email in told] == [second.client_email]
    assert "given the place we offered you to someone else" in told[0].body_text
    assert "number 2 in line" in told[0].body_text and "number 2 in line" in told[0].body_html


def test_the_owner_cannot_offer_a_place_that_nobody_holds(lesson, alice):
    book(lesson)
    waiting = join(lesson)

    with pytest.raises(WaitlistError):
        waitlist_offer_to(entry=waiting, by=alice, now=NOW)

    assert statuses(waiting) == [Entry.WAITING]
    assert Booking.objects.filter(status=Status.CONFIRMED).count() == 1


# --- Emails -------------------------------------------------------------------------------------


def test_each_waitlist_email_is_written_once_in_the_clients_zone(page, offered):
    """Waiter 1 joined from New York: 10:00 London is 05:00 there, written as US English writes it
    (their zone's region: an email has no browser to ask)."""
    nxt = second_in_line(offered)
    waitlist_sweep(now=NOW + CLAIM)  # Waiter 1's offer lapses, Waiter 2 is offered the place
    claim_url = settings.SITE_URL + reverse("public:waitlist-claim", args=[page.public_booking_slug, offered.token]) + "?lang=en"

    kinds = [e.kind for e in emails_of(offered)]
    assert kinds == [EmailKind.WAITLIST_JOINED, EmailKind.WAITLIST_OFFER, EmailKind.WAITLIST_LAPSED]
    joined, offer, lapsed = emails_of(offered)
    assert {e.to_email for e in (joined, offer, lapsed)} == {"waiter1@example.com"}
    assert joined.subject == "You’re on the waitlist – Private lesson, Thu, Jan 16, 5:00 AM"
    assert offer.subject == "A place is free for you – Private lesson, Thu, Jan 16, 5:00 AM"
    assert lapsed.subject == "Your waitlist place has passed on – Private lesson, Thu, Jan 16, 5:00 AM"
    for email in (joined, offer, lapsed):
        assert "5:00 AM–6:00 AM (New York time)" in email.body_text
        assert "Thursday, January 16, 2031" in email.body_text
        assert "Pool 2, Riverside Leisure Centre" in email.body_text
        assert "Pool 2, Riverside Leisure Centre" in email.body_html
    assert "number 1 in line" in joined.body_text
    # The offer carries the claim link and its deadline (10:00 London is 05:00 in New York).
    assert claim_url in offer.body_text
    assert f'href="{claim_url}"' in offer.body_html
    assert "Monday, January 13 at 5:00 AM" in offer.body_text
    assert claim_url not in joined.body_text + lapsed.body_text
    # Waiter 2 (London) got their own offer, in their own zone.
    [next_offer] = emails_of(nxt, EmailKind.WAITLIST_OFFER)
    assert next_offer.to_email == "waiter2@example.com"
    assert next_offer.subject == "A place is free for you – Private lesson, Thu 16 Jan, 10:00"
    next_claim = settings.SITE_URL + reverse("public:waitlist-claim", args=[page.public_booking_slug, nxt.token]) + "?lang=en"
    assert next_claim in next_offer.body_text and f'href="{next_claim}"' in next_offer.body_html


def test_the_closed_email_names_the_slot(near_line):
    _booking, first, _second = near_line
    waitlist_sweep(now=at(9, day=NOW.date()))

    [closed] = emails_of(first, EmailKind.WAITLIST_CLOSED)
    assert closed.to_email == "waiter1@example.com"
    assert closed.subject == "Waitlist closed – Private lesson, Mon 13 Jan, 10:00"
    assert "10:00–11:00 (London time)" in closed.body_text
    assert "Pool 2, Riverside Leisure Centre" in closed.body_text


def test_leaving_declining_and_being_removed_write_no_email(lesson, alice):
    booking = book(lesson)
    leaver, decliner, removed = (join(lesson, n=n) for n in (1, 2, 3))

    waitlist_leave(entry=leaver, now=NOW)
    booking_cancel_by_client(booking=booking, now=NOW)  # the place goes to the decliner
    waitlist_leave(entry=decliner, now=NOW + timedelta(minutes=1))  # and on to `removed`
    waitlist_remove(entry=removed, by=alice, now=NOW + timedelta(minutes=2))

    assert statuses(leaver, decliner, removed) == [Entry.LEFT, Entry.DECLINED, Entry.REMOVED]
    # Each one's last email is the one before their own step: joining, or the offer they then lost.
    assert [e.kind for e in emails_of(leaver)] == [EmailKind.WAITLIST_JOINED]
    assert [e.kind for e in emails_of(decliner)] == [EmailKind.WAITLIST_JOINED, EmailKind.WAITLIST_OFFER]
    assert [e.kind for e in emails_of(removed)] == [EmailKind.WAITLIST_JOINED, EmailKind.WAITLIST_OFFER]
    assert places_shown(lesson, now=NOW + timedelta(minutes=2)) == 1  # nobody left in line: the place is free


def test_the_owner_cannot_offer_a_place_that_a_lowered_capacity_took_away(group, alice):
    """Two places, one booked and one held by an offer; the owner then cuts the service to one
    place. Taking the offer back frees nothing (the booking alone fills it), so there is no place to
    offer, and the offer stays where it was."""
    bookings = [book(group, n=0), book(group, n=1)]
    first, second = join(group, n=1), join(group, n=2)
    booking_cancel_by_client(booking=bookings[1], now=NOW)
    assert statuses(first, second) == [Entry.OFFERED, Entry.WAITING]
    service_update(service=group, name=group.name, description="", duration_minutes=60, capacity=1, price=None,
                   is_publicly_bookable=True, location="")

    with pytest.raises(WaitlistError):
        waitlist_offer_to(entry=second, by=alice, now=NOW + timedelta(minutes=1))

    assert_offered(first, at_=NOW, until=NOW + CLAIM)
    assert statuses(second) == [Entry.WAITING]
