"""Every email names where the session is (DESIGN.md 7): the service's location, else the business's address.

Both parts: the HTML shows a meeting link as a link and a place as escaped text with its line
breaks; the plain text shows either as it is.
"""

from datetime import timedelta

import pytest

from bookingsite.bookings.services import (
    booking_approve,
    booking_cancel_by_admin,
    booking_cancel_by_client,
    booking_create,
    booking_expire,
    booking_reject,
)
from bookingsite.notifications.models import EmailKind, OutboxEmail

from tests.factories import ServiceFactory

from .helpers import a_slot

pytestmark = pytest.mark.django_db

ADDRESS = "Aqua Centre, lane 6\n14 Mill Lane\nBristol BS1 4RB"
MEETING = "https://meet.example.com/alice/private-lesson?pwd=a&b=1"


def book(page, service, *, index: int, email: str = "dana@example.com"):
    return booking_create(
        service=service, start_time_utc=a_slot(page, service, index=index).start_utc, client_name="Dana Diver",
        client_email=email, client_phone="+447911123456", client_timezone="Europe/London",
    )


def emails_of(booking) -> dict[str, OutboxEmail]:
    return {email.kind: email for email in OutboxEmail.objects.filter(booking=booking)}


@pytest.fixture
def at_the_address(business):
    business.address = ADDRESS
    business.save()
    return business


def test_every_kind_of_email_names_the_address_in_both_parts(open_page, service, at_the_address, alice):
    confirmed = book(open_page, service, index=0)
    booking_cancel_by_client(booking=confirmed)
    cancelled_by_owner = book(open_page, service, index=1)
    booking_cancel_by_admin(booking=cancelled_by_owner, by=alice)
    open_page.requires_approval = True
    open_page.save()
    rejected, approved, expired = (book(open_page, service, index=n) for n in (2, 3, 4))
    booking_reject(booking=rejected, by=alice)
    booking_approve(booking=approved, by=alice)
    booking_expire(booking=expired, now=expired.pending_request_expires_at + timedelta(minutes=1))

    emails = list(OutboxEmail.objects.all())
    # Every kind a booking's answers and cancellations send (moves and reminders share the same details).
    assert {email.kind for email in emails} == {
        EmailKind.CONFIRMED, EmailKind.NEW_BOOKING, EmailKind.CANCELLED, EmailKind.CLIENT_CANCELLED,
        EmailKind.REQUEST_RECEIVED, EmailKind.NEW_REQUEST, EmailKind.REJECTED, EmailKind.EXPIRED,
    }
    for email in emails:
        assert "  Location:       Aqua Centre, lane 6\n" in email.body_text, email.kind
        # The address's further lines sit under its first, in the column of the other details.
        assert "\n                  14 Mill Lane\n                  Bristol BS1 4RB\n" in email.body_text, email.kind
        assert ">Location</td>" in email.body_html, email.kind
        assert '4px;color:#475569;vertical-align:top;">Time</td>' in email.body_html, email.kind  # no longer the last row
        assert "Aqua Centre, lane 6<br>14 Mill Lane<br>Bristol BS1 4RB" in email.body_html, email.kind
        assert "Join online" not in email.body_html


def test_the_service_location_wins_and_a_meeting_url_is_a_link_in_html_only(open_page, at_the_address):
    online = ServiceFactory(business_profile=at_the_address, name="Online theory", location=MEETING)

    booking = book(open_page, online, index=0)

    emails = emails_of(booking)
    assert set(emails) == {EmailKind.CONFIRMED, EmailKind.NEW_BOOKING}
    for email in emails.values():
        assert f"  Location:       {MEETING}\n" in email.body_text
        assert "Join online" not in email.body_text and "Aqua Centre" not in email.body_text
        escaped = MEETING.replace("&", "&amp;")
        assert f'<a href="{escaped}" style="color:#115e59;font-weight:600;">Join online</a>' in email.body_html
        assert "Aqua Centre" not in email.body_html
    confirmation = emails[EmailKind.CONFIRMED]
    assert "location=https%3A%2F%2Fmeet.example.com%2Falice%2Fprivate-lesson" in confirmation.body_text  # Google link
    assert "LOCATION:https://meet.example.com/alice/private-lesson?pwd=a&b=1" in confirmation.ics.replace("\r\n ", "")


def test_a_location_that_is_not_only_a_url_is_text(open_page, at_the_address):
    javascript = ServiceFactory(business_profile=at_the_address, name="Odd", location="javascript:alert(1)")
    mixed = ServiceFactory(business_profile=at_the_address, name="Mixed", location=f"Room 2 or {MEETING}")

    for n, service in enumerate((javascript, mixed)):
        html = emails_of(book(open_page, service, index=n))[EmailKind.CONFIRMED].body_html
        assert "Join online" not in html
        assert 'href="javascript' not in html
        assert service.location.replace("&", "&amp;") in html


def test_the_address_is_escaped_in_html_and_plain_in_text(open_page, service, at_the_address):
    at_the_address.address = '<script>alert("x")</script>\nPool & Spa'
    at_the_address.save()

    booking = book(open_page, service, index=0)

    for email in emails_of(booking).values():
        assert "<script>" not in email.body_html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>Pool &amp; Spa" in email.body_html
        assert '  Location:       <script>alert("x")</script>\n                  Pool & Spa\n' in email.body_text


def test_no_location_row_without_a_location(open_page, service):
    booking = book(open_page, service, index=0)

    emails = emails_of(booking)
    for email in emails.values():
        assert "Location" not in email.body_text
        assert "Location" not in email.body_html
    # The time is then the client's last detail, and closes the table with the wider padding.
    assert 'padding:4px 18px 14px;color:#475569;vertical-align:top;">Time</td>' in emails[EmailKind.CONFIRMED].body_html
