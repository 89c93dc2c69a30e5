"""Fuzz of the client's pages and the public booking JSON through the whole stack (DESIGN.md 8):
whatever a field or a query parameter holds (NUL, lone surrogates, bytes that are not UTF-8, huge
text), the answer is below 500, and a refusal writes nothing. Run on PostgreSQL too, where a NUL
used to reach the database as a 500.
"""

import json
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone
from hypothesis import event, given
from hypothesis import strategies as st

from bookingsite.bookings.models import Booking, BookingStatusChange, Client, Session
from bookingsite.bookings.selectors import availability
from bookingsite.bookings.services import booking_create
from bookingsite.public.form_tokens import make_form_token
from tests.factories import ServiceFactory
from tests.fuzz import FORM, FUZZ, form_body, form_fields, json_fields

pytestmark = pytest.mark.django_db

ZONES = ["Europe/London", "Asia/Tokyo", "America/New_York", "UTC"]


@pytest.fixture
def http(settings):
    settings.RATELIMIT_ENABLE = False
    return HttpClient(raise_request_exception=False)  # a server error is a 500 answer, as a visitor sees it


@pytest.fixture
def group(open_page, business):
    """A class with room for every booking the examples make, so a valid form always books."""
    return ServiceFactory(business_profile=business, name="Open swim", capacity=1000)


@pytest.fixture
def starts(open_page, group) -> list:
    day = timezone.now().date() + timedelta(days=3)
    days = availability.availability_days(page=open_page, service=group, client_timezone="Europe/London",
                                          start_date=day, end_date=day, now=timezone.now())
    return [slot.start_utc for slot in days[0].slots[:3]]


def counts() -> tuple[int, int, int, int]:
    return Booking.objects.count(), Client.objects.count(), Session.objects.count(), BookingStatusChange.objects.count()


def z(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


DETAILS = {
    "client_name": ["Dana Diver", "Zoë O’Neill"],
    "client_email": ["dana@example.com", "Zoe@Example.org"],
    "client_phone": ["07911 123456", "+44 7911 123456"],
    "notes": ["", "First lesson"],
}


@FUZZ
@given(data=st.data())
def test_the_booking_form_answers_below_500_and_a_refusal_books_nothing(http, group, starts, data):
    token = make_form_token(service_id=group.pk, start_utc=data.draw(st.sampled_from(starts)),
                            client_timezone=data.draw(st.sampled_from(ZONES)))
    fields = data.draw(form_fields({**DETAILS, "token": [token], "website": [""]}))
    before = counts()

    response = http.post(f"/book/alices-aqua/{group.pk}/book/", form_body(fields), content_type=FORM)

    event(f"answered {response.status_code}")  # --hypothesis-show-statistics shows how many got through
    assert response.status_code < 500
    if response.status_code >= 400:
        assert counts() == before
    else:
        assert response.status_code == 302 and counts()[0] == before[0] + 1


@FUZZ
@given(data=st.data())
def test_the_booking_json_answers_below_500_and_a_refusal_books_nothing(http, group, starts, data):
    body = data.draw(json_fields({**DETAILS, "session_category_id": [group.pk, str(group.pk)],
                                  "start_time_utc": [z(start) for start in starts], "client_timezone": ZONES}))
    before = counts()

    # json.dumps writes a lone surrogate as its escape ("\ud800"), as a client's JSON would carry it.
    response = http.post("/book/alices-aqua/bookings/", json.dumps(body), content_type="application/json")

    event(f"answered {response.status_code}")
    assert response.status_code < 500
    assert response["Content-Type"] == "application/json"
    if response.status_code >= 400:
        assert counts() == before
    else:
        assert response.status_code == 201 and counts()[0] == before[0] + 1


@FUZZ
@given(data=st.data())
def test_the_cancel_form_answers_below_500_and_a_refusal_changes_nothing(http, group, starts, data):
    booking = booking_create(service=group, start_time_utc=starts[0], client_name="Jo Swimmer",
                             client_email="jo@example.com", client_phone="", client_timezone="UTC")
    fields = data.draw(form_fields({"reason": ["", "I am ill, sorry."]}))
    before = counts()

    response = http.post(f"/book/alices-aqua/booking/{booking.manage_token}/cancel/", form_body(fields), content_type=FORM)

    event(f"answered {response.status_code}")
    assert response.status_code < 500
    booking.refresh_from_db()
    if response.status_code >= 400:
        assert (counts(), booking.status) == (before, Booking.Status.CONFIRMED)
    else:
        assert response.status_code == 302 and booking.status == Booking.Status.CANCELLED_BY_CLIENT


@FUZZ
@given(data=st.data())
def test_the_picker_and_the_form_page_answer_any_query_below_500_and_write_nothing(http, group, starts, data):
    today = timezone.now().date()
    query = data.draw(form_fields({
        "tz": ZONES,
        "date": [(today + timedelta(days=n)).isoformat() for n in (0, 3, 90)],
        "month": [f"{today:%Y-%m}", "2999-12"],
        "start": [z(start) for start in starts],
    }))
    path = data.draw(st.sampled_from([f"/book/alices-aqua/{group.pk}/", f"/book/alices-aqua/{group.pk}/book/"]))
    htmx = data.draw(st.sampled_from([{}, {"HX-Request": "true"}]))
    before = counts()

    response = http.get(f"{path}?{form_body(query).decode()}", headers=htmx)

    event(f"answered {response.status_code}")
    assert response.status_code < 500
    assert counts() == before
