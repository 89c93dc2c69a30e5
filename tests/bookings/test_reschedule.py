"""booking_reschedule: DESIGN.md 5, reschedule and change policy, through the service only.

The clock is fixed as in test_services.py: a Monday in January, London on UTC.
"""

from datetime import timedelta

import pytest

from bookingsite.bookings.exceptions import (
    BookingError,
    ChangeCutoffError,
    InvalidTransitionError,
    OutsideBookingWindowError,
    SessionConflictError,
    SlotNotOfferedError,
    SlotTakenError,
)
from bookingsite.bookings.models import Booking, BookingStatusChange, Session
from bookingsite.bookings.services import (
    booking_approve,
    booking_cancel_by_admin,
    booking_cancel_by_client,
    booking_reschedule,
)
from bookingsite.notifications.models import EmailKind, Notification, OutboxEmail
from tests.factories import ServiceFactory, SessionFactory

from .test_services import NOW, at, book, open_every_day  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

Status = Booking.Status


def move(booking: Booking, start, *, now=NOW, **kwargs) -> Booking:
    return booking_reschedule(booking=booking, start_time_utc=start, now=now, **kwargs)


def state(booking: Booking) -> tuple:
    """What a refused move must leave as it was."""
    booking = Booking.objects.get(pk=booking.pk)
    return (
        booking.start_time_utc, booking.end_time_utc, booking.status, booking.session_id, booking.sequence,
        booking.pending_request_expires_at, BookingStatusChange.objects.count(), OutboxEmail.objects.count(),
        sorted(Session.objects.values_list("start_time_utc", flat=True)),
        sorted(Session.attendees.through.objects.values_list("session__start_time_utc", "client_id")),
    )


@pytest.fixture
def group(business):
    return ServiceFactory(business_profile=business, name="Group swim", duration_minutes=60, capacity=2)


# --- What a move does ------------------------------------------------------------------------


def test_a_move_keeps_the_booking_and_its_link_and_frees_the_old_place(service):
    booking = book(service, at(10))
    token, pk = booking.manage_token, booking.pk

    moved = move(booking, at(14))

    moved.refresh_from_db()
    assert (moved.pk, moved.manage_token, moved.status) == (pk, token, Status.CONFIRMED)
    assert (moved.start_time_utc, moved.end_time_utc) == (at(14), at(15))
    assert moved.sequence == 1 and moved.rescheduled_at == NOW
    assert list(Session.objects.values_list("start_time_utc", flat=True)) == [at(14)]  # the old session went
    assert moved.session.start_time_utc == at(14) and list(moved.session.attendees.all()) == [moved.client]
    # The old time can be booked by someone else at once.
    other = book(service, at(10), client_email="dan@example.com", client_name="Dan")
    assert other.status == Status.CONFIRMED


def test_the_history_records_both_times_and_who_moved_it(service, alice):
    booking = book(service, at(10))
    move(booking, at(14))
    move(booking, at(11), by=alice)

    moves = list(booking.status_changes.filter(to_start_utc__isnull=False).values_list(
        "from_status", "to_status", "actor", "changed_by", "from_start_utc", "to_start_utc"))
    assert moves == [
        (Status.CONFIRMED, Status.CONFIRMED, "client", None, at(10), at(14)),
        (Status.CONFIRMED, Status.CONFIRMED, "owner", alice.pk, at(14), at(11)),
    ]
    assert Booking.objects.get(pk=booking.pk).sequence == 2


def test_a_move_within_a_group_leaves_the_others_in_the_old_session(group):
    first = book(group, at(10))
    second = book(group, at(10), client_email="dan@example.com", client_name="Dan")

    move(first, at(12))

    old = Session.objects.get(start_time_utc=at(10))
    assert list(old.attendees.all()) == [second.client]
    assert Session.objects.get(start_time_utc=at(12)).attendees.get() == first.client


def test_a_move_may_overlap_its_own_old_time(service, alice):
    """Its own place does not block it: the owner moves a 10:00-11:00 lesson to 10:30."""
    booking = book(service, at(10))
    moved = move(booking, at(10, 30), by=alice)
    assert (moved.start_time_utc, moved.end_time_utc) == (at(10, 30), at(11, 30))
    assert list(Session.objects.values_list("start_time_utc", flat=True)) == [at(10, 30)]


def test_a_pending_request_stays_pending_and_its_expiry_restarts(page, service):
    page.requires_approval = True
    page.pending_booking_expiry_hours = 24
    page.save()
    booking = book(service, at(10))
    later = NOW + timedelta(hours=3)

    moved = move(booking, at(15), now=later)

    assert moved.status == Status.PENDING_APPROVAL
    assert moved.pending_request_expires_at == later + timedelta(hours=24)
    assert moved.session_id is None and not Session.objects.exists()
    approved = booking_approve(booking=moved, by=page.business_profile.owner, now=later)
    assert approved.session.start_time_utc == at(15)


def test_both_sides_are_emailed_and_the_owner_notified_of_a_client_move(service):
    booking = book(service, at(10))
    OutboxEmail.objects.all().delete()
    Notification.objects.all().delete()

    move(booking, at(14))

    kinds = sorted(OutboxEmail.objects.values_list("kind", "to_email"))
    assert kinds == [(EmailKind.BOOKING_MOVED, "alice@example.com"), (EmailKind.MOVED, "cara@example.com")]
    client_email = OutboxEmail.objects.get(kind=EmailKind.MOVED)
    assert client_email.subject == "Booking moved – Private lesson, now Thu 16 Jan, 14:00"
    assert "Was: Thursday, 16 January 2031, 10:00–11:00" in client_email.body_text
    assert "Now: Thursday, 16 January 2031, 14:00–15:00" in client_email.body_text
    assert client_email.ics_method == "PUBLISH" and "SEQUENCE:1" in client_email.ics
    assert list(Notification.objects.values_list("kind", flat=True)) == [Notification.Kind.BOOKING_MOVED]


def test_an_owner_move_emails_both_but_rings_no_bell(service, alice):
    booking = book(service, at(10))
    Notification.objects.all().delete()
    OutboxEmail.objects.all().delete()

    move(booking, at(14), by=alice)

    owner_email = OutboxEmail.objects.get(kind=EmailKind.BOOKING_MOVED)
    assert "You moved Cara Client’s booking" in owner_email.body_text
    assert "Alice's Aqua Studio moved your booking" in OutboxEmail.objects.get(kind=EmailKind.MOVED).body_text
    assert not Notification.objects.exists()


def test_a_cancellation_after_moves_outranks_them(service):
    booking = book(service, at(10))
    move(booking, at(14))
    booking_cancel_by_client(booking=booking, now=NOW)

    cancel = OutboxEmail.objects.get(kind=EmailKind.CANCELLED)
    assert cancel.ics_method == "CANCEL" and "SEQUENCE:2" in cancel.ics


def test_the_move_is_logged(service, caplog, django_capture_on_commit_callbacks):
    booking = book(service, at(10))
    with caplog.at_level("INFO", logger="bookingsite.bookings.events"), django_capture_on_commit_callbacks(execute=True):
        move(booking, at(14))
    lines = [r.getMessage() for r in caplog.records if r.name == "bookingsite.bookings.events"]
    assert len(lines) == 1 and lines[0].startswith(f"booking.rescheduled booking_id={booking.pk} ")


# --- What the client may not do --------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "error"),
    [
        (lambda: at(10, 15), SlotNotOfferedError),  # off the grid
        (lambda: at(7), SlotNotOfferedError),  # outside working hours
        (lambda: NOW - timedelta(hours=1), OutsideBookingWindowError),  # past
        (lambda: NOW + timedelta(days=61), OutsideBookingWindowError),  # beyond the horizon
        (lambda: at(10), BookingError),  # the time it already has
    ],
)
def test_the_client_may_only_move_to_an_offered_slot(service, target, error):
    booking = book(service, at(10))
    before = state(booking)
    with pytest.raises(error):
        move(booking, target())
    assert state(booking) == before


def test_a_taken_slot_is_refused_and_nothing_changes(service):
    booking = book(service, at(10))
    book(service, at(14), client_email="dan@example.com", client_name="Dan")
    before = state(booking)
    with pytest.raises(SlotTakenError):
        move(booking, at(14))
    assert state(booking) == before


def test_a_slot_blocked_by_another_services_session_is_refused(business, service):
    booking = book(service, at(10))
    SessionFactory(business_profile=business, session_category=ServiceFactory(business_profile=business),
                   start_time_utc=at(14), end_time_utc=at(15))
    before = state(booking)
    with pytest.raises(SlotTakenError):
        move(booking, at(14))
    assert state(booking) == before


def test_inside_the_cutoff_the_client_can_neither_move_nor_cancel(page, service):
    page.client_change_cutoff_hours = 24
    page.save()
    booking = book(service, at(10))
    inside = at(10) - timedelta(hours=23)
    before = state(booking)

    with pytest.raises(ChangeCutoffError):
        move(booking, at(14), now=inside)
    with pytest.raises(ChangeCutoffError):
        booking_cancel_by_client(booking=booking, now=inside)
    assert state(booking) == before
    # Just before the cut-off both are still allowed.
    assert move(booking, at(14), now=at(10) - timedelta(hours=25)).start_time_utc == at(14)


def test_the_owner_is_never_held_by_the_cutoff(page, service, alice):
    page.client_change_cutoff_hours = 24
    page.save()
    booking = book(service, at(10))
    inside = at(10) - timedelta(hours=2)
    assert move(booking, at(14), now=inside, by=alice).start_time_utc == at(14)
    assert booking_cancel_by_admin(booking=booking, by=alice).status == Status.CANCELLED_BY_ADMIN


@pytest.mark.parametrize("end", [Status.CANCELLED_BY_CLIENT, Status.REJECTED, Status.EXPIRED_PENDING, Status.COMPLETED])
def test_an_ended_booking_cannot_be_moved(service, end, alice):
    booking = book(service, at(10))
    Booking.objects.filter(pk=booking.pk).update(status=end)
    before = state(booking)
    with pytest.raises(InvalidTransitionError):
        move(booking, at(14))
    with pytest.raises(InvalidTransitionError):
        move(booking, at(14), by=alice)
    assert state(booking) == before


def test_a_started_booking_cannot_be_moved(service, alice):
    booking = book(service, at(10))
    started = at(10, 5)
    with pytest.raises(BookingError, match="already started"):
        move(booking, at(14), now=started)
    with pytest.raises(InvalidTransitionError):
        move(booking, at(14), now=started, by=alice)


def test_a_lapsed_request_cannot_be_moved(page, service):
    page.requires_approval = True
    page.save()
    booking = book(service, at(10))
    with pytest.raises(InvalidTransitionError, match="expired"):
        move(booking, at(14), now=booking.pending_request_expires_at)


# --- The owner's wider choice ----------------------------------------------------------------


def test_the_owner_may_move_to_any_free_time_off_the_grid_and_outside_hours(service, alice):
    booking = book(service, at(10))
    moved = move(booking, at(18, 20), by=alice)
    assert (moved.start_time_utc, moved.end_time_utc) == (at(18, 20), at(19, 20))


def test_a_clash_is_a_warning_the_owner_may_override(business, service, alice):
    booking = book(service, at(10))
    SessionFactory(business_profile=business, session_category=ServiceFactory(business_profile=business, name="Aqua fit"),
                   start_time_utc=at(14), end_time_utc=at(15))
    before = state(booking)
    with pytest.raises(SessionConflictError, match="Aqua fit 14:00–15:00"):
        move(booking, at(14, 30), by=alice)
    assert state(booking) == before

    moved = move(booking, at(14, 30), by=alice, allow_clash=True)
    assert moved.start_time_utc == at(14, 30)


def test_the_owner_never_overfills_a_session(service, alice):
    booking = book(service, at(10))
    book(service, at(14), client_email="dan@example.com", client_name="Dan")
    before = state(booking)
    with pytest.raises(SlotTakenError):
        move(booking, at(14), by=alice, allow_clash=True)
    assert state(booking) == before


def test_the_owner_cannot_move_into_the_past(service, alice):
    booking = book(service, at(10))
    with pytest.raises(OutsideBookingWindowError):
        move(booking, NOW - timedelta(minutes=1), by=alice)


def test_the_confirmation_email_states_the_change_policy(page, service):
    page.client_change_cutoff_hours = 12
    page.save()
    book(service, at(10))
    email = OutboxEmail.objects.get(kind=EmailKind.CONFIRMED)
    policy = "until 12 hours before the start; after that, please contact Alice's Aqua Studio."
    assert policy in " ".join(email.body_text.split()) and policy.replace("'", "&#x27;") in email.body_html
