"""The owner's private iCal feed (DESIGN.md 13): their sessions and bookings for Google, Apple or
Outlook to subscribe to. Times in UTC; UIDs stable for a session's or booking's life, so a calendar
updates an event in place; nothing in it depends on the moment it is built except the 30/365-day
window, so an unchanged feed keeps its ETag."""

from datetime import UTC, timedelta

from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from bookingsite.lib.locations import one_line

from .calendar_links import PRODUCT_ID
from .models import Booking
from .selectors.feed import FeedBooking, FeedSession

UID_DOMAIN = "flowkey-booking-links"
REFRESH = timedelta(minutes=15)
CANCELLED = {
    Booking.Status.CANCELLED_BY_CLIENT, Booking.Status.CANCELLED_BY_ADMIN, Booking.Status.REJECTED,
    Booking.Status.EXPIRED_PENDING,
}


def session_uid(pk: int) -> str:
    return f"feed-session-{pk}@{UID_DOMAIN}"


def booking_uid(pk: str) -> str:
    return f"feed-booking-{pk}@{UID_DOMAIN}"


def _session_event(session: FeedSession) -> Event:
    event = Event()
    event.add("uid", session_uid(session.pk))
    names = ", ".join(name for name, _status in session.clients)
    if session.capacity > 1:
        summary = f"{session.service} ({len(session.clients)}/{session.capacity})"
    else:
        summary = session.service
    event.add("summary", f"{summary}: {names}" if names else summary)
    lines = [f"{name} ({status})" if status else name for name, status in session.clients]
    event.add("description", "\n".join(lines) if lines else _("No clients yet."))
    event.add("status", "CONFIRMED")
    _times(event, session.start, session.end, session.stamp, session.location)
    return event


def _booking_event(booking: FeedBooking) -> Event:
    event = Event()
    event.add("uid", booking_uid(booking.pk))
    if booking.status in CANCELLED:
        status, prefix = "CANCELLED", f"{booking.status_display}: "
    elif booking.status == Booking.Status.PENDING_APPROVAL:
        status, prefix = "TENTATIVE", "Pending: "
    else:
        status, prefix = "CONFIRMED", ""
    event.add("summary", f"{prefix}{booking.service}: {booking.client_name}")
    event.add("description", f"{booking.client_name} ({booking.status_display})")
    event.add("status", status)
    event.add("sequence", booking.sequence)
    _times(event, booking.start, booking.end, booking.stamp, booking.location)
    return event


def _times(event: Event, start, end, stamp, location: str) -> None:
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", end.astimezone(UTC))
    event.add("dtstamp", stamp.astimezone(UTC))
    if place := one_line(location):
        event.add("location", place)


def feed_ics(business_name: str, sessions: list[FeedSession], bookings: list[FeedBooking]) -> bytes:
    """The feed as an iCalendar file."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", business_name)
    # Calendar servers poll it; most read this as the interval they may wait (Outlook, Apple).
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT15M")
    for session in sessions:
        calendar.add_component(_session_event(session))
    for booking in bookings:
        calendar.add_component(_booking_event(booking))
    return calendar.to_ical()
