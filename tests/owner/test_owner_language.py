"""The owner's pages in the business's language (DESIGN.md 12), and counts in their plural forms."""

import csv
import io

import pytest

from tests.factories import BookingFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client, alice):
    client.force_login(alice)
    return client


@pytest.mark.parametrize("language", ["en", "de", "es", "fr"])
def test_the_owner_pages_are_in_the_business_language(owner, page, business, language):
    business.language = language
    business.save(update_fields=["language"])

    response = owner.get("/app/", HTTP_ACCEPT_LANGUAGE="es" if language != "es" else "fr")

    assert response.status_code == 200
    assert f'<html lang="{language}"' in response.content.decode()


def test_places_and_bookings_are_counted_in_their_plural_forms(owner, page, business, service):
    ServiceFactory(business_profile=business, name="Group class", capacity=3)
    BookingFactory(business_profile=business, session_category=service, client_name="Olga One")

    services = " ".join(owner.get("/app/services/").content.decode().split())
    bookings = " ".join(owner.get("/app/bookings/?when=upcoming").content.decode().split())

    assert "· 1 place ·" in services and "· 3 places ·" in services
    assert ">1 booking<" in bookings


def test_the_csv_header_is_read_while_the_request_language_is_active(owner, page, business, service):
    BookingFactory(business_profile=business, session_category=service, client_name="Olga One")

    response = owner.get("/app/bookings/export.csv?when=upcoming")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))

    assert rows[0][:4] == ["Start", "End", "Service", "Status"]
    assert rows[1][2:5] == ["Private lesson", "Confirmed", "Olga One"]
