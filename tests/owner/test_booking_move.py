"""The owner moves a booking from its page (DESIGN.md 5): to a free time of the day, or to any
time, with a clash shown as a warning the owner may override. The owner is never held by the
client's change cut-off. Times are the business's (Europe/London)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from bookingsite.bookings.models import Booking, BookingStatusChange
from bookingsite.bookings.services import booking_cancel_by_admin
from bookingsite.businesses.models import BusinessBookingSettings
from bookingsite.notifications.models import EmailKind, OutboxEmail
from tests.factories import ServiceFactory, SessionFactory

from .test_booking_pages import LONDON, at, book, messages_of, open_every_day  # noqa: F401 (an autouse fixture)

pytestmark = pytest.mark.django_db


def move_url(booking) -> str:
    return f"/app/bookings/{booking.pk}/move/"


def snapshot(booking) -> tuple:
    booking = Booking.objects.get(pk=booking.pk)
    return booking.start_time_utc, booking.sequence, BookingStatusChange.objects.count(), OutboxEmail.objects.count()


@pytest.fixture
def owner(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def day():
    return timezone.now().astimezone(LONDON).date() + timedelta(days=3)


@pytest.fixture
def booking(service, day):
    return book(service, at(day, 10))


def test_the_booking_page_links_to_the_move(owner, booking):
    response = owner.get(f"/app/bookings/{booking.pk}/")
    assert f'href="{move_url(booking)}"' in response.content.decode()


def test_the_move_page_lists_the_days_free_times_without_the_current_one(owner, booking, day):
    response = owner.get(move_url(booking))

    assert response.status_code == 200
    body = response.content.decode()
    listed = re.findall(r'name="start" value="([^"]+)"', body)
    assert len(listed) == 7  # 09:00..16:00 less its own 10:00
    assert at(day, 10).strftime("%Y-%m-%dT%H:%M:%SZ") not in listed
    assert response["X-Frame-Options"] == "DENY" or "frame-ancestors 'none'" in response.get("Content-Security-Policy", "")


def test_picking_a_free_time_moves_it_and_emails_the_client(owner, booking, day):
    response = owner.post(move_url(booking), {"start": at(day, 14).strftime("%Y-%m-%dT%H:%M:%SZ")})

    assert response.status_code == 302 and response["Location"] == f"/app/bookings/{booking.pk}/"
    booking.refresh_from_db()
    assert booking.start_time_utc == at(day, 14)
    move = booking.status_changes.get(to_start_utc__isnull=False)
    assert (move.actor, move.from_start_utc, move.to_start_utc) == ("owner", at(day, 10), at(day, 14))
    client_email = OutboxEmail.objects.get(kind=EmailKind.MOVED)
    assert client_email.to_email == "cara@example.com"
    assert "moved your booking to a new time" in client_email.body_text
    assert any(m.startswith("Moved to ") and "emailed Cara Client" in m for m in messages_of(response))
    history = owner.get(f"/app/bookings/{booking.pk}/").content.decode()
    assert "Moved" in history


def test_any_time_typed_outside_hours_is_allowed(owner, booking, day):
    response = owner.post(move_url(booking), {"date": day.isoformat(), "start_time": "18:25"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.start_time_utc == at(day, 18, 25)


def test_a_clash_is_a_warning_then_move_anyway(owner, booking, business, day):
    SessionFactory(business_profile=business, session_category=ServiceFactory(business_profile=business, name="Aqua fit"),
                   start_time_utc=at(day, 14), end_time_utc=at(day, 15))
    before = snapshot(booking)

    warned = owner.post(move_url(booking), {"date": day.isoformat(), "start_time": "14:30"})

    assert warned.status_code == 409
    assert "This time clashes with another session." in warned.content.decode()
    assert "Aqua fit 14:00–15:00" in warned.content.decode()
    assert snapshot(booking) == before
    anyway = re.search(r'name="start" value="([^"]+)">\s*<input type="hidden" name="allow_clash" value="on">',
                       warned.content.decode())
    assert anyway and anyway.group(1) == at(day, 14, 30).strftime("%Y-%m-%dT%H:%M:%SZ")

    response = owner.post(move_url(booking), {"start": anyway.group(1), "allow_clash": "on"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.start_time_utc == at(day, 14, 30)


def test_a_full_slot_is_refused_even_anyway(owner, booking, service, day):
    book(service, at(day, 14), client_email="dan@example.com", client_name="Dan")
    before = snapshot(booking)
    response = owner.post(move_url(booking), {"start": at(day, 14).strftime("%Y-%m-%dT%H:%M:%SZ"), "allow_clash": "on"})
    assert response.status_code == 409
    assert "already full" in response.content.decode()
    assert snapshot(booking) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "2020-01-01", "start_time": "10:00"}, "This time has already passed."),
        ({"date": "", "start_time": ""}, "This field is required."),
        ({"date": "not a date", "start_time": "25:00"}, "Enter a valid date."),
    ],
)
def test_bad_times_are_refused_and_nothing_changes(owner, booking, data, message):
    before = snapshot(booking)
    response = owner.post(move_url(booking), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot(booking) == before


def test_the_owner_moves_inside_the_clients_cutoff(owner, booking, page, day):
    BusinessBookingSettings.objects.filter(pk=page.pk).update(client_change_cutoff_hours=24 * 30)
    response = owner.post(move_url(booking), {"start": at(day, 15).strftime("%Y-%m-%dT%H:%M:%SZ")})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.start_time_utc == at(day, 15)


def test_a_cancelled_booking_cannot_be_moved(owner, booking, alice, day):
    booking_cancel_by_admin(booking=booking, by=alice)
    before = snapshot(booking)
    page = owner.get(move_url(booking))
    response = owner.post(move_url(booking), {"start": at(day, 15).strftime("%Y-%m-%dT%H:%M:%SZ")})
    assert "Only a booking that holds its place and has not started can be moved." in page.content.decode()
    assert response.status_code == 200
    assert snapshot(booking) == before
    assert f'href="{move_url(booking)}"' not in owner.get(f"/app/bookings/{booking.pk}/").content.decode()


def test_another_businesss_booking_is_404(client, booking, other_business, day):
    client.force_login(other_business.owner)
    assert client.get(move_url(booking)).status_code == 404
    assert client.post(move_url(booking), {"start": at(day, 15).strftime("%Y-%m-%dT%H:%M:%SZ")}).status_code == 404
    booking.refresh_from_db()
    assert booking.start_time_utc == at(day, 10)


def test_another_day_shows_its_free_times(owner, booking, day):
    later = day + timedelta(days=1)
    response = owner.get(move_url(booking), {"date": later.isoformat()})
    assert f"Free times on {later:%A} {later.day} {later:%B}" in response.content.decode()
    assert at(later, 10).strftime("%Y-%m-%dT%H:%M:%SZ") in response.content.decode()


@pytest.mark.parametrize("start", ["9999-12-31T23:59:00Z", "0001-01-01T00:00:00Z", "2031-01-01T10:00:00", "soon"])
def test_a_start_that_is_not_a_plausible_instant_is_refused(owner, booking, start):
    before = snapshot(booking)
    response = owner.post(move_url(booking), {"start": start})
    assert response.status_code == 400
    assert snapshot(booking) == before


@pytest.mark.parametrize("asked", ["9999-12-31", "0001-01-01", "31/12/2031"])
def test_an_implausible_day_shows_the_bookings_own_day(owner, booking, day, asked):
    response = owner.get(move_url(booking), {"date": asked})
    assert response.status_code == 200
    assert f"Free times on {day:%A} {day.day} {day:%B}" in response.content.decode()


def test_an_ambiguous_time_asks_which_then_moves_to_the_one_chosen(owner, booking):
    # 01:30 on Sunday 26 October 2031 happens twice in London.
    asked = {"date": "2031-10-26", "start_time": "01:30"}
    before = Booking.objects.get(pk=booking.pk).start_time_utc

    first = owner.post(move_url(booking), asked)

    assert first.status_code == 400
    assert "The second 01:30 GMT (UTC+0)" in first.content.decode()
    assert Booking.objects.get(pk=booking.pk).start_time_utc == before
    owner.post(move_url(booking), {**asked, "occurrence": "second"})
    assert Booking.objects.get(pk=booking.pk).start_time_utc == datetime(2031, 10, 26, 1, 30, tzinfo=UTC)
