"""booking_create and booking_cancel_by_client: the rules of DESIGN.md 5, through the service only.

Every call passes `now`, so the clock is fixed: a Monday in January, when London is on UTC, so
a wall-clock time of the business is the same UTC time and the arithmetic below stays readable.
"""

import logging
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from bookingsite.bookings.exceptions import (
    BookingError,
    BookingPageClosedError,
    InvalidTransitionError,
    OnceKeyReusedError,
    OutsideBookingWindowError,
    SlotNotOfferedError,
    SlotTakenError,
)
from bookingsite.bookings.models import Booking, BookingStatusChange, Client, Session
from bookingsite.bookings.selectors.availability import availability_days
from bookingsite.bookings.services import booking_cancel_by_client, booking_create, session_create_by_owner
from bookingsite.businesses.models import SessionCategory
from tests.factories import ClientFactory, ServiceFactory, SessionFactory, WorkingHoursFactory

pytestmark = pytest.mark.django_db

Status = Booking.Status
NOW = datetime(2031, 1, 13, 8, 0, tzinfo=UTC)  # Monday 08:00 in London (GMT)
DAY = NOW.date() + timedelta(days=3)  # Thursday, well inside the 60-day horizon
EVENTS = "bookingsite.bookings.events"


def at(hour: int, minute: int = 0, day=DAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


@pytest.fixture(autouse=True)
def open_every_day(business, page):
    """09:00-17:00 every weekday; the page fixture has no minimum notice and a 60-day horizon."""
    for weekday in range(7):
        WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(9), end_time=time(17))


@pytest.fixture
def group(business):
    return ServiceFactory(business_profile=business, name="Group swim", duration_minutes=60, capacity=3)


def book(service: SessionCategory, start: datetime, *, now: datetime = NOW, **fields) -> Booking:
    arguments = {
        "client_name": "Cara Client",
        "client_email": "cara@example.com",
        "client_phone": "",
        "notes": "",
        "client_timezone": "Europe/London",
    } | fields
    return booking_create(service=service, start_time_utc=start, now=now, **arguments)


def cancel(booking: Booking, *, now: datetime = NOW, **fields) -> Booking:
    return booking_cancel_by_client(booking=booking, now=now, **fields)


def row_counts() -> dict[str, int]:
    return {
        "bookings": Booking.objects.count(),
        "clients": Client.objects.count(),
        "sessions": Session.objects.count(),
        "attendees": Session.attendees.through.objects.count(),
        "status_changes": BookingStatusChange.objects.count(),
    }


def history(booking: Booking) -> list[tuple[str, str, str]]:
    return list(booking.status_changes.values_list("from_status", "to_status", "actor"))


def event_lines(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == EVENTS]


# --- Creating a confirmed booking ------------------------------------------------------------


def test_confirmed_booking_creates_its_session_with_the_client_attending(business, service):
    assert not Session.objects.exists()

    booking = book(service, at(10))

    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED
    assert booking.pending_request_expires_at is None
    session = Session.objects.get()
    assert booking.session == session
    assert (session.business_profile_id, session.session_category_id) == (business.pk, service.pk)
    assert (session.start_time_utc, session.end_time_utc) == (at(10), at(11))
    assert not session.created_by_owner
    assert list(session.attendees.all()) == [booking.client]
    assert history(booking) == [("", Status.CONFIRMED, BookingStatusChange.Actor.CLIENT)]


def test_confirmed_booking_joins_a_session_already_on_the_calendar(business, service):
    existing = SessionFactory(business_profile=business, session_category=service, start_time_utc=at(10),
                              end_time_utc=at(11), created_by_owner=True)

    booking = book(service, at(10))

    assert booking.session == existing
    assert Session.objects.count() == 1
    assert list(existing.attendees.all()) == [booking.client]


def test_second_booking_of_a_group_joins_the_same_session(group):
    first = book(group, at(10), client_email="cara@example.com")
    second = book(group, at(10), client_name="Dan Diver", client_email="dan@example.com")

    assert first.session_id == second.session_id is not None
    assert Session.objects.count() == 1
    assert set(Session.objects.get().attendees.all()) == {first.client, second.client}
    assert first.client != second.client


def test_booking_takes_the_slot_start_and_end(business, page):
    lesson = ServiceFactory(business_profile=business, duration_minutes=45)  # grid 09:00, 09:45, 10:30...
    start_in_tokyo = at(9, 45).astimezone(ZoneInfo("Asia/Tokyo"))  # the same instant, another zone

    booking = book(lesson, start_in_tokyo, client_timezone="Asia/Tokyo")

    booking.refresh_from_db()
    assert booking.start_time_utc == at(9, 45)
    assert booking.end_time_utc == at(10, 30) == booking.start_time_utc + timedelta(minutes=45)
    assert booking.booked_in_client_timezone == "Asia/Tokyo"
    assert (booking.session.start_time_utc, booking.session.end_time_utc) == (at(9, 45), at(10, 30))


def test_booking_records_what_the_client_gave(business, service):
    booking = book(service, at(10), client_name="Cara Client", client_email="Cara@Example.com",
                   client_phone="+447700900123", notes="First lesson, a bit nervous")

    booking.refresh_from_db()
    assert (booking.client_name, booking.client_email, booking.client_phone) == (
        "Cara Client", "Cara@Example.com", "+447700900123")
    assert booking.notes_from_client == "First lesson, a bit nervous"
    assert booking.business_profile == business
    assert booking.flowkey_user == business.owner


# --- Approval --------------------------------------------------------------------------------


@pytest.fixture
def approval(page):
    page.requires_approval = True
    page.pending_booking_expiry_hours = 6
    page.save()
    return page


def test_with_approval_the_booking_waits_without_a_session(approval, service):
    booking = book(service, at(10))

    booking.refresh_from_db()
    assert booking.status == Status.PENDING_APPROVAL
    assert booking.pending_request_expires_at == NOW + timedelta(hours=6)
    assert booking.session is None
    assert not Session.objects.exists()
    assert history(booking) == [("", Status.PENDING_APPROVAL, BookingStatusChange.Actor.CLIENT)]


def test_pending_request_holds_the_place_until_it_expires(approval, service):
    pending = book(service, at(10))
    expiry = pending.pending_request_expires_at

    with pytest.raises(SlotTakenError):
        book(service, at(10), now=expiry - timedelta(minutes=1), client_email="dan@example.com")
    assert Booking.objects.count() == 1

    later = book(service, at(10), now=expiry + timedelta(minutes=1), client_email="dan@example.com")

    assert later.status == Status.PENDING_APPROVAL
    assert later.pk != pending.pk
    assert Booking.objects.filter(start_time_utc=at(10)).count() == 2


# --- Client matching -------------------------------------------------------------------------


def test_same_email_in_another_case_reuses_the_client(business, service):
    cara = ClientFactory(business_profile=business, name="Cara", email="Cara@Example.COM")

    booking = book(service, at(10), client_email="cara@example.com")

    assert booking.client == cara
    assert Client.objects.count() == 1


def test_same_phone_and_name_with_another_email_reuses_the_client(business, service):
    cara = ClientFactory(business_profile=business, name="Cara Client", email="cara@old-job.example", phone="+447700900123")

    booking = book(service, at(10), client_name="Cara Client", client_email="cara@new-job.example",
                   client_phone="+447700900123")

    assert booking.client == cara
    assert Client.objects.count() == 1
    cara.refresh_from_db()
    assert cara.email == "cara@old-job.example"  # the booking has the new one; the client keeps theirs


@pytest.mark.parametrize(
    ("saved", "typed"),
    [("José García", "jose garcia"), ("jose garcia", "JOSÉ GARCÍA"), ("Zoë  Brontë", " zoe bronte "),
     ("Ångström Øy", "angstrom Øy")],
)
def test_the_name_matches_in_any_case_with_or_without_accents(business, service, saved, typed):
    known = ClientFactory(business_profile=business, name=saved, email="first@example.com", phone="+447700900123")

    booking = book(service, at(10), client_name=typed, client_email="second@example.com", client_phone="+447700900123")

    assert booking.client == known
    assert Client.objects.count() == 1


def test_a_family_sharing_one_phone_stays_separate_people(business, service, group):
    mum = book(group, at(10), client_name="Maria Lopez", client_email="maria@example.com", client_phone="+447700900123")
    son = book(group, at(10), client_name="Pablo Lopez", client_email="pablo@example.com", client_phone="+447700900123",
               once_key="son")

    assert mum.client != son.client
    assert [(c.name, c.phone) for c in Client.objects.order_by("pk")] == [
        ("Maria Lopez", "+447700900123"), ("Pablo Lopez", "+447700900123")]
    assert set(mum.session.attendees.all()) == {mum.client, son.client}


def test_a_shared_phone_finds_the_family_member_by_name(business, service):
    ClientFactory(business_profile=business, name="Maria Lopez", email="maria@example.com", phone="+447700900123")
    pablo = ClientFactory(business_profile=business, name="Pablo Lopez", email="pablo@example.com", phone="+447700900123")

    booking = book(service, at(10), client_name="pablo lópez", client_email="pablo.new@example.com",
                   client_phone="+447700900123")

    assert booking.client == pablo
    assert Client.objects.count() == 2


def test_the_same_name_with_another_phone_and_email_is_a_new_client(business, service):
    ClientFactory(business_profile=business, name="Cara Client", email="cara@example.com", phone="+447700900123")

    booking = book(service, at(10), client_name="Cara Client", client_email="other.cara@example.com",
                   client_phone="+447700900999")

    assert booking.client.email == "other.cara@example.com"
    assert Client.objects.count() == 2


def test_the_email_wins_over_a_phone_and_name_that_match_someone_else(business, service):
    cara = ClientFactory(business_profile=business, name="Cara Client", email="cara@example.com", phone="")
    ClientFactory(business_profile=business, name="Dan Diver", email="dan@example.com", phone="+447700900123")

    booking = book(service, at(10), client_name="Dan Diver", client_email="CARA@example.com", client_phone="+447700900123")

    assert booking.client == cara
    assert Client.objects.count() == 2


def test_a_client_of_another_business_is_not_reused(business, other_business, service):
    theirs = ClientFactory(business_profile=other_business, email="cara@example.com", phone="+447700900123")

    booking = book(service, at(10), client_email="cara@example.com", client_phone="+447700900123")

    assert booking.client != theirs
    assert booking.client.business_profile == business
    assert Client.objects.filter(business_profile=other_business).get() == theirs


def test_an_unknown_client_is_created(business, service):
    ClientFactory(business_profile=business, email="someone@example.com", phone="+447700900999")

    booking = book(service, at(10), client_name="Cara Client", client_email="cara@example.com",
                   client_phone="+447700900123")

    client = Client.objects.get(pk=booking.client_id)
    assert (client.business_profile, client.name, client.email, client.phone) == (
        business, "Cara Client", "cara@example.com", "+447700900123")
    assert Client.objects.count() == 2


def test_a_matched_client_without_phone_gets_the_phone(business, service):
    cara = ClientFactory(business_profile=business, email="cara@example.com", phone="")

    book(service, at(10), client_email="cara@example.com", client_phone="+447700900123")

    cara.refresh_from_db()
    assert cara.phone == "+447700900123"


# --- Refusals: the right error, and nothing written ------------------------------------------


def assert_refused(error: type[Exception], service: SessionCategory, start: datetime, **kwargs) -> Exception:
    before = row_counts()
    with pytest.raises(error) as caught:
        book(service, start, **kwargs)
    assert row_counts() == before
    return caught.value


def test_refuses_a_start_off_the_grid(service):
    assert_refused(SlotNotOfferedError, service, at(10) + timedelta(minutes=7))


def test_refuses_a_start_outside_working_hours(service):
    assert_refused(SlotNotOfferedError, service, at(17))  # 17:00-18:00 ends after the block


def test_refuses_a_past_slot(service):
    assert_refused(OutsideBookingWindowError, service, at(10), now=at(10) + timedelta(minutes=1))


def test_refuses_a_slot_inside_the_minimum_notice(page, service):
    page.minimum_notice_minutes = 120
    page.save()

    assert_refused(OutsideBookingWindowError, service, at(10), now=at(9))
    assert book(service, at(11), now=at(9)).status == Status.CONFIRMED  # exactly the notice away is fine


def test_refuses_a_slot_beyond_the_horizon(page, service):
    page.booking_horizon_days = 2
    page.save()

    assert_refused(OutsideBookingWindowError, service, at(10))  # three days ahead
    assert book(service, at(10, day=NOW.date() + timedelta(days=1))).status == Status.CONFIRMED


def test_refuses_when_the_page_is_inactive(page, service):
    page.is_booking_page_active = False
    page.save()

    assert_refused(BookingPageClosedError, service, at(10))


@pytest.mark.parametrize(
    "change", [{"is_archived": True}, {"is_publicly_bookable": False}], ids=["archived", "not public"]
)
def test_refuses_a_service_no_longer_bookable(service, change):
    # The caller's object is stale on purpose: the service re-reads it under the lock.
    SessionCategory.objects.filter(pk=service.pk).update(**change)

    error = assert_refused(BookingError, service, at(10))

    assert "can no longer be booked online" in str(error.message)


def test_refuses_a_taken_slot(service):
    book(service, at(10))

    assert_refused(SlotTakenError, service, at(10), client_email="dan@example.com")


def test_refuses_a_slot_blocked_by_another_services_session(business, service):
    other = ServiceFactory(business_profile=business, duration_minutes=30)
    SessionFactory(business_profile=business, session_category=other, start_time_utc=at(10, 30), end_time_utc=at(11))

    assert_refused(SlotTakenError, service, at(10))


def test_refuses_a_full_group(group):
    for n in range(3):
        book(group, at(10), client_email=f"swimmer{n}@example.com")

    assert_refused(SlotTakenError, group, at(10), client_email="late@example.com")


def test_refuses_an_invalid_email(service):
    # The model's full_clean() catches it; the client row made just before is rolled back too.
    error = assert_refused(ValidationError, service, at(10), client_email="not-an-email")

    assert list(error.message_dict) == ["client_email"]


@pytest.mark.parametrize(
    ("argument", "value", "field"),
    [
        ("client_name", "N" * 121, "client_name"),
        ("notes", "n" * 1001, "notes_from_client"),
        ("client_phone", "+" + "4" * 20, "client_phone"),
    ],
    ids=["name", "notes", "phone"],
)
def test_refuses_oversize_fields(service, argument, value, field):
    error = assert_refused(ValidationError, service, at(10), **{argument: value})

    assert field in error.message_dict


# --- Repeated submissions --------------------------------------------------------------------


def test_a_repeated_once_key_answers_with_the_first_booking(service):
    first = book(service, at(10), once_key="form-key-1")
    before = row_counts()

    # A double click re-sends the same form; the slot is now taken by the first booking itself.
    again = book(service, at(10), once_key="form-key-1")

    assert again.pk == first.pk
    assert row_counts() == before
    assert Booking.objects.filter(once_key="form-key-1").count() == 1


def test_a_repeated_once_key_matches_the_email_in_any_case(service):
    first = book(service, at(10), once_key="form-key-1", client_email="cara@example.com")

    assert book(service, at(10), once_key="form-key-1", client_email="Cara@Example.com").pk == first.pk


@pytest.mark.parametrize(
    "changes",
    [
        {"client_name": "Eve Other"},
        {"client_email": "eve@example.com"},
        {"client_phone": "+447700900123"},
        {"notes": "Please change my booking"},
    ],
    ids=["name", "email", "phone", "notes"],
)
def test_a_once_key_with_other_details_is_refused_and_changes_nothing(group, changes):
    first = book(group, at(10), once_key="form-key-1")

    error = assert_refused(OnceKeyReusedError, group, at(10), once_key="form-key-1", **changes)

    assert "nothing was booked" in str(error.message)
    first.refresh_from_db()
    assert (first.client_name, first.client_email, first.client_phone, first.notes_from_client) == (
        "Cara Client", "cara@example.com", "", ""
    )


def test_a_once_key_for_another_time_is_refused(group):
    book(group, at(10), once_key="form-key-1")

    assert_refused(OnceKeyReusedError, group, at(11), once_key="form-key-1")


def test_different_once_keys_make_different_bookings(group):
    first = book(group, at(10), once_key="form-key-1")
    second = book(group, at(10), once_key="form-key-2", client_email="dan@example.com")

    assert first.pk != second.pk
    assert Booking.objects.count() == 2


# --- Cancelling by the client ----------------------------------------------------------------


def test_client_cancel_frees_the_place_at_once(service):
    booking = book(service, at(10))
    session_id = booking.session_id

    cancelled = cancel(booking, reason="Caught a cold")

    cancelled.refresh_from_db()
    assert cancelled.status == Status.CANCELLED_BY_CLIENT
    assert cancelled.cancellation_reason == "Caught a cold"
    assert history(cancelled) == [
        ("", Status.CONFIRMED, BookingStatusChange.Actor.CLIENT),
        (Status.CONFIRMED, Status.CANCELLED_BY_CLIENT, BookingStatusChange.Actor.CLIENT),
    ]
    assert cancelled.status_changes.last().note == "Caught a cold"
    # The empty session went (it was not made by the owner), and the slot is bookable again.
    assert cancelled.session is None
    assert not Session.objects.filter(pk=session_id).exists()
    again = book(service, at(10), client_name="Dan Diver", client_email="dan@example.com")
    assert again.status == Status.CONFIRMED
    assert list(again.session.attendees.all()) == [again.client]


def test_leaving_a_group_keeps_the_session_for_the_others(group):
    leaving = book(group, at(10), client_email="cara@example.com")
    staying = book(group, at(10), client_email="dan@example.com")
    session = Session.objects.get()

    cancel(leaving)

    assert Session.objects.filter(pk=session.pk).exists()
    assert list(session.attendees.all()) == [staying.client]
    assert Booking.objects.get(pk=staying.pk).status == Status.CONFIRMED


def test_cancel_keeps_a_session_the_owner_made(business, service):
    owners = SessionFactory(business_profile=business, session_category=service, start_time_utc=at(10),
                            end_time_utc=at(11), created_by_owner=True)
    booking = book(service, at(10))

    cancel(booking)

    assert Session.objects.filter(pk=owners.pk).exists()
    assert not owners.attendees.exists()
    assert book(service, at(10), client_email="dan@example.com").session == owners


def test_cancelling_a_pending_request_frees_its_place(approval, service):
    pending = book(service, at(10))

    cancel(pending)

    assert Booking.objects.get(pk=pending.pk).status == Status.CANCELLED_BY_CLIENT
    assert book(service, at(10), client_email="dan@example.com").status == Status.PENDING_APPROVAL


def test_cancelling_twice_is_refused_and_changes_nothing(service):
    booking = book(service, at(10))  # this object stays "confirmed" in memory
    cancel(booking)
    before = row_counts()
    stored_before = Booking.objects.filter(pk=booking.pk).values().get()

    with pytest.raises(InvalidTransitionError):
        cancel(booking, reason="again")

    assert row_counts() == before
    assert Booking.objects.filter(pk=booking.pk).values().get() == stored_before


def test_a_booking_that_has_started_cannot_be_cancelled(service):
    booking = book(service, at(10))
    before = row_counts()

    with pytest.raises(BookingError) as caught:
        cancel(booking, now=at(10))

    assert "already started" in str(caught.value.message)
    assert row_counts() == before
    assert Booking.objects.get(pk=booking.pk).status == Status.CONFIRMED


# --- Events ----------------------------------------------------------------------------------


def test_created_and_cancelled_are_logged_after_commit(caplog, django_capture_on_commit_callbacks, business, service):
    caplog.set_level(logging.INFO, logger=EVENTS)

    with django_capture_on_commit_callbacks(execute=True):
        booking = book(service, at(10))
    with django_capture_on_commit_callbacks(execute=True):
        cancel(booking)

    created, cancelled = event_lines(caplog)
    assert created.startswith(f"booking.created booking_id={booking.pk} ")
    assert f"business_id={business.pk} service_id={service.pk} client_id={booking.client_id} " in created
    assert "status=confirmed " in created
    assert created.endswith(" actor=client")
    assert cancelled.startswith(f"booking.cancelled booking_id={booking.pk} ")
    assert "status=cancelled_by_client " in cancelled


def test_nothing_is_logged_before_commit_or_for_a_refusal(caplog, django_capture_on_commit_callbacks, service):
    caplog.set_level(logging.INFO, logger=EVENTS)
    book(service, at(10))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(SlotTakenError):
            book(service, at(10), client_email="dan@example.com")

    assert callbacks == []
    assert event_lines(caplog) == []  # the successful booking's callback never ran: no commit yet


def test_a_client_books_a_place_in_a_session_the_owner_added_off_the_grid(group, page):
    # The grid gives 09:00, 10:00, 11:00…; the owner added the class at 10:20, and one at 18:30, after hours.
    for start in (at(10, 20), at(18, 30)):
        session_create_by_owner(service=group, start_time_utc=start, now=NOW)

    first = book(group, at(10, 20))
    evening = book(group, at(18, 30), client_email="dan@example.com")

    assert first.session.start_time_utc == at(10, 20) and first.session.created_by_owner
    assert evening.session.start_time_utc == at(18, 30)
    assert Session.objects.filter(session_category=group).count() == 2  # joined, none made
    [day] = availability_days(page=page, service=group, client_timezone="Europe/London", start_date=DAY, end_date=DAY, now=NOW)
    offered = {slot.start_utc: slot.remaining for slot in day.slots}
    assert offered[at(10, 20)] == 2 and offered[at(18, 30)] == 2
    assert at(10) not in offered and at(11) not in offered  # the class's neighbours on the grid
    with pytest.raises(SlotNotOfferedError):
        book(group, at(10, 21), client_email="eve@example.com")  # a minute off is no session
