"""The phone booking page's isolation: anonymous visitors log in first, and another business's
client, service or session answers 404 and changes nothing, whether asked for or posted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookingsite.bookings.models import Booking, Client, Session
from tests.factories import (
    BookingSettingsFactory,
    BusinessProfileFactory,
    ClientFactory,
    ServiceFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/app/bookings/new/"
NEW_CLIENT = {"client_name": "Pat Phone", "client_email": "pat@example.com", "client_phone": "+44 7911 123456"}


@pytest.fixture
def carols(db):
    """Another owner's business with a client, a service and a session with free places."""
    business = BusinessProfileFactory(owner=UserFactory(username="carol@example.com"))
    BookingSettingsFactory(business_profile=business, public_booking_slug="carols-climbing")
    service = ServiceFactory(business_profile=business, capacity=5)
    return {
        "client": ClientFactory(business_profile=business),
        "service": service,
        "session": SessionFactory(business_profile=business, session_category=service, created_by_owner=True),
    }


def rows() -> tuple:
    return (
        list(Booking.objects.values_list("pk", flat=True)),
        list(Client.objects.order_by("pk").values_list("pk", "name", "email")),
        [(session.pk, list(session.attendees.values_list("pk", flat=True))) for session in Session.objects.order_by("pk")],
    )


def test_anonymous_visitors_are_sent_to_log_in(client, carols):
    before = rows()
    for response in (client.get(URL), client.post(URL, {"session": carols["session"].pk, "action": "session", **NEW_CLIENT})):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    assert rows() == before


def test_the_page_denies_framing(client, alice, business, page):
    client.force_login(alice)
    assert client.get(URL).get("X-Frame-Options") == "DENY"


@pytest.mark.parametrize("kind", ["client", "service", "session"])
def test_another_businesss_row_answers_404_when_asked_for(client, alice, business, page, carols, kind):
    client.force_login(alice)

    assert client.get(URL, {kind: carols[kind].pk}).status_code == 404


@pytest.mark.parametrize("kind", ["client", "service", "session"])
def test_another_businesss_row_answers_404_when_posted_and_books_nothing(client, alice, business, page, service, carols, kind):
    client.force_login(alice)
    start = (timezone.now() + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    data = {"service": service.pk, "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"), **NEW_CLIENT,
            "action": "session" if kind == "session" else "", kind: carols[kind].pk}
    before = rows()

    response = client.post(URL, data)

    assert response.status_code == 404
    assert rows() == before


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999999"])
def test_a_row_id_that_is_no_number_answers_404(client, alice, business, page, value):
    client.force_login(alice)

    assert client.get(URL, {"client": value}).status_code == 404
