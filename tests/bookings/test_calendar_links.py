"""The .ics and the Google Calendar link say where the session is and remind an hour ahead (DESIGN.md 7)."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest

from bookingsite.bookings.calendar_links import google_calendar_url, ics_calendar
from tests.factories import BookingFactory, ServiceFactory

pytestmark = pytest.mark.django_db

MANAGE = "https://book.example.test/book/alices-aqua/booking/token/"
ADDRESS = "Riverside Leisure Centre\nMill Lane\r\nBristol BS1 4RB"


@pytest.fixture
def at_the_address(business):
    business.address = ADDRESS
    business.save()
    return business


def event_of(booking, **kwargs) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(ics_calendar(booking, MANAGE, **kwargs))
    [event] = calendar.walk("VEVENT")
    return event


def google_query(booking) -> dict[str, list[str]]:
    return parse_qs(urlsplit(google_calendar_url(booking, MANAGE)).query)


def test_the_event_is_at_the_business_address_on_one_line(at_the_address, service):
    booking = BookingFactory(business_profile=at_the_address, session_category=service)

    event = event_of(booking)

    assert str(event["LOCATION"]) == "Riverside Leisure Centre, Mill Lane, Bristol BS1 4RB"
    assert str(event["URL"]) == MANAGE  # the manage link stays the event's URL


def test_the_service_location_wins_over_the_address(at_the_address):
    online = ServiceFactory(business_profile=at_the_address, location="https://meet.example.com/alice-1")
    booking = BookingFactory(business_profile=at_the_address, session_category=online)

    assert str(event_of(booking)["LOCATION"]) == "https://meet.example.com/alice-1"
    assert google_query(booking)["location"] == ["https://meet.example.com/alice-1"]


def test_no_location_when_neither_is_set(business, service):
    booking = BookingFactory(business_profile=business, session_category=service)

    assert "LOCATION" not in event_of(booking)
    assert "location" not in google_query(booking)


def test_the_event_reminds_an_hour_before(at_the_address, service):
    booking = BookingFactory(business_profile=at_the_address, session_category=service)

    [alarm] = event_of(booking).walk("VALARM")

    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(hours=-1)
    assert str(alarm["DESCRIPTION"]) == f"In an hour: Private lesson with {at_the_address.name}"


def test_a_cancellation_keeps_the_location_and_sets_no_alarm(at_the_address, service):
    booking = BookingFactory(business_profile=at_the_address, session_category=service)

    event = event_of(booking, cancelled=True)

    assert str(event["LOCATION"]) == "Riverside Leisure Centre, Mill Lane, Bristol BS1 4RB"
    assert event.walk("VALARM") == []


def test_the_google_link_carries_the_location(at_the_address, service):
    booking = BookingFactory(business_profile=at_the_address, session_category=service)

    query = google_query(booking)

    assert query["location"] == ["Riverside Leisure Centre, Mill Lane, Bristol BS1 4RB"]
    assert query["action"] == ["TEMPLATE"]
