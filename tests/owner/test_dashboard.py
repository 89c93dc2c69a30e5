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


def test_a_busy_week_shows_its_first_ten_bookings_and_links_to_them_all(owner, page, business, service):
    tomorrow = timezone.now().astimezone(LONDON).date() + timedelta(days=1)
    for hour in range(8, 20):  # twelve
        BookingFactory(business_profile=business, session_category=service, client_name=f"Client {hour:02}",
                       start_time_utc=datetime.combine(tomorrow, time(hour), LONDON))

    response = owner.get("/app/")

    assert [booking.client_name for booking in response.context["dashboard"].coming] == [
        f"Client {hour:02}" for hour in range(8, 18)]
    last = tomorrow + timedelta(days=6)
    assert f'href="/app/bookings/?date_from={tomorrow:%Y-%m-%d}&amp;date_to={last:%Y-%m-%d}"' in response.content.decode()
    assert "All 12 bookings of the next 7 days" in response.content.decode()


def test_lists_what_is_left_to_set_up(owner, page):
    body = owner.get("/app/").content.decode()

    assert "Get ready to take bookings" in body
    assert 'href="/app/services/new/"' in body and 'href="/app/hours/"' in body


def test_says_plainly_when_the_booking_page_is_switched_off(owner, page):
    assert "Your booking page is switched off" not in owner.get("/app/").content.decode()
    page.is_booking_page_active = False
    page.save(update_fields=["is_booking_page_active"])

    body = owner.get("/app/").content.decode()

    assert "Your booking page is switched off" in body
    assert 'href="/app/settings/#id_is_booking_page_active"' in body


def test_the_booking_link_is_on_site_url_whatever_host_the_request_came_by(owner, page, settings):
    settings.SITE_URL = "https://book.example.test"
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]

    body = owner.get("/app/", headers={"host": "127.0.0.1:9999"}).content.decode()

    assert f"https://book.example.test/book/{page.public_booking_slug}/" in body
    assert "127.0.0.1:9999" not in body
