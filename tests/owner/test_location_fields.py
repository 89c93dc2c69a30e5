"""The owner says where sessions take place: the business address on the settings page, a service's own
location on its form; the booking's page shows the one that applies (DESIGN.md 7)."""

import re

import pytest
from django.forms.models import model_to_dict

from bookingsite.businesses.models import BusinessProfile, SessionCategory
from tests.factories import BookingFactory, ServiceFactory

from .test_link_settings import URL as SETTINGS_URL
from .test_link_settings import form_data as settings_data
from .test_link_settings import text
from .test_services_pages import form_data as service_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client, alice, page):
    client.force_login(alice)
    return client


def test_the_settings_page_saves_the_address_with_its_lines(owner, business):
    response = owner.post(SETTINGS_URL, settings_data(address="Aqua Centre, lane 6\r\n14 Mill Lane\r\nBristol BS1 4RB"))

    assert response.status_code == 302
    business.refresh_from_db()
    assert business.address.splitlines() == ["Aqua Centre, lane 6", "14 Mill Lane", "Bristol BS1 4RB"]
    assert "14 Mill Lane" in owner.get(SETTINGS_URL).content.decode()  # shown again in the form


def test_the_settings_page_refuses_a_long_address_and_saves_nothing(owner, business):
    before = model_to_dict(BusinessProfile.objects.get(pk=business.pk), exclude=["logo"])

    response = owner.post(SETTINGS_URL, settings_data(address="x" * 301, name="Another name"))

    assert response.status_code == 400
    assert "Nothing was saved." in text(response)
    assert text(response).count("Keep the address under 300 characters.") == 1
    assert model_to_dict(BusinessProfile.objects.get(pk=business.pk), exclude=["logo"]) == before


def test_an_address_of_300_characters_is_fine(owner, business):
    assert owner.post(SETTINGS_URL, settings_data(address="x" * 300)).status_code == 302
    business.refresh_from_db()
    assert business.address == "x" * 300


def test_the_service_form_saves_and_clears_a_location(owner, business, service):
    created = owner.post("/app/services/new/", service_data(location="https://meet.example.com/group"))
    assert created.status_code == 302
    assert SessionCategory.objects.get(name="Group lesson").location == "https://meet.example.com/group"

    edited = owner.post(f"/app/services/{service.pk}/", service_data(name=service.name, location="Clifton Lido"))
    assert edited.status_code == 302
    service.refresh_from_db()
    assert service.location == "Clifton Lido"
    # The edit form shows it again, so saving other changes keeps it.
    form = owner.get(f"/app/services/{service.pk}/").content.decode()
    assert re.search(r'<input [^>]*name="location"[^>]*value="Clifton Lido"', form)

    owner.post(f"/app/services/{service.pk}/", service_data(name=service.name, location=""))
    service.refresh_from_db()
    assert service.location == ""


def test_the_service_form_refuses_a_long_location(owner, service):
    response = owner.post(f"/app/services/{service.pk}/", service_data(name="Renamed", location="x" * 301))

    assert response.status_code == 400
    assert "Keep the location under 300 characters." in text(response)
    service.refresh_from_db()
    assert (service.name, service.location) == ("Private lesson", "")


def test_the_booking_page_shows_the_address_escaped_with_its_lines(owner, business, service):
    business.address = '<b>Aqua</b> & Spa\nMill Lane'
    business.save()
    booking = BookingFactory(business_profile=business, session_category=service)

    content = owner.get(f"/app/bookings/{booking.pk}/").content.decode()

    assert "<b>Aqua</b>" not in content
    assert "&lt;b&gt;Aqua&lt;/b&gt; &amp; Spa<br>Mill Lane" in content


def test_the_booking_page_links_a_service_meeting_url(owner, business):
    business.address = "Aqua Centre"
    business.save()
    online = ServiceFactory(business_profile=business, location="https://meet.example.com/alice")
    booking = BookingFactory(business_profile=business, session_category=online)

    content = owner.get(f"/app/bookings/{booking.pk}/").content.decode()

    assert '<a href="https://meet.example.com/alice" target="_blank" rel="noopener noreferrer"' in content
    assert "Join online" in content and "Aqua Centre" not in content


def test_the_booking_page_has_no_location_row_without_one(owner, business, service):
    booking = BookingFactory(business_profile=business, session_category=service)

    assert ">Location</dt>" not in owner.get(f"/app/bookings/{booking.pk}/").content.decode()
