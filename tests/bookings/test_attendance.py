"""Attendance (DESIGN.md 5): the owner marks a confirmed booking that has started as completed or
no_show. The session keeps its attendee (it happened), the history records the mark, and nobody
is emailed. Bookings are made by booking_create at a slot a few days ahead; a fake clock
(time-machine) then moves to the session.
"""

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bookingsite.bookings import services
from bookingsite.bookings.exceptions import BookingError, InvalidTransitionError
from bookingsite.bookings.models import Booking, BookingStatusChange, Session
from bookingsite.bookings.selectors.calendar import calendar_entries
from bookingsite.notifications.models import Notification, OutboxEmail
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
Status = Booking.Status


@pytest.fixture
def day() -> date:
    return timezone.now().astimezone(LONDON).date() + timedelta(days=3)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON)


def book(service, start: datetime, *, name: str = "Nell Noshow", email: str = "nell@example.com") -> Booking:
    return services.booking_create(
        service=service, start_time_utc=start, client_name=name, client_email=email, client_timezone="Europe/London",
    )


@pytest.fixture
def booking(open_page, service, day) -> Booking:
    """Confirmed, 10:00-11:00 London in three days."""
    made = book(service, at(day, 10))
    assert made.status == Status.CONFIRMED
    return made


def mark(booking: Booking, status: str, by, *, now: datetime) -> Booking:
    return services.booking_mark_attendance(booking=booking, status=status, by=by, now=now)


@pytest.mark.parametrize("status", [Status.NO_SHOW, Status.COMPLETED])
def test_marks_a_started_booking_keeping_its_session_and_emailing_nobody(booking, alice, day, status):
    emails, notifications = OutboxEmail.objects.count(), Notification.objects.count()
    assert emails == 2  # the client's confirmation and the owner's new-booking email

    marked = mark(booking, status, alice, now=at(day, 10, 5))

    stored = Booking.objects.get(pk=booking.pk)
    assert marked.status == stored.status == status
    change = BookingStatusChange.objects.filter(booking=booking).last()
    assert (change.from_status, change.to_status, change.actor, change.changed_by) == (
        Status.CONFIRMED, status, BookingStatusChange.Actor.OWNER, alice)
    # The session happened: it stays, with the client among its attendees.
    assert stored.session_id is not None
    session = Session.objects.get(pk=stored.session_id)
    assert list(session.attendees.values_list("pk", flat=True)) == [booking.client_id]
    assert (OutboxEmail.objects.count(), Notification.objects.count()) == (emails, notifications)


def test_a_no_show_keeps_its_place_taken_in_a_group_session(open_page, business, alice, day):
    group = ServiceFactory(business_profile=business, name="Group swim", duration_minutes=60, capacity=3)
    first = book(group, at(day, 10), name="Ann", email="ann@example.com")
    book(group, at(day, 10), name="Ben", email="ben@example.com")
    span = (at(day, 0), at(day, 23))

    def taken(now):
        [entry] = calendar_entries(business.pk, *span, now=now)
        return entry.taken

    assert taken(at(day, 10, 30)) == 2

    mark(first, Status.NO_SHOW, alice, now=at(day, 10, 30))

    assert taken(at(day, 10, 30)) == 2
    session = Session.objects.get()
    assert session.attendees.count() == 2


def test_is_refused_before_the_start(booking, alice, day):
    with pytest.raises(BookingError) as error:
        mark(booking, Status.NO_SHOW, alice, now=at(day, 9, 59))

    assert "hasn’t started yet" in str(error.value.message)
    assert not isinstance(error.value, InvalidTransitionError)
    assert Booking.objects.get(pk=booking.pk).status == Status.CONFIRMED
    assert BookingStatusChange.objects.filter(booking=booking).count() == 1


def test_may_be_marked_from_the_start_minute(booking, alice, day):
    assert mark(booking, Status.NO_SHOW, alice, now=at(day, 10)).status == Status.NO_SHOW


def test_a_cancelled_booking_cannot_be_marked(booking, alice, day):
    services.booking_cancel_by_admin(booking=booking, by=alice, reason="")

    with pytest.raises(InvalidTransitionError) as error:
        mark(booking, Status.NO_SHOW, alice, now=at(day, 10, 30))

    assert "cancelled by admin" in str(error.value.message)
    assert Booking.objects.get(pk=booking.pk).status == Status.CANCELLED_BY_ADMIN


def test_a_pending_request_cannot_be_marked(open_page, service, alice, day):
    open_page.requires_approval = True
    open_page.save()
    request = book(service, at(day, 10))
    assert request.status == Status.PENDING_APPROVAL

    for status in (Status.NO_SHOW, Status.COMPLETED):
        with pytest.raises(InvalidTransitionError):
            mark(request, status, alice, now=at(day, 10, 30))

    assert Booking.objects.get(pk=request.pk).status == Status.PENDING_APPROVAL


@pytest.mark.parametrize(("first", "then"), [(Status.COMPLETED, Status.NO_SHOW), (Status.NO_SHOW, Status.COMPLETED)])
def test_a_mark_is_not_changed_to_the_other(booking, alice, day, first, then):
    mark(booking, first, alice, now=at(day, 10, 30))

    with pytest.raises(InvalidTransitionError):
        mark(booking, then, alice, now=at(day, 10, 40))

    assert Booking.objects.get(pk=booking.pk).status == first


def test_marking_again_the_same_way_changes_nothing(booking, alice, day):
    mark(booking, Status.NO_SHOW, alice, now=at(day, 10, 30))

    again = mark(booking, Status.NO_SHOW, alice, now=at(day, 10, 31))

    assert again.status == Status.NO_SHOW
    assert BookingStatusChange.objects.filter(booking=booking, to_status=Status.NO_SHOW).count() == 1


def test_only_completed_and_no_show_are_attendance(booking, alice, day):
    with pytest.raises(ValueError):
        mark(booking, Status.CANCELLED_BY_ADMIN, alice, now=at(day, 10, 30))
    assert Booking.objects.get(pk=booking.pk).status == Status.CONFIRMED


def test_transitions_into_attendance_come_only_from_confirmed():
    sources = {source for source, targets in services.ALLOWED_TRANSITIONS.items() if {Status.NO_SHOW, Status.COMPLETED} & targets}
    assert sources == {Status.CONFIRMED}
    assert not services.ALLOWED_TRANSITIONS.get(Status.NO_SHOW) and not services.ALLOWED_TRANSITIONS.get(Status.COMPLETED)


def test_cancelling_still_frees_the_place(booking, alice):
    services.booking_cancel_by_admin(booking=booking, by=alice, reason="")

    assert Booking.objects.get(pk=booking.pk).session_id is None
    assert not Session.objects.exists()


def test_the_mark_is_logged_after_commit(booking, alice, day, caplog, django_capture_on_commit_callbacks):
    with caplog.at_level(logging.INFO, logger="bookingsite.bookings.events"):
        with django_capture_on_commit_callbacks(execute=True):
            mark(booking, Status.NO_SHOW, alice, now=at(day, 10, 30))

    [line] = [record.getMessage() for record in caplog.records if record.name == "bookingsite.bookings.events"]
    assert line.startswith(f"booking.no_show booking_id={booking.pk} ")
    assert "status=no_show" in line and "actor=owner" in line
