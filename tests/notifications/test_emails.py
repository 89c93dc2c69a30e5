"""Every booking event writes the right emails, with the right content; a few go through a real worker.

DESIGN.md 7 and PRD 3.7/3.8: request received, confirmed (Google Calendar link, manage link,
.ics), rejected (reason, rebook link), expired (rebook link), cancelled (.ics with METHOD:CANCEL
and the same UID); the owner gets new request (links that open the request), new booking and
client cancelled. Client emails show the client's zone, owner emails the business's.

An email is composed once, when its booking changes, and stored whole as an OutboxEmail row;
sending only hands that row to the provider. So the content is read from the rows in plain
database tests (the change's transaction never commits there, so nothing is sent), and the tests
in TestThroughTheWorker show that what SendGrid receives is exactly the row: the sender's name,
reply-to, both parts and the .ics attachment with its method.
"""

from datetime import UTC, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone

from bookingsite.bookings.exceptions import SlotTakenError
from bookingsite.bookings.models import Booking
from bookingsite.bookings.services import booking_create, booking_reject
from bookingsite.notifications.models import EmailKind, Notification, OutboxEmail
from bookingsite.bookings.tasks import expire_pending_requests_task
from bookingsite.lib.locale_formats import format_date

from .helpers import (
    SITE,
    a_slot,
    attached_calendar,
    book_on_page,
    manage_url,
    only_event,
    parts,
    rebook_url,
    subject,
    wait_until_settled,
)

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
LONDON = ZoneInfo("Europe/London")
OWNER = "alice@example.com"
CLIENT = "dana@example.com"


@pytest.fixture(autouse=True)
def site_url(settings):
    """Links in emails start with SITE_URL (the `sendgrid` fixture sets the same for the worker's tests)."""
    settings.SITE_URL = SITE


def local(moment, zone) -> tuple[str, str]:
    """(date line, time line) as the emails write them."""
    at = moment.astimezone(zone)
    return format_date(at, "weekday_date_year"), f"{at:%H:%M}"


def test_a_booking_without_notes_shows_no_notes_line(client, open_page, service, business, alice):
    booking = book_on_page(client, open_page, service, a_slot(open_page, service), notes="")

    [owner_mail] = rows_to(OWNER)
    for part in row_parts(owner_mail):
        assert "Notes" not in part and "None" not in part
    client.force_login(alice)
    assert "Notes from the client" not in client.get(f"/app/bookings/{booking.pk}/").content.decode()


def uid(booking: Booking) -> str:
    return f"booking-{booking.pk}@flowkey-booking-links"


def rows_to(address: str) -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(to_email=address).order_by("pk"))


def row_parts(email: OutboxEmail) -> tuple[str, str]:
    return email.body_text, email.body_html


def row_calendar(email: OutboxEmail) -> icalendar.Calendar:
    assert email.ics, f"{email} has no .ics"
    return icalendar.Calendar.from_ical(email.ics)


def test_an_instant_booking_emails_the_client_a_confirmation_and_the_owner_a_new_booking(
    client, open_page, service, business
):
    slot = a_slot(open_page, service)
    booking = book_on_page(client, open_page, service, slot, tz="Asia/Tokyo")
    assert booking.status == Booking.Status.CONFIRMED
    assert OutboxEmail.objects.filter(booking=booking).count() == 2

    [mail] = rows_to(CLIENT)
    text, html = row_parts(mail)
    day, start = local(slot.start_utc, TOKYO)
    in_tokyo = slot.start_utc.astimezone(TOKYO)
    assert mail.subject == f"Booking confirmed – Private lesson, {in_tokyo:%a} {in_tokyo.day} {in_tokyo:%b}, {start}"
    assert mail.from_email == '"Alice\'s Aqua Studio" <bookings@flowkey.local>'
    assert mail.reply_to == OWNER
    for part in (text, html):
        assert "Alice’s Aqua Studio" not in part  # the name as the owner typed it, not prettified
        assert "Your booking is confirmed" in part or "YOUR BOOKING IS CONFIRMED" in part
        assert day in part and start in part and "(Tokyo time)" in part  # the client's zone
        assert manage_url(open_page, booking) in part
        assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in part
        assert "Lessons are at Riverside pool, lane 6." in part  # the business's note to clients
    assert "Alice's Aqua Studio" in text and "Alice&#x27;s Aqua Studio" in html
    assert '<a href="' + manage_url(open_page, booking) + '"' in html

    assert mail.ics_method == "PUBLISH"
    calendar = row_calendar(mail)
    assert calendar["METHOD"] == "PUBLISH"
    event = only_event(calendar)
    assert event["UID"] == uid(booking)
    assert event.decoded("DTSTART") == slot.start_utc.astimezone(UTC)
    assert event.decoded("DTEND") == slot.end_utc.astimezone(UTC)
    assert event.decoded("DTSTART").tzinfo is not None and event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert "DTSTART:" + slot.start_utc.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") in calendar.to_ical().decode()

    [owner_mail] = rows_to(OWNER)
    owner_text, owner_html = row_parts(owner_mail)
    owner_day, owner_start = local(slot.start_utc, LONDON)
    assert owner_mail.subject.startswith("New booking from Dana Diver – Private lesson, ")
    assert owner_mail.reply_to == CLIENT
    for part in (owner_text, owner_html):
        assert owner_day in part and owner_start in part and "(London time)" in part  # the business's zone
        assert f"https://book.example.test/app/bookings/{booking.pk}/" in part
        assert "+447911123456" in part and "First lesson, a bit nervous." in part
        assert "(Tokyo time)" in part  # and where the client booked from
    assert (owner_mail.ics, owner_mail.ics_method) == ("", "")

    [notification] = Notification.objects.filter(business_profile=business)
    assert (notification.kind, notification.booking_id, notification.read_at) == ("new_booking", booking.pk, None)
    assert OutboxEmail.objects.count() == 2


def test_a_request_emails_request_received_and_the_owner_links_that_open_it(client, open_page, service, alice):
    open_page.requires_approval = True
    open_page.save()
    slot = a_slot(open_page, service)
    booking = book_on_page(client, open_page, service, slot)
    assert booking.status == Booking.Status.PENDING_APPROVAL
    assert OutboxEmail.objects.filter(booking=booking).count() == 2

    [mail] = rows_to(CLIENT)
    text, html = row_parts(mail)
    assert mail.subject.startswith("Booking request received – Private lesson, ")
    expires_at = booking.pending_request_expires_at.astimezone(LONDON)
    for part in (text, html):
        assert f"{expires_at:%A} {expires_at.day} {expires_at:%B} at {expires_at:%H:%M}" in part
        assert manage_url(open_page, booking) in part
        assert "calendar.google.com" not in part  # not booked yet: nothing to add to a calendar
    assert mail.ics == ""

    [owner_mail] = rows_to(OWNER)
    owner_text, owner_html = row_parts(owner_mail)
    assert owner_mail.subject.startswith("New booking request from Dana Diver – Private lesson, ")
    request_page = f"https://book.example.test/app/bookings/{booking.pk}/"
    assert owner_html.count(f'href="{request_page}"') == 2  # "Approve…" and "Reject…" open the request
    assert "Approve…" in owner_html and "Reject…" in owner_html
    assert request_page in owner_text
    assert Notification.objects.get().kind == "new_request"

    # The link opens the request; a GET changes nothing, the page's buttons POST the answer.
    client.force_login(alice)
    page = client.get(request_page.removeprefix("https://book.example.test"))
    assert page.status_code == 200
    assert "Approve request" in page.content.decode()
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.PENDING_APPROVAL
    assert OutboxEmail.objects.count() == 2


def test_approving_sends_the_confirmation_with_calendar(client, open_page, service, alice):
    open_page.requires_approval = True
    open_page.save()
    slot = a_slot(open_page, service)
    booking = book_on_page(client, open_page, service, slot, tz="Asia/Tokyo")
    assert OutboxEmail.objects.filter(booking=booking).count() == 2

    client.force_login(alice)
    response = client.post(f"/app/bookings/{booking.pk}/approve/")
    assert response.status_code == 302
    assert OutboxEmail.objects.filter(booking=booking, kind=EmailKind.CONFIRMED).exists()

    confirmations = [m for m in rows_to(CLIENT) if m.subject.startswith("Booking confirmed")]
    [mail] = confirmations
    text, html = row_parts(mail)
    day, start = local(slot.start_utc, TOKYO)
    for part in (text, html):
        assert day in part and start in part and "(Tokyo time)" in part
        assert manage_url(open_page, booking) in part
        assert "calendar.google.com/calendar/render" in part
    event = only_event(row_calendar(mail))
    assert event["UID"] == uid(booking)
    assert event.decoded("DTSTART") == slot.start_utc and event.decoded("DTEND") == slot.end_utc
    assert len(rows_to(OWNER)) == 1  # only the new-request email: approving is the owner's own act
    assert OutboxEmail.objects.count() == 3


def test_rejecting_sends_the_reason_and_a_rebook_link(client, open_page, service, alice):
    open_page.requires_approval = True
    open_page.save()
    booking = book_on_page(client, open_page, service, a_slot(open_page, service))
    assert OutboxEmail.objects.filter(booking=booking).count() == 2

    booking_reject(booking=booking, by=alice, reason="The pool is closed for a gala that day.\nSorry!")
    assert OutboxEmail.objects.filter(booking=booking, kind=EmailKind.REJECTED).exists()

    [mail] = [m for m in rows_to(CLIENT) if "declined" in m.subject]
    text, html = row_parts(mail)
    assert mail.subject.startswith("Booking request declined – Private lesson, ")
    assert "The pool is closed for a gala that day.\nSorry!" in text
    assert "The pool is closed for a gala that day.<br>Sorry!" in html
    assert f"Pick another time:\n{rebook_url(open_page)}" in text
    assert f'href="{rebook_url(open_page)}"' in html
    assert mail.ics == ""
    assert OutboxEmail.objects.count() == 3


def test_the_sweep_task_expires_a_request_and_emails_a_rebook_link(open_page, service):
    open_page.requires_approval = True
    open_page.save()
    slot = a_slot(open_page, service)
    booking = booking_create(
        service=service, start_time_utc=slot.start_utc, client_name="Dana Diver", client_email=CLIENT,
        client_timezone="Asia/Tokyo", now=timezone.now() - timedelta(hours=25),  # expired an hour ago
    )
    assert OutboxEmail.objects.filter(booking=booking).count() == 2

    assert expire_pending_requests_task() == 1  # what beat runs every five minutes (test_expiry_sweep.py)
    assert OutboxEmail.objects.filter(booking=booking, kind=EmailKind.EXPIRED).exists()

    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.EXPIRED_PENDING
    [mail] = [m for m in rows_to(CLIENT) if "expired" in m.subject]
    text, html = row_parts(mail)
    assert mail.subject.startswith("Booking request expired – Private lesson, ")
    day, start = local(slot.start_utc, TOKYO)
    for part in (text, html):
        assert day in part and start in part
        assert rebook_url(open_page) in part
    assert mail.ics == ""
    assert OutboxEmail.objects.count() == 3  # no email to the owner for an expiry


def test_a_client_cancelling_gets_a_cancel_ics_and_the_owner_is_told(client, open_page, service, business):
    slot = a_slot(open_page, service)
    booking = book_on_page(client, open_page, service, slot)
    assert OutboxEmail.objects.filter(booking=booking).count() == 2
    [confirmation] = rows_to(CLIENT)
    published = row_calendar(confirmation)

    cancel_url = f"/book/{open_page.public_booking_slug}/booking/{booking.manage_token}/cancel/"
    response = client.post(cancel_url, {"reason": "Got a cold."})
    assert response.status_code == 302
    assert OutboxEmail.objects.filter(booking=booking, kind=EmailKind.CANCELLED).exists()
    assert OutboxEmail.objects.filter(booking=booking, kind=EmailKind.CLIENT_CANCELLED).exists()

    [mail] = [m for m in rows_to(CLIENT) if "cancelled" in m.subject]
    text, html = row_parts(mail)
    assert mail.subject.startswith("Booking cancelled – Private lesson, ")
    assert "YOUR BOOKING IS CANCELLED" in text and "As you asked" in html
    assert mail.ics_method == "CANCEL"
    calendar = row_calendar(mail)
    assert calendar["METHOD"] == "CANCEL"
    event = only_event(calendar)
    assert event["UID"] == only_event(published)["UID"] == uid(booking)
    assert event["STATUS"] == "CANCELLED"
    assert event.decoded("DTSTART") == slot.start_utc

    [owner_mail] = [m for m in rows_to(OWNER) if "cancelled" in m.subject]
    owner_text, owner_html = row_parts(owner_mail)
    assert owner_mail.subject.startswith("Dana Diver cancelled – Private lesson, ")
    assert "Got a cold." in owner_text and "Got a cold." in owner_html
    assert f"https://book.example.test/app/bookings/{booking.pk}/" in owner_text
    kinds = sorted(Notification.objects.filter(business_profile=business).values_list("kind", flat=True))
    assert kinds == ["client_cancelled", "new_booking"]
    assert OutboxEmail.objects.count() == 4


def test_a_client_withdrawing_a_request_gets_no_calendar_file(client, open_page, service):
    open_page.requires_approval = True
    open_page.save()
    booking = book_on_page(client, open_page, service, a_slot(open_page, service))
    assert OutboxEmail.objects.filter(booking=booking).count() == 2

    client.post(f"/book/{open_page.public_booking_slug}/booking/{booking.manage_token}/cancel/")
    assert OutboxEmail.objects.filter(booking=booking, kind=EmailKind.CANCELLED).exists()
    assert OutboxEmail.objects.filter(booking=booking, kind=EmailKind.CLIENT_CANCELLED).exists()

    [mail] = [m for m in rows_to(CLIENT) if "withdrawn" in m.subject]
    assert mail.subject.startswith("Booking request withdrawn – Private lesson, ")
    assert "YOUR REQUEST IS WITHDRAWN" in mail.body_text
    assert mail.ics == ""  # they never had a calendar event to remove
    [owner_mail] = [m for m in rows_to(OWNER) if "withdrew" in m.subject]
    assert owner_mail.subject.startswith("Dana Diver withdrew their request – Private lesson, ")
    assert "REQUEST WITHDRAWN" in owner_mail.body_text


def test_the_owner_cancelling_sends_the_reason_and_a_cancel_ics(client, open_page, service, alice):
    slot = a_slot(open_page, service)
    booking = book_on_page(client, open_page, service, slot)
    assert OutboxEmail.objects.filter(booking=booking).count() == 2

    client.force_login(alice)
    response = client.post(f"/app/bookings/{booking.pk}/cancel/", {"reason": "I'm ill, sorry."})
    assert response.status_code == 302
    assert OutboxEmail.objects.filter(booking=booking, kind=EmailKind.CANCELLED).exists()

    [mail] = [m for m in rows_to(CLIENT) if "cancelled" in m.subject]
    text, html = row_parts(mail)
    assert "YOUR BOOKING HAS BEEN CANCELLED" in text
    assert "I'm ill, sorry." in text and "I&#x27;m ill, sorry." in html
    assert rebook_url(open_page) in text
    calendar = row_calendar(mail)
    assert calendar["METHOD"] == "CANCEL" and only_event(calendar)["UID"] == uid(booking)
    assert len(rows_to(OWNER)) == 1  # the new-booking email only: the owner did this
    assert OutboxEmail.objects.count() == 3


def test_html_is_escaped_and_the_text_part_is_plain(client, open_page, service, business):
    business.name = "<b>HTML</b> & Sons' Swim"
    business.save()
    odd = "o'brien+swim@example.co.uk"
    booking = book_on_page(
        client, open_page, service, a_slot(open_page, service),
        client_email=odd, client_name='Seán "Bob" <O\'Brien>', notes="<script>alert(1)</script>",
    )
    assert OutboxEmail.objects.filter(booking=booking).count() == 2

    [mail] = rows_to(odd)
    text, html = row_parts(mail)
    assert "<b>HTML</b> & Sons' Swim" in text
    assert "<b>HTML</b>" not in html
    assert "&lt;b&gt;HTML&lt;/b&gt; &amp; Sons&#x27; Swim" in html
    assert 'Hi Seán "Bob" <O\'Brien>,' in text
    assert "Hi Seán &quot;Bob&quot; &lt;O&#x27;Brien&gt;," in html
    assert parseaddr(mail.from_email) == ("<b>HTML</b> & Sons' Swim", "bookings@flowkey.local")  # a display name

    [owner_mail] = rows_to("alice@example.com")
    owner_text, owner_html = row_parts(owner_mail)
    assert f"Email:          {odd}" in owner_text
    assert "o&#x27;brien+swim@example.co.uk" in owner_html and odd not in owner_html
    assert "<script>alert(1)</script>" in owner_text
    assert "<script>" not in owner_html and "&lt;script&gt;alert(1)&lt;/script&gt;" in owner_html
    assert owner_mail.reply_to == odd
    assert owner_mail.subject.startswith('New booking from Seán "Bob" <O\'Brien> – ')


def test_the_logo_is_an_absolute_url(client, open_page, service, business, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    business.logo.save("logo.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    booking = book_on_page(client, open_page, service, a_slot(open_page, service))
    assert OutboxEmail.objects.filter(booking=booking).count() == 2

    [mail] = rows_to(CLIENT)
    assert f'<img src="https://book.example.test{business.logo.url}"' in mail.body_html


def test_nothing_is_emailed_when_the_booking_is_refused(client, open_page, service):
    slot = a_slot(open_page, service)
    book_on_page(client, open_page, service, slot)
    assert OutboxEmail.objects.count() == 2

    with pytest.raises(SlotTakenError):
        booking_create(service=service, start_time_utc=slot.start_utc, client_name="Eve", client_email="eve@example.com",
                       client_timezone="Europe/London")
    assert OutboxEmail.objects.count() == 2


@pytest.mark.django_db(transaction=True)
class TestThroughTheWorker:
    """The booking page, the broker, a real worker, django-sendgrid-v5 and the sendgrid client, to
    the fake SendGrid: each row goes out once, as it is, with what the wire format adds."""

    def test_what_sendgrid_receives_is_the_outbox_row(self, client, celery_worker, sendgrid, open_page, service):
        booking = book_on_page(client, open_page, service, a_slot(open_page, service), tz="Asia/Tokyo")
        row, owner_row = wait_until_settled(booking, count=2)
        assert (row.to_email, owner_row.to_email) == (CLIENT, OWNER)

        [mail] = sendgrid.accepted_to(CLIENT)
        assert subject(mail) == row.subject
        assert parts(mail) == row_parts(row)
        assert mail["from"] == {"email": "bookings@flowkey.local", "name": "Alice's Aqua Studio"}
        assert mail["reply_to"]["email"] == OWNER
        attachment, calendar = attached_calendar(mail)
        assert attachment["filename"] == "booking.ics"
        assert attachment["type"].startswith("text/calendar; method=PUBLISH")
        assert calendar["METHOD"] == "PUBLISH"
        assert calendar.to_ical() == row_calendar(row).to_ical()
        assert only_event(calendar)["UID"] == uid(booking)

        [owner_mail] = sendgrid.accepted_to(OWNER)
        assert subject(owner_mail) == owner_row.subject
        assert parts(owner_mail) == row_parts(owner_row)
        assert owner_mail["reply_to"]["email"] == CLIENT
        assert "attachments" not in owner_mail
        assert len(sendgrid.requests) == 2

    def test_a_cancellation_goes_out_with_a_cancel_ics(self, client, celery_worker, sendgrid, open_page, service):
        booking = book_on_page(client, open_page, service, a_slot(open_page, service))
        wait_until_settled(booking, count=2)
        [confirmation] = sendgrid.accepted_to(CLIENT)
        _attachment, published = attached_calendar(confirmation)

        cancel_url = f"/book/{open_page.public_booking_slug}/booking/{booking.manage_token}/cancel/"
        assert client.post(cancel_url, {"reason": "Got a cold."}).status_code == 302
        wait_until_settled(booking, count=4)

        [mail] = [m for m in sendgrid.accepted_to(CLIENT) if "cancelled" in subject(m)]
        attachment, calendar = attached_calendar(mail)
        assert attachment["type"].startswith("text/calendar; method=CANCEL")
        assert calendar["METHOD"] == "CANCEL"
        assert only_event(calendar)["UID"] == only_event(published)["UID"] == uid(booking)
        [owner_mail] = [m for m in sendgrid.accepted_to(OWNER) if "cancelled" in subject(m)]
        assert "attachments" not in owner_mail
        assert len(sendgrid.requests) == 4

    def test_names_and_addresses_reach_sendgrid_as_text(self, client, celery_worker, sendgrid, open_page, service, business):
        business.name = "<b>HTML</b> & Sons' Swim"
        business.save()
        odd = "o'brien+swim@example.co.uk"
        booking = book_on_page(
            client, open_page, service, a_slot(open_page, service),
            client_email=odd, client_name='Seán "Bob" <O\'Brien>', notes="<script>alert(1)</script>",
        )
        wait_until_settled(booking, count=2)

        [mail] = sendgrid.accepted_to(odd)
        assert mail["from"]["name"] == "<b>HTML</b> & Sons' Swim"  # a display name, shown as text
        [owner_mail] = sendgrid.accepted_to("alice@example.com")
        assert owner_mail["reply_to"]["email"] == odd
        assert subject(owner_mail).startswith('New booking from Seán "Bob" <O\'Brien> – ')
