"""Delivering: retries with growing waits on a fake clock, one delivery per event id however
often the task runs, failures shown as the owner reads them, and an endpoint failing for three
days switched off with an email to its owner."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from bookingsite.notifications.models import EmailKind, OutboxEmail
from bookingsite.webhooks import outbox, payloads
from bookingsite.webhooks.delivering import retry_wait, webhook_deliver
from bookingsite.webhooks.models import WebhookDelivery
from bookingsite.webhooks.selectors import due_delivery_ids
from bookingsite.webhooks.services import ResendRefused, delivery_resend
from bookingsite.webhooks.tasks import deliver_webhook_task, flush_webhook_deliveries_task

from .receiver import HANG, REDIRECT

pytestmark = pytest.mark.django_db
Status = WebhookDelivery.Status


def an_event(endpoint, event_type: str = "booking.created") -> WebhookDelivery:
    """A delivery as the outbox writes it (its task is not run: the tests run the delivery)."""
    [delivery] = outbox.deliveries_queue(
        endpoints=[endpoint], event_type=event_type, data={"booking_id": "b-1"}, now=timezone.now()
    )
    return delivery


def deliver(delivery: WebhookDelivery):
    return webhook_deliver(delivery_id=delivery.pk, now=timezone.now())


def test_the_waits_double_from_a_minute_up_to_six_hours():
    assert [retry_wait(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert retry_wait(30) == 6 * 60 * 60


def test_a_failing_receiver_is_retried_with_growing_waits_until_it_answers(endpoint, receiver):
    receiver.plan(500, 500, 503)
    delivery = an_event(endpoint)
    waits = []
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(3):
            result = deliver(delivery)
            assert result.outcome == "retry"
            delivery.refresh_from_db()
            assert delivery.status == Status.QUEUED
            waits.append((delivery.next_attempt_at - timezone.now()).total_seconds())
            # Not due yet: a second run (the pickup's, a duplicate message) sends nothing.
            assert deliver(delivery).outcome == "skipped"
            clock.shift(timedelta(seconds=waits[-1]))
        assert deliver(delivery).outcome == "sent"
    assert waits == [60, 120, 240]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code, delivery.last_error) == (
        Status.DELIVERED, 4, 200, ""
    )
    # Four tries, one id, every one signed and verified at its own time.
    assert [r.event_id for r in receiver.received] == [delivery.event_id] * 4
    assert all(r.verified for r in receiver.received)
    assert len({r.timestamp for r in receiver.received}) == 4


def test_the_failure_is_recorded_as_the_owner_reads_it(endpoint, receiver):
    receiver.plan(500)
    delivery = an_event(endpoint)
    deliver(delivery)
    delivery.refresh_from_db()
    assert delivery.last_status_code == 500
    assert delivery.last_error.startswith("The receiver answered 500.")


def test_a_redirect_is_not_followed_and_counts_as_a_failure(endpoint, receiver):
    receiver.plan(REDIRECT)
    delivery = an_event(endpoint)
    assert deliver(delivery).outcome == "retry"
    delivery.refresh_from_db()
    assert delivery.last_status_code == 302
    assert "redirects are not followed" in delivery.last_error
    assert "https://elsewhere.example/hooks" in delivery.last_error
    assert len(receiver.received) == 1


def test_a_receiver_that_hangs_times_out_and_is_retried(endpoint, receiver):
    receiver.plan(HANG)
    delivery = an_event(endpoint)
    try:
        assert deliver(delivery).outcome == "retry"
    finally:
        receiver.release.set()
    delivery.refresh_from_db()
    assert delivery.status == Status.QUEUED and delivery.last_status_code is None
    assert delivery.last_error == "The server took too long to answer."


def test_a_private_address_is_refused_without_the_setting(endpoint, receiver, settings):
    settings.CALENDAR_IMPORT_ALLOW_PRIVATE = False
    delivery = an_event(endpoint)
    assert deliver(delivery).outcome == "retry"
    delivery.refresh_from_db()
    assert "https://" in delivery.last_error  # the http:// address is refused before anything is sent
    assert receiver.received == []


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_deliver_once(endpoint, receiver, monkeypatch):
    """The task queued on commit and the pickup's copy run together: one POST."""
    monkeypatch.setattr(outbox, "delivery_publish", lambda delivery_id: None)  # the two runs below are the only ones
    receiver.plan(HANG)
    delivery = an_event(endpoint)
    results = []
    first = threading.Thread(target=lambda: results.append(deliver(delivery).outcome))
    first.start()
    try:
        # The first run has claimed it and is waiting on the receiver.
        assert receiver.arrived.wait(10), "the first run never reached the receiver"
        results.append(deliver(delivery).outcome)
    finally:
        receiver.release.set()
        first.join(10)
    assert sorted(results) == ["sent", "skipped"]
    assert len(receiver.received) == 1
    # Done is done: another run sends nothing.
    assert deliver(delivery).outcome == "skipped"
    assert len(receiver.received) == 1


def test_the_task_run_twice_delivers_once(endpoint, receiver):
    delivery = an_event(endpoint)
    assert deliver_webhook_task.apply(args=[delivery.pk]).get() == "sent"
    assert deliver_webhook_task.apply(args=[delivery.pk]).get() == "skipped"
    assert len(receiver.received) == 1


def test_the_pickup_sends_what_was_missed(endpoint, receiver, settings):
    delivery = an_event(endpoint)  # its task was never run: the broker was down at commit, say
    assert due_delivery_ids(now=timezone.now()) == []  # within the grace period: its own task may still come
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.WEBHOOK_GRACE_SECONDS + 1), tick=False):
        assert flush_webhook_deliveries_task.apply().get() == 1
    delivery.refresh_from_db()
    assert delivery.status == Status.DELIVERED
    assert [r.event_id for r in receiver.received] == [delivery.event_id]


def test_a_worker_that_died_mid_send_is_picked_up_again(endpoint, receiver, settings):
    delivery = an_event(endpoint)
    stale = timezone.now() - timedelta(seconds=settings.WEBHOOK_CLAIM_TIMEOUT_SECONDS + 1)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=Status.SENDING, claimed_at=stale, attempts=1)
    assert due_delivery_ids(now=timezone.now()) == [delivery.pk]
    assert deliver(delivery).outcome == "sent"
    delivery.refresh_from_db()
    assert delivery.attempts == 2


def test_resend_sends_the_same_id_and_body(endpoint, receiver):
    delivery = an_event(endpoint)
    deliver(delivery)
    delivery.refresh_from_db()
    delivery_resend(delivery=delivery, now=timezone.now())
    deliver(delivery)
    first, second = receiver.received
    assert first.event_id == second.event_id == delivery.event_id
    assert first.body == second.body
    assert second.verified
    assert WebhookDelivery.objects.count() == 1


def test_resend_is_refused_while_it_waits_or_when_the_endpoint_is_off(endpoint):
    delivery = an_event(endpoint)
    with pytest.raises(ResendRefused, match="already waiting"):
        delivery_resend(delivery=delivery, now=timezone.now())
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=Status.FAILED)
    endpoint.is_active = False
    endpoint.save()
    with pytest.raises(ResendRefused, match="switched off"):
        delivery_resend(delivery=delivery, now=timezone.now())


def test_three_days_of_failures_switch_the_endpoint_off_and_email_the_owner(endpoint, receiver):
    receiver.plan(*[500] * 100)
    delivery = an_event(endpoint)
    waiting = an_event(endpoint, "booking.cancelled")  # another event, waiting for its turn
    start = timezone.now()
    tries = 0
    with time_machine.travel(start, tick=False) as clock:
        while True:
            tries += 1
            result = deliver(delivery)
            if result.outcome != "retry":
                break
            endpoint.refresh_from_db()
            assert endpoint.is_active
            clock.shift(timedelta(seconds=result.retry_in))
        assert timezone.now() - start >= timedelta(days=3)
    assert result.outcome == "failed"
    assert 15 <= tries <= 25  # a minute, doubling, then every six hours
    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    assert "500" in endpoint.disabled_reason
    waiting.refresh_from_db()
    assert waiting.status == Status.FAILED
    [email] = OutboxEmail.objects.filter(kind=EmailKind.WEBHOOK_DISABLED)
    assert email.to_email == "alice@example.com"
    assert endpoint.url in email.subject and endpoint.url in email.body_text
    assert f"/app/webhooks/{endpoint.pk}/" in email.body_text
    assert len(receiver.received) == tries


def test_one_success_starts_the_count_of_failing_days_afresh(endpoint, receiver):
    receiver.plan(500, 200, 500)
    first, second, third = an_event(endpoint), an_event(endpoint), an_event(endpoint)
    deliver(first)
    endpoint.refresh_from_db()
    assert endpoint.failing_since is not None
    deliver(second)
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        deliver(third)
        endpoint.refresh_from_db()
        assert endpoint.failing_since == timezone.now()


def test_the_test_event_type_is_known():
    assert payloads.TEST_EVENT in payloads.EVENT_TYPES
