"""Pages that carry a form token or a manage link are `Cache-Control: no-store, private`: no shared
cache may keep one and hand it to the next visitor (DESIGN.md 8). So are the owner's pages, which
show clients' details. The public pages that hold no one's secrets stay cacheable."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bookingsite.bookings.selectors import availability

pytestmark = pytest.mark.django_db


def never_stored(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


@pytest.fixture
def start(open_page, service):
    day = timezone.now().date() + timedelta(days=3)
    days = availability.availability_days(page=open_page, service=service, client_timezone="Europe/London",
                                          start_date=day, end_date=day, now=timezone.now())
    return days[0].slots[0].start_utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_booking_form_and_the_bookings_pages_are_never_stored(client, service, start):
    form_url = f"/book/alices-aqua/{service.pk}/book/"
    form_page = client.get(form_url, {"start": start})
    token = re.search(r'name="token" value="([^"]+)"', form_page.content.decode()).group(1)
    details = {"token": token, "client_name": "Dana Diver", "client_email": "dana@example.com", "client_phone": "+447911123456"}
    invalid = client.post(form_url, {**details, "client_email": "not an email"})
    booked = client.post(form_url, details)
    manage = booked["Location"]
    responses = {
        "form": form_page, "form again, invalid": invalid, "redirect to the manage link": booked,
        "manage page": client.get(manage), "cancel page": client.get(f"{manage}cancel/"),
        "calendar file": client.get(f"{manage}calendar.ics"),
    }

    assert (invalid.status_code, booked.status_code) == (400, 302) and 'name="token"' in invalid.content.decode()
    assert responses["manage page"].status_code == responses["calendar file"].status_code == 200
    assert {name: never_stored(r) for name, r in responses.items()} == dict.fromkeys(responses, True)


def test_the_json_booking_answer_holding_the_manage_link_is_never_stored(client, service, start):
    response = client.post("/book/alices-aqua/bookings/", json.dumps({
        "session_category_id": service.pk, "start_time_utc": start, "client_name": "Dana Diver",
        "client_email": "dana@example.com", "client_phone": "+447911123456", "client_timezone": "Europe/London",
    }), content_type="application/json")

    assert response.status_code == 201, response.content
    assert "/booking/" in response.json()["manage_url"]
    assert never_stored(response)


def test_pages_without_secrets_stay_cacheable(client, open_page, service):
    for url in ["/book/alices-aqua/", f"/book/alices-aqua/{service.pk}/", "/book/alices-aqua/services/"]:
        response = client.get(url)
        assert response.status_code == 200 and "no-store" not in response.get("Cache-Control", ""), url


def test_owner_pages_are_never_stored(client, alice, page):
    client.force_login(alice)
    week = "start=2026-01-05T00:00:00Z&end=2026-01-12T00:00:00Z"
    for url in ["/app/", "/app/clients/", "/app/bookings/", f"/app/calendar/events/?{week}"]:
        response = client.get(url)
        assert response.status_code == 200 and never_stored(response), url
