"""POST /book/<slug>/bookings/ — the public JSON booking endpoint (DESIGN.md 6 and 8).

JSON only (a cross-site HTML form cannot send it, so no cookie or token is needed), rate limited,
idempotent with an Idempotency-Key, and every error is {"errors": {field: [message]}} with the
right status and no row written.
"""

import json
import re
import time as time_module
from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, urlencode, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from bookingsite.bookings.models import Booking, BookingStatusChange, Client, Session
from bookingsite.bookings.selectors import availability
from bookingsite.bookings.services import booking_create
from bookingsite.businesses.locking import LOCK_TIMEOUT_SECONDS, BusyError
from tests.factories import ServiceFactory, WorkingHoursFactory
from tests.locking import LockHolder

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
URL = "/book/alices-aqua/bookings/"
UTC_FORMAT = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"
NOT_STORABLE = "This holds a character that is not allowed: a NUL, or text that is not valid UTF-8 (such as a lone surrogate)."


@pytest.fixture
def slot(open_page, service):
    day = timezone.now().astimezone(LONDON).date() + timedelta(days=3)
    days = availability.availability_days(
        page=open_page, service=service, client_timezone="Asia/Tokyo", start_date=day, end_date=day, now=timezone.now()
    )
    return days[0].slots[1]


@pytest.fixture
def nothing_written():
    """After the test body: not one booking, client, session or status change was added."""
    before = counts()
    yield
    assert counts() == before


def counts() -> tuple[int, int, int, int]:
    return (Booking.objects.count(), Client.objects.count(), Session.objects.count(), BookingStatusChange.objects.count())


def z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def body_for(service, start: datetime, **changes) -> dict:
    body = {
        "session_category_id": service.pk,
        "start_time_utc": z(start),
        "client_name": "Dana Diver",
        "client_email": "dana@example.com",
        "client_phone": "07911 123456",
        "notes": "First lesson",
        "client_timezone": "Asia/Tokyo",
    }
    return body | changes


def post(client, body, *, url=URL, headers=None, **extra):
    raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
    headers = {"Accept": "application/json", **(headers or {})}
    return client.post(url, raw, content_type="application/json", headers=headers, **extra)


def errors(response) -> dict[str, list[str]]:
    assert response["Content-Type"] == "application/json"
    payload = response.json()
    assert set(payload) == {"errors"}
    assert all(isinstance(m, list) and m and all(isinstance(s, str) and s for s in m) for m in payload["errors"].values())
    return payload["errors"]


class TestCreated:
    def test_a_surrogate_pair_in_json_is_one_character_and_books(self, client, service, slot):
        rest = {key: value for key, value in body_for(service, slot.start_utc).items() if key != "notes"}
        response = post(client, '{"notes": "Excited \\ud83d\\ude00", ' + json.dumps(rest)[1:])

        assert response.status_code == 201
        assert Booking.objects.get().notes_from_client == "Excited \U0001f600"

    def test_answers_201_with_the_booking(self, client, service, slot):
        response = post(client, body_for(service, slot.start_utc))

        assert response.status_code == 201
        booking = Booking.objects.get()
        data = response.json()
        assert set(data) == {"id", "status", "start_time_utc", "end_time_utc", "manage_url", "ics_url", "google_calendar_url"}
        assert data["id"] == str(booking.pk)
        assert data["status"] == "confirmed"
        assert re.fullmatch(UTC_FORMAT, data["start_time_utc"]) and re.fullmatch(UTC_FORMAT, data["end_time_utc"])
        assert (data["start_time_utc"], data["end_time_utc"]) == (z(slot.start_utc), z(slot.end_utc))
        assert data["manage_url"] == f"http://testserver/book/alices-aqua/booking/{booking.manage_token}/"
        assert data["ics_url"] == f"http://testserver/book/alices-aqua/booking/{booking.manage_token}/calendar.ics"
        google = urlsplit(data["google_calendar_url"])
        assert google.netloc == "calendar.google.com"
        assert parse_qs(google.query)["dates"] == [
            f"{slot.start_utc:%Y%m%dT%H%M%SZ}/{slot.end_utc.astimezone(UTC):%Y%m%dT%H%M%SZ}"
        ]
        assert client.get(data["manage_url"]).status_code == 200
        assert client.get(data["ics_url"]).status_code == 200

    def test_stores_the_phone_in_e164_and_the_clients_zone(self, client, service, slot):
        post(client, body_for(service, slot.start_utc))

        booking = Booking.objects.get()
        assert booking.client_phone == "+447911123456"
        assert booking.booked_in_client_timezone == "Asia/Tokyo"
        assert (booking.start_time_utc, booking.end_time_utc) == (slot.start_utc, slot.end_utc)
        assert booking.notes_from_client == "First lesson"

    def test_a_pending_request_has_no_calendar_links(self, client, open_page, service, slot):
        open_page.requires_approval = True
        open_page.save()

        response = post(client, body_for(service, slot.start_utc))

        assert response.status_code == 201
        data = response.json()
        assert data["status"] == "pending_approval"
        assert data["google_calendar_url"] is None
        assert data["ics_url"] is None
        assert data["manage_url"].endswith(f"/booking/{Booking.objects.get().manage_token}/")

    def test_notes_may_be_left_out(self, client, service, slot):
        body = body_for(service, slot.start_utc)
        del body["notes"]

        assert post(client, body).status_code == 201
        assert Booking.objects.get().notes_from_client == ""

    def test_needs_no_cookie_and_no_csrf_token(self, service, slot):
        browserless = HttpClient(enforce_csrf_checks=True)

        response = post(browserless, body_for(service, slot.start_utc))

        assert response.status_code == 201
        assert not response.cookies

    def test_the_answer_is_never_gzipped(self, client, service, slot):
        # It carries the manage link, a secret: no BREACH-style guessing beside text the client chose.
        response = post(client, body_for(service, slot.start_utc), headers={"Accept-Encoding": "gzip"})

        assert response.status_code == 201
        assert "Content-Encoding" not in response
        assert response.json()["manage_url"]


class TestIdempotency:
    def test_the_same_key_twice_answers_the_same_booking(self, client, service, slot):
        first = post(client, body_for(service, slot.start_utc), headers={"Idempotency-Key": "retry-7f3a"})
        second = post(client, body_for(service, slot.start_utc), headers={"Idempotency-Key": "retry-7f3a"})

        assert first.status_code == second.status_code == 201
        assert first.json() == second.json()
        assert Booking.objects.count() == 1
        assert BookingStatusChange.objects.count() == 1

    def test_the_same_key_with_other_details_is_refused(self, client, service, slot):
        first = post(client, body_for(service, slot.start_utc), headers={"Idempotency-Key": "retry-7f3a"})
        before = counts()

        response = post(
            client, body_for(service, slot.start_utc, client_email="eve@example.com"), headers={"Idempotency-Key": "retry-7f3a"}
        )

        assert response.status_code == 422
        assert "nothing was booked" in errors(response)["__all__"][0]
        assert first.json()["manage_url"] not in response.content.decode()
        assert counts() == before

    def test_a_different_key_for_the_same_slot_is_taken(self, client, service, slot):
        assert post(client, body_for(service, slot.start_utc), headers={"Idempotency-Key": "first"}).status_code == 201
        before = counts()

        response = post(
            client, body_for(service, slot.start_utc, client_email="eve@example.com"), headers={"Idempotency-Key": "second"}
        )

        assert response.status_code == 409
        assert "this time was just taken" in errors(response)["start_time_utc"][0]
        assert counts() == before

    def test_without_a_key_a_repeat_is_taken(self, client, service, slot):
        assert post(client, body_for(service, slot.start_utc)).status_code == 201

        assert post(client, body_for(service, slot.start_utc)).status_code == 409
        assert Booking.objects.count() == 1

    def test_keys_are_scoped_to_the_business(self, client, open_page, service, slot, other_business):
        # Bob's integrator happens to use the same key: Alice's booking is not answered to him.
        for weekday in range(7):
            WorkingHoursFactory(business_profile=other_business, weekday=weekday, start_time=time(9), end_time=time(17))
        bobs = ServiceFactory(business_profile=other_business, name="Sparring")
        assert post(client, body_for(service, slot.start_utc), headers={"Idempotency-Key": "k-1"}).status_code == 201

        response = post(
            client, body_for(bobs, slot.start_utc), url="/book/bobs-boxing/bookings/", headers={"Idempotency-Key": "k-1"}
        )

        assert response.status_code == 201
        assert Booking.objects.count() == 2
        assert Booking.objects.get(pk=response.json()["id"]).business_profile == other_business


@pytest.mark.usefixtures("nothing_written")
class TestBadRequest:
    def test_an_empty_object_names_every_required_field(self, client, open_page):
        response = post(client, {})

        assert response.status_code == 400
        assert set(errors(response)) == {
            "session_category_id", "start_time_utc", "client_name", "client_email", "client_phone", "client_timezone",
        }

    def test_nulls_count_as_missing(self, client, service, slot):
        response = post(client, body_for(service, slot.start_utc, client_name=None, client_email=None))

        assert response.status_code == 400
        assert set(errors(response)) == {"client_name", "client_email"}

    @pytest.mark.parametrize(
        "field, value, message",
        [
            ("client_email", "dana@", "Enter a valid email address."),
            ("client_phone", "12", "Enter a valid phone number"),
            ("client_timezone", "Mars/Olympus_Mons", "is not a known time zone"),
            # zoneinfo knows both, but neither is a place: a system file, and IANA's "no zone set".
            ("client_timezone", "localtime", "is not a known time zone"),
            ("client_timezone", "Factory", "is not a known time zone"),
            ("session_category_id", "seven", "Enter a whole number."),
            ("session_category_id", 0, "greater than or equal to 1"),
            ("start_time_utc", "next tuesday", "Give the start as an ISO 8601 time in UTC"),
            ("client_name", "D" * 121, "at most 120 characters"),
            ("notes", "n" * 1001, "at most 1000 characters"),
        ],
    )
    def test_an_invalid_field_is_named(self, client, service, slot, field, value, message):
        response = post(client, body_for(service, slot.start_utc, **{field: value}))

        assert response.status_code == 400
        found = errors(response)
        assert list(found) == [field]
        assert message in found[field][0]

    @pytest.mark.parametrize(
        "field, value",
        [
            ("start_time_utc", 1767261600),
            ("start_time_utc", True),
            ("start_time_utc", ["2027-01-05T10:00:00Z"]),
            ("start_time_utc", {"utc": "2027-01-05T10:00:00Z"}),
            ("session_category_id", [1]),
            ("session_category_id", True),
            ("client_email", ["dana@example.com"]),
            ("client_timezone", {"name": "Asia/Tokyo"}),
            ("client_name", [1]),
            ("client_phone", 447911123456),
            ("notes", {"a": "b"}),
        ],
    )
    def test_a_value_of_the_wrong_json_type_is_named(self, client, service, slot, field, value):
        response = post(client, body_for(service, slot.start_utc, **{field: value}))

        assert response.status_code == 400
        assert list(errors(response)) == [field]
        assert not Booking.objects.exists()

    @pytest.mark.parametrize("raw", ["{not json", '{"client_name": "Dana"', "  ", b'\xff\xfe{"a": 1}'])
    def test_malformed_json(self, client, open_page, raw):
        response = post(client, raw)

        assert response.status_code == 400
        assert errors(response) == {"__all__": ["The body is not valid JSON."]}

    @pytest.mark.parametrize("raw", ["[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000])
    def test_json_nested_too_deep_for_python_is_malformed(self, client, open_page, raw):
        response = post(client, raw)

        assert response.status_code == 400
        assert errors(response) == {"__all__": ["The body is not valid JSON."]}

    @pytest.mark.parametrize("field", ["client_name", "notes", "client_timezone", "client_email"])
    @pytest.mark.parametrize("bad", ["\x00", "\ud800", "\udfff"])
    def test_a_nul_or_a_lone_surrogate_in_a_string_is_named_and_nothing_is_written(
        self, client, service, slot, nothing_written, field, bad
    ):
        # json.dumps writes both as escapes ("\u0000", "\ud800"): valid JSON, but no database stores them.
        response = post(client, body_for(service, slot.start_utc, **{field: f"x{bad}y"}))

        assert response.status_code == 400
        assert errors(response) == {field: [NOT_STORABLE]}

    def test_a_key_with_a_nul_is_refused_too(self, client, service, slot, nothing_written):
        response = post(client, {**body_for(service, slot.start_utc), "extra\x00": "1"})

        assert response.status_code == 400
        assert errors(response) == {"__all__": [NOT_STORABLE]}

    @pytest.mark.parametrize("raw", ["[1, 2]", '"a string"', "42", "null"])
    def test_a_body_that_is_not_an_object(self, client, open_page, raw):
        response = post(client, raw)

        assert response.status_code == 400
        assert errors(response) == {"__all__": ["The body must be a JSON object."]}

    @pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"])
    def test_anything_but_json_is_415(self, client, service, slot, content_type):
        body = body_for(service, slot.start_utc)
        if content_type == "application/x-www-form-urlencoded":
            response = client.post(URL, urlencode(body), content_type=content_type)
        elif content_type == "multipart/form-data":
            response = client.post(URL, body)  # the test client's default, like an HTML form
        else:
            response = client.post(URL, json.dumps(body), content_type=content_type)

        assert response.status_code == 415
        assert "Content-Type: application/json" in errors(response)["__all__"][0]

    def test_a_slot_not_offered(self, client, service, slot):
        response = post(client, body_for(service, slot.start_utc + timedelta(minutes=7)))

        assert response.status_code == 400
        assert errors(response)["start_time_utc"] == [
            "This time is not offered for this service. Please pick one of the times shown."
        ]

    def test_a_slot_in_the_past(self, client, open_page, service):
        yesterday = timezone.now().astimezone(LONDON).date() - timedelta(days=1)
        past = datetime.combine(yesterday, time(10), tzinfo=LONDON)

        response = post(client, body_for(service, past))

        assert response.status_code == 400
        assert "too soon or already past" in errors(response)["start_time_utc"][0]

    def test_a_slot_beyond_the_horizon(self, client, open_page, service):
        far_day = timezone.now().astimezone(LONDON).date() + timedelta(days=open_page.booking_horizon_days + 2)

        response = post(client, body_for(service, datetime.combine(far_day, time(10), tzinfo=LONDON)))

        assert response.status_code == 400
        assert "too far ahead" in errors(response)["start_time_utc"][0]


class TestNotFound:
    @pytest.fixture(autouse=True)
    def _nothing_written(self, nothing_written):
        pass

    def test_unknown_slug(self, client, service, slot):
        response = post(client, body_for(service, slot.start_utc), url="/book/nobody-here/bookings/")

        assert response.status_code == 404
        assert list(errors(response)) == ["slug"]

    def test_inactive_page(self, client, open_page, service, slot):
        open_page.is_booking_page_active = False
        open_page.save()

        response = post(client, body_for(service, slot.start_utc))

        assert response.status_code == 404
        assert list(errors(response)) == ["slug"]

    @pytest.mark.parametrize("kind", ["unknown", "other business", "hidden", "archived"])
    def test_a_service_not_bookable_here(self, client, business, other_business, slot, kind):
        service_id = {
            "unknown": lambda: 987654,
            "other business": lambda: ServiceFactory(business_profile=other_business).pk,
            "hidden": lambda: ServiceFactory(business_profile=business, is_publicly_bookable=False).pk,
            "archived": lambda: ServiceFactory(business_profile=business, is_archived=True).pk,
        }[kind]()

        response = post(client, body_for(SimpleNamespace(pk=service_id), slot.start_utc))

        assert response.status_code == 404
        assert list(errors(response)) == ["session_category_id"]


class TestConflict:
    def test_a_slot_booked_first_is_409(self, client, service, slot):
        booking_create(service=service, start_time_utc=slot.start_utc, client_name="Eve Early",
                       client_email="eve@example.com", client_timezone="Europe/London")
        before = counts()

        response = post(client, body_for(service, slot.start_utc))

        assert response.status_code == 409
        assert errors(response) == {"start_time_utc": ["Sorry, this time was just taken. Please pick another time."]}
        assert counts() == before


class TestMethods:
    @pytest.mark.parametrize("method", ["get", "put", "delete", "head", "options"])
    def test_anything_but_post_is_405(self, client, open_page, method):
        response = getattr(client, method)(URL)

        assert response.status_code == 405
        assert response["Allow"] == "POST"
        if method != "head":
            assert list(errors(response)) == ["__all__"]


@pytest.mark.django_db(transaction=True)
def test_a_lock_held_elsewhere_is_503_busy_then_the_same_request_books(client, business, service, slot, sqlite_busy_timeout):
    body = body_for(service, slot.start_utc)
    with LockHolder(business.pk):
        response = post(client, body, headers={"Idempotency-Key": "busy-1"})

    assert response.status_code == 503
    assert response["Retry-After"] == str(LOCK_TIMEOUT_SECONDS)
    assert errors(response) == {"__all__": [str(BusyError.message)]}
    assert counts() == (0, 0, 0, 0)
    again = post(client, body, headers={"Idempotency-Key": "busy-1"})
    assert again.status_code == 201
    assert again.json()["id"] == str(Booking.objects.get().pk)


class TestRateLimit:
    @pytest.fixture
    def frozen_rate_clock(self, monkeypatch):
        """Pin django-ratelimit's clock so a window boundary cannot fall between the requests."""
        import django_ratelimit.core

        moment = time_module.time()
        monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: moment))

    def test_the_third_post_in_a_minute_is_429(self, client, settings, service, slot, frozen_rate_clock):
        settings.RATELIMIT_PUBLIC_WRITE = "2/m"
        for _ in range(2):
            assert post(client, "{not json").status_code == 400

        response = post(client, body_for(service, slot.start_utc))  # a good request, refused all the same

        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 60
        assert list(errors(response)) == ["__all__"]
        assert Booking.objects.count() == 0
        assert counts() == (0, 0, 0, 0)

    def test_every_client_address_has_its_own_budget(self, client, settings, service, slot, frozen_rate_clock):
        settings.RATELIMIT_PUBLIC_WRITE = "2/m"
        for _ in range(3):
            post(client, "{not json")

        response = post(client, body_for(service, slot.start_utc), REMOTE_ADDR="203.0.113.9")

        assert response.status_code == 201
