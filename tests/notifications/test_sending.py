"""The outbox's promises (DESIGN.md 7): recorded with the change, sent after commit, retried with
backoff, never sent twice, never lost when the broker is down at commit time."""

import logging
import threading
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from bookingsite.bookings import events as booking_events
from bookingsite.bookings import services as booking_services
from bookingsite.bookings.models import Booking
from bookingsite.notifications import sending
from bookingsite.notifications.models import EmailKind, OutboxEmail
from bookingsite.notifications.outbox import booking_notifications_queue
from bookingsite.notifications.sending import outbox_email_send
from bookingsite.notifications.selectors import unsent_email_ids
from bookingsite.notifications.tasks import flush_outbox_task, send_outbox_email_task
from config.celery import app as celery_app

from .conftest import DEADLINE, TIMEOUT, broker_down, wait_for
from .helpers import a_slot, book_on_page, recipient, wait_until_settled

Status = OutboxEmail.Status
CLIENT = "dana@example.com"
OWNER = "alice@example.com"


def an_email(business, **fields) -> OutboxEmail:
    """A bare outbox row, for tests of sending alone (real rows come from booking changes)."""
    values = {
        "business_profile": business,
        "kind": EmailKind.CONFIRMED,
        "to_email": CLIENT,
        "from_email": "bookings@flowkey.local",
        "subject": "Booking confirmed – Private lesson",
        "body_text": "See you then!\n",
        "body_html": "<p>See you then!</p>",
        "next_attempt_at": timezone.now(),
    } | fields
    return OutboxEmail.objects.create(**values)


def age(minutes: int) -> None:
    """Make every unsent row look `minutes` old, as if the clock had moved on."""
    earlier = timezone.now() - timedelta(minutes=minutes)
    OutboxEmail.objects.filter(status=Status.QUEUED).update(next_attempt_at=earlier)


@pytest.mark.django_db(transaction=True)
def test_the_worker_uses_the_configured_broker(celery_worker):
    expected = django_settings.REDIS_URL or "memory://"
    assert celery_app.conf.broker_url == expected
    assert celery_app.conf.task_always_eager is False


def test_beat_runs_the_pickup_and_reminders_every_minute_the_expiry_every_five_and_the_completion_and_busy_calendars_every_ten():
    import bookingsite.notifications.tasks  # noqa: F401  (registers the tasks, as the worker's autodiscovery does)
    import bookingsite.bookings.tasks  # noqa: F401
    import bookingsite.businesses.tasks  # noqa: F401
    import bookingsite.notifications.reminders  # noqa: F401  (as the worker's CELERY_IMPORTS does)

    schedule = {entry["task"]: entry["schedule"] for entry in celery_app.conf.beat_schedule.values()}
    assert schedule == {
        "webhooks.flush_deliveries": 60.0,  # registered by the webhooks app's ready()
        "notifications.flush_outbox": 60.0,
        "notifications.send_reminders": 60.0,
        "bookings.expire_pending_requests": 300.0,
        "bookings.complete_past_bookings": 600.0,
        "bookings.sweep_waitlists": 60.0,
        "businesses.import_busy_calendars": 600.0,
    }
    assert set(schedule) <= set(celery_app.tasks)


@pytest.mark.django_db(transaction=True)
class TestNeverTwice:
    def test_running_the_send_task_again_sends_nothing(self, client, celery_worker, sendgrid, open_page, service):
        booking = book_on_page(client, open_page, service, a_slot(open_page, service))
        emails = wait_until_settled(booking, count=2)
        assert len(sendgrid.requests) == 2

        for email in emails:
            assert send_outbox_email_task(email.pk) == "skipped"
            assert send_outbox_email_task(email.pk) == "skipped"

        assert len(sendgrid.requests) == 2
        assert [e.attempts for e in OutboxEmail.objects.order_by("pk")] == [1, 1]

    def test_two_runs_at_once_send_once(self, client, celery_worker, sendgrid, open_page, service):
        with broker_down():  # the rows stay queued: nothing else sends them meanwhile
            booking = book_on_page(client, open_page, service, a_slot(open_page, service))
        email = OutboxEmail.objects.get(booking=booking, kind=EmailKind.CONFIRMED)
        # The first run is still talking to SendGrid when the second claims: SendGrid answers
        # only once the second run has given up.
        answers = sendgrid.hold_answers()
        barrier = threading.Barrier(2)
        results, details = [], []

        def run():
            try:
                barrier.wait(timeout=10)
                result = outbox_email_send(email_id=email.pk)
                results.append(result.outcome)
                if result.outcome == "skipped":
                    details.append(result.detail)
                    answers.set()
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)

        assert sorted(results) == ["sent", "skipped"]
        assert details == ["another worker is sending it"]
        assert len(sendgrid.accepted_to(CLIENT)) == 1
        email.refresh_from_db()
        assert (email.status, email.attempts) == (Status.SENT, 1)

    def test_the_pickup_never_requeues_a_sent_row(self, client, celery_worker, sendgrid, open_page, service):
        booking = book_on_page(client, open_page, service, a_slot(open_page, service))
        wait_until_settled(booking, count=2)
        OutboxEmail.objects.update(next_attempt_at=timezone.now() - timedelta(hours=1))

        assert flush_outbox_task() == 0
        assert len(sendgrid.requests) == 2


@pytest.mark.django_db(transaction=True)
class TestBrokerDownAtCommit:
    def test_the_booking_succeeds_and_the_pickup_sends_each_email_once(
        self, client, celery_worker, sendgrid, open_page, service, caplog
    ):
        caplog.set_level(logging.WARNING, logger="bookingsite.notifications")
        with broker_down():
            booking = book_on_page(client, open_page, service, a_slot(open_page, service))  # asserts the 302

        assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED
        rows = list(OutboxEmail.objects.filter(booking=booking))
        assert sorted((e.kind, e.status, e.attempts) for e in rows) == [("confirmed", "queued", 0), ("new_booking", "queued", 0)]
        assert sum("outbox.publish_failed" in r.getMessage() for r in caplog.records) == 2
        assert flush_outbox_task() == 0  # within the grace period the normal path may still send them
        assert sendgrid.requests == []

        age(minutes=3)  # the broker is back and the beat's next run comes
        flush_outbox_task.delay()
        wait_until_settled(booking, count=2)

        assert sorted(recipient(m) for m in sendgrid.accepted) == sorted([OWNER, CLIENT])
        assert len(sendgrid.requests) == 2
        assert flush_outbox_task() == 0  # the next beat run finds nothing
        assert len(sendgrid.requests) == 2
        assert sorted(OutboxEmail.objects.values_list("attempts", flat=True)) == [1, 1]

    def test_a_publish_error_in_eager_mode_does_not_break_the_booking(self, client, eager_tasks, open_page, service, monkeypatch):
        # `make run` has no broker: the task runs inside the request after commit. Even if it
        # blows up there, the client gets their booking and the row waits for the pickup.

        def explode(*args, **kwargs):
            raise RuntimeError("mail backend misconfigured")

        monkeypatch.setattr(sending, "_deliver", explode)
        booking = book_on_page(client, open_page, service, a_slot(open_page, service))

        assert booking.status == Booking.Status.CONFIRMED
        assert OutboxEmail.objects.filter(booking=booking).count() == 2


@pytest.mark.django_db(transaction=True)
class TestProviderErrors:
    def test_a_500_is_retried_with_backoff_and_sent_once(self, client, celery_worker, sendgrid, open_page, service):
        sendgrid.answer(500)
        booking = book_on_page(client, open_page, service, a_slot(open_page, service))
        emails = wait_until_settled(booking, count=2)

        assert [e.status for e in emails] == [Status.SENT, Status.SENT]
        assert sorted(e.attempts for e in emails) == [1, 2]
        retried = max(emails, key=lambda e: e.attempts)
        assert retried.provider_status_code == 202
        assert retried.provider_answer.startswith("202 Accepted; X-Message-Id: fake-")
        assert [r.status for r in sendgrid.requests].count(500) == 1
        assert len(sendgrid.accepted_to(CLIENT)) == 1 and len(sendgrid.accepted_to(OWNER)) == 1

    def test_a_400_every_time_fails_after_the_last_attempt_with_the_answer_kept(
        self, client, celery_worker, sendgrid, open_page, service
    ):
        sendgrid.default_status = 400
        booking = book_on_page(client, open_page, service, a_slot(open_page, service))
        emails = wait_until_settled(booking, count=2)

        for email in emails:
            assert (email.status, email.attempts, email.provider_status_code) == (Status.FAILED, 5, 400)
            assert email.provider_answer.startswith("400 Bad Request: ")
            assert "fake SendGrid says 400" in email.provider_answer
            assert email.sent_at is None
        assert len(sendgrid.requests) == 10 and sendgrid.accepted == []
        assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED

        age(minutes=60)
        assert flush_outbox_task() == 0  # failed is final
        assert send_outbox_email_task(emails[0].pk) == "skipped"
        assert len(sendgrid.requests) == 10

    def test_a_500_then_a_timeout_are_retried_with_backoff_and_sent_once(
        self, client, celery_worker, sendgrid, open_page, service, settings, caplog
    ):
        caplog.set_level(logging.WARNING, logger="bookingsite.notifications")
        settings.EMAIL_TIMEOUT = 0.5
        sendgrid.answer(500, TIMEOUT, to=CLIENT)  # then SendGrid is back: 202
        booking = book_on_page(client, open_page, service, a_slot(open_page, service))
        emails = {e.to_email: e for e in wait_until_settled(booking, count=2)}

        assert (emails[CLIENT].status, emails[CLIENT].attempts, emails[CLIENT].provider_status_code) == (Status.SENT, 3, 202)
        assert (emails[OWNER].status, emails[OWNER].attempts) == (Status.SENT, 1)
        tries = sendgrid.requests_to(CLIENT)
        assert [(r.status, r.answered) for r in tries] == [(500, True), (None, False), (202, True)]
        # The client gave up after EMAIL_TIMEOUT: left alone, the fake would have held it for DEADLINE.
        held_for = tries[1].finished_at - tries[1].arrived_at
        assert 0.8 * settings.EMAIL_TIMEOUT <= held_for < DEADLINE / 4
        # Each retry waited its backoff: 2, then 4 times OUTBOX_RETRY_BASE_SECONDS after the failure.
        base = settings.OUTBOX_RETRY_BASE_SECONDS
        assert tries[1].arrived_at - tries[0].finished_at >= 0.9 * 2 * base
        assert tries[2].arrived_at - tries[1].finished_at >= 0.9 * 4 * base
        retries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("outbox.retry")]
        assert len(retries) == 2
        assert "500 Internal Server Error" in retries[0] and "TimeoutError" in retries[1]
        assert len(sendgrid.accepted_to(CLIENT)) == 1 and len(sendgrid.accepted_to(OWNER)) == 1

    def test_every_try_failing_marks_it_failed_after_the_last_and_the_owner_sees_it(
        self, client, celery_worker, sendgrid, open_page, service, settings, alice
    ):
        settings.EMAIL_TIMEOUT = 0.3
        sendgrid.answer(500, TIMEOUT, 503, 500, TIMEOUT, to=CLIENT)  # five tries, OUTBOX_MAX_ATTEMPTS
        booking = book_on_page(client, open_page, service, a_slot(open_page, service))
        emails = {e.to_email: e for e in wait_until_settled(booking, count=2)}

        failed = emails[CLIENT]
        assert (failed.status, failed.attempts, failed.provider_status_code, failed.sent_at) == (Status.FAILED, 5, None, None)
        assert failed.provider_answer.startswith("TimeoutError: ")
        assert [r.status for r in sendgrid.requests_to(CLIENT)] == [500, None, 503, 500, None]
        assert sendgrid.accepted_to(CLIENT) == [] and len(sendgrid.accepted_to(OWNER)) == 1
        assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED

        client.force_login(alice)
        page = client.get(f"/app/bookings/{booking.pk}/").content.decode()
        shown = page[page.index('id="emails-heading"'):]
        assert CLIENT in shown and OWNER in shown
        assert "Not delivered after 5 tries" in shown and "TimeoutError: timed out" in shown
        assert shown.count(">Sent</span>") == 1 and shown.count(">Failed</span>") == 1

    def test_the_wait_doubles_after_each_failure(self, sendgrid, business, settings):
        settings.OUTBOX_RETRY_BASE_SECONDS = 1.0
        sendgrid.default_status = 503
        email = an_email(business)

        waits = []
        for _ in range(4):
            before = timezone.now()
            result = outbox_email_send(email_id=email.pk)
            email.refresh_from_db()
            assert result.outcome == "retry" and email.status == Status.QUEUED
            assert before + timedelta(seconds=result.retry_in) <= email.next_attempt_at
            waits.append(result.retry_in)
        assert waits == [2.0, 4.0, 8.0, 16.0]
        assert outbox_email_send(email_id=email.pk).outcome == "failed"
        email.refresh_from_db()
        assert (email.status, email.attempts) == (Status.FAILED, 5)
        assert email.provider_answer.startswith("503 Service Unavailable: ")

    def test_an_unreachable_provider_is_an_error_like_any_other(self, sendgrid, business, settings):
        settings.SENDGRID_HOST_URL = "http://127.0.0.1:1"
        email = an_email(business)

        result = outbox_email_send(email_id=email.pk)

        email.refresh_from_db()
        assert result.outcome == "retry"
        assert (email.status, email.attempts, email.provider_status_code) == (Status.QUEUED, 1, None)
        assert email.provider_answer.startswith("URLError: ") and "refused" in email.provider_answer.lower()


@pytest.mark.django_db(transaction=True)
class TestInterruptedSends:
    def test_a_row_left_sending_by_a_dead_worker_is_picked_up_and_sent_once(self, celery_worker, sendgrid, business):
        lost = an_email(business, status=Status.SENDING, attempts=1, claimed_at=timezone.now() - timedelta(minutes=11))
        busy = an_email(business, status=Status.SENDING, attempts=1, claimed_at=timezone.now(), to_email="busy@example.com")

        assert unsent_email_ids(now=timezone.now()) == [lost.pk]
        flush_outbox_task.delay()
        wait_for(lambda: OutboxEmail.objects.get(pk=lost.pk).status == Status.SENT, what="the lost row to be sent")

        assert send_outbox_email_task(busy.pk) == "skipped"  # another worker is sending it right now
        assert [recipient(m) for m in sendgrid.accepted] == [CLIENT]
        assert OutboxEmail.objects.get(pk=lost.pk).attempts == 2

    def test_a_lost_row_out_of_attempts_is_marked_failed(self, celery_worker, sendgrid, business):
        lost = an_email(business, status=Status.SENDING, attempts=5, claimed_at=timezone.now() - timedelta(minutes=11))

        assert send_outbox_email_task(lost.pk) == "failed"

        lost.refresh_from_db()
        assert lost.status == Status.FAILED and "gave up after 5 attempts" in lost.provider_answer
        assert sendgrid.requests == []


@pytest.mark.django_db
class TestSameTransaction:
    def test_an_email_is_only_recorded_with_its_change(self, open_page, service, monkeypatch):
        def then_fail(**kwargs):
            booking_notifications_queue(**kwargs)
            raise RuntimeError("the booking's transaction fails after the emails were recorded")

        monkeypatch.setattr(booking_events, "_consumers", [then_fail])
        with pytest.raises(RuntimeError):
            booking_services.booking_create(
                service=service, start_time_utc=a_slot(open_page, service).start_utc, client_name="Dana",
                client_email=CLIENT, client_timezone="Europe/London",
            )

        assert Booking.objects.count() == 0
        assert OutboxEmail.objects.count() == 0

    def test_the_change_queues_one_send_per_email_after_commit(self, open_page, service, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks() as callbacks:
            booking = booking_services.booking_create(
                service=service, start_time_utc=a_slot(open_page, service).start_utc, client_name="Dana",
                client_email=CLIENT, client_timezone="Europe/London",
            )
        assert OutboxEmail.objects.filter(booking=booking, status=Status.QUEUED).count() == 2
        assert len(callbacks) == 3  # two sends and the event log line


@pytest.mark.django_db(transaction=True)
def test_queueing_outside_a_transaction_is_refused(open_page, service):
    booking = booking_services.booking_create(
        service=service, start_time_utc=a_slot(open_page, service).start_utc, client_name="Dana",
        client_email=CLIENT, client_timezone="Europe/London",
    )
    with pytest.raises(RuntimeError, match="inside the booking's transaction"):
        booking_notifications_queue(booking=booking, from_status="")


@pytest.mark.django_db
def test_without_a_broker_mail_lands_in_files_a_person_can_read(
    eager_tasks, open_page, service, settings, tmp_path, django_capture_on_commit_callbacks
):
    """`make run`: tasks run in-process right after commit, mail goes to files under var/mail."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path

    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_services.booking_create(
            service=service, start_time_utc=a_slot(open_page, service).start_utc, client_name="Dana",
            client_email=CLIENT, client_timezone="Europe/London",
        )

    assert sorted(OutboxEmail.objects.filter(booking=booking).values_list("status", flat=True)) == ["sent", "sent"]
    written = "".join(path.read_text() for path in tmp_path.iterdir())
    assert written.count("Subject: ") == 2
    assert "Content-Type: text/plain" in written and "Content-Type: text/html" in written
    assert 'Content-Type: text/calendar; charset="utf-8"; method="PUBLISH"' in written
    assert all(e.provider_answer.startswith("accepted by django.core.mail.backends.filebased") for e in OutboxEmail.objects.all())
