"""A booking as a calendar event: the .ics file and the "Add to Google Calendar" link."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from bookingsite.lib.locations import one_line

from .models import Booking

GOOGLE_TEMPLATE_URL = "https://calendar.google.com/calendar/render"
PRODUCT_ID = "-//Flowkey Booking Links//EN"
ALARM_BEFORE = timedelta(hours=1)  # DESIGN.md 7: the calendar itself reminds the client an hour ahead


def event_uid(booking: Booking) -> str:
    """Stable for the booking's life, so a later CANCEL replaces the same event."""
    return f"booking-{booking.pk}@flowkey-booking-links"


def event_title(booking: Booking) -> str:
    return _("%(service)s with %(business)s") % {
        "service": booking.session_category.name,
        "business": booking.business_profile.name,
    }


def event_description(booking: Booking, manage_url: str) -> str:
    return _("Your booking with %(business)s.\nView, move or cancel it: %(url)s") % {
        "business": booking.business_profile.name,
        "url": manage_url,
    }


def _google_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(booking: Booking, manage_url: str) -> str:
    query = {
        "action": "TEMPLATE",
        "text": event_title(booking),
        "dates": f"{_google_time(booking.start_time_utc)}/{_google_time(booking.end_time_utc)}",
        "details": event_description(booking, manage_url),
    }
    if location := one_line(booking.location):
        query["location"] = location
    return f"{GOOGLE_TEMPLATE_URL}?{urlencode(query)}"


def ics_calendar(booking: Booking, manage_url: str, *, cancelled: bool = False) -> bytes:
    """The event in UTC with the business as organizer; METHOD:CANCEL removes it again. The UID
    stays for the booking's life and SEQUENCE rises with each move, so a calendar updates the event."""
    cal = Calendar()
    cal.add("prodid", PRODUCT_ID)
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", event_uid(booking))
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", booking.start_time_utc.astimezone(UTC))
    event.add("dtend", booking.end_time_utc.astimezone(UTC))
    event.add("summary", event_title(booking))
    # One line: calendar apps show LOCATION on one line and look it up on a map; a meeting link stays as it is.
    if location := one_line(booking.location):
        event.add("location", location)
    event.add("description", event_description(booking, manage_url))
    event.add("url", manage_url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    # Each move bumps booking.sequence; a cancellation outranks the last version the client got.
    event.add("sequence", booking.sequence + 1 if cancelled else booking.sequence)
    owner_email = booking.business_profile.owner.email
    if owner_email:
        organizer = vCalAddress(f"mailto:{owner_email}")
        organizer.params["cn"] = vText(booking.business_profile.name)
        event["organizer"] = organizer
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -ALARM_BEFORE)
        alarm.add("description", _("In an hour: %(event)s") % {"event": event_title(booking)})
        event.add_component(alarm)
    cal.add_component(event)
    return cal.to_ical()
