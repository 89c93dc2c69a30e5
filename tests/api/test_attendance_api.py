"""The attendance endpoints (DESIGN.md 5): POST /api/v1/bookings/<id>/no-show/ and /complete/, and
no_show in the bookings list's status filter."""

import uuid
from datetime import timedelta

import pytest

from bookingsite.bookings import services as booking_services
from bookingsite.bookings.models import Booking, BookingStatusChange
from bookingsite.notifications.models import OutboxEmail
from tests.factories import BookingFactory

from .conftest import Api, access_token, errors

pytestmark = pytest.mark.django_db
Status = Booking.Status


def url(booking, action: str) -> str:
    return f"/api/v1/bookings/{booking.pk}/{action}/"


@pytest.fixture
def started(confirmed, time_machine) -> Booking:
    """The confirmed booking (12:00-13:00 UTC in ten days) at 12:10 that day, on a stopped clock."""
    time_machine.move_to(confirmed.start_time_utc + timedelta(minutes=10), tick=False)
    return confirmed


def later_api(alice) -> Api:
    """Alice with a token made on the moved clock (one made ten days earlier has expired)."""
    return Api(access_token(alice))


@pytest.mark.parametrize(("action", "status"), [("no-show", Status.NO_SHOW), ("complete", Status.COMPLETED)])
def test_marks_a_started_booking_through_the_service(started, alice, action, status):
    emails = OutboxEmail.objects.count()
    api = later_api(alice)

    response = api.post(url(started, action))

    assert response.status_code == 200
    data = response.json()
    assert data["status"] == status
    assert data["session_id"] == started.session_id is not None  # the session happened: it stays
    assert data["history"][-1] == {**data["history"][-1], "from_status": "confirmed", "to_status": status,
                                   "actor": "owner", "changed_by": "alice@example.com"}
    assert Booking.objects.get(pk=started.pk).status == status
    assert OutboxEmail.objects.count() == emails


def test_marking_again_the_same_way_answers_the_booking_unchanged(started, alice):
    api = later_api(alice)
    assert api.post(url(started, "no-show")).status_code == 200

    response = api.post(url(started, "no-show"))

    assert response.status_code == 200 and response.json()["status"] == "no_show"
    assert BookingStatusChange.objects.filter(booking=started, to_status=Status.NO_SHOW).count() == 1


def test_before_the_start_is_409_and_changes_nothing(api, confirmed, nothing_changes):
    response = api.post(url(confirmed, "no-show"))

    assert response.status_code == 409
    assert errors(response) == {"__all__": ["This booking hasn’t started yet. Mark it once it has."]}


def test_a_pending_request_is_409(alice, pending, time_machine, nothing_changes):
    time_machine.move_to(pending.start_time_utc + timedelta(minutes=10), tick=False)
    api = later_api(alice)

    response = api.post(url(pending, "complete"))

    assert response.status_code == 409
    assert errors(response) == {"__all__": ["This booking is pending approval and can no longer be changed that way."]}


def test_a_completed_booking_cannot_become_a_no_show(started, alice):
    api = later_api(alice)
    booking_services.booking_mark_attendance(booking=started, status=Status.COMPLETED, by=alice)

    response = api.post(url(started, "no-show"))

    assert response.status_code == 409
    assert errors(response) == {"__all__": ["This booking is completed and can no longer be changed that way."]}
    assert Booking.objects.get(pk=started.pk).status == Status.COMPLETED


def test_another_business_or_unknown_booking_is_404(api, page, other_business):
    theirs = BookingFactory(business_profile=other_business)
    for booking in (theirs, Booking(pk=uuid.uuid4())):
        for action in ("no-show", "complete"):
            response = api.post(url(booking, action))
            assert response.status_code == 404
            assert errors(response) == {"__all__": ["Not found."]}
    assert Booking.objects.get(pk=theirs.pk).status == Status.CONFIRMED


def test_get_is_405_and_no_token_is_401(anonymous, started, alice):
    api = later_api(alice)
    assert api.get(url(started, "no-show")).status_code == 405
    assert anonymous.post(url(started, "no-show")).status_code == 401
    assert Booking.objects.get(pk=started.pk).status == Status.CONFIRMED


def test_the_list_filters_no_shows(pending, started, alice):
    api = later_api(alice)
    api.post(url(started, "no-show"))

    response = api.get("/api/v1/bookings/", {"status": "no_show"})

    assert response.status_code == 200
    assert [b["id"] for b in response.json()["results"]] == [str(started.pk)]


def test_the_schema_documents_both_and_no_show_in_the_filter(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    for action in ("no-show", "complete"):
        operation = schema["paths"][f"/api/v1/bookings/{{id}}/{action}/"]["post"]
        assert {"200", "404", "409"} <= set(operation["responses"])
        assert "12 hours after their end" in operation["description"]
    [status] = [p for p in schema["paths"]["/api/v1/bookings/"]["get"]["parameters"] if p["name"] == "status"]
    assert "no_show" in status["schema"]["enum"]
