"""The owner's bell (in-app notifications) and the list of emails sent for the business."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bookingsite.bookings import services
from bookingsite.notifications.models import Notification, OutboxEmail
from tests.factories import WorkingHoursFactory



@pytest.fixture
def booked(business, page, service, settings):
    """A request and a booking made by clients through the booking service."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for weekday in range(7):
        WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(9), end_time=time(17))
    day = date.today() + timedelta(days=5)
    make = lambda hour, email: services.booking_create(  # noqa: E731
        service=service, start_time_utc=datetime.combine(day, time(hour), tzinfo=UTC), client_name=email.split("@")[0].title(),
        client_email=email, client_phone="", client_timezone="Europe/London")
    first = make(10, "ann@example.com")
    page.requires_approval = True
    page.save()
    second = make(12, "ben@example.com")
    return first, second


@pytest.fixture
def owner(client, alice):
    client.force_login(alice)
    return client


def test_the_bell_counts_unread_and_only_mark_all_as_read_clears_them(owner, booked, other_business):
    dashboard = owner.get("/app/").content.decode()
    assert "2<span class=\"sr-only\"> unread</span>" in dashboard
    listing = owner.get("/app/notifications/").content.decode()
    assert "Booked by" in listing and "Booking request from" in listing
    assert "New Request" not in listing and "New Cancelled" not in listing
    assert listing.count(">Unread: </span>") == 2
    # Opening the list (a GET, perhaps a prefetch) changes nothing.
    assert Notification.objects.filter(business_profile=booked[0].business_profile, read_at__isnull=True).count() == 2
    assert owner.get("/app/notifications/read/").status_code == 405

    response = owner.post("/app/notifications/read/", follow=True)

    assert "Marked 2 notifications as read." in response.content.decode()
    assert not Notification.objects.filter(business_profile=booked[0].business_profile, read_at__isnull=True).exists()
    assert " unread</span>" not in owner.get("/app/").content.decode()
    listing = owner.get("/app/notifications/").content.decode()
    assert ">Unread: </span>" not in listing and "Mark all as read" not in listing


def test_emails_page_lists_the_business_emails_with_their_status(owner, booked, business):
    OutboxEmail.objects.filter(business_profile=business, to_email="ben@example.com").update(
        status=OutboxEmail.Status.FAILED, provider_answer="HTTP 400: invalid recipient")
    page = owner.get("/app/emails/").content.decode()
    assert "ann@example.com" in page and "ben@example.com" in page
    assert "HTTP 400: invalid recipient" in page
    failed_only = owner.get("/app/emails/", {"status": "failed"}).content.decode()
    assert "ben@example.com" in failed_only and "ann@example.com" not in failed_only
    assert owner.get("/app/emails/", {"status": "nonsense"}).status_code == 200


def test_another_owner_sees_none_of_it(client, booked, other_business):
    client.force_login(other_business.owner)
    assert "ann@example.com" not in client.get("/app/emails/").content.decode()
    assert "Ann" not in client.get("/app/notifications/").content.decode()
    client.post("/app/notifications/read/")  # marks their own, none of Alice's
    assert Notification.objects.filter(read_at__isnull=True).count() == 2


def test_both_pending_badges_refresh_themselves(owner, booked):
    dashboard = owner.get("/app/").content.decode()
    for badge in ("pending-badge", "menu-pending-badge"):
        assert f'id="{badge}" hx-get="/app/badge/?badge={badge}"' in dashboard
        fragment = owner.get("/app/badge/", {"badge": badge}).content.decode()
        assert fragment.strip().startswith(f'<span id="{badge}"') and ">1<" in fragment
    assert 'id="pending-badge"' in owner.get("/app/badge/", {"badge": "<script>"}).content.decode()


def test_a_reject_reason_over_1000_characters_is_refused_not_cut(owner, booked):
    pending = booked[1]
    response = owner.post(f"/app/bookings/{pending.pk}/reject/", {"reason": "x" * 1001}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "under 1000 characters" in response.content.decode()
    pending.refresh_from_db()
    assert (pending.status, pending.rejection_reason) == ("pending_approval", "")


def test_a_place_claimed_from_the_waitlist_says_so_in_the_list(owner, booked, service):
    from bookingsite.bookings import waitlist

    first, _request = booked
    service.waitlist_enabled = True
    service.save()
    entry, _created = waitlist.waitlist_join(
        service=service, start_time_utc=first.start_time_utc, client_name="Cleo", client_email="cleo@example.com",
        client_timezone="Europe/London",
    )
    services.booking_cancel_by_client(booking=first)
    waitlist.waitlist_claim(entry=entry)
    listing = owner.get("/app/notifications/").content.decode()
    assert "Waitlist place claimed by" in listing and ">Cleo</a>" in listing
    assert Notification.objects.filter(kind="waitlist_claimed").count() == 1


def test_notifications_come_a_page_at_a_time_newest_first(owner, booked):
    first, _second = booked
    Notification.objects.bulk_create(
        Notification(business_profile=first.business_profile, booking=first, kind=Notification.Kind.NEW_BOOKING)
        for _ in range(30)
    )  # 32 in all

    one, two = owner.get("/app/notifications/"), owner.get("/app/notifications/", {"page": 2})

    assert len(one.context["page_obj"]) == 25 and len(two.context["page_obj"]) == 7
    assert "Page 1 of 2" in one.content.decode() and 'href="/app/notifications/?page=2"' in one.content.decode()
    newest = list(Notification.objects.filter(business_profile=first.business_profile).order_by("-created_at", "-pk"))
    assert list(one.context["page_obj"]) + list(two.context["page_obj"]) == newest
