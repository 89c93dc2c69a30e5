"""The completion sweep (DESIGN.md 5, Attendance): beat marks confirmed bookings completed 12 hours
after their end, unless the owner marked them first; it runs again or twice at once and changes
each booking once.

Bookings are made by booking_create a few days ahead; a fake clock (time-machine, stopped) then
moves past their end. The race runs real threads in real transactions: on PostgreSQL the
business's row lock keeps the sweeps apart, on SQLite the IMMEDIATE transactions do.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bookingsite.bookings import services
from bookingsite.bookings.models import Booking, BookingStatusChange, Session
from bookingsite.bookings.tasks import complete_past_bookings, complete_past_bookings_task
from bookingsite.notifications.models import OutboxEmail
from tests.factories import ServiceFactory
from tests.threads import run_together_without_errors

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
Status = Booking.Status
SWEEPS = 4


@pytest.fixture
def day() -> date:
    return timezone.now().astimezone(LONDON).date() + timedelta(days=3)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON)


def book(service, start: datetime, *, n: int = 0) -> Booking:
    return services.booking_create(
        service=service, start_time_utc=start, client_name=f"Client {n}", client_email=f"client{n}@example.com",
        client_timezone="Europe/London",
    )


def completions(booking: Booking) -> list[BookingStatusChange]:
    return list(BookingStatusChange.objects.filter(booking=booking, to_status=Status.COMPLETED))


@pytest.fixture
def booking(open_page, service, day) -> Booking:
    """Confirmed, 10:00-11:00 London in three days."""
    return book(service, at(day, 10))


def test_nothing_until_twelve_hours_after_the_end_then_completed(booking, day, time_machine):
    end = booking.end_time_utc
    assert end == at(day, 11)
    emails = OutboxEmail.objects.count()

    time_machine.move_to(end + timedelta(hours=11, minutes=59), tick=False)
    assert complete_past_bookings() == 0
    assert Booking.objects.get(pk=booking.pk).status == Status.CONFIRMED

    time_machine.move_to(end + timedelta(hours=12), tick=False)
    assert complete_past_bookings() == 1

    stored = Booking.objects.get(pk=booking.pk)
    assert stored.status == Status.COMPLETED
    [change] = completions(booking)
    assert (change.from_status, change.actor, change.changed_by) == (Status.CONFIRMED, BookingStatusChange.Actor.SYSTEM, None)
    assert stored.session_id is not None and Session.objects.get(pk=stored.session_id).attendees.count() == 1
    assert OutboxEmail.objects.count() == emails  # nobody is emailed


def test_the_beat_task_runs_the_sweep_on_the_clock(booking, time_machine):
    time_machine.move_to(booking.end_time_utc + timedelta(hours=12, minutes=1), tick=False)

    assert complete_past_bookings_task() == 1

    assert Booking.objects.get(pk=booking.pk).status == Status.COMPLETED


def test_a_no_show_stays_a_no_show(booking, alice, day, time_machine):
    services.booking_mark_attendance(booking=booking, status=Status.NO_SHOW, by=alice, now=at(day, 10, 15))
    time_machine.move_to(booking.end_time_utc + timedelta(days=1), tick=False)

    assert complete_past_bookings() == 0

    assert Booking.objects.get(pk=booking.pk).status == Status.NO_SHOW
    assert completions(booking) == []


def test_a_second_sweep_changes_nothing(booking, time_machine):
    time_machine.move_to(booking.end_time_utc + timedelta(hours=13), tick=False)

    assert complete_past_bookings() == 1
    assert complete_past_bookings() == 0

    assert len(completions(booking)) == 1
    assert BookingStatusChange.objects.filter(booking=booking).count() == 2  # made, completed


def test_leaves_requests_cancelled_bookings_and_later_ones_alone(open_page, service, alice, day, time_machine):
    cancelled = book(service, at(day, 9), n=1)
    services.booking_cancel_by_admin(booking=cancelled, by=alice, reason="")
    done = book(service, at(day, 10), n=2)
    later = book(service, at(day, 14), n=3)  # ends 15:00, three hours after the others
    open_page.requires_approval = True
    open_page.save()
    request = book(service, at(day, 12), n=4)

    time_machine.move_to(at(day, 11) + timedelta(hours=12), tick=False)
    assert complete_past_bookings() == 1

    statuses = dict(Booking.objects.values_list("pk", "status"))
    assert statuses == {
        cancelled.pk: Status.CANCELLED_BY_ADMIN, done.pk: Status.COMPLETED, later.pk: Status.CONFIRMED,
        # A request never answered is the expiry sweep's, not this one's.
        request.pk: Status.PENDING_APPROVAL,
    }


def test_a_booking_marked_between_the_read_and_the_write_is_left_alone(booking, alice, day):
    """The sweep's own re-read under the lock: the owner's mark, committed after the sweep listed
    the booking, wins, and the sweep's call answers None."""
    services.booking_mark_attendance(booking=booking, status=Status.NO_SHOW, by=alice, now=at(day, 10, 15))

    assert services.booking_complete_past(booking=booking, now=at(day, 11) + timedelta(hours=12)) is None
    assert Booking.objects.get(pk=booking.pk).status == Status.NO_SHOW


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_complete_each_booking_once(open_page, business, service, day, time_machine):
    group = ServiceFactory(business_profile=business, name="Group swim", duration_minutes=60, capacity=3)
    bookings = [book(service, at(day, 9 + 2 * i), n=i) for i in range(3)]
    bookings += [book(group, at(day, 10), n=10 + i) for i in range(3)]
    time_machine.move_to(at(day, 16) + timedelta(hours=12), tick=False)
    results = run_together_without_errors(complete_past_bookings, SWEEPS)

    assert len(results) == SWEEPS and sum(results) == len(bookings)
    for made in bookings:
        assert Booking.objects.get(pk=made.pk).status == Status.COMPLETED
        assert len(completions(made)) == 1
