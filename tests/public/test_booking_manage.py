"""The client's own page for a booking, at its unguessable URL: status, cancel, .ics and Google link.

DESIGN.md 5 and 6: the URL is the credential, a GET never changes anything (mail scanners open
links), cancelling frees the place at once, and only a confirmed booking is a calendar event.
"""

import html
import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from bookingsite.bookings.models import Booking, BookingStatusChange
from bookingsite.bookings.selectors import availability
from bookingsite.bookings.services import booking_cancel_by_client, booking_create
from bookingsite.lib.locale_formats import format_date

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TOKYO = ZoneInfo("Asia/Tokyo")
Status = Booking.Status


def london_today() -> date:
    return timezone.now().astimezone(LONDON).date()


def offered_starts(page, service, day: date, *, now: datetime | None = None) -> list[datetime]:
    days = availability.availability_days(
        page=page, service=service, client_timezone="Europe/London", start_date=day, end_date=day, now=now or timezone.now()
    )
    return [slot.start_utc for slot in days[0].slots]


def book(page, service, *, days_ahead: int = 3, now: datetime | None = None, start: datetime | None = None) -> Booking:
    """A booking made the way a client makes one, booked from Tokyo."""
    if start is None:
        start = offered_starts(page, service, london_today() + timedelta(days=days_ahead))[1]
    return booking_create(
        service=service, start_time_utc=start, client_name="Dana Diver", client_email="dana@example.com",
        client_phone="+447911123456", client_timezone="Asia/Tokyo", now=now,
    )


@pytest.fixture
def booking(open_page, service):
    return book(open_page, service)


def manage_url(booking, slug="alices-aqua") -> str:
    return f"/book/{slug}/booking/{booking.manage_token}/"


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def google_link(response) -> str | None:
    match = re.search(r'<a href="([^"]+)"[^>]*>Add to Google Calendar</a>', response.content.decode())
    return html.unescape(match.group(1)) if match else None


def history(booking) -> list[tuple[str, str]]:
    return list(BookingStatusChange.objects.filter(booking=booking).values_list("from_status", "to_status"))


class TestManagePage:
    def test_shows_a_confirmed_booking_in_the_zone_it_was_booked_in(self, client, booking):
        response = client.get(manage_url(booking))

        assert response.status_code == 200
        assert [t.name for t in response.templates][0] == "public/booking.html"
        start, end = booking.start_time_utc.astimezone(TOKYO), booking.end_time_utc.astimezone(TOKYO)
        shown = text(response)
        assert "Booking confirmed!" in shown
        assert "We’ve emailed the details and a calendar file to dana@example.com." in shown
        assert format_date(start, "weekday_date_year") in shown
        assert f"{start:%H:%M} – {end:%H:%M} (Tokyo time)" in shown
        assert "Private lesson" in shown and "Dana Diver" in shown
        assert "Cancel booking" in shown and "Download .ics" in shown
        assert response["Referrer-Policy"] == "no-referrer"  # the URL is the key; never leak it
        assert not response.has_header("X-Frame-Options")

    def test_shows_a_pending_request(self, client, open_page, service):
        open_page.requires_approval = True
        open_page.save()
        booking = book(open_page, service)

        response = client.get(manage_url(booking))

        assert response.status_code == 200
        assert booking.status == Status.PENDING_APPROVAL
        shown = text(response)
        assert "Booking pending approval" in shown
        start = booking.start_time_utc.astimezone(TOKYO)
        assert f"{start:%H:%M} – {start + timedelta(hours=1):%H:%M} (Tokyo time)" in shown
        expires = booking.pending_request_expires_at.astimezone(TOKYO)
        assert f"held until {expires:%A} {expires.day} {expires:%B}, {expires:%H:%M} (Tokyo time)" in shown
        assert google_link(response) is None
        assert "Download .ics" not in shown
        assert "Cancel booking" in shown  # a client may withdraw a request

    def test_a_request_past_its_expiry_shows_as_expired_before_the_sweep_marks_it(self, client, open_page, service):
        open_page.requires_approval = True
        open_page.save()
        booking = book(open_page, service)
        Booking.objects.filter(pk=booking.pk).update(pending_request_expires_at=timezone.now() - timedelta(minutes=1))

        shown = text(client.get(manage_url(booking)))

        assert "Booking request expired" in shown
        assert "Booking pending approval" not in shown and "held until" not in shown
        assert "Cancel booking" not in shown  # it holds nothing left to withdraw

    def test_goes_out_uncompressed_so_no_compression_guess_can_reach_the_token(self, client, booking):
        response = client.get(manage_url(booking), headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert "Content-Encoding" not in response
        assert booking.manage_token in response.content.decode()

    def test_a_wrong_token_is_404(self, client, booking):
        wrong = booking.manage_token[:-1] + ("a" if booking.manage_token[-1] != "a" else "b")

        assert client.get(f"/book/alices-aqua/booking/{wrong}/").status_code == 404
        assert client.get(f"/book/alices-aqua/booking/{wrong}/calendar.ics").status_code == 404
        assert client.post(f"/book/alices-aqua/booking/{wrong}/cancel/").status_code == 404

    def test_another_businesss_link_with_this_token_is_404(self, client, booking, other_business):
        assert client.get(manage_url(booking, slug="bobs-boxing")).status_code == 404
        assert client.get(manage_url(booking, slug="bobs-boxing") + "calendar.ics").status_code == 404
        assert client.post(manage_url(booking, slug="bobs-boxing") + "cancel/").status_code == 404
        booking.refresh_from_db()
        assert booking.status == Status.CONFIRMED

    def test_works_while_the_booking_page_is_inactive(self, client, open_page, booking):
        open_page.is_booking_page_active = False
        open_page.save()

        response = client.get(manage_url(booking))
        assert response.status_code == 200
        assert "Booking confirmed!" in text(response)
        assert client.get(manage_url(booking) + "calendar.ics").status_code == 200

        cancelled = client.post(manage_url(booking) + "cancel/")
        assert cancelled.status_code == 302
        booking.refresh_from_db()
        assert booking.status == Status.CANCELLED_BY_CLIENT


class TestCancel:
    def test_opening_the_cancel_link_changes_nothing(self, client, booking):
        before = history(booking)

        response = client.get(manage_url(booking) + "cancel/")

        assert response.status_code == 200
        assert "Cancel this booking?" in text(response)
        assert f'action="{manage_url(booking)}cancel/"' in response.content.decode()
        booking.refresh_from_db()
        assert booking.status == Status.CONFIRMED
        assert history(booking) == before
        assert response["Referrer-Policy"] == "no-referrer"

    def test_post_cancels_and_frees_the_slot(self, client, open_page, service, booking):
        day = booking.start_time_utc.astimezone(LONDON).date()
        assert booking.start_time_utc not in offered_starts(open_page, service, day)

        response = client.post(manage_url(booking) + "cancel/", {"reason": "Feeling ill"})

        assert response.status_code == 302
        assert response["Location"] == manage_url(booking)
        booking.refresh_from_db()
        assert booking.status == Status.CANCELLED_BY_CLIENT
        assert booking.cancellation_reason == "Feeling ill"
        assert history(booking) == [("", Status.CONFIRMED), (Status.CONFIRMED, Status.CANCELLED_BY_CLIENT)]
        assert booking.start_time_utc in offered_starts(open_page, service, day)
        page = client.get(manage_url(booking))
        assert "Booking cancelled" in text(page)
        assert "You cancelled this booking." in text(page)
        assert "Cancel booking" not in text(page)

    def test_a_pending_request_can_be_withdrawn(self, client, open_page, service):
        open_page.requires_approval = True
        open_page.save()
        booking = book(open_page, service)

        assert client.post(manage_url(booking) + "cancel/").status_code == 302
        booking.refresh_from_db()
        assert booking.status == Status.CANCELLED_BY_CLIENT

    def test_cancelling_twice_is_refused_and_changes_nothing(self, client, booking):
        client.post(manage_url(booking) + "cancel/")
        booking.refresh_from_db()
        before = (booking.status, booking.updated_at, history(booking))

        response = client.post(manage_url(booking) + "cancel/", {"reason": "again"})

        assert response.status_code == 400
        assert "This booking is cancelled by client and can no longer be changed that way." in text(response)
        booking.refresh_from_db()
        assert (booking.status, booking.updated_at, history(booking)) == before
        assert booking.cancellation_reason == ""

    def test_a_booking_that_has_started_cannot_be_cancelled(self, client, open_page, service):
        # Book, as of two days ago, the latest slot that has already begun.
        now = timezone.now()
        then = now - timedelta(days=2)
        starts = [s for d in (-1, 0) for s in offered_starts(open_page, service, london_today() + timedelta(days=d), now=then)]
        started = max(s for s in starts if s <= now)
        booking = book(open_page, service, start=started, now=then)
        before = history(booking)

        page = client.get(manage_url(booking))
        assert "Cancel booking" not in text(page)
        response = client.post(manage_url(booking) + "cancel/")

        assert response.status_code == 400
        assert "This booking has already started, so it can no longer be changed online." in text(response)
        booking.refresh_from_db()
        assert booking.status == Status.CONFIRMED
        assert history(booking) == before


class TestCalendarFile:
    def test_is_a_calendar_with_the_bookings_times_in_utc(self, client, booking):
        response = client.get(manage_url(booking) + "calendar.ics")

        assert response.status_code == 200
        assert response["Content-Type"].split(";")[0] == "text/calendar"
        assert response["Content-Disposition"] == 'attachment; filename="alices-aqua-booking.ics"'
        calendar = Calendar.from_ical(response.content)
        assert str(calendar["METHOD"]) == "PUBLISH"
        [event] = calendar.walk("VEVENT")
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start.utcoffset() == end.utcoffset() == timedelta(0)
        assert (start, end) == (booking.start_time_utc, booking.end_time_utc)
        assert str(event["SUMMARY"]) == "Private lesson with Alice's Aqua Studio"
        assert f"http://testserver{manage_url(booking)}" in str(event["DESCRIPTION"])

    def test_has_a_stable_uid(self, client, booking):
        first = Calendar.from_ical(client.get(manage_url(booking) + "calendar.ics").content).walk("VEVENT")[0]
        second = Calendar.from_ical(client.get(manage_url(booking) + "calendar.ics").content).walk("VEVENT")[0]

        assert str(first["UID"]) == str(second["UID"])
        assert str(booking.pk) in str(first["UID"])

    def test_names_the_business_as_organizer(self, client, booking):
        event = Calendar.from_ical(client.get(manage_url(booking) + "calendar.ics").content).walk("VEVENT")[0]

        assert str(event["ORGANIZER"]) == "mailto:alice@example.com"
        assert str(event["ORGANIZER"].params["CN"]) == "Alice's Aqua Studio"

    def test_a_pending_request_has_none(self, client, open_page, service):
        open_page.requires_approval = True
        open_page.save()
        booking = book(open_page, service)

        assert client.get(manage_url(booking) + "calendar.ics").status_code == 404

    def test_a_cancelled_booking_has_none(self, client, booking):
        booking_cancel_by_client(booking=booking)

        assert client.get(manage_url(booking) + "calendar.ics").status_code == 404


class TestGoogleCalendarLink:
    def test_carries_the_bookings_times_and_names(self, client, booking):
        link = google_link(client.get(manage_url(booking)))

        assert link is not None
        parts = urlsplit(link)
        assert (parts.scheme, parts.netloc, parts.path) == ("https", "calendar.google.com", "/calendar/render")
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        assert query["action"] == "TEMPLATE"
        assert re.fullmatch(r"\d{8}T\d{6}Z/\d{8}T\d{6}Z", query["dates"])
        start, end = (datetime.strptime(part, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) for part in query["dates"].split("/"))
        assert (start, end) == (booking.start_time_utc, booking.end_time_utc)
        assert "Private lesson" in query["text"] and "Alice's Aqua Studio" in query["text"]
        assert f"http://testserver{manage_url(booking)}" in query["details"]

    def test_is_gone_once_cancelled(self, client, booking):
        booking_cancel_by_client(booking=booking)

        assert google_link(client.get(manage_url(booking))) is None
