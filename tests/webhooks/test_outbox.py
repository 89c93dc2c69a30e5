"""Every booking event becomes one delivery per active endpoint, written in the change's
transaction and sent after commit, signed (DESIGN.md 13)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookingsite.bookings import events as booking_events
from bookingsite.bookings.models import Booking
from bookingsite.bookings.services import (
    booking_approve,
    booking_cancel_by_admin,
    booking_cancel_by_client,
    booking_expire,
    booking_mark_attendance,
    booking_reject,
    booking_reschedule,
)
from bookingsite.bookings.waitlist import waitlist_join
from bookingsite.webhooks.models import WebhookDelivery
from bookingsite.webhooks.outbox import booking_webhooks_queue
from bookingsite.webhooks.services import endpoint_create

from .helpers import a_start, book

pytestmark = pytest.mark.django_db
Status = WebhookDelivery.Status


def test_a_booking_made_is_one_signed_delivery(open_page, service, endpoint, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(service)

    [delivery] = WebhookDelivery.objects.all()
    assert delivery.status == Status.DELIVERED and delivery.attempts == 1 and delivery.last_status_code == 200
    [received] = receiver.received
    assert received.verified, "standardwebhooks' verify refused the signature"
    assert received.event_id == delivery.event_id
    assert received.payload["type"] == "booking.created"
    assert received.payload["data"] == {
        "booking_id": str(booking.pk),
        "status": "confirmed",
        "service": {"id": service.pk, "name": "Private lesson"},
        "start": booking.start_time_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end": booking.end_time_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "client": {"name": "Dana Diver", "email": "dana@example.com"},
        "business": "alices-aqua",
    }
    assert received.payload["timestamp"].endswith("Z")


def test_the_delivery_waits_for_the_commit(open_page, service, endpoint, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        book(service)
    assert WebhookDelivery.objects.get().status == Status.QUEUED
    assert receiver.received == []  # nothing is sent inside the booking's transaction
    assert len(callbacks) >= 1


def test_a_rolled_back_change_leaves_no_delivery(open_page, service, endpoint, receiver, monkeypatch):
    def later_consumer_fails(**kwargs):
        raise RuntimeError("a later consumer failed")

    monkeypatch.setattr(booking_events, "_consumers", [*booking_events._consumers, later_consumer_fails])
    with pytest.raises(RuntimeError, match="a later consumer failed"):
        book(service)
    assert not Booking.objects.exists()
    assert not WebhookDelivery.objects.exists()
    assert receiver.received == []


@pytest.mark.django_db(transaction=True)
def test_the_consumer_refuses_to_run_outside_a_transaction(open_page, service, endpoint):
    booking = book(service)
    with pytest.raises(RuntimeError, match="inside the change's transaction"):
        booking_webhooks_queue(booking=booking, from_status="")


def test_every_booking_event_has_its_type(open_page, service, endpoint, receiver, alice, django_capture_on_commit_callbacks):
    page = open_page
    with django_capture_on_commit_callbacks(execute=True):
        page.requires_approval = True
        page.save()
        approved = book(service, start=a_start(hour=10))
        booking_approve(booking=approved, by=alice)
        rejected = book(service, start=a_start(hour=11), client_email="r@example.com")
        booking_reject(booking=rejected, by=alice, reason="Full")
        expired = book(service, start=a_start(hour=12), client_email="e@example.com")
        Booking.objects.filter(pk=expired.pk).update(pending_request_expires_at=a_start(days_ahead=-1))
        booking_expire(booking=expired)
        page.requires_approval = False
        page.save()
        moved = book(service, start=a_start(hour=13), client_email="m@example.com")
        booking_reschedule(booking=moved, start_time_utc=a_start(hour=15), by=alice)
        booking_cancel_by_client(booking=moved)
        owner_cancelled = book(service, start=a_start(hour=14), client_email="o@example.com")
        booking_cancel_by_admin(booking=owner_cancelled, by=alice)

    types = [payload["type"] for payload in receiver.verified]
    assert types == [
        "booking.created", "booking.confirmed",
        "booking.created", "booking.rejected",
        "booking.created", "booking.expired",
        "booking.created", "booking.rescheduled", "booking.cancelled",
        "booking.created", "booking.cancelled",
    ]
    rescheduled = receiver.verified[7]["data"]
    assert rescheduled["previous_start"] == a_start(hour=13).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert rescheduled["start"] == a_start(hour=15).strftime("%Y-%m-%dT%H:%M:%SZ")
    # Each event has its own id; no id is used twice.
    ids = [r.event_id for r in receiver.received]
    assert len(set(ids)) == len(ids) == 11


def test_one_event_goes_to_every_active_endpoint_under_one_id(
    open_page, service, business, endpoint, receiver, django_capture_on_commit_callbacks
):
    second = endpoint_create(business_profile_id=business.pk, url=receiver.url + "?second")
    second.secret = endpoint.secret  # one receiver checks both
    second.save()
    switched_off = endpoint_create(business_profile_id=business.pk, url=receiver.url + "?off")
    switched_off.is_active = False
    switched_off.save()
    with django_capture_on_commit_callbacks(execute=True):
        book(service)
    assert WebhookDelivery.objects.filter(endpoint=switched_off).count() == 0
    assert len(receiver.verified) == 2
    assert receiver.received[0].event_id == receiver.received[1].event_id


def test_another_business_hears_nothing(open_page, service, other_business, receiver, django_capture_on_commit_callbacks):
    endpoint_create(business_profile_id=other_business.pk, url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        book(service)
    assert not WebhookDelivery.objects.exists()
    assert receiver.received == []


def test_a_waitlist_offer_is_an_event_and_joining_is_not(
    open_page, service, endpoint, receiver, django_capture_on_commit_callbacks
):
    service.waitlist_enabled = True
    service.save()
    with django_capture_on_commit_callbacks(execute=True):
        taken = book(service)
        entry, _new = waitlist_join(
            service=service, start_time_utc=taken.start_time_utc, client_name="Wes Waiting",
            client_email="wes@example.com", client_timezone="Europe/London",
        )
        booking_cancel_by_client(booking=taken)

    types = [payload["type"] for payload in receiver.verified]
    assert types == ["booking.created", "booking.cancelled", "waitlist.offered"]
    entry.refresh_from_db()
    data = receiver.verified[-1]["data"]
    assert data["waitlist_entry_id"] == entry.pk and data["status"] == "offered"
    assert data["client"] == {"name": "Wes Waiting", "email": "wes@example.com"}
    assert data["start"] == taken.start_time_utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert data["offer_expires_at"] == entry.offer_expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_attendance_is_an_event(open_page, service, endpoint, receiver, alice, django_capture_on_commit_callbacks):
    three_days_ago = timezone.now() - timedelta(days=3)
    yesterday = a_start(days_ahead=-1)
    with django_capture_on_commit_callbacks(execute=True):
        came = book(service, start=yesterday, now=three_days_ago)
        missed = book(service, start=yesterday + timedelta(hours=2), now=three_days_ago, client_email="m@example.com")
        booking_mark_attendance(booking=came, status="completed", by=alice)
        booking_mark_attendance(booking=missed, status="no_show", by=alice)
    types = [payload["type"] for payload in receiver.verified]
    assert types == ["booking.created", "booking.created", "booking.completed", "booking.no_show"]
    assert receiver.verified[-1]["data"]["status"] == "no_show"
