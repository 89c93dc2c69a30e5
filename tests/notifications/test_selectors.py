"""What the owner's bell and "emails sent" page read, and marking notifications read.

Everything is scoped to one business: another business's rows never show, and its ids do nothing.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookingsite.bookings.services import booking_cancel_by_client, booking_create, booking_reject
from bookingsite.notifications import selectors
from bookingsite.notifications.models import EmailKind, Notification, OutboxEmail
from bookingsite.notifications.services import notification_mark_read, notifications_mark_all_read
from tests.factories import ServiceFactory, WorkingHoursFactory

from .helpers import a_slot

pytestmark = pytest.mark.django_db


def book(page, service, *, index: int, email: str = "dana@example.com"):
    return booking_create(
        service=service, start_time_utc=a_slot(page, service, index=index).start_utc, client_name="Dana Diver",
        client_email=email, client_timezone="Europe/London",
    )


@pytest.fixture
def bobs_service(other_business):
    from datetime import time

    page = other_business.booking_settings
    page.minimum_notice_minutes = 0
    page.save()
    for weekday in range(7):
        WorkingHoursFactory(business_profile=other_business, weekday=weekday, start_time=time(9), end_time=time(17))
    return ServiceFactory(business_profile=other_business, name="Sparring")


def test_new_bookings_requests_and_cancellations_notify_the_owner(open_page, service, business, alice):
    booked = book(open_page, service, index=0)
    open_page.requires_approval = True
    open_page.save()
    requested = book(open_page, service, index=2, email="erin@example.com")
    booking_cancel_by_client(booking=booked)
    booking_reject(booking=requested, by=alice)  # the owner's own act: no notification

    recent = list(selectors.notifications_newest_first(business.pk))

    assert [(n.kind, n.booking_id) for n in recent] == [
        ("client_cancelled", booked.pk), ("new_request", requested.pk), ("new_booking", booked.pk)
    ]
    assert recent[0].booking.session_category.name == "Private lesson"  # loaded with the list
    assert selectors.unread_count(business.pk) == 3


def test_the_bell_counts_unread_and_marking_read_is_scoped(open_page, service, business, other_business, bobs_service):
    first = book(open_page, service, index=0)
    book(open_page, service, index=2, email="erin@example.com")
    book(other_business.booking_settings, bobs_service, index=0)
    mine = Notification.objects.get(booking=first)
    theirs = Notification.objects.get(business_profile=other_business)

    assert notification_mark_read(business_profile_id=business.pk, notification_id=theirs.pk) is False
    assert notification_mark_read(business_profile_id=business.pk, notification_id=mine.pk) is True
    assert notification_mark_read(business_profile_id=business.pk, notification_id=mine.pk) is False  # already read
    assert selectors.unread_count(business.pk) == 1
    assert selectors.unread_count(other_business.pk) == 1

    assert notifications_mark_all_read(business_profile_id=business.pk) == 1
    assert selectors.unread_count(business.pk) == 0
    assert selectors.unread_count(other_business.pk) == 1


def test_sent_emails_lists_the_business_emails_newest_first(open_page, service, business, other_business, bobs_service):
    first = book(open_page, service, index=0)
    booking_cancel_by_client(booking=first)
    book(other_business.booking_settings, bobs_service, index=0)

    emails = list(selectors.sent_emails(business.pk))

    assert [e.kind for e in emails] == [
        EmailKind.CLIENT_CANCELLED, EmailKind.CANCELLED, EmailKind.NEW_BOOKING, EmailKind.CONFIRMED,
    ]
    assert {e.business_profile_id for e in emails} == {business.pk}
    assert all(e.status == OutboxEmail.Status.QUEUED for e in emails)  # nothing committed, nothing sent yet
    assert [e.kind for e in selectors.sent_emails(business.pk, status="queued")] == [e.kind for e in emails]
    assert list(selectors.sent_emails(business.pk, status="sent")) == []
    whole = selectors.sent_email(business.pk, emails[-1].pk)
    assert "BEGIN:VCALENDAR" in whole.ics and whole.body_html.startswith("<!doctype html>")
    theirs = OutboxEmail.objects.filter(business_profile=other_business).first()
    assert selectors.sent_email(business.pk, theirs.pk) is None


def test_the_pickup_selects_only_due_and_lost_rows(open_page, service):
    book(open_page, service, index=0)
    now = timezone.now()
    assert selectors.unsent_email_ids(now=now) == []  # within the grace period
    assert len(selectors.unsent_email_ids(now=now + timedelta(minutes=3))) == 2
    OutboxEmail.objects.update(status=OutboxEmail.Status.SENDING, claimed_at=now)
    assert selectors.unsent_email_ids(now=now + timedelta(minutes=3)) == []  # being sent
    assert len(selectors.unsent_email_ids(now=now + timedelta(minutes=11))) == 2  # its worker died
