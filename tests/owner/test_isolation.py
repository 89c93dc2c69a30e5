"""Every owner URL: anonymous visitors are sent to log in, and one owner never reaches another's rows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bookingsite.bookings.models import Booking, WaitlistEntry
from bookingsite.businesses.models import BusinessBookingSettings, BusyCalendar, BusyInterval
from tests.factories import (
    BookingFactory,
    BookingSettingsFactory,
    BusinessProfileFactory,
    BusyIntervalFactory,
    ClientFactory,
    ExceptionDateFactory,
    ServiceFactory,
    UserFactory,
    WaitlistEntryFactory,
)

PLAIN_URLS = [
    ("owner:webhooks", {}),
    ("owner:dashboard", {}),
    ("owner:pending-badge", {}),
    ("owner:pending", {}),
    ("owner:settings", {}),
    ("owner:services", {}),
    ("owner:service-create", {}),
    ("owner:hours", {}),
    ("owner:hours-row", {}),
    ("owner:exceptions", {}),
    ("owner:bookings", {}),
    ("owner:bookings-export", {}),
    ("owner:clients", {}),
    ("owner:clients-export", {}),
    ("owner:calendar", {}),
    ("owner:calendar-events", {}),
    ("owner:calendar-hours", {}),
    ("owner:notifications", {}),
    ("owner:emails", {}),
    ("owner:busy-calendars", {}),
]
POST_ONLY_URLS = ["owner:session-create", "owner:feed-renew", "owner:pending-answer", "owner:notifications-read",
                  "owner:hours-copy"]
# Name, HTTP method, the kind of object in the URL.
OBJECT_URLS = [
    ("owner:booking", "get", "booking"),
    ("owner:booking-cancel", "post", "booking"),
    ("owner:booking-approve", "post", "pending"),
    ("owner:booking-reject", "post", "pending"),
    ("owner:client", "get", "client"),
    ("owner:client", "post", "client"),
    ("owner:service-edit", "get", "service"),
    ("owner:service-edit", "post", "service"),
    ("owner:service-archive", "post", "service"),
    ("owner:service-move", "post", "service"),
    ("owner:exception-delete", "post", "exception"),
    ("owner:waitlist-remove", "post", "entry"),
    ("owner:waitlist-offer", "post", "entry"),
    ("owner:busy-calendar-test", "post", "busy_calendar"),
    ("owner:busy-calendar-details", "post", "busy_calendar"),
    ("owner:busy-calendar-remove", "post", "busy_calendar"),
]


@pytest.fixture
def carol_rows(db):
    """Another owner's business with one of everything."""
    carol = UserFactory(username="carol@example.com")
    business = BusinessProfileFactory(owner=carol)
    BookingSettingsFactory(business_profile=business, public_booking_slug="carols-climbing")
    service = ServiceFactory(business_profile=business)
    client = ClientFactory(business_profile=business)
    return {
        "service": service,
        "client": client,
        "booking": BookingFactory(business_profile=business, session_category=service, client=client),
        "pending": BookingFactory(business_profile=business, session_category=service, client=client,
                                  status=Booking.Status.PENDING_APPROVAL,
                                  pending_request_expires_at=timezone.now() + timedelta(hours=3)),
        "exception": ExceptionDateFactory(business_profile=business),
        "entry": WaitlistEntryFactory(business_profile=business, session_category=service),
        "busy_calendar": BusyIntervalFactory(calendar__business_profile=business, calendar__show_details=False).calendar,
    }


def snapshot():
    return (
        list(Booking.objects.order_by("pk").values_list("pk", "status", "cancellation_reason", "rejection_reason")),
        list(WaitlistEntry.objects.order_by("pk").values_list("pk", "status", "offer_expires_at")),
        list(BusyCalendar.objects.order_by("pk").values_list("pk", "url", "show_details", "last_fetched_at")),
        list(BusyInterval.objects.order_by("pk").values_list("pk", "start_time_utc")),
        list(BusinessBookingSettings.objects.order_by("pk").values_list("pk", "calendar_feed_token")),
    )


@pytest.mark.parametrize(("name", "kwargs"), PLAIN_URLS)
def test_anonymous_visitors_are_sent_to_log_in(client, db, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("name", POST_ONLY_URLS)
def test_anonymous_posts_are_sent_to_log_in(client, db, name):
    response = client.post(reverse(name), {})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(("name", "method", "kind"), OBJECT_URLS)
def test_anonymous_visitors_cannot_touch_rows(client, carol_rows, name, method, kind):
    before = snapshot()
    response = getattr(client, method)(reverse(name, args=[carol_rows[kind].pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert snapshot() == before


@pytest.mark.parametrize(("name", "method", "kind"), OBJECT_URLS)
def test_another_owner_gets_404_and_changes_nothing(client, alice, business, page, carol_rows, name, method, kind):
    client.force_login(alice)
    before = snapshot()
    services = carol_rows["service"].__class__.objects.order_by("pk")
    services_before = list(services.values_list("pk", "name", "position", "is_archived"))
    response = getattr(client, method)(
        reverse(name, args=[carol_rows[kind].pk]), {"reason": "nope", "name": "Hacked", "show_details": "on"}
    )
    assert response.status_code == 404
    assert snapshot() == before
    assert list(services.values_list("pk", "name", "position", "is_archived")) == services_before


@pytest.mark.parametrize(("name", "kwargs"), PLAIN_URLS)
def test_owner_pages_deny_framing(client, alice, business, page, name, kwargs):
    client.force_login(alice)
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.get("X-Frame-Options") == "DENY"


def test_events_feed_lists_only_the_owners_business(client, alice, business, page, carol_rows):
    client.force_login(alice)
    start = timezone.now().date()
    window = {"start": start.isoformat(), "end": (start + timedelta(days=14)).isoformat()}
    response = client.get(reverse("owner:calendar-events"), window)
    assert response.status_code == 200
    assert response.json() == []


def test_renewing_the_feed_renews_only_the_owners_own(client, alice, business, page, carol_rows):
    carols = BusinessBookingSettings.objects.exclude(pk=page.pk).get().calendar_feed_token
    mine = page.calendar_feed_token
    client.force_login(alice)
    assert client.post(reverse("owner:feed-renew")).status_code == 302
    page.refresh_from_db()
    assert page.calendar_feed_token != mine
    assert BusinessBookingSettings.objects.exclude(pk=page.pk).get().calendar_feed_token == carols


def test_a_feed_shows_only_its_own_business(client, page, carol_rows):
    body = client.get(reverse("calendar-feed", args=[page.calendar_feed_token])).content.decode()
    assert "BEGIN:VCALENDAR" in body
    assert "VEVENT" not in body  # Carol's bookings are in hers alone
