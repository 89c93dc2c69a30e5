"""A receiver that does not answer never holds up a booking: the delivery runs in a real Celery
worker after the commit (the broker is Redis when REDIS_URL is set, else the in-memory one)."""

import pytest

from bookingsite.bookings.models import Booking
from bookingsite.webhooks.models import WebhookDelivery
from tests.notifications.conftest import running_worker, wait_for

from .helpers import book
from .receiver import HANG

Status = WebhookDelivery.Status


@pytest.mark.django_db(transaction=True)
def test_a_hanging_receiver_never_delays_the_booking(open_page, service, endpoint, receiver, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 20.0  # the receiver hangs until released, well within this
    receiver.plan(HANG)
    with running_worker():
        booking = book(service)
        # The booking is made and committed while nobody has answered the webhook yet.
        assert Booking.objects.filter(pk=booking.pk).exists()
        assert not receiver.release.is_set()
        assert receiver.arrived.wait(20), "the worker never posted the event"
        assert WebhookDelivery.objects.get().status == Status.SENDING  # the worker waits, not the booking
        receiver.release.set()
        delivery = wait_for(
            lambda: WebhookDelivery.objects.filter(status=Status.DELIVERED).first(), what="the delivery to finish"
        )
    assert delivery.attempts == 1
    [received] = receiver.received
    assert received.verified and received.payload["data"]["booking_id"] == str(booking.pk)
