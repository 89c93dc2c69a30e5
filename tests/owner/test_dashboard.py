"""The owner's home page: requests to answer, today's and the coming week's bookings, the checklist."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bookingsite.bookings.models import Booking
from tests.factories import BookingFactory, WorkingHoursFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def owner(client, alice):
    client.force_login(alice)
    return client


def test_shows_requests_to_answer_and_the_bookings_coming(owner, page, business, service):
    WorkingHoursFactory(business_profile=business)
    soon = datetime.combine(timezone.now().astimezone(LONDON).date() + timedelta(days=2), time(10), LONDON)
    request = BookingFactory(business_profile=business, session_category=service, client_name="Rita Request",
                             start_time_utc=soon, status=Booking.Status.PENDING_APPROVAL)
    BookingFactory(business_profile=business, session_category=service, client_name="Carl Confirmed",
                   start_time_utc=soon + timedelta(hours=2))

    response = owner.get("/app/")

    assert response.status_code == 200
    body = response.content.decode()
    assert f'action="/app/bookings/{request.pk}/approve/"' in body
    assert "Carl Confirmed" in body and "No bookings in the coming week yet." not in body
    assert "Get ready to take bookings" not in body


def test_lists_what_is_left_to_set_up(owner, page):
    body = owner.get("/app/").content.decode()

    assert "Get ready to take bookings" in body
    assert 'href="/app/services/new/"' in body and 'href="/app/hours/"' in body
