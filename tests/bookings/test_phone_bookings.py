"""booking_create_by_owner: the owner books a client by phone (issue 18). Confirmed at once,
under the business lock, with warnings the owner confirms instead of refusals; the client is
emailed only when the owner asks, and the owner is not told of their own booking."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookingsite.bookings.exceptions import BookingError, ConfirmationNeededError, OnceKeyReusedError, SlotTakenError
from bookingsite.bookings.models import Booking, BookingStatusChange, Client, Session
from bookingsite.bookings.services import booking_create, booking_create_by_owner, session_create_by_owner
from bookingsite.notifications.models import EmailKind, Notification, OutboxEmail
from tests.factories import ClientFactory, ServiceFactory
from tests.owner.test_booking_pages import LONDON, at, open_every_day  # noqa: F401 (an autouse fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    return timezone.now().astimezone(LONDON).date() + timedelta(days=3)


def phone_book(service, start, alice, **fields) -> Booking:
    details = {"client_name": "Pat Phone", "client_email": "pat@example.com", "client_phone": "+447700900123"}
    return booking_create_by_owner(service=service, start_time_utc=start, by=alice, **(details | fields))


def test_books_a_free_time_confirmed_and_records_the_owner_made_it(alice, service, day):
    booking = phone_book(service, at(day, 10), alice, notes="Called at 9")

    assert booking.status == Booking.Status.CONFIRMED
    assert (booking.client_name, booking.client_email) == ("Pat Phone", "pat@example.com")
    assert booking.notes_from_client == "Called at 9"
    assert booking.client.phone == "+447700900123"
    first = BookingStatusChange.objects.get(booking=booking)
    assert (first.from_status, first.to_status, first.actor, first.changed_by) == ("", "confirmed", "owner", alice)
    session = Session.objects.get()
    assert booking.session == session
    assert list(session.attendees.all()) == [booking.client]


def test_tells_nobody_unless_asked(alice, service, day):
    phone_book(service, at(day, 10), alice)

    assert not OutboxEmail.objects.exists()
    assert not Notification.objects.exists()


def test_emails_the_client_a_confirmation_when_asked_and_still_not_the_owner(alice, service, day):
    booking = phone_book(service, at(day, 10), alice, email_client=True)

    email = OutboxEmail.objects.get()
    assert (email.kind, email.to_email, email.booking_id) == (EmailKind.CONFIRMED, "pat@example.com", booking.pk)
    assert email.ics  # a confirmed booking's email carries its calendar file
    assert not Notification.objects.exists()


def test_books_an_existing_client_with_their_own_details(alice, business, service, day):
    regular = ClientFactory(business_profile=business, name="Rita Regular", email="rita@example.com", phone="+447700900555")

    booking = booking_create_by_owner(service=service, start_time_utc=at(day, 10), client=regular, by=alice)

    assert booking.client == regular
    assert (booking.client_name, booking.client_email, booking.client_phone) == (
        "Rita Regular", "rita@example.com", "+447700900555",
    )
    assert Client.objects.count() == 1


def test_a_new_clients_email_that_is_known_books_that_client(alice, business, service, day):
    known = ClientFactory(business_profile=business, name="Kim Known", email="kim@example.com")

    booking = phone_book(service, at(day, 10), alice, client_name="Kim K", client_email="KIM@example.com")

    assert booking.client == known
    assert Client.objects.count() == 1


def test_a_time_outside_the_hours_asks_first_then_books(alice, service, day):
    with pytest.raises(ConfirmationNeededError) as asked:
        phone_book(service, at(day, 18), alice)
    assert asked.value.warnings == ["It is outside your working hours that day (09:00–17:00)."]
    assert not Booking.objects.exists()

    booking = phone_book(service, at(day, 18), alice, confirmed=True)
    assert booking.start_time_utc == at(day, 18)


def test_a_clash_with_another_session_asks_first_then_books_both(alice, business, service, day):
    other = ServiceFactory(business_profile=business, name="Other lesson", duration_minutes=60, capacity=1)
    booking_create(service=other, start_time_utc=at(day, 10), client_name="Ola", client_email="ola@example.com",
                   client_timezone="Europe/London")

    with pytest.raises(ConfirmationNeededError) as asked:
        phone_book(service, at(day, 10, 30), alice)
    assert len(asked.value.warnings) == 1
    assert asked.value.warnings[0].startswith("It clashes with Other lesson 10:00–11:00")

    phone_book(service, at(day, 10, 30), alice, confirmed=True)
    assert Booking.objects.count() == 2


def test_a_past_time_asks_first(alice, service):
    yesterday = timezone.now().astimezone(LONDON).date() - timedelta(days=1)

    with pytest.raises(ConfirmationNeededError) as asked:
        phone_book(service, at(yesterday, 10), alice)

    assert asked.value.warnings == ["It is in the past."]


def test_a_full_time_is_refused_even_when_confirmed(alice, service, day):
    phone_book(service, at(day, 10), alice)

    with pytest.raises(SlotTakenError):
        phone_book(service, at(day, 10), alice, client_email="second@example.com", confirmed=True)
    assert Booking.objects.count() == 1


def test_a_client_booking_taken_meanwhile_refuses_the_owners(alice, service, day):
    booking_create(service=service, start_time_utc=at(day, 10), client_name="Quick", client_email="quick@example.com",
                   client_timezone="Europe/London")

    with pytest.raises(SlotTakenError):
        phone_book(service, at(day, 10), alice)
    assert Booking.objects.count() == 1


def test_a_place_in_a_hand_added_session_after_hours_needs_no_hours_warning(alice, business, day):
    evening = ServiceFactory(business_profile=business, name="Evening class", duration_minutes=90, capacity=6)
    session = session_create_by_owner(service=evening, start_time_utc=at(day, 19))

    first = phone_book(evening, session.start_time_utc, alice)
    second = phone_book(evening, session.start_time_utc, alice, client_name="Sam Second", client_email="sam@example.com")

    assert first.session == second.session == session
    assert session.attendees.count() == 2
    assert Session.objects.count() == 1


def test_a_place_in_a_session_that_started_asks_first(alice, business):
    class_ = ServiceFactory(business_profile=business, name="Class", duration_minutes=60, capacity=6)
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=10)
    Session.objects.create(business_profile=business, session_category=class_, start_time_utc=start,
                           end_time_utc=start + timedelta(hours=1), created_by_owner=True)

    with pytest.raises(ConfirmationNeededError) as asked:
        phone_book(class_, start, alice)

    assert asked.value.warnings == ["It is in the past."]


def test_books_on_a_switched_off_page_that_asks_for_approval_and_a_private_service(alice, page, business, day):
    page.is_booking_page_active, page.requires_approval = False, True
    page.save()
    private = ServiceFactory(business_profile=business, is_publicly_bookable=False)

    booking = phone_book(private, at(day, 10), alice)

    assert booking.status == Booking.Status.CONFIRMED


def test_an_archived_service_is_refused(alice, service, day):
    service.is_archived = True
    service.save()

    with pytest.raises(BookingError, match="archived"):
        phone_book(service, at(day, 10), alice)
    assert not Booking.objects.exists()


def test_a_repeated_form_answers_with_the_booking_already_made(alice, business, service, day):
    group = ServiceFactory(business_profile=business, name="Group", capacity=4)
    first = phone_book(group, at(day, 10), alice, once_key="k" * 32)

    again = phone_book(group, at(day, 10), alice, once_key="k" * 32)

    assert again.pk == first.pk
    assert Booking.objects.count() == 1


def test_a_form_sent_again_for_someone_else_books_nothing(alice, business, day):
    group = ServiceFactory(business_profile=business, name="Group", capacity=4)
    phone_book(group, at(day, 10), alice, once_key="k" * 32)

    with pytest.raises(OnceKeyReusedError):
        phone_book(group, at(day, 10), alice, client_email="other@example.com", once_key="k" * 32)
    assert Booking.objects.count() == 1
