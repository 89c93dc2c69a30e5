"""The expiry sweep (PRD 3.8 FR5-FR6, 4.5): stale pending requests become expired_pending, once.

Each expiry goes through booking_expire: a history row, the client's email, the place freed.
Running it again changes nothing, and two sweeps at once (real threads, real transactions; on
PostgreSQL in CI) expire each booking exactly once. The tests that count what was sent use the
real worker (tests/notifications/conftest.py); the others read the outbox rows.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookingsite.bookings.models import Booking, BookingStatusChange
from bookingsite.bookings.selectors import availability
from bookingsite.bookings.services import booking_create
from bookingsite.notifications.models import EmailKind, OutboxEmail
from bookingsite.bookings.tasks import expire_pending_requests_task
from tests.factories import ServiceFactory
from tests.threads import run_together_without_errors

from .helpers import a_slot, subject, wait_until_settled

pytestmark = pytest.mark.django_db

Status = Booking.Status
SWEEPS = 4


@pytest.fixture
def approval_page(open_page):
    open_page.requires_approval = True
    open_page.save()
    return open_page


def request(page, service, *, index: int, hours_ago: float = 0, email: str = "dana@example.com") -> Booking:
    """A pending request made `hours_ago` (its 24-hour expiry counts from then)."""
    return booking_create(
        service=service, start_time_utc=a_slot(page, service, index=index).start_utc, client_name="Dana Diver",
        client_email=email, client_timezone="Europe/London", now=timezone.now() - timedelta(hours=hours_ago),
    )


def expiries(booking: Booking) -> int:
    return BookingStatusChange.objects.filter(booking=booking, to_status=Status.EXPIRED_PENDING).count()


def expired_emails(booking: Booking) -> int:
    return OutboxEmail.objects.filter(booking=booking, kind=EmailKind.EXPIRED).count()


def test_expires_only_requests_past_their_expiry(approval_page, service, business):
    stale = request(approval_page, service, index=0, hours_ago=25)
    fresh = request(approval_page, service, index=2, hours_ago=23, email="erin@example.com")
    approval_page.requires_approval = False
    approval_page.save()
    confirmed = booking_create(
        service=service, start_time_utc=a_slot(approval_page, service, index=4).start_utc, client_name="Finn",
        client_email="finn@example.com", client_timezone="Europe/London",
    )
    assert OutboxEmail.objects.count() == 6

    assert expire_pending_requests_task() == 1

    statuses = dict(Booking.objects.values_list("pk", "status"))
    assert statuses == {stale.pk: Status.EXPIRED_PENDING, fresh.pk: Status.PENDING_APPROVAL, confirmed.pk: Status.CONFIRMED}
    [change] = BookingStatusChange.objects.filter(booking=stale, to_status=Status.EXPIRED_PENDING)
    assert (change.from_status, change.actor) == (Status.PENDING_APPROVAL, BookingStatusChange.Actor.SYSTEM)
    # The place is free again: the slot is offered as it was before the request.
    day = stale.start_time_utc
    offered = availability.availability_days(
        page=approval_page, service=service, client_timezone="Europe/London",
        start_date=day.date(), end_date=day.date(), now=timezone.now(),
    )[0].slots
    assert stale.start_time_utc in [slot.start_utc for slot in offered]
    assert OutboxEmail.objects.filter(booking=stale, kind=EmailKind.EXPIRED).exists()
    to_dana = OutboxEmail.objects.filter(to_email="dana@example.com").order_by("pk")
    assert [email.subject for email in to_dana][-1].startswith("Booking request expired")


@pytest.mark.django_db(transaction=True)
def test_a_second_sweep_changes_nothing(celery_worker, sendgrid, approval_page, service):
    stale = request(approval_page, service, index=0, hours_ago=25)

    assert expire_pending_requests_task() == 1
    wait_until_settled(count=3)
    counts = (BookingStatusChange.objects.count(), OutboxEmail.objects.count(), len(sendgrid.requests))

    assert expire_pending_requests_task() == 0

    assert (BookingStatusChange.objects.count(), OutboxEmail.objects.count(), len(sendgrid.requests)) == counts
    assert (expiries(stale), expired_emails(stale)) == (1, 1)


def test_a_request_answered_meanwhile_is_left_alone(approval_page, service, alice):
    from bookingsite.bookings.services import booking_reject

    stale = request(approval_page, service, index=0, hours_ago=25)
    booking_reject(booking=stale, by=alice, reason="")

    assert expire_pending_requests_task() == 0
    assert Booking.objects.get(pk=stale.pk).status == Status.REJECTED


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_expire_each_booking_once(celery_worker, sendgrid, approval_page, service, business):
    group = ServiceFactory(business_profile=business, name="Group swim", duration_minutes=60, capacity=3)
    stale = [request(approval_page, service, index=i, hours_ago=25, email=f"c{i}@example.com") for i in range(0, 8, 2)]
    stale += [request(approval_page, group, index=1, hours_ago=25 + i, email=f"g{i}@example.com") for i in range(3)]
    results = run_together_without_errors(expire_pending_requests_task, SWEEPS)

    assert sum(results) == len(stale) and len(results) == SWEEPS
    for booking in stale:
        assert Booking.objects.get(pk=booking.pk).status == Status.EXPIRED_PENDING
        assert (expiries(booking), expired_emails(booking)) == (1, 1)
    wait_until_settled(count=3 * len(stale))  # request received, new request, expired
    expired_mails = [m for m in sendgrid.accepted if subject(m).startswith("Booking request expired")]
    assert sorted(m["personalizations"][0]["to"][0]["email"] for m in expired_mails) == sorted(b.client_email for b in stale)
