"""The database rules of bookings and sessions: whatever writes a row, these hold."""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from bookingsite.bookings.models import Booking, BookingStatusChange, Session
from tests.factories import BookingFactory, BookingStatusChangeFactory, ClientFactory, ServiceFactory, SessionFactory

pytestmark = pytest.mark.django_db

Status = Booking.Status
START = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=3)


def assert_database_refuses(model: type[models.Model], write: Callable[[], object]) -> None:
    """`write` bypasses validation; the database must refuse it and keep no row."""
    before = model.objects.count()
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            write()
    assert model.objects.count() == before


def booking(business, service, **fields) -> Booking:
    return BookingFactory(business_profile=business, session_category=service, **fields)


# --- Booking -------------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [0, -30], ids=["same instant", "backwards"])
def test_booking_must_end_after_it_starts(business, service, minutes):
    assert_database_refuses(
        Booking, lambda: booking(business, service, start_time_utc=START, end_time_utc=START + timedelta(minutes=minutes))
    )


def test_booking_ending_before_start_fails_validation(business, service):
    client = ClientFactory(business_profile=business)
    backwards = BookingFactory.build(
        business_profile=business, session_category=service, client=client, start_time_utc=START, end_time_utc=START
    )

    with pytest.raises(ValidationError) as caught:
        backwards.full_clean()

    assert "Constraint “booking_ends_after_start” is violated." in caught.value.message_dict["__all__"]


def test_pending_booking_needs_an_expiry(business, service):
    assert_database_refuses(
        Booking, lambda: booking(business, service, status=Status.PENDING_APPROVAL, pending_request_expires_at=None)
    )


def test_pending_booking_with_expiry_is_stored(business, service):
    pending = booking(business, service, status=Status.PENDING_APPROVAL)

    assert Booking.objects.get(pk=pending.pk).pending_request_expires_at is not None


@pytest.mark.parametrize("status", [Status.CONFIRMED, Status.REJECTED, Status.EXPIRED_PENDING, Status.CANCELLED_BY_CLIENT])
def test_other_statuses_need_no_expiry(business, service, status):
    stored = booking(business, service, status=status, pending_request_expires_at=None)

    assert Booking.objects.get(pk=stored.pk).status == status


def test_once_key_is_unique(business, service):
    booking(business, service, once_key="form-7f3a")

    assert_database_refuses(Booking, lambda: booking(business, service, once_key="form-7f3a"))


def test_many_bookings_may_have_no_once_key(business, service):
    booking(business, service, once_key=None)
    booking(business, service, once_key=None)

    assert Booking.objects.filter(once_key__isnull=True).count() == 2


def test_manage_token_is_generated_long_and_url_safe(business, service):
    made = booking(business, service)

    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", made.manage_token)  # 32 random bytes
    assert Booking.objects.get(pk=made.pk).manage_token == made.manage_token


def test_manage_tokens_differ_between_bookings(business, service):
    tokens = {booking(business, service).manage_token for _ in range(25)}

    assert len(tokens) == 25


def test_manage_token_is_unique_in_the_database(business, service):
    first = booking(business, service)

    assert_database_refuses(Booking, lambda: booking(business, service, manage_token=first.manage_token))


def test_booking_id_is_a_random_uuid(business, service):
    first, second = booking(business, service), booking(business, service)

    assert first.pk.version == 4
    assert first.pk != second.pk


def test_only_confirmed_and_pending_hold_a_place(business, service):
    now = START - timedelta(days=1)
    expires = now + timedelta(hours=1)
    holding = {
        status for status in Status.values if Booking(status=status, pending_request_expires_at=expires).holds_place_at(now)
    }

    assert holding == {Status.CONFIRMED, Status.PENDING_APPROVAL}


def test_a_pending_request_holds_nothing_from_its_expiry_on(business, service):
    expires = START - timedelta(days=1)
    request = Booking(status=Status.PENDING_APPROVAL, pending_request_expires_at=expires)

    assert request.holds_place_at(expires - timedelta(microseconds=1))
    assert not request.holds_place_at(expires)


def test_the_holding_query_agrees_with_holds_place_at(business, service):
    now = START - timedelta(days=1)
    pending = Status.PENDING_APPROVAL
    rows = [
        booking(business, service, status=status, pending_request_expires_at=now + offset if status == pending else None)
        for status in Status.values
        for offset in (timedelta(hours=-1), timedelta(hours=1))
    ]

    held = set(Booking.objects.filter(pk__in=[row.pk for row in rows]).holding_at(now).values_list("pk", flat=True))
    assert held == {row.pk for row in rows if row.holds_place_at(now)}
    assert len(held) == 3  # both confirmed rows and the pending one not yet expired


def test_a_pending_request_either_holds_its_place_or_has_lapsed(business, service):
    now = START - timedelta(days=1)
    pending_status = Status.PENDING_APPROVAL
    rows = [
        booking(business, service, status=status, pending_request_expires_at=now + offset if status == pending_status else None)
        for status in Status.values
        for offset in (timedelta(hours=-1), timedelta(0), timedelta(hours=1))
    ]
    pending = {row.pk for row in rows if row.status == Status.PENDING_APPROVAL}

    held = set(Booking.objects.holding_at(now).filter(status=Status.PENDING_APPROVAL).values_list("pk", flat=True))
    lapsed = set(Booking.objects.lapsed_at(now).values_list("pk", flat=True))
    assert held | lapsed == pending and not held & lapsed
    assert lapsed == {row.pk for row in rows if row.status == Status.PENDING_APPROVAL and not row.holds_place_at(now)}
    assert len(lapsed) == 2  # expired an hour ago, and expiring right now


# --- Session -------------------------------------------------------------------------------


def test_one_session_per_business_service_and_times(business, service):
    end = START + timedelta(hours=1)
    SessionFactory(business_profile=business, session_category=service, start_time_utc=START, end_time_utc=end)

    assert_database_refuses(
        Session,
        lambda: SessionFactory(business_profile=business, session_category=service, start_time_utc=START, end_time_utc=end),
    )


def test_sessions_differing_in_service_or_end_are_separate(business, service):
    other_service = ServiceFactory(business_profile=business)
    end = START + timedelta(hours=1)
    SessionFactory(business_profile=business, session_category=service, start_time_utc=START, end_time_utc=end)

    SessionFactory(business_profile=business, session_category=other_service, start_time_utc=START, end_time_utc=end)
    longer = end + timedelta(minutes=30)
    SessionFactory(business_profile=business, session_category=service, start_time_utc=START, end_time_utc=longer)

    assert Session.objects.filter(start_time_utc=START).count() == 3


@pytest.mark.parametrize("minutes", [0, -60], ids=["same instant", "backwards"])
def test_session_must_end_after_it_starts(business, service, minutes):
    end = START + timedelta(minutes=minutes)

    assert_database_refuses(
        Session,
        lambda: SessionFactory(business_profile=business, session_category=service, start_time_utc=START, end_time_utc=end),
    )


def test_session_keeps_its_attendees(business, service):
    session = SessionFactory(business_profile=business, session_category=service)
    clients = ClientFactory.create_batch(3, business_profile=business)

    session.attendees.add(*clients)

    assert set(session.attendees.all()) == set(clients)


# --- status history ------------------------------------------------------------------------


def test_status_history_reads_oldest_first(business, service):
    made = booking(business, service, status=Status.PENDING_APPROVAL)
    created = BookingStatusChangeFactory(booking=made, from_status="", to_status=Status.PENDING_APPROVAL)
    approved = BookingStatusChangeFactory(
        booking=made, from_status=Status.PENDING_APPROVAL, to_status=Status.CONFIRMED, actor=BookingStatusChange.Actor.OWNER
    )
    cancelled = BookingStatusChangeFactory(booking=made, from_status=Status.CONFIRMED, to_status=Status.CANCELLED_BY_CLIENT)
    # Written out of order: the oldest change was stored last.
    base = timezone.now()
    BookingStatusChange.objects.filter(pk=created.pk).update(changed_at=base - timedelta(hours=2))
    BookingStatusChange.objects.filter(pk=approved.pk).update(changed_at=base - timedelta(hours=1))
    BookingStatusChange.objects.filter(pk=cancelled.pk).update(changed_at=base - timedelta(hours=3))

    history = [(change.from_status, change.to_status) for change in made.status_changes.all()]

    assert history == [
        (Status.CONFIRMED, Status.CANCELLED_BY_CLIENT),
        ("", Status.PENDING_APPROVAL),
        (Status.PENDING_APPROVAL, Status.CONFIRMED),
    ]


def test_status_changes_at_the_same_instant_keep_the_order_they_were_written(business, service):
    made = booking(business, service)
    changes = [
        BookingStatusChangeFactory(booking=made, from_status="", to_status=Status.CONFIRMED),
        BookingStatusChangeFactory(booking=made, from_status=Status.CONFIRMED, to_status=Status.COMPLETED),
    ]
    BookingStatusChange.objects.filter(booking=made).update(changed_at=timezone.now())

    assert list(made.status_changes.all()) == changes


def test_status_history_goes_with_its_booking(business, service):
    made = booking(business, service)
    BookingStatusChangeFactory(booking=made)

    made.delete()

    assert not BookingStatusChange.objects.exists()
