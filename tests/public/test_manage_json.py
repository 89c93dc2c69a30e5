"""The manage link's JSON (DESIGN.md 6): the booking, its move and its cancel, at the manage pages' own addresses.

A request that sends JSON or asks for it gets the JSON; every other one gets the page, as before
(test_booking_manage.py). Every refusal changes nothing: not the row, not the history, not the outbox.
"""

import json
import re
import time as time_module
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from bookingsite.bookings.models import Booking, BookingStatusChange, Session
from bookingsite.bookings.services import booking_cancel_by_client
from bookingsite.businesses.locking import LOCK_TIMEOUT_SECONDS, BusyError
from bookingsite.businesses.services import booking_slug_change
from bookingsite.notifications.models import OutboxEmail
from tests.locking import LockHolder

from .test_booking_manage import LONDON, TOKYO, book, london_today, manage_url, offered_starts

pytestmark = pytest.mark.django_db

Status = Booking.Status
JSON = {"Accept": "application/json"}
POST_ANSWER_FIELDS = {"id", "status", "start_time_utc", "end_time_utc", "manage_url", "ics_url", "google_calendar_url"}
MANAGE_FIELDS = POST_ANSWER_FIELDS | {
    "can_change", "change_cutoff_at", "service", "location", "client_timezone", "pending_request_expires_at",
}
CUTOFF_MESSAGE = "It is too close to the start to change this booking online. Please contact the business."
TAKEN_MESSAGE = "Sorry, this time was just taken. Please pick another time."


def z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def get(client, booking, *, slug="alices-aqua", headers=None, **extra):
    return client.get(manage_url(booking, slug), headers={**JSON, **(headers or {})}, **extra)


def post(client, booking, action: str, body, *, slug="alices-aqua", **extra):
    raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
    # The test client leaves out the Content-Type of an empty body; curl -H and fetch() send it.
    headers = {"Content-Type": "application/json"}
    return client.post(manage_url(booking, slug) + f"{action}/", raw, content_type="application/json", headers=headers,
                       **extra)


def errors(response) -> dict[str, list[str]]:
    assert response["Content-Type"] == "application/json"
    payload = response.json()
    assert set(payload) == {"errors"}
    return payload["errors"]


def never_stored(response) -> bool:
    return {"no-store", "private"} <= {part.strip() for part in response.get("Cache-Control", "").split(",")}


def state(booking: Booking) -> tuple:
    """What a refused change must leave as it was: the row, its history, the emails, the sessions."""
    return (
        Booking.objects.filter(pk=booking.pk).values().get(),
        BookingStatusChange.objects.count(),
        OutboxEmail.objects.count(),
        sorted(Session.objects.values_list("start_time_utc", flat=True)),
    )


@pytest.fixture
def booking(open_page, service):
    return book(open_page, service)


@pytest.fixture
def later_start(open_page, service, booking) -> datetime:
    """Another time offered on the booking's day, after its own."""
    day = booking.start_time_utc.astimezone(LONDON).date()
    return next(start for start in offered_starts(open_page, service, day) if start > booking.start_time_utc)


@pytest.fixture
def inside_cutoff(open_page, booking):
    """The business lets clients change a booking until four days before: this one starts in three."""
    open_page.client_change_cutoff_hours = 96
    open_page.save()
    return booking


class TestTheBooking:
    def test_answers_as_the_booking_post_does_plus_what_the_client_may_still_do(self, client, open_page, booking):
        open_page.client_change_cutoff_hours = 24
        open_page.save()
        open_page.business_profile.address = "1 Pool Lane, Bath"
        open_page.business_profile.save()

        response = get(client, booking)

        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        data = response.json()
        assert set(data) == MANAGE_FIELDS
        token = booking.manage_token
        assert data | {"google_calendar_url": None} == {
            "id": str(booking.pk),
            "status": "confirmed",
            "start_time_utc": z(booking.start_time_utc),
            "end_time_utc": z(booking.end_time_utc),
            "manage_url": f"http://testserver/book/alices-aqua/booking/{token}/",
            "ics_url": f"http://testserver/book/alices-aqua/booking/{token}/calendar.ics",
            "google_calendar_url": None,
            "can_change": True,
            "change_cutoff_at": z(booking.start_time_utc - timedelta(hours=24)),
            "service": {"id": booking.session_category_id, "name": "Private lesson"},
            "location": "1 Pool Lane, Bath",
            "client_timezone": "Asia/Tokyo",
            "pending_request_expires_at": None,
        }
        assert data["google_calendar_url"].startswith("https://calendar.google.com/calendar/render?")

    def test_is_never_stored_and_never_sent_on_as_a_referrer(self, client, booking):
        response = get(client, booking)

        assert never_stored(response)
        assert response["Referrer-Policy"] == "no-referrer"
        assert "Accept" in response["Vary"]
        assert "Content-Encoding" not in get(client, booking, headers={"Accept-Encoding": "gzip"})

    def test_a_pending_request_with_its_hold(self, client, open_page, service):
        open_page.requires_approval = True
        open_page.save()
        booking = book(open_page, service)

        data = get(client, booking).json()

        assert (data["status"], data["can_change"]) == ("pending_approval", True)
        assert data["pending_request_expires_at"] == z(booking.pending_request_expires_at)
        assert data["ics_url"] is None and data["google_calendar_url"] is None

    def test_a_request_past_its_expiry_is_expired_before_the_sweep_marks_it(self, client, open_page, service):
        open_page.requires_approval = True
        open_page.save()
        booking = book(open_page, service)
        Booking.objects.filter(pk=booking.pk).update(pending_request_expires_at=timezone.now() - timedelta(minutes=1))

        data = get(client, booking).json()

        assert (data["status"], data["can_change"]) == ("expired_pending", False)

    def test_inside_the_cutoff_it_may_not_change(self, client, inside_cutoff):
        data = get(client, inside_cutoff).json()

        assert data["can_change"] is False
        assert data["change_cutoff_at"] == z(inside_cutoff.start_time_utc - timedelta(hours=96))

    def test_a_cancelled_booking(self, client, booking):
        booking_cancel_by_client(booking=booking)

        data = get(client, booking).json()

        assert (data["status"], data["can_change"], data["ics_url"]) == ("cancelled_by_client", False, None)

    def test_works_while_the_page_is_paused(self, client, open_page, booking):
        open_page.is_booking_page_active = False
        open_page.save()

        assert get(client, booking).json()["id"] == str(booking.pk)

    def test_works_under_the_businesss_old_link_name_and_answers_with_the_new(self, client, open_page, booking):
        booking_slug_change(page=open_page, new_slug="alices-pool")

        response = get(client, booking)

        assert response.status_code == 200
        assert response.json()["manage_url"] == f"http://testserver/book/alices-pool/booking/{booking.manage_token}/"


class TestNotFound:
    def wrong(self, booking) -> Booking:
        token = booking.manage_token
        return Booking(manage_token=token[:-1] + ("a" if token[-1] != "a" else "b"))

    def test_a_tampered_token_is_404_for_all_three(self, client, booking):
        before = state(booking)
        wrong = self.wrong(booking)

        answers = [get(client, wrong), post(client, wrong, "reschedule", {"start_time_utc": z(booking.start_time_utc)}),
                   post(client, wrong, "cancel", {})]

        assert [r.status_code for r in answers] == [404, 404, 404]
        assert [errors(r) for r in answers] == [{"token": ["No booking has this link."]}] * 3
        assert all(never_stored(r) for r in answers)
        assert state(booking) == before

    def test_a_token_under_another_businesss_link_is_404(self, client, booking, later_start, other_business):
        before = state(booking)

        answers = [get(client, booking, slug="bobs-boxing"),
                   post(client, booking, "reschedule", {"start_time_utc": z(later_start)}, slug="bobs-boxing"),
                   post(client, booking, "cancel", {}, slug="bobs-boxing")]

        assert [r.status_code for r in answers] == [404, 404, 404]
        assert [list(errors(r)) for r in answers] == [["token"]] * 3
        assert state(booking) == before

    def test_an_unknown_link_is_404(self, client, booking):
        response = get(client, booking, slug="nobody-here")

        assert response.status_code == 404
        assert errors(response) == {"slug": ["No booking page has this link."]}


class TestPageOrJSON:
    """One address, two answers: the page unless the request sends or asks for JSON."""

    @pytest.mark.parametrize("accept", [None, "*/*", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                                        "application/json;q=0.5, text/html"])
    def test_a_browser_or_anyone_not_asking_for_json_gets_the_page(self, client, booking, accept):
        response = client.get(manage_url(booking), headers={"Accept": accept} if accept else {})

        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert [t.name for t in response.templates][0] == "public/booking.html"
        assert "Accept" in response["Vary"]

    @pytest.mark.parametrize("accept", ["application/json", "application/json, text/plain", "text/html;q=0.5, application/json"])
    def test_asking_for_json_gets_json(self, client, booking, accept):
        response = client.get(manage_url(booking), headers={"Accept": accept})

        assert response.status_code == 200
        assert response.json()["id"] == str(booking.pk)

    def test_a_form_post_still_cancels_through_the_page(self, client, booking):
        response = client.post(manage_url(booking) + "cancel/", {"reason": "Feeling ill"})

        assert response.status_code == 302
        assert response["Location"] == manage_url(booking)
        booking.refresh_from_db()
        assert (booking.status, booking.cancellation_reason) == (Status.CANCELLED_BY_CLIENT, "Feeling ill")

    def test_a_wrong_token_in_a_page_request_is_the_404_page(self, client, booking):
        response = client.get(f"/book/alices-aqua/booking/{booking.manage_token}x/")

        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")

    def test_a_form_post_is_the_pages_even_when_it_accepts_json(self, client, booking):
        response = client.post(manage_url(booking) + "cancel/", {"reason": "x"}, headers=JSON)

        assert response.status_code == 302  # the page's answer to its form
        booking.refresh_from_db()
        assert (booking.status, booking.cancellation_reason) == (Status.CANCELLED_BY_CLIENT, "x")


class TestMove:
    def test_moves_the_booking_and_the_page_and_json_show_the_new_time(self, client, open_page, service, booking, later_start):
        history = BookingStatusChange.objects.count()
        emails = OutboxEmail.objects.count()

        response = post(client, booking, "reschedule", {"start_time_utc": z(later_start)})

        assert response.status_code == 200, response.content
        data = response.json()
        assert set(data) == MANAGE_FIELDS
        end = later_start + timedelta(minutes=60)
        assert (data["id"], data["status"], data["start_time_utc"], data["end_time_utc"]) == (
            str(booking.pk), "confirmed", z(later_start), z(end))
        assert data["manage_url"] == f"http://testserver{manage_url(booking)}"  # the same link
        moved = Booking.objects.get(pk=booking.pk)
        assert (moved.start_time_utc, moved.end_time_utc, moved.sequence) == (later_start, end, 1)
        assert BookingStatusChange.objects.count() == history + 1
        assert OutboxEmail.objects.count() > emails  # both sides are told
        assert get(client, booking).json() == data
        day = later_start.astimezone(LONDON).date()
        assert booking.start_time_utc in offered_starts(open_page, service, day)  # the old place is free
        assert never_stored(response) and response["Referrer-Policy"] == "no-referrer"

    def test_a_pending_request_stays_pending_with_a_new_hold(self, client, open_page, service):
        open_page.requires_approval = True
        open_page.save()
        booking = book(open_page, service)
        Booking.objects.filter(pk=booking.pk).update(pending_request_expires_at=timezone.now() + timedelta(minutes=5))
        later = next(s for s in offered_starts(open_page, service, london_today() + timedelta(days=3))
                     if s > booking.start_time_utc)

        data = post(client, booking, "reschedule", {"start_time_utc": z(later)}).json()

        assert (data["status"], data["start_time_utc"]) == ("pending_approval", z(later))
        assert data["pending_request_expires_at"] > z(timezone.now() + timedelta(hours=1))

    def test_a_time_taken_meanwhile_is_409_with_the_days_free_times(self, client, open_page, service, booking, later_start):
        book(open_page, service, start=later_start)  # someone else, first
        before = state(booking)

        response = post(client, booking, "reschedule", {"start_time_utc": z(later_start)})

        assert response.status_code == 409
        data = response.json()
        assert set(data) == {"errors", "days"}
        assert data["errors"] == {"start_time_utc": [TAKEN_MESSAGE]}
        [day] = data["days"]
        assert day["date"] == later_start.astimezone(TOKYO).date().isoformat()  # the client's day, in their zone
        offered = [s["start_time_utc"] for s in day["slots"]]
        assert offered and z(later_start) not in offered and z(booking.start_time_utc) not in offered
        assert all(s["start_local"].endswith("+09:00") for s in day["slots"])  # in the zone it was booked in
        assert state(booking) == before

    def test_inside_the_cutoff_is_400_and_nothing_changes(self, client, inside_cutoff, later_start):
        before = state(inside_cutoff)

        response = post(client, inside_cutoff, "reschedule", {"start_time_utc": z(later_start)})

        assert response.status_code == 400
        assert errors(response) == {"__all__": [CUTOFF_MESSAGE]}
        assert state(inside_cutoff) == before

    def test_a_time_not_offered(self, client, booking):
        day = booking.start_time_utc.astimezone(LONDON).date()
        three_am = datetime.combine(day, datetime.min.time(), LONDON) + timedelta(hours=3)
        before = state(booking)

        response = post(client, booking, "reschedule", {"start_time_utc": z(three_am)})

        assert response.status_code == 400
        assert errors(response) == {
            "start_time_utc": ["This time is not offered for this service. Please pick one of the times shown."]}
        assert state(booking) == before

    def test_a_time_in_the_past(self, client, booking):
        before = state(booking)

        response = post(client, booking, "reschedule", {"start_time_utc": z(timezone.now() - timedelta(days=1))})

        assert response.status_code == 400
        assert errors(response) == {"start_time_utc": ["This time is too soon or already past. Please pick a later time."]}
        assert state(booking) == before

    def test_the_time_it_has_already(self, client, booking):
        before = state(booking)

        response = post(client, booking, "reschedule", {"start_time_utc": z(booking.start_time_utc)})

        assert response.status_code == 400
        assert errors(response) == {"__all__": ["The booking is already at this time. Pick another time to move it to."]}
        assert state(booking) == before

    def test_a_cancelled_booking_cannot_move(self, client, booking, later_start):
        booking_cancel_by_client(booking=booking)
        before = state(booking)

        response = post(client, booking, "reschedule", {"start_time_utc": z(later_start)})

        assert response.status_code == 400
        assert errors(response) == {"__all__": ["This booking is cancelled by client and can no longer be changed that way."]}
        assert state(booking) == before

    @pytest.mark.parametrize("body, message", [
        ({}, "Give the new start time."),
        ({"start_time_utc": None}, "Give the new start time."),
        ({"start_time_utc": "tomorrow at ten"}, "Give the start as an ISO 8601 time in UTC, e.g. 2027-02-01T22:00:00Z."),
        ({"start_time_utc": 1767261600}, "Give this as a string."),
        ({"start_time_utc": "9999-12-31T23:59:59-05:00"}, "Give a date between 1970 and 2200."),
    ])
    def test_a_missing_or_bad_start(self, client, booking, body, message):
        before = state(booking)

        response = post(client, booking, "reschedule", body)

        assert response.status_code == 400
        assert errors(response) == {"start_time_utc": [message]}
        assert state(booking) == before

    @pytest.mark.parametrize("raw", ["{not json", "[]", "null", '"2030-01-01T10:00:00Z"'])
    def test_a_body_that_is_no_json_object(self, client, booking, raw):
        before = state(booking)

        response = post(client, booking, "reschedule", raw)

        assert response.status_code == 400
        assert list(errors(response)) == ["__all__"]
        assert state(booking) == before

    def test_a_get_is_405(self, client, booking):
        response = client.get(manage_url(booking) + "reschedule/", headers=JSON)

        assert response.status_code == 405
        assert response["Allow"] == "POST"


class TestCancel:
    def test_cancels_with_the_reason_and_answers_the_booking(self, client, open_page, service, booking):
        history = BookingStatusChange.objects.count()

        response = post(client, booking, "cancel", {"reason": "Feeling ill"})

        assert response.status_code == 200
        data = response.json()
        assert set(data) == MANAGE_FIELDS
        assert (data["status"], data["can_change"], data["ics_url"]) == ("cancelled_by_client", False, None)
        booking.refresh_from_db()
        assert (booking.status, booking.cancellation_reason) == (Status.CANCELLED_BY_CLIENT, "Feeling ill")
        assert BookingStatusChange.objects.count() == history + 1
        day = booking.start_time_utc.astimezone(LONDON).date()
        assert booking.start_time_utc in offered_starts(open_page, service, day)
        assert never_stored(response)

    @pytest.mark.parametrize("raw", ["", "{}", '{"reason": null}'])
    def test_the_reason_may_be_left_out(self, client, booking, raw):
        response = post(client, booking, "cancel", raw)

        assert response.status_code == 200
        booking.refresh_from_db()
        assert (booking.status, booking.cancellation_reason) == (Status.CANCELLED_BY_CLIENT, "")

    def test_inside_the_cutoff_is_400_and_nothing_changes(self, client, inside_cutoff):
        before = state(inside_cutoff)

        response = post(client, inside_cutoff, "cancel", {"reason": "Too late?"})

        assert response.status_code == 400
        assert errors(response) == {"__all__": [CUTOFF_MESSAGE]}
        assert state(inside_cutoff) == before

    def test_cancelling_twice_is_400(self, client, booking):
        assert post(client, booking, "cancel", {}).status_code == 200
        before = state(booking)

        response = post(client, booking, "cancel", {"reason": "again"})

        assert response.status_code == 400
        assert errors(response) == {"__all__": ["This booking is cancelled by client and can no longer be changed that way."]}
        assert state(booking) == before

    def test_a_booking_that_has_started_is_400(self, client, open_page, service):
        now = timezone.now()
        then = now - timedelta(days=2)
        starts = [s for d in (-1, 0) for s in offered_starts(open_page, service, london_today() + timedelta(days=d), now=then)]
        started = book(open_page, service, start=max(s for s in starts if s <= now), now=then)
        before = state(started)

        response = post(client, started, "cancel", {})

        assert response.status_code == 400
        assert errors(response) == {"__all__": ["This booking has already started, so it can no longer be changed online."]}
        assert state(started) == before

    @pytest.mark.parametrize("body, field", [({"reason": "x" * 1001}, "__all__"), ({"reason": 7}, "reason")])
    def test_a_reason_too_long_or_not_text(self, client, booking, body, field):
        before = state(booking)

        response = post(client, booking, "cancel", body)

        assert response.status_code == 400
        assert list(errors(response)) == [field]
        assert state(booking) == before


class TestRateLimitAndBusy:
    @pytest.fixture
    def frozen_rate_clock(self, monkeypatch):
        """Pin django-ratelimit's clock so a window boundary cannot fall between the requests."""
        import django_ratelimit.core

        moment = time_module.time()
        monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: moment))

    def test_the_third_change_in_a_minute_is_429_and_changes_nothing(self, client, settings, booking, later_start,
                                                                       frozen_rate_clock):
        settings.RATELIMIT_PUBLIC_WRITE = "2/m"
        for _ in range(2):
            assert post(client, booking, "cancel", "{not json").status_code == 400
        before = state(booking)

        moved = post(client, booking, "reschedule", {"start_time_utc": z(later_start)})
        cancelled = post(client, booking, "cancel", {})

        assert (moved.status_code, cancelled.status_code) == (429, 429)
        assert 1 <= int(moved["Retry-After"]) <= 60
        assert list(errors(moved)) == ["__all__"]
        assert state(booking) == before
        assert get(client, booking).status_code == 200  # reading counts apart


@pytest.mark.django_db(transaction=True)
def test_a_lock_held_elsewhere_is_503_then_the_same_move_goes_through(client, business, booking, later_start,
                                                                       sqlite_busy_timeout):
    before = state(booking)
    with LockHolder(business.pk):
        response = post(client, booking, "reschedule", {"start_time_utc": z(later_start)})

    assert response.status_code == 503
    assert response["Retry-After"] == str(LOCK_TIMEOUT_SECONDS)
    assert errors(response) == {"__all__": [str(BusyError.message)]}
    assert state(booking) == before
    again = post(client, booking, "reschedule", {"start_time_utc": z(later_start)})
    assert again.status_code == 200
    assert again.json()["start_time_utc"] == z(later_start)


def test_utc_format_of_every_time(client, booking):
    data = get(client, booking).json()
    for key in ("start_time_utc", "end_time_utc", "change_cutoff_at"):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data[key]), key
