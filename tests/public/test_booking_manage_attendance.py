"""The client's manage page after the session (DESIGN.md 5, Attendance): a no-show or a completed
booking says what happened, and offers no cancel and no calendar file."""

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bookingsite.bookings.models import Booking
from bookingsite.bookings.services import booking_create, booking_mark_attendance

pytestmark = pytest.mark.django_db

Status = Booking.Status


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def booking(open_page, service) -> Booking:
    start = (timezone.now() + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    return booking_create(service=service, start_time_utc=start, client_name="Dana Diver", client_email="dana@example.com",
                          client_timezone="Europe/London")


@pytest.mark.parametrize(
    ("status", "heading"), [(Status.NO_SHOW, "Session missed"), (Status.COMPLETED, "Session completed")]
)
def test_a_marked_booking_says_what_happened(client, booking, alice, status, heading):
    booking_mark_attendance(booking=booking, status=status, by=alice, now=booking.start_time_utc + timedelta(minutes=20))

    response = client.get(f"/book/alices-aqua/booking/{booking.manage_token}/")

    assert response.status_code == 200
    shown = text(response)
    assert re.search(r"<h1[^>]*>" + heading + "</h1>", response.content.decode())
    assert "Cancel booking" not in shown and "Download .ics" not in shown
    if status == Status.NO_SHOW:
        assert "Alice's Aqua Studio marked you as not attending this session." in shown
    assert client.get(f"/book/alices-aqua/booking/{booking.manage_token}/calendar.ics").status_code == 404
