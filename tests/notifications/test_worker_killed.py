"""A worker killed mid-send (SIGKILL) loses no email and sends none twice (DESIGN.md 7).

Real processes: `celery worker` subprocesses on a Redis server of the test's own, sending through
django-sendgrid-v5 and the sendgrid client to the fake SendGrid, on the test database (rows
committed: transaction=True). The first worker is killed while SendGrid holds its answer. A second
worker, whose clock runs past OUTBOX_CLAIM_TIMEOUT_SECONDS, gets the row from the beat pickup.

What "sent once" means here: SendGrid answered 202 once per email, to a worker alive to read it.
The killed worker's request reached SendGrid too, but its connection closed before any answer,
so the fake records it as hung up, not accepted. Real SendGrid may still deliver a request whose
sender died waiting; `sending.outbox_email_send` says why that rare duplicate is accepted. The
killed worker's message stays unacknowledged in Redis until its visibility timeout (an hour);
redelivered then, it finds the row sent and does nothing.
"""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from bookingsite.notifications.models import OutboxEmail
from bookingsite.notifications.selectors import unsent_email_ids
from bookingsite.notifications.tasks import flush_outbox_task
from tests.processes import app_environment, celery_worker, running, subprocess_database_url

from .conftest import API_KEY, activity, wait_for
from .helpers import a_slot, book_on_page

pytestmark = pytest.mark.django_db(transaction=True)

Status = OutboxEmail.Status
CLIENT = "dana@example.com"
OWNER = "alice@example.com"
# How far the second worker and the pickup live ahead of the kill: past the claim timeout.
AFTER_THE_CLAIM_TIMEOUT = settings.OUTBOX_CLAIM_TIMEOUT_SECONDS + 60


def status_of(email: OutboxEmail) -> str:
    return OutboxEmail.objects.values_list("status", flat=True).get(pk=email.pk)


def test_a_worker_killed_mid_send_leaves_the_email_to_the_next_which_sends_it_once(
    client, sendgrid, open_page, service, redis_url, tmp_path
):
    env = app_environment(
        database_url=subprocess_database_url(), redis_url=redis_url,
        SENDGRID_API_KEY=API_KEY, SENDGRID_HOST_URL=sendgrid.url,
    )
    answers = sendgrid.hold_answers()
    # Each line a worker logs (a task received, a task done) wakes wait_for.
    first = celery_worker(env, log=tmp_path / "first-worker.log", on_output=activity.bump)
    with running(first):
        booking = book_on_page(client, open_page, service, a_slot(open_page, service))
        [in_flight] = wait_for(
            lambda: [r for r in sendgrid.requests if r.answered is None], what="the first worker's call to SendGrid"
        )
        first.kill()  # while SendGrid holds the answer
    wait_for(lambda: in_flight.answered is False, what="SendGrid to see the killed worker's connection close")
    answers.set()

    lost = OutboxEmail.objects.get(booking=booking, to_email=in_flight.recipient)
    other = OutboxEmail.objects.exclude(pk=lost.pk).get(booking=booking)
    assert (lost.status, lost.attempts) == (Status.SENDING, 1)
    assert (other.status, other.attempts) == (Status.QUEUED, 0)  # still in the queue: one task at a time
    assert unsent_email_ids(now=timezone.now()) == []  # claimed a moment ago: nobody may take it yet

    second = celery_worker(
        env, log=tmp_path / "second-worker.log", on_output=activity.bump, clock_ahead_seconds=AFTER_THE_CLAIM_TIMEOUT
    )
    with running(second):
        wait_for(lambda: status_of(other) == Status.SENT, what="the second worker to send the queued email")
        with time_machine.travel(timedelta(seconds=AFTER_THE_CLAIM_TIMEOUT)):
            assert flush_outbox_task() == 1  # beat's pickup, once the claim has timed out
        wait_for(lambda: status_of(lost) == Status.SENT, what="the second worker to send the lost email")
        with time_machine.travel(timedelta(seconds=AFTER_THE_CLAIM_TIMEOUT)):
            assert flush_outbox_task() == 0  # the next run finds nothing left

    lost.refresh_from_db()
    assert (lost.attempts, lost.provider_status_code) == (2, 202)
    assert OutboxEmail.objects.get(pk=other.pk).attempts == 1
    assert len(sendgrid.accepted_to(CLIENT)) == 1 and len(sendgrid.accepted_to(OWNER)) == 1
    assert sendgrid.hung_up == [in_flight]
    assert [r.answered for r in sendgrid.requests_to(lost.to_email)] == [False, True]
    assert len(sendgrid.requests) == 3
