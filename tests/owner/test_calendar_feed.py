"""/feeds/<token>.ics: the owner's private calendar feed (DESIGN.md 13), read back with icalendar."""

from datetime import UTC, timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from bookingsite.bookings.models import Booking
from tests.factories import BookingFactory, ClientFactory, SessionFactory


@pytest.fixture
def feed_url(page):
    return reverse("calendar-feed", args=[page.calendar_feed_token])


@pytest.fixture
def diary(business, service):
    """A session with Jo's confirmed booking and a walk-in, a pending request, a cancelled booking, and one long past."""
    business.address = "Lido Road 1\nBrighton"
    business.save()
    soon = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
    session = SessionFactory(business_profile=business, session_category=service, start_time_utc=soon)
    jo = ClientFactory(business_profile=business, name="Jo Swimmer")
    session.attendees.add(jo, ClientFactory(business_profile=business, name="Walk-in Wendy"))
    confirmed = BookingFactory(business_profile=business, session_category=service, session=session, client=jo,
                               start_time_utc=soon)
    pending = BookingFactory(business_profile=business, session_category=service, client_name="Pat Pending",
                             start_time_utc=soon + timedelta(days=1), status=Booking.Status.PENDING_APPROVAL)
    cancelled = BookingFactory(business_profile=business, session_category=service, client_name="Cy Cancel",
                               start_time_utc=soon + timedelta(days=2), status=Booking.Status.CANCELLED_BY_CLIENT)
    BookingFactory(business_profile=business, session_category=service, client_name="Old Olga",
                   start_time_utc=timezone.now() - timedelta(days=40))
    return {"session": session, "confirmed": confirmed, "pending": pending, "cancelled": cancelled}


def events_of(response) -> dict[str, icalendar.Event]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    parsed = icalendar.Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in parsed.walk("VEVENT")}


def test_the_feed_holds_sessions_with_clients_and_bookings_with_their_status(client, feed_url, diary, service):
    events = events_of(client.get(feed_url))

    session = events[f"feed-session-{diary['session'].pk}@flowkey-booking-links"]
    assert str(session["SUMMARY"]) == f"{service.name}: Jo Swimmer, Walk-in Wendy"
    assert str(session["DESCRIPTION"]) == "Jo Swimmer (Confirmed)\nWalk-in Wendy"
    assert str(session["STATUS"]) == "CONFIRMED"
    assert str(session["LOCATION"]) == "Lido Road 1, Brighton"
    assert session["DTSTART"].dt == diary["session"].start_time_utc.astimezone(UTC)
    assert session["DTSTART"].dt.tzinfo is not None and session["DTSTART"].dt.utcoffset() == timedelta(0)

    pending = events[f"feed-booking-{diary['pending'].pk}@flowkey-booking-links"]
    assert str(pending["STATUS"]) == "TENTATIVE"
    assert str(pending["SUMMARY"]) == f"Pending: {service.name}: Pat Pending"
    cancelled = events[f"feed-booking-{diary['cancelled'].pk}@flowkey-booking-links"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert "Cy Cancel" in str(cancelled["SUMMARY"])
    assert len(events) == 3  # Olga's booking 40 days ago is outside the feed; Jo's is in the session


def test_uids_and_etag_are_stable_across_fetches_and_an_unchanged_feed_answers_304(client, feed_url, diary):
    first = client.get(feed_url)
    second = client.get(feed_url)
    assert list(events_of(first)) == list(events_of(second))
    assert first["ETag"] == second["ETag"]
    assert first["Cache-Control"] == "private, max-age=300"

    unchanged = client.get(feed_url, headers={"If-None-Match": first["ETag"]})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == first["ETag"]

    BookingFactory(business_profile=diary["session"].business_profile, session_category=diary["session"].session_category,
                   client_name="New Nora", status=Booking.Status.PENDING_APPROVAL)
    changed = client.get(feed_url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert set(events_of(first)) < set(events_of(changed))


def test_a_wrong_or_renewed_token_answers_404(client, alice, page, feed_url):
    assert client.get(reverse("calendar-feed", args=["not-the-token"])).status_code == 404
    assert client.get(feed_url).status_code == 200

    client.force_login(alice)
    client.post(reverse("owner:feed-renew"))
    client.logout()

    assert client.get(feed_url).status_code == 404
    page.refresh_from_db()
    assert client.get(reverse("calendar-feed", args=[page.calendar_feed_token])).status_code == 200


def test_the_settings_page_shows_the_feed_address(client, alice, page):
    client.force_login(alice)
    text = client.get(reverse("owner:settings")).content.decode()
    assert f"http://127.0.0.1:8000/feeds/{page.calendar_feed_token}.ics" in text


def test_the_feed_takes_a_constant_number_of_queries(client, feed_url, business, service, django_assert_num_queries):
    def fetch_counting() -> int:
        with django_assert_num_queries(5):  # the token, sessions, their bookings, their attendees, other bookings
            return len(events_of(client.get(feed_url)))

    SessionFactory(business_profile=business, session_category=service)  # prefetches run from the first session on
    small = fetch_counting()
    for day in range(3, 30):
        start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=day)
        session = SessionFactory(business_profile=business, session_category=service, start_time_utc=start)
        session.attendees.add(ClientFactory(business_profile=business))
        BookingFactory(business_profile=business, session_category=service, session=session, start_time_utc=start)
        BookingFactory(business_profile=business, session_category=service, start_time_utc=start,
                       status=Booking.Status.REJECTED)
    assert fetch_counting() == small + 54
