"""Where the session is, on the client's pages (DESIGN.md 7): the service page, the form, the booking's page.

The service's own location wins over the business's address; a meeting URL is a link, anything
else escaped text with its line breaks; nothing at all when neither is set.
"""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from bookingsite.bookings.selectors import availability
from bookingsite.bookings.services import booking_create
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
ADDRESS = "Aqua Centre, lane 6\n14 Mill Lane\nBristol BS1 4RB"
ADDRESS_HTML = "Aqua Centre, lane 6<br>14 Mill Lane<br>Bristol BS1 4RB"
MEETING = "https://meet.example.com/alice/theory?pwd=a&b=1"
MEETING_HREF = "https://meet.example.com/alice/theory?pwd=a&amp;b=1"


@pytest.fixture
def at_the_address(business):
    business.address = ADDRESS
    business.save()
    return business


@pytest.fixture
def online(at_the_address):
    return ServiceFactory(business_profile=at_the_address, name="Online theory", location=MEETING)


def first_start(page, service):
    day = timezone.now().astimezone(LONDON).date() + timedelta(days=3)
    [offered] = availability.availability_days(
        page=page, service=service, client_timezone="Europe/London", start_date=day, end_date=day, now=timezone.now()
    )
    return offered.slots[0].start_utc


def form_url(page, service) -> str:
    start = first_start(page, service).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"/book/{page.public_booking_slug}/{service.pk}/book/?start={start}&tz=Europe/London"


def book(page, service):
    return booking_create(
        service=service, start_time_utc=first_start(page, service), client_name="Dana Diver",
        client_email="dana@example.com", client_phone="", client_timezone="Europe/London",
    )


def page_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def pages_for(client, page, service) -> dict[str, str]:
    """The service page, the booking form and the booked booking's page, as the client sees them."""
    booking = book(page, service)
    return {
        "service": page_of(client, f"/book/{page.public_booking_slug}/{service.pk}/"),
        "form": page_of(client, form_url(page, service)),
        "booking": page_of(client, f"/book/{page.public_booking_slug}/booking/{booking.manage_token}/"),
    }


def test_the_pages_show_the_business_address_with_its_line_breaks(client, open_page, service, at_the_address):
    for name, content in pages_for(client, open_page, service).items():
        assert ADDRESS_HTML in content, name
        assert "Join online" not in content, name


def test_the_service_location_wins_and_a_meeting_url_is_a_link(client, open_page, online):
    for name, content in pages_for(client, open_page, online).items():
        assert f'<a href="{MEETING_HREF}" target="_blank" rel="noopener noreferrer"' in content, name
        assert re.search(rf'href="{re.escape(MEETING_HREF)}"[^>]*>Join online</a>', content), name
        assert "Aqua Centre" not in content, name


def test_the_location_is_escaped(client, open_page, service, at_the_address):
    at_the_address.address = '<script>alert("x")</script>\nPool & Spa'
    at_the_address.save()

    for name, content in pages_for(client, open_page, service).items():
        assert '<script>alert("x")' not in content, name
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>Pool &amp; Spa" in content, name


def test_a_javascript_location_is_never_a_link(client, open_page, at_the_address):
    odd = ServiceFactory(business_profile=at_the_address, name="Odd", location="javascript:alert(1)")

    for name, content in pages_for(client, open_page, odd).items():
        assert 'href="javascript' not in content, name
        assert "javascript:alert(1)" in content, name


def test_nothing_is_shown_without_a_location(client, open_page, service):
    for name, content in pages_for(client, open_page, service).items():
        assert "Location" not in content, name


def test_a_card_shows_only_a_service_own_location_on_one_line_and_no_link_inside_its_link(
    client, open_page, service, online, at_the_address
):
    ServiceFactory(business_profile=at_the_address, name="Lido swim", location="Clifton Lido\nOakfield Place")

    content = page_of(client, f"/book/{open_page.public_booking_slug}/")

    assert "Clifton Lido, Oakfield Place" in content
    assert "Aqua Centre" not in content  # the address would be the same on every card
    assert "Online" in content and "meet.example.com" not in content  # a link may not sit inside the card's link
    assert content.count("<span class=\"sr-only\">Location:</span>") == 2


def test_the_calendar_file_of_the_booking_page_has_the_location(client, open_page, service, at_the_address):
    booking = book(open_page, service)

    response = client.get(f"/book/{open_page.public_booking_slug}/booking/{booking.manage_token}/calendar.ics")

    assert response.status_code == 200
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["LOCATION"]) == "Aqua Centre, lane 6, 14 Mill Lane, Bristol BS1 4RB"
    assert [str(alarm["TRIGGER"].to_ical(), "ascii") for alarm in event.walk("VALARM")] == ["-PT1H"]
