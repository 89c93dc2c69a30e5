"""The one lock of availability-changing writes (DESIGN.md 5): it needs a transaction, bumps the
availability version, and a lock another transaction holds answers "busy" in about 3 s, never a hang."""

import time as time_module
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client as HttpClient
from django.utils import timezone

from bookingsite.bookings.models import Booking, Session
from bookingsite.bookings.selectors import availability
from bookingsite.bookings.services import booking_create
from bookingsite.businesses.locking import LOCK_TIMEOUT_SECONDS, BusyError, as_busy_error, lock_business_for_write
from bookingsite.businesses.models import BusinessBookingSettings
from bookingsite.public.form_tokens import make_form_token
from tests.locking import LockHolder


def version(page) -> int:
    return BusinessBookingSettings.objects.get(pk=page.pk).availability_version


@pytest.mark.django_db(transaction=True)  # a plain django_db test runs inside a transaction already
def test_it_refuses_to_run_outside_a_transaction(page):
    with pytest.raises(RuntimeError, match="transaction"):
        lock_business_for_write(page.pk)
    assert version(page) == 0


@pytest.mark.django_db
def test_it_bumps_the_version_and_reads_the_business_under_the_lock(page, business):
    with transaction.atomic():
        locked = lock_business_for_write(page.pk)
        assert locked.availability_version == 1
        assert locked.business_profile.name == business.name
    with transaction.atomic():
        lock_business_for_write(page.pk)
    assert version(page) == 2


@pytest.mark.django_db
def test_a_missing_business_is_not_found(page):
    with transaction.atomic(), pytest.raises(BusinessBookingSettings.DoesNotExist):
        lock_business_for_write(page.pk + 1000)


def test_a_busy_error_and_sqlites_locked_database_both_mean_busy():
    busy = BusyError()
    assert as_busy_error(busy) is busy
    locked = as_busy_error(OperationalError("database is locked"))
    if connection.vendor == "sqlite":
        assert isinstance(locked, BusyError)
    else:
        assert locked is None  # PostgreSQL's lock_timeout arrives as BusyError already
    assert as_busy_error(OperationalError("no such table: bookings_booking")) is None
    assert as_busy_error(ValueError("database is locked")) is None


@pytest.fixture
def slot(business, open_page, service):
    day = timezone.localdate() + timedelta(days=3)
    days = availability.availability_days(page=open_page, service=service, client_timezone="Europe/London",
                                       start_date=day, end_date=day, now=timezone.now())
    return days[0].slots[1]


@pytest.mark.django_db(transaction=True)
def test_a_lock_held_elsewhere_makes_the_booking_service_give_up_busy(business, service, slot, sqlite_busy_timeout):
    busy = BusyError if connection.vendor == "postgresql" else OperationalError
    with LockHolder(business.pk):
        started = time_module.monotonic()
        with pytest.raises(busy) as caught:
            booking_create(service=service, start_time_utc=slot.start_utc, client_name="Jo Bloggs",
                           client_email="jo@example.com", client_timezone="Europe/London")
        waited = time_module.monotonic() - started
    # It waited for the lock, then gave up: not at once, and nowhere near a hang.
    assert LOCK_TIMEOUT_SECONDS - 0.5 <= waited < LOCK_TIMEOUT_SECONDS + 5, waited
    if connection.vendor == "postgresql":
        assert caught.value.retry_after_seconds == LOCK_TIMEOUT_SECONDS
    else:
        assert "database is locked" in str(caught.value)
    assert Booking.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_lock_held_elsewhere_makes_the_booking_form_answer_503_busy(business, service, slot, sqlite_busy_timeout):
    token = make_form_token(service_id=service.pk, start_utc=slot.start_utc, client_timezone="Europe/London")
    form = {"token": token, "client_name": "Jo Bloggs", "client_email": "jo@example.com", "client_phone": "+447911123456"}
    with LockHolder(business.pk):
        response = HttpClient().post(f"/book/alices-aqua/{service.pk}/book/", form)
    assert response.status_code == 503
    assert response["Retry-After"] == str(LOCK_TIMEOUT_SECONDS)
    assert "Nothing was saved" in response.content.decode()
    # The form comes back filled in as sent, inside the owner's site like the form itself.
    assert 'value="Jo Bloggs"' in response.content.decode() and 'name="token"' in response.content.decode()
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert Booking.objects.count() == 0
    # Once the lock is free, the same form books.
    again = HttpClient().post(f"/book/alices-aqua/{service.pk}/book/", form)
    assert again.status_code == 302
    assert Booking.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_lock_held_elsewhere_makes_the_move_answer_503_busy_with_its_confirmation(business, service, slot, sqlite_busy_timeout):
    booking = booking_create(service=service, start_time_utc=slot.start_utc, client_name="Jo Bloggs",
                             client_email="jo@example.com", client_timezone="Europe/London")
    target = (slot.start_utc + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    url = f"/book/alices-aqua/booking/{booking.manage_token}/reschedule/"
    with LockHolder(business.pk):
        response = HttpClient().post(url, {"start": target})
    assert response.status_code == 503
    assert response["Retry-After"] == str(LOCK_TIMEOUT_SECONDS)
    body = response.content.decode()
    assert "Nothing was saved" in body
    # The confirmation again, so one more click moves it.
    assert f'name="start" value="{target}"' in body and "Yes, move my booking" in body
    assert Booking.objects.get(pk=booking.pk).start_time_utc == slot.start_utc
    again = HttpClient().post(url, {"start": target})
    assert again.status_code == 302
    assert Booking.objects.get(pk=booking.pk).start_time_utc.strftime("%Y-%m-%dT%H:%M:%SZ") == target


@pytest.mark.django_db(transaction=True)
def test_a_lock_held_elsewhere_makes_an_owner_page_answer_the_busy_page(business, alice, service, slot, sqlite_busy_timeout):
    owner = HttpClient()
    owner.force_login(alice)
    start = slot.start_utc.astimezone(ZoneInfo("Europe/London"))
    form = {"service": service.pk, "date": start.date().isoformat(), "start_time": start.strftime("%H:%M")}
    with LockHolder(business.pk):
        response = owner.post("/app/calendar/sessions/new/", form)
    assert response.status_code == 503
    assert response["Retry-After"] == str(LOCK_TIMEOUT_SECONDS)
    assert "Busy right now" in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"  # an owner page, never framed
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert not Session.objects.exists()
