"""The bookings endpoints: list with filters, pending requests, one booking, approve, reject, cancel, reschedule."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from bookingsite.bookings.models import Booking
from bookingsite.notifications.models import OutboxEmail
from bookingsite.businesses.locking import LOCK_TIMEOUT_SECONDS, BusyError
from tests.factories import BookingFactory, ServiceFactory, SessionFactory
from tests.locking import LockHolder

from bookingsite.bookings import services as booking_services

from .conftest import at, errors, request_booking, snapshot

pytestmark = pytest.mark.django_db
Status = Booking.Status

BOOKING_FIELDS = {
    "id", "status", "service", "client_id", "client_name", "client_email", "client_phone", "notes", "start_time_utc",
    "end_time_utc", "client_timezone", "pending_request_expires_at", "rejection_reason", "cancellation_reason",
    "session_id", "created_at", "updated_at",
}


def url(booking, action: str = "") -> str:
    return f"/api/v1/bookings/{booking.pk}/" + (f"{action}/" if action else "")


class TestList:
    def test_lists_the_business_bookings_newest_start_first(self, api, pending, confirmed, other_business):
        BookingFactory(business_profile=other_business)

        response = api.get("/api/v1/bookings/")

        assert response.status_code == 200
        data = response.json()
        assert (data["count"], data["next"], data["previous"]) == (2, None, None)
        assert [b["id"] for b in data["results"]] == [str(confirmed.pk), str(pending.pk)]
        first = data["results"][0]
        assert set(first) == BOOKING_FIELDS
        assert first["service"] == {"id": confirmed.session_category_id, "name": "Private lesson", "duration_minutes": 60,
                                    "capacity": 1}
        assert first["start_time_utc"].endswith("Z")

    def test_filters_like_the_bookings_page(self, api, business, pending, confirmed, day):
        group = ServiceFactory(business_profile=business, name="Group", capacity=3)
        later = request_booking(group, at(day + timedelta(days=2), 10), "lee@example.com")

        def ids(**params):
            response = api.get("/api/v1/bookings/", params)
            assert response.status_code == 200, response.content
            return {b["id"] for b in response.json()["results"]}

        assert ids(status="confirmed") == {str(confirmed.pk)}
        assert ids(service=group.pk) == {str(later.pk)}
        assert ids(**{"from": (day + timedelta(days=1)).isoformat()}) == {str(later.pk)}
        assert ids(to=day.isoformat()) == {str(pending.pk), str(confirmed.pk)}
        assert ids(q="KIM@") == {str(confirmed.pk)}

    def test_pages_of_a_chosen_size(self, api, pending, confirmed):
        first = api.get("/api/v1/bookings/", {"page_size": 1}).json()
        second = api.get("/api/v1/bookings/", {"page_size": 1, "page": 2}).json()

        assert (first["count"], len(first["results"]), len(second["results"])) == (2, 1, 1)
        assert first["next"].endswith("page=2&page_size=1")
        assert second["previous"] is not None
        assert first["results"][0]["id"] != second["results"][0]["id"]

    def test_a_page_past_the_end_is_404(self, api, pending):
        response = api.get("/api/v1/bookings/", {"page": 9})

        assert response.status_code == 404
        assert list(errors(response)) == ["__all__"]

    @pytest.mark.parametrize("params, field", [
        ({"status": "lost"}, "status"),
        ({"status": ""}, "status"),
        ({"service": "abc"}, "service"),
        ({"from": "2026-02-30"}, "from"),
        ({"to": ""}, "to"),
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "-1"}, "page_size"),
    ])
    def test_refuses_bad_filters_by_name(self, api, pending, params, field):
        response = api.get("/api/v1/bookings/", params)

        assert response.status_code == 400
        assert set(errors(response)) == {field}

    def test_refuses_a_range_that_ends_before_it_starts(self, api, pending):
        response = api.get("/api/v1/bookings/", {"from": "2030-01-10", "to": "2030-01-01"})

        assert response.status_code == 400
        assert errors(response) == {"to": ["The end date must not be before the start date."]}

    def test_another_business_service_is_no_filter(self, api, pending, other_business):
        bobs = ServiceFactory(business_profile=other_business)

        response = api.get("/api/v1/bookings/", {"service": bobs.pk})

        assert response.status_code == 400
        assert set(errors(response)) == {"service"}


class TestPending:
    def test_lists_requests_still_waiting_soonest_expiry_first(self, api, pending, confirmed, service, day):
        later = request_booking(service, at(day, 15), "zed@example.com")
        Booking.objects.filter(pk=later.pk).update(
            pending_request_expires_at=pending.pending_request_expires_at + timedelta(hours=1)
        )
        expired = request_booking(service, at(day, 16), "old@example.com")
        Booking.objects.filter(pk=expired.pk).update(pending_request_expires_at=timezone.now() - timedelta(minutes=1))

        response = api.get("/api/v1/bookings/pending-approval/")

        assert response.status_code == 200
        assert [b["id"] for b in response.json()["results"]] == [str(pending.pk), str(later.pk)]
        assert response.json()["results"][0]["status"] == "pending_approval"


class TestDetail:
    def test_shows_the_booking_with_its_history(self, api, confirmed, alice):
        response = api.get(url(confirmed))

        assert response.status_code == 200
        data = response.json()
        assert set(data) == BOOKING_FIELDS | {"history"}
        assert [(h["from_status"], h["to_status"], h["actor"], h["changed_by"]) for h in data["history"]] == [
            ("", "pending_approval", "client", None),
            ("pending_approval", "confirmed", "owner", "alice@example.com"),
        ]

    def test_a_malformed_id_is_a_json_404(self, api, page):
        response = api.get("/api/v1/bookings/not-a-uuid/")

        assert response.status_code == 404
        assert errors(response) == {"__all__": ["Not found."]}


@pytest.fixture
def expired_request(pending):
    Booking.objects.filter(pk=pending.pk).update(pending_request_expires_at=timezone.now() - timedelta(minutes=1))
    return pending


@pytest.fixture
def pending_with_a_clash(pending, business):
    """Since the request came, the owner put a group session on the calendar at the same time."""
    group = ServiceFactory(business_profile=business, name="Group", capacity=3)
    SessionFactory(business_profile=business, session_category=group, start_time_utc=pending.start_time_utc,
                   end_time_utc=pending.end_time_utc, created_by_owner=True)
    return pending


class TestApprove:
    def test_confirms_through_the_booking_service(self, api, pending, alice):
        response = api.post(url(pending, "approve"))

        assert response.status_code == 200
        data = response.json()
        assert data["status"] == "confirmed"
        assert data["session_id"] is not None
        assert data["history"][-1] == {**data["history"][-1], "from_status": "pending_approval", "to_status": "confirmed",
                                       "actor": "owner", "changed_by": "alice@example.com"}
        pending.refresh_from_db()
        assert pending.status == Status.CONFIRMED
        assert pending.session.attendees.filter(pk=pending.client_id).exists()

    def test_approving_a_confirmed_booking_is_409_and_changes_nothing(self, api, confirmed, nothing_changes):
        response = api.post(url(confirmed, "approve"))

        assert response.status_code == 409
        assert errors(response) == {"__all__": ["This booking is confirmed and can no longer be changed that way."]}

    def test_an_expired_request_is_409(self, api, expired_request, nothing_changes):
        response = api.post(url(expired_request, "approve"))

        assert response.status_code == 409
        assert errors(response) == {"__all__": ["This request expired before it was approved; its place was released."]}

    def test_a_time_taken_meanwhile_is_409(self, api, pending_with_a_clash, nothing_changes):
        response = api.post(url(pending_with_a_clash, "approve"))

        assert response.status_code == 409
        assert errors(response)["__all__"][0].startswith("It clashes with Group 10:00–11:00")

    def test_get_is_405(self, api, pending):
        response = api.get(url(pending, "approve"))

        assert response.status_code == 405
        assert list(errors(response)) == ["__all__"]

    @pytest.mark.django_db(transaction=True)
    def test_a_lock_held_elsewhere_is_503_busy_and_changes_nothing(self, api, business, pending, sqlite_busy_timeout):
        with LockHolder(business.pk):
            response = api.post(url(pending, "approve"))

        assert response.status_code == 503
        assert response["Retry-After"] == str(LOCK_TIMEOUT_SECONDS)
        assert errors(response) == {"__all__": [str(BusyError.message)]}
        pending.refresh_from_db()
        assert pending.status == Status.PENDING_APPROVAL
        # Once the lock is free, the same request approves.
        assert api.post(url(pending, "approve")).status_code == 200


class TestReject:
    def test_rejects_with_the_reason(self, api, pending):
        response = api.post(url(pending, "reject"), {"reason": "  Pool closed for repairs  "})

        assert response.status_code == 200
        assert (response.json()["status"], response.json()["rejection_reason"]) == ("rejected", "Pool closed for repairs")
        pending.refresh_from_db()
        assert (pending.status, pending.rejection_reason) == (Status.REJECTED, "Pool closed for repairs")

    def test_the_reason_is_optional(self, api, pending):
        response = api.post(url(pending, "reject"))

        assert response.status_code == 200
        assert response.json()["rejection_reason"] == ""

    def test_a_too_long_reason_is_400_and_changes_nothing(self, api, pending, nothing_changes):
        response = api.post(url(pending, "reject"), {"reason": "x" * 1001})

        assert response.status_code == 400
        assert set(errors(response)) == {"reason"}

    @pytest.mark.parametrize("body", [{"reason": 5}, {"reason": ["no"]}])
    def test_a_reason_that_is_not_text_is_400(self, api, pending, nothing_changes, body):
        response = api.post(url(pending, "reject"), body)

        assert response.status_code == 400
        assert set(errors(response)) == {"reason"}

    def test_malformed_json_is_400(self, api, pending, nothing_changes):
        response = api.post(url(pending, "reject"), raw='{"reason": "no"')

        assert response.status_code == 400
        assert errors(response) == {"__all__": ["The body is not valid JSON."]}

    def test_rejecting_a_confirmed_booking_is_409(self, api, confirmed, nothing_changes):
        response = api.post(url(confirmed, "reject"), {"reason": "changed my mind"})

        assert response.status_code == 409
        assert list(errors(response)) == ["__all__"]


class TestCancel:
    def test_cancels_a_confirmed_booking_and_frees_its_place(self, api, confirmed):
        response = api.post(url(confirmed, "cancel"), {"reason": "Instructor ill"})

        assert response.status_code == 200
        assert (response.json()["status"], response.json()["cancellation_reason"]) == ("cancelled_by_admin", "Instructor ill")
        confirmed.refresh_from_db()
        assert confirmed.status == Status.CANCELLED_BY_ADMIN
        assert confirmed.session is None  # the only attendee left, so the session went too

    def test_cancelling_a_pending_request_is_409(self, api, pending, nothing_changes):
        response = api.post(url(pending, "cancel"))

        assert response.status_code == 409
        assert errors(response) == {"__all__": ["This booking is pending approval and can no longer be changed that way."]}

    def test_a_form_post_is_415(self, api, confirmed, nothing_changes):
        response = api.post(url(confirmed, "cancel"), raw="reason=x", content_type="application/x-www-form-urlencoded")

        assert response.status_code == 415


def z(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def no_email(db):
    """After the test body: no email was written either."""
    before = OutboxEmail.objects.count()
    yield
    assert OutboxEmail.objects.count() == before


@pytest.fixture
def group_at_14(business, day):
    """The owner put a group session on the calendar at 14:00."""
    group = ServiceFactory(business_profile=business, name="Group", capacity=3)
    return SessionFactory(business_profile=business, session_category=group, start_time_utc=at(day, 14),
                          end_time_utc=at(day, 15), created_by_owner=True)


class TestReschedule:
    def test_moves_a_confirmed_booking_and_records_both_times(self, api, confirmed, day):
        emails = OutboxEmail.objects.count()

        response = api.post(url(confirmed, "reschedule"), {"start_time_utc": z(at(day, 14))})

        assert response.status_code == 200, response.content
        data = response.json()
        assert (data["id"], data["status"], data["start_time_utc"], data["end_time_utc"]) == (
            str(confirmed.pk), "confirmed", z(at(day, 14)), z(at(day, 15)))
        last = data["history"][-1]
        assert (last["from_status"], last["to_status"], last["actor"], last["changed_by"]) == (
            "confirmed", "confirmed", "owner", "alice@example.com")
        assert (last["from_start_utc"], last["to_start_utc"]) == (z(at(day, 12)), z(at(day, 14)))
        assert data["history"][0]["from_start_utc"] is None  # not a move
        confirmed.refresh_from_db()
        assert (confirmed.start_time_utc, confirmed.session.start_time_utc) == (at(day, 14), at(day, 14))
        assert OutboxEmail.objects.count() > emails  # the client is told

    def test_the_owner_is_held_neither_by_the_hours_nor_by_the_clients_cutoff(self, api, open_days, confirmed, day):
        open_days.client_change_cutoff_hours = 24 * 30
        open_days.save()

        response = api.post(url(confirmed, "reschedule"), {"start_time_utc": z(at(day, 20)), "allow_clash": False})

        assert response.status_code == 200, response.content
        assert response.json()["start_time_utc"] == z(at(day, 20))

    def test_a_clash_is_409_under_allow_clash(self, api, confirmed, day, group_at_14, nothing_changes, no_email):
        response = api.post(url(confirmed, "reschedule"), {"start_time_utc": z(at(day, 14))})

        assert response.status_code == 409
        assert list(errors(response)) == ["allow_clash"]
        assert errors(response)["allow_clash"][0].startswith("It clashes with Group 14:00–15:00")

    def test_allow_clash_moves_it_over_the_clash(self, api, confirmed, day, group_at_14):
        response = api.post(url(confirmed, "reschedule"), {"start_time_utc": z(at(day, 14)), "allow_clash": True})

        assert response.status_code == 200, response.content
        assert response.json()["start_time_utc"] == z(at(day, 14))

    def test_a_full_session_is_409_even_with_allow_clash(self, api, pending, confirmed, nothing_changes, no_email):
        response = api.post(url(confirmed, "reschedule"), {"start_time_utc": z(pending.start_time_utc), "allow_clash": True})

        assert response.status_code == 409
        assert errors(response) == {"start_time_utc": ["This session is already full."]}

    @pytest.mark.parametrize("body, expected", [
        ({"start_time_utc": "2001-01-01T10:00:00Z"},
         {"start_time_utc": ["This time has already passed. Pick a time in the future."]}),
        ({}, {"start_time_utc": ["Give the new start time."]}),
        ({"start_time_utc": "soon"},
         {"start_time_utc": ["Give the start as an ISO 8601 time in UTC, e.g. 2027-02-01T22:00:00Z."]}),
        ({"start_time_utc": "9999-12-31T23:59:59-05:00"}, {"start_time_utc": ["Give a date between 1970 and 2200."]}),
    ])
    def test_a_past_missing_or_bad_time_is_400(self, api, confirmed, body, expected, nothing_changes, no_email):
        response = api.post(url(confirmed, "reschedule"), body)

        assert response.status_code == 400
        assert errors(response) == expected

    def test_allow_clash_must_be_true_or_false(self, api, confirmed, day, nothing_changes):
        response = api.post(url(confirmed, "reschedule"), {"start_time_utc": z(at(day, 14)), "allow_clash": "yes"})

        assert response.status_code == 400
        assert list(errors(response)) == ["allow_clash"]

    def test_the_time_it_has_already_is_400(self, api, confirmed, nothing_changes, no_email):
        response = api.post(url(confirmed, "reschedule"), {"start_time_utc": z(confirmed.start_time_utc)})

        assert response.status_code == 400
        assert errors(response) == {"__all__": ["The booking is already at this time. Pick another time to move it to."]}

    def test_a_booking_that_holds_no_place_is_400(self, api, confirmed, day, alice):
        booking_services.booking_cancel_by_admin(booking=confirmed, by=alice)
        before = snapshot()

        response = api.post(url(confirmed, "reschedule"), {"start_time_utc": z(at(day, 14))})

        assert response.status_code == 400
        assert errors(response) == {"__all__": ["Only a booking that holds its place and has not started can be moved."]}
        assert snapshot() == before

    def test_another_owners_booking_is_404(self, api, other_business, day):
        bobs = BookingFactory(business_profile=other_business)
        before = snapshot()

        response = api.post(url(bobs, "reschedule"), {"start_time_utc": z(at(day, 14))})

        assert response.status_code == 404
        assert errors(response) == {"__all__": ["Not found."]}
        assert snapshot() == before

    def test_a_form_post_is_415(self, api, confirmed, nothing_changes):
        response = api.post(url(confirmed, "reschedule"), raw="start_time_utc=x",
                            content_type="application/x-www-form-urlencoded")

        assert response.status_code == 415


def test_unknown_ids_are_404(api, page):
    missing = uuid.uuid4()
    for response in (
        api.get(f"/api/v1/bookings/{missing}/"),
        api.post(f"/api/v1/bookings/{missing}/approve/"),
        api.post(f"/api/v1/bookings/{missing}/reject/"),
        api.post(f"/api/v1/bookings/{missing}/cancel/"),
        api.post(f"/api/v1/bookings/{missing}/reschedule/", {"start_time_utc": "2030-01-01T10:00:00Z"}),
    ):
        assert response.status_code == 404
        assert errors(response) == {"__all__": ["Not found."]}
