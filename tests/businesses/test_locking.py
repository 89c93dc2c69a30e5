"""The one lock of availability-changing writes (DESIGN.md 5): it needs a transaction, bumps the
availability version, and a lock another transaction holds answers "busy" in about 3 s, never a hang."""

import threading
import time as time_module
from datetime import timedelta

import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client as HttpClient
from django.utils import timezone

from bookingsite.bookings.models import Booking
from bookingsite.bookings.selectors import availability
from bookingsite.bookings.services import booking_create
from bookingsite.businesses.locking import LOCK_TIMEOUT_SECONDS, BusyError, lock_business_for_write
from bookingsite.businesses.models import BusinessBookingSettings
from bookingsite.public.form_tokens import make_form_token

HOLD_LIMIT = 30  # seconds the holder keeps the lock at most; only reached if the test fails


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


class LockHolder:
    """Another transaction that takes the business's lock and keeps it until released."""

    def __init__(self, business_profile_id: int):
        self.held, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold, args=(business_profile_id,))

    def _hold(self, business_profile_id: int) -> None:
        try:
            with transaction.atomic():
                lock_business_for_write(business_profile_id)
                self.held.set()
                self.release.wait(HOLD_LIMIT)
        finally:
            connection.close()

    def __enter__(self) -> "LockHolder":
        self.thread.start()
        assert self.held.wait(HOLD_LIMIT), "the holder never got the lock"
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.thread.join(HOLD_LIMIT)


@pytest.fixture
def slot(business, open_page, service):
    day = timezone.localdate() + timedelta(days=3)
    days = availability.availability_days(page=open_page, service=service, client_timezone="Europe/London",
                                       start_date=day, end_date=day, now=timezone.now())
    return days[0].slots[1]


@pytest.fixture
def sqlite_busy_timeout(monkeypatch):
    """SQLite has no row lock: its write lock is the database's, and its busy timeout (20 s in
    settings) plays lock_timeout's part. Here it is cut to the lock timeout for this test only."""
    if connection.vendor == "sqlite":
        connection.close()
        options = {**connection.settings_dict["OPTIONS"], "timeout": LOCK_TIMEOUT_SECONDS}
        monkeypatch.setitem(connection.settings_dict, "OPTIONS", options)
        yield
        connection.close()  # the next test connects with the settings' own timeout again
    else:
        yield


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
    assert b"Busy right now" in response.content and b"Nothing was saved" in response.content
    assert "X-Frame-Options" not in response  # framed on the owner's site like the form itself
    assert Booking.objects.count() == 0
    # Once the lock is free, the same form books.
    again = HttpClient().post(f"/book/alices-aqua/{service.pk}/book/", form)
    assert again.status_code == 302
    assert Booking.objects.count() == 1
