"""Booking through the public page, and reading what the fake SendGrid received."""

import base64
import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.utils import timezone

from bookingsite.availability.types import Slot
from bookingsite.bookings.models import Booking
from bookingsite.bookings.selectors import availability
from bookingsite.notifications.models import OutboxEmail

from .conftest import wait_for

LONDON = ZoneInfo("Europe/London")
SITE = "https://book.example.test"


def london_today() -> date:
    return timezone.now().astimezone(LONDON).date()


def a_slot(page, service, *, days_ahead: int = 3, index: int = 1) -> Slot:
    day = london_today() + timedelta(days=days_ahead)
    slots = availability.availability_days(
        page=page, service=service, client_timezone="Europe/London", start_date=day, end_date=day, now=timezone.now()
    )[0].slots
    return slots[index]


def book_on_page(http, page, service, slot: Slot, *, tz: str = "Europe/London", **details) -> Booking:
    """Open the form for `slot` as a client in zone `tz`, post it, and expect the redirect."""
    url = f"/book/{page.public_booking_slug}/{service.pk}/book/"
    start = slot.start_utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    form = http.get(url, {"start": start, "tz": tz})
    assert form.status_code == 200
    token = re.search(r'name="token" value="([^"]+)"', form.content.decode()).group(1)
    data = {
        "token": token,
        "client_name": "Dana Diver",
        "client_email": "dana@example.com",
        "client_phone": "07911 123456",
        "notes": "First lesson, a bit nervous.",
        "website": "",
    } | details
    response = http.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Booking.objects.get(manage_token=response["Location"].rstrip("/").rsplit("/", 1)[-1])


def manage_url(page, booking: Booking) -> str:
    return f"{SITE}/book/{page.public_booking_slug}/booking/{booking.manage_token}/?lang=en"


def rebook_url(page) -> str:
    return f"{SITE}/book/{page.public_booking_slug}/?lang=en"


def wait_until_settled(booking: Booking | None = None, *, count: int | None = None) -> list[OutboxEmail]:
    """Wait until every outbox row (of the booking) is sent or failed; optionally until there are `count`."""
    rows = OutboxEmail.objects.all() if booking is None else OutboxEmail.objects.filter(booking=booking)

    def settled():
        emails = list(rows.order_by("pk"))
        if count is not None and len(emails) != count:
            return None
        if all(e.status in (OutboxEmail.Status.SENT, OutboxEmail.Status.FAILED) for e in emails):
            return emails or None
        return None

    return wait_for(settled, what="the outbox emails to be sent")


def parts(mail: dict) -> tuple[str, str]:
    """(plain text, html) of a mail as SendGrid received it."""
    content = {item["type"]: item["value"] for item in mail["content"]}
    return content["text/plain"], content["text/html"]


def recipient(mail: dict) -> str:
    [personalization] = mail["personalizations"]
    [to] = personalization["to"]
    return to["email"]


def subject(mail: dict) -> str:
    return mail.get("subject") or mail["personalizations"][0]["subject"]


def attached_calendar(mail: dict) -> tuple[dict, icalendar.Calendar]:
    [attachment] = mail["attachments"]
    return attachment, icalendar.Calendar.from_ical(base64.b64decode(attachment["content"]))


def only_event(calendar: icalendar.Calendar) -> icalendar.Event:
    [event] = calendar.walk("VEVENT")
    return event
