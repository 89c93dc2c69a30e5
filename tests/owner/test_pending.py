"""Pending requests: the list, the badge's count, and answering one in place.

A request past its expiry holds nothing even before the sweep marks it expired_pending
(DESIGN.md 4.4): it is neither listed nor counted, and nothing offers to answer it.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bookingsite.bookings.models import Booking
from bookingsite.bookings.services import booking_create

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
Status = Booking.Status
HTMX = {"HX-Request": "true"}


@pytest.fixture
def owner(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def approving(open_page):
    open_page.requires_approval = True
    open_page.save()
    return open_page


def request_at(service, hour: int, name: str) -> Booking:
    day = timezone.now().astimezone(LONDON).date() + timedelta(days=4)
    return booking_create(service=service, start_time_utc=datetime.combine(day, time(hour), LONDON), client_name=name,
                          client_email=f"{name.lower()}@example.com", client_timezone="Europe/London")


def lapse(booking: Booking) -> None:
    """Its expiry passes; the sweep has not run."""
    Booking.objects.filter(pk=booking.pk).update(pending_request_expires_at=timezone.now() - timedelta(minutes=1))


def test_a_request_past_its_expiry_is_neither_listed_nor_counted(owner, approving, service):
    lapsed, waiting = request_at(service, 10, "Lapsed"), request_at(service, 12, "Waiting")
    lapse(lapsed)

    listing = owner.get("/app/pending/").content.decode()
    assert "Waiting" in listing and "Lapsed" not in listing
    assert f"/app/bookings/{waiting.pk}/approve/" in listing
    assert ">1<" in owner.get("/app/badge/").content.decode()
    assert Booking.objects.get(pk=lapsed.pk).status == Status.PENDING_APPROVAL


def test_approving_a_lapsed_request_in_place_says_why_and_offers_no_answer(owner, approving, service):
    lapsed = request_at(service, 10, "Lapsed")
    lapse(lapsed)

    response = owner.post(f"/app/bookings/{lapsed.pk}/approve/", headers=HTMX)

    assert response.status_code == 409
    assert [t.name for t in response.templates] == ["owner/partials/_pending_row.html"]
    row = response.content.decode()
    assert "This request expired before it was approved" in row
    assert "/approve/" not in row and "/reject/" not in row and "Expires in" not in row


def test_an_approved_request_swaps_in_as_confirmed(owner, approving, service):
    waiting = request_at(service, 10, "Waiting")

    response = owner.post(f"/app/bookings/{waiting.pk}/approve/", headers=HTMX)

    assert response.status_code == 200
    row = response.content.decode()
    assert "Confirmed" in row and "/approve/" not in row
    assert response["HX-Trigger"] == "pending-changed"
