"""The owner's phone booking page (/app/bookings/new/): pick or add the client, then a free time,
any time (a warning to confirm first), or a place in a session; plain forms, every step a page.
Times are the business's (Europe/London)."""

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from bookingsite.bookings.models import Booking, Session
from bookingsite.bookings.services import session_create_by_owner
from bookingsite.notifications.models import EmailKind, OutboxEmail
from tests.factories import ClientFactory, ServiceFactory

from .test_booking_pages import LONDON, at, book, messages_of, open_every_day  # noqa: F401 (an autouse fixture)

pytestmark = pytest.mark.django_db

URL = "/app/bookings/new/"
NEW_CLIENT = {"client_name": "Pat  Phone", "client_email": "pat@example.com", "client_phone": "+44 7911 123456"}


@pytest.fixture
def owner(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def day():
    return timezone.now().astimezone(LONDON).date() + timedelta(days=3)


def instant(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def post(owner, service, day, **fields):
    data = {"service": service.pk, "date": day.isoformat(), "once_key": "", **NEW_CLIENT, **fields}
    return owner.post(URL, data)


def test_the_page_offers_the_days_free_times_as_the_booking_page_does(owner, service, day):
    response = owner.get(URL, {"service": service.pk, "date": day.isoformat()})

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "owner/phone_booking.html"
    listed = re.findall(r'name="start" value="([^"]+)"', response.content.decode())
    assert listed == [instant(at(day, hour)) for hour in range(9, 17)]


def test_a_free_time_books_a_new_client_confirmed(owner, service, day):
    response = post(owner, service, day, start=instant(at(day, 10)), notes="Knee injury")

    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/app/bookings/{booking.pk}/"
    assert (booking.status, booking.start_time_utc) == (Booking.Status.CONFIRMED, at(day, 10))
    assert (booking.client_name, booking.client_phone, booking.notes_from_client) == ("Pat Phone", "+447911123456", "Knee injury")
    assert messages_of(response) == [f"Booked Private lesson for Pat Phone on {at(day, 10).astimezone(LONDON):%a} "
                                     f"{day.day} {day:%b} at 10:00."]
    assert not OutboxEmail.objects.exists()


def test_the_ticked_box_emails_the_client(owner, service, day):
    response = post(owner, service, day, start=instant(at(day, 10)), email_client="on")

    assert response.status_code == 302
    assert list(OutboxEmail.objects.values_list("kind", "to_email")) == [(EmailKind.CONFIRMED, "pat@example.com")]
    assert "We’ve emailed them a confirmation." in messages_of(response)[0]


def test_the_new_client_is_checked_as_on_the_booking_page(owner, service, day):
    response = post(owner, service, day, start=instant(at(day, 10)), client_phone="12", client_email="not-an-email")

    assert response.status_code == 400
    assert not Booking.objects.exists()
    body = response.content.decode()
    assert "Enter a valid phone number" in body
    assert "Enter a valid email address." in body
    assert 'value="Pat  Phone"' in body  # what the owner typed stays


def test_a_chosen_client_is_booked_with_their_details(owner, business, service, day):
    regular = ClientFactory(business_profile=business, name="Rita Regular", email="rita@example.com")

    page = owner.get(URL, {"client": regular.pk})
    assert "Rita Regular" in page.content.decode()
    assert 'name="client_name"' not in page.content.decode()
    response = owner.post(URL, {"client": regular.pk, "service": service.pk, "date": day.isoformat(),
                                "start": instant(at(day, 11))})

    assert response.status_code == 302
    assert Booking.objects.get().client == regular


def test_the_client_search_finds_the_businesss_clients_by_name_email_or_phone(owner, business, other_business):
    ClientFactory(business_profile=business, name="Rita Regular", email="rita@example.com", phone="+447700900555")
    ClientFactory(business_profile=other_business, name="Rita Elsewhere", email="rita@elsewhere.example")

    for text in ("rita", "RITA@example", "900555"):
        body = owner.get(URL, {"q": text}).content.decode()
        assert "Rita Regular" in body
        assert "Rita Elsewhere" not in body
    assert "No client matches" in owner.get(URL, {"q": "nobody"}).content.decode()


def test_a_time_taken_meanwhile_answers_409_and_keeps_what_was_typed(owner, service, day):
    book(service, at(day, 10))

    response = post(owner, service, day, start=instant(at(day, 10)), notes="Call back")

    assert response.status_code == 409
    body = response.content.decode()
    assert "this time was just taken" in body
    assert 'value="Pat  Phone"' in body and "Call back" in body
    assert Booking.objects.count() == 1


def test_any_time_outside_the_hours_is_booked_once_the_owner_confirms(owner, service, day):
    response = post(owner, service, day, action="any", start_time="18:30")

    assert response.status_code == 409
    body = response.content.decode()
    assert "It is outside your working hours that day (09:00–17:00)." in body
    assert f'name="confirm" value="{instant(at(day, 18, 30))}"' in body
    assert not Booking.objects.exists()

    confirmed = post(owner, service, day, confirm=instant(at(day, 18, 30)))
    assert confirmed.status_code == 302
    assert Booking.objects.get().start_time_utc == at(day, 18, 30)


def test_any_time_inside_the_hours_is_booked_at_once(owner, service, day):
    response = post(owner, service, day, action="any", start_time="10:15")

    assert response.status_code == 302
    assert Booking.objects.get().start_time_utc == at(day, 10, 15)


def test_any_time_needs_a_time(owner, service, day):
    response = post(owner, service, day, action="any", start_time="")

    assert response.status_code == 400
    assert "Give the time the booking starts." in response.content.decode()
    assert not Booking.objects.exists()


def test_a_time_the_clocks_skip_is_explained(owner, service):
    response = post(owner, service, datetime(2027, 3, 28).date(), action="any", start_time="01:30")

    assert response.status_code == 400
    assert "01:30 does not exist on Sun 28 Mar: the clocks go forward then." in response.content.decode()
    assert not Booking.objects.exists()


def test_a_time_that_happens_twice_asks_which_one(owner, service):
    autumn = datetime(2027, 10, 31).date()
    response = post(owner, service, autumn, action="any", start_time="01:30")

    assert response.status_code == 400
    body = response.content.decode()
    assert "Which one?" in body and "01:30 BST (UTC+1)" in body and "01:30 GMT (UTC+0)" in body
    assert not Booking.objects.exists()

    answered = post(owner, service, autumn, action="any", start_time="01:30", occurrence="second")
    assert answered.status_code == 409  # outside the hours: the owner still confirms
    assert 'name="confirm" value="2027-10-31T01:30:00Z"' in answered.content.decode()


def test_a_past_time_warns(owner, service):
    yesterday = timezone.now().astimezone(LONDON).date() - timedelta(days=1)

    response = post(owner, service, yesterday, action="any", start_time="10:00")

    assert response.status_code == 409
    assert "It is in the past." in response.content.decode()
    assert not Booking.objects.exists()


def test_show_free_times_changes_the_day_and_books_nothing(owner, service, day):
    later = day + timedelta(days=1)

    response = post(owner, service, later, action="show")

    assert response.status_code == 200
    assert instant(at(later, 9)) in response.content.decode()
    assert 'value="Pat  Phone"' in response.content.decode()
    assert not Booking.objects.exists()


def test_a_client_is_added_to_a_hand_added_session(owner, business, day):
    evening = ServiceFactory(business_profile=business, name="Evening class", duration_minutes=90, capacity=6)
    session = session_create_by_owner(service=evening, start_time_utc=at(day, 19))

    page = owner.get(URL, {"session": session.pk})
    assert page.status_code == 200
    assert "Add to this session" in page.content.decode()
    assert 'name="start"' not in page.content.decode()  # its time is the session's
    response = owner.post(URL, {"session": session.pk, "action": "session", **NEW_CLIENT})

    booking = Booking.objects.get()
    assert response.status_code == 302
    assert (booking.session, booking.session_category, booking.start_time_utc) == (session, evening, at(day, 19))
    assert list(Session.objects.get().attendees.all()) == [booking.client]


def test_a_full_session_answers_409(owner, business, service, day):
    session = session_create_by_owner(service=service, start_time_utc=at(day, 19))
    owner.post(URL, {"session": session.pk, "action": "session", **NEW_CLIENT})

    response = owner.post(URL, {"session": session.pk, "action": "session", **NEW_CLIENT, "client_email": "b@example.com"})

    assert response.status_code == 409
    assert "no place left" in response.content.decode()
    assert Booking.objects.count() == 1


@pytest.mark.parametrize("path", ["/app/bookings/", "/app/"])
def test_the_bookings_list_and_the_dashboard_link_to_a_new_booking(owner, path):
    assert f'href="{URL}"' in owner.get(path).content.decode()


def test_a_clients_page_books_for_that_client(owner, business):
    regular = ClientFactory(business_profile=business)

    body = owner.get(f"/app/clients/{regular.pk}/").content.decode()

    assert f'href="{URL}?client={regular.pk}"' in body
    assert "Book for this client" in body


def test_the_calendar_offers_add_a_client_on_a_session_with_a_free_place(owner, business, service, day):
    evening = ServiceFactory(business_profile=business, name="Evening class", duration_minutes=90, capacity=6)
    open_session = session_create_by_owner(service=evening, start_time_utc=at(day, 19))
    full = book(service, at(day, 10)).session

    body = owner.get("/app/calendar/", {"date": day.isoformat()}).content.decode()

    assert f'href="{URL}?session={open_session.pk}"' in body
    assert f"session={full.pk}" not in body


def test_showing_free_times_points_at_no_empty_field(owner, service, day):
    response = owner.post(URL, {"service": service.pk, "date": day.isoformat(), "action": "show", "client_name": "Pa"})

    assert response.status_code == 200
    body = response.content.decode()
    assert "Nothing was booked" not in body and "This field is required." not in body
    assert 'value="Pa"' in body
