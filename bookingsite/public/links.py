"""Absolute links to a booking's client pages (and a waitlist entry's), for the pages, the JSON and emails."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from bookingsite.bookings.calendar_links import google_calendar_url
from bookingsite.bookings.models import Booking, WaitlistEntry
from bookingsite.businesses.models import BusinessBookingSettings
from bookingsite.lib.languages import url_in_language


@dataclass(frozen=True)
class BookingLinks:
    manage_url: str
    ics_url: str | None  # only a confirmed booking is a calendar event
    google_calendar_url: str | None


def booking_links(request: HttpRequest, page: BusinessBookingSettings, booking: Booking) -> BookingLinks:
    args = [page.public_booking_slug, booking.manage_token]
    manage_url = request.build_absolute_uri(reverse("public:booking", args=args))
    if booking.status != Booking.Status.CONFIRMED:
        return BookingLinks(manage_url, None, None)
    return BookingLinks(
        manage_url=manage_url,
        ics_url=request.build_absolute_uri(reverse("public:ics", args=args)),
        google_calendar_url=google_calendar_url(booking, manage_url),
    )


def waitlist_entry_url(request: HttpRequest, page: BusinessBookingSettings, entry: WaitlistEntry) -> str:
    """The client's page for their place in line; its token is the key, as a booking's manage link's."""
    return request.build_absolute_uri(reverse("public:waitlist-entry", args=[page.public_booking_slug, entry.token]))


def with_lang(request: HttpRequest, url: str) -> str:
    """`url` carrying on the `?lang=` the client asked this page in (DESIGN.md 12: no cookie holds
    it); unchanged when they asked for none."""
    code = getattr(request, "lang_param", "")
    return url_in_language(url, code) if code else url
