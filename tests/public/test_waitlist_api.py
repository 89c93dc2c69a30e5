"""POST /book/<slug>/waitlist/ — joining the waitlist of a full slot through the public JSON (DESIGN.md 6 and 11).

As the booking POST: JSON only, no cookie, rate limited, and every refusal is {"errors": {field: [message]}}
with the right status and nothing written. 201 puts the client in line; the same email again answers the
place it has (200); a slot with a free place is a 409 (book it instead).
"""

import json
import time as time_module
from datetime import datetime, time, timedelta
from types import SimpleNamespace
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from bookingsite.bookings.exceptions import SlotHasPlacesError, SlotNotOfferedError
from bookingsite.bookings.models import Booking, BookingStatusChange, Client, WaitlistEntry
from bookingsite.bookings.selectors import availability
from bookingsite.bookings.services import booking_cancel_by_client, booking_create
from bookingsite.businesses.locking import LOCK_TIMEOUT_SECONDS, BusyError
from bookingsite.notifications.models import EmailKind, OutboxEmail
from tests.factories import ServiceFactory
from tests.locking import LockHolder

from .test_booking_api import body_for, errors, z
from .test_booking_api import post as post_json

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
URL = "/book/alices-aqua/waitlist/"
NOT_STORABLE = "This holds a character that is not allowed: a NUL, or text that is not valid UTF-8 (such as a lone surrogate)."
NO_WAITLIST = "This service has no waitlist. Please pick one of the free times."


@pytest.fixture
def group(business):
    """Two places a session, with a waitlist."""
    return ServiceFactory(business_profile=business, name="Group swim", capacity=2, waitlist_enabled=True)


def offered_slot(page, service):
    day = timezone.now().astimezone(LONDON).date() + timedelta(days=3)
    days = availability.availability_days(
        page=page, service=service, client_timezone="Asia/Tokyo", start_date=day, end_date=day, now=timezone.now()
    )
    return days[0].slots[1]


@pytest.fixture
def slot(open_page, group):
    return offered_slot(open_page, group)


def book(service, start: datetime, email: str) -> Booking:
    return booking_create(service=service, start_time_utc=start, client_name="Early Bird", client_email=email,
                          client_phone="", client_timezone="Europe/London")


@pytest.fixture
def full(group, slot):
    """Both places of `slot` booked."""
    for email in ("eve@example.com", "finn@example.com"):
        book(group, slot.start_utc, email)
    return slot


def counts() -> tuple[int, int, int, int]:
    return (WaitlistEntry.objects.count(), Booking.objects.count(), Client.objects.count(), BookingStatusChange.objects.count())


@pytest.fixture
def nothing_written(full):
    """After the test body: not one entry, booking, client or status change was added to the full slot's."""
    before = counts()
    yield
    assert counts() == before


def post(client, body, *, url=URL, **extra):
    return post_json(client, body, url=url, **extra)


class TestJoined:
    def test_a_full_slot_answers_201_with_the_place_in_line_and_its_page(self, client, group, full):
        response = post(client, body_for(group, full.start_utc))

        assert response.status_code == 201
        entry = WaitlistEntry.objects.get()
        assert response.json() == {
            "id": entry.pk,
            "position": 1,
            "manage_url": f"http://testserver/book/alices-aqua/waitlist/{entry.token}/",
        }
        assert response.json()["manage_url"].endswith(reverse("public:waitlist-entry", args=["alices-aqua", entry.token]))

    def test_the_entry_holds_what_was_sent(self, client, group, full):
        post(client, body_for(group, full.start_utc))

        entry = WaitlistEntry.objects.get()
        assert (entry.session_category, entry.start_time_utc, entry.end_time_utc) == (group, full.start_utc, full.end_utc)
        assert entry.status == WaitlistEntry.Status.WAITING
        assert (entry.client_name, entry.client_email) == ("Dana Diver", "dana@example.com")
        assert entry.client_phone == "+447911123456"  # read as the booking form reads it
        assert (entry.client_timezone, entry.notes_from_client) == ("Asia/Tokyo", "First lesson")

    def test_the_same_email_again_answers_the_same_place_with_200(self, client, group, full):
        first = post(client, body_for(group, full.start_utc))

        again = post(client, body_for(group, full.start_utc, client_email="Dana@Example.COM", client_name="Dana D."))

        assert (first.status_code, again.status_code) == (201, 200)
        assert again.json() == {**first.json(), "manage_url": None}
        assert WaitlistEntry.objects.count() == 1

    def test_the_same_email_again_never_shows_the_link_but_emails_it_to_that_address(self, client, group, full):
        first = post(client, body_for(group, full.start_utc))
        link = first.json()["manage_url"]

        again = post(client, body_for(group, full.start_utc, client_name="Someone Else"))

        assert link not in again.content.decode()
        joined = OutboxEmail.objects.filter(kind=EmailKind.WAITLIST_JOINED).order_by("pk")
        assert [email.to_email for email in joined] == ["dana@example.com", "dana@example.com"]
        assert urlsplit(link).path in joined.last().body_text  # (emails build links from SITE_URL)

    def test_another_email_is_second_in_line(self, client, group, full):
        first = post(client, body_for(group, full.start_utc))

        second = post(client, body_for(group, full.start_utc, client_email="kim@example.com", client_name="Kim Kick"))

        assert second.status_code == 201
        assert second.json()["position"] == 2
        assert second.json()["id"] != first.json()["id"]
        assert second.json()["manage_url"] != first.json()["manage_url"]
        assert list(WaitlistEntry.objects.values_list("client_email", flat=True)) == ["dana@example.com", "kim@example.com"]

    def test_the_first_in_line_stays_first_when_they_ask_again(self, client, group, full):
        post(client, body_for(group, full.start_utc))
        post(client, body_for(group, full.start_utc, client_email="kim@example.com"))

        again = post(client, body_for(group, full.start_utc))

        assert (again.status_code, again.json()["position"]) == (200, 1)

    def test_a_full_slot_of_the_availability_json_can_be_joined_as_listed(self, client, group, full):
        day = full.start_local.date().isoformat()
        listed = client.get("/book/alices-aqua/availability/", {
            "session_category_id": group.pk, "start_date": day, "end_date": day, "client_timezone": "Asia/Tokyo"})
        [full_slot] = listed.json()["days"][0]["full_slots"]

        response = post(client, body_for(group, full.start_utc, start_time_utc=full_slot["start_time_utc"]))

        assert response.status_code == 201
        assert z(WaitlistEntry.objects.get().start_time_utc) == full_slot["start_time_utc"]

    def test_notes_may_be_left_out(self, client, group, full):
        body = body_for(group, full.start_utc)
        del body["notes"]

        assert post(client, body).status_code == 201
        assert WaitlistEntry.objects.get().notes_from_client == ""

    def test_the_service_number_may_be_a_string(self, client, group, full):
        assert post(client, body_for(group, full.start_utc, session_category_id=str(group.pk))).status_code == 201

    def test_needs_no_cookie_and_no_csrf_token(self, group, full):
        browserless = HttpClient(enforce_csrf_checks=True)

        response = post(browserless, body_for(group, full.start_utc))

        assert response.status_code == 201
        assert not response.cookies

    def test_the_answer_holding_the_page_link_is_never_stored_nor_gzipped(self, client, group, full):
        response = post(client, body_for(group, full.start_utc), headers={"Accept-Encoding": "gzip"})

        assert response.status_code == 201
        assert {"no-store", "private"} <= {part.strip() for part in response["Cache-Control"].split(",")}
        assert "Content-Encoding" not in response
        assert "/waitlist/" in response.json()["manage_url"]


class TestConflict:
    @pytest.mark.parametrize("booked", [0, 1])
    def test_a_slot_with_a_free_place_is_409_book_it_instead(self, client, group, slot, booked):
        for n in range(booked):
            book(group, slot.start_utc, f"early{n}@example.com")
        before = counts()

        response = post(client, body_for(group, slot.start_utc))

        assert response.status_code == 409
        assert errors(response) == {"start_time_utc": [str(SlotHasPlacesError.message)]}
        assert "book it instead" in errors(response)["start_time_utc"][0]
        assert counts() == before

    def test_a_place_freed_by_a_cancel_is_409_too(self, client, group, full):
        booking_cancel_by_client(booking=Booking.objects.filter(client_email="eve@example.com").get())
        before = counts()

        response = post(client, body_for(group, full.start_utc))

        assert response.status_code == 409
        assert counts() == before


class TestRefusedByTheWaitlist:
    def test_a_service_without_a_waitlist(self, client, open_page, service):
        slot = offered_slot(open_page, service)
        book(service, slot.start_utc, "eve@example.com")  # its one place: full, but nobody may wait for it
        before = counts()

        response = post(client, body_for(service, slot.start_utc))

        assert response.status_code == 400
        assert errors(response) == {"session_category_id": [NO_WAITLIST]}
        assert counts() == before

    def test_a_client_who_already_has_a_place_there(self, client, group, slot):
        book(group, slot.start_utc, "dana@example.com")
        book(group, slot.start_utc, "eve@example.com")
        before = counts()

        response = post(client, body_for(group, slot.start_utc, client_email="DANA@example.com"))

        assert response.status_code == 400
        assert errors(response) == {"__all__": ["You already have a place at this time."]}
        assert counts() == before


@pytest.mark.usefixtures("nothing_written")
class TestBadRequest:
    def test_a_time_that_is_no_slot_is_not_offered(self, client, group, full):
        response = post(client, body_for(group, full.start_utc + timedelta(minutes=7)))

        assert response.status_code == 400
        assert errors(response) == {"start_time_utc": [str(SlotNotOfferedError.message)]}

    def test_a_time_outside_working_hours_is_not_offered(self, client, group, full):
        night = datetime.combine(full.start_utc.astimezone(LONDON).date(), time(3), tzinfo=LONDON)

        response = post(client, body_for(group, night))

        assert response.status_code == 400
        assert errors(response) == {"start_time_utc": [str(SlotNotOfferedError.message)]}

    def test_a_slot_in_the_past(self, client, open_page, group):
        yesterday = timezone.now().astimezone(LONDON).date() - timedelta(days=1)

        response = post(client, body_for(group, datetime.combine(yesterday, time(10), tzinfo=LONDON)))

        assert response.status_code == 400
        assert "too soon or already past" in errors(response)["start_time_utc"][0]

    def test_a_slot_beyond_the_horizon(self, client, open_page, group):
        far_day = timezone.now().astimezone(LONDON).date() + timedelta(days=open_page.booking_horizon_days + 2)

        response = post(client, body_for(group, datetime.combine(far_day, time(10), tzinfo=LONDON)))

        assert response.status_code == 400
        assert "too far ahead" in errors(response)["start_time_utc"][0]

    def test_an_empty_object_names_every_required_field(self, client, open_page):
        response = post(client, {})

        assert response.status_code == 400
        assert set(errors(response)) == {
            "session_category_id", "start_time_utc", "client_name", "client_email", "client_phone", "client_timezone",
        }

    @pytest.mark.parametrize(
        "field, value, message",
        [
            ("client_email", "dana@", "Enter a valid email address."),
            ("client_phone", "12", "Enter a valid phone number"),
            ("client_timezone", "Mars/Olympus_Mons", "is not a known time zone"),
            ("session_category_id", "seven", "Enter a whole number."),
            ("session_category_id", 0, "greater than or equal to 1"),
            ("start_time_utc", "next tuesday", "Give the start as an ISO 8601 time in UTC"),
            ("client_name", "D" * 121, "at most 120 characters"),
            ("notes", "n" * 1001, "at most 1000 characters"),
        ],
    )
    def test_an_invalid_field_is_named(self, client, group, full, field, value, message):
        response = post(client, body_for(group, full.start_utc, **{field: value}))

        assert response.status_code == 400
        found = errors(response)
        assert list(found) == [field]
        assert message in found[field][0]

    @pytest.mark.parametrize(
        "field, value",
        [("start_time_utc", 1767261600), ("session_category_id", True), ("session_category_id", [1]),
         ("client_email", ["dana@example.com"]), ("client_phone", 447911123456), ("notes", {"a": "b"})],
    )
    def test_a_value_of_the_wrong_json_type_is_named(self, client, group, full, field, value):
        response = post(client, body_for(group, full.start_utc, **{field: value}))

        assert response.status_code == 400
        assert list(errors(response)) == [field]

    @pytest.mark.parametrize("raw", ["{not json", '{"client_name": "Dana"', "  ", b'\xff\xfe{"a": 1}'])
    def test_malformed_json(self, client, open_page, raw):
        response = post(client, raw)

        assert response.status_code == 400
        assert errors(response) == {"__all__": ["The body is not valid JSON."]}

    @pytest.mark.parametrize("raw", ["[1, 2]", '"a string"', "42", "null"])
    def test_a_body_that_is_not_an_object(self, client, open_page, raw):
        response = post(client, raw)

        assert response.status_code == 400
        assert errors(response) == {"__all__": ["The body must be a JSON object."]}

    @pytest.mark.parametrize("field", ["client_name", "notes", "client_timezone", "client_email", "start_time_utc"])
    @pytest.mark.parametrize("bad", ["\x00", "\ud800"])
    def test_a_nul_or_a_lone_surrogate_in_a_string_is_named(self, client, group, full, field, bad):
        response = post(client, body_for(group, full.start_utc, **{field: f"x{bad}y"}))

        assert response.status_code == 400
        assert errors(response) == {field: [NOT_STORABLE]}

    def test_a_key_with_a_nul_is_refused_too(self, client, group, full):
        response = post(client, {**body_for(group, full.start_utc), "extra\x00": "1"})

        assert response.status_code == 400
        assert errors(response) == {"__all__": [NOT_STORABLE]}

    def test_a_raw_nul_byte_in_the_body_is_refused(self, client, group, full):
        raw = json.dumps(body_for(group, full.start_utc)).replace("Dana Diver", "Dana\x00Diver").encode()

        response = post(client, raw)

        assert response.status_code == 400  # a raw control character is not JSON (only its escape is)
        assert errors(response) == {"__all__": ["The body is not valid JSON."]}

    @pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"])
    def test_anything_but_json_is_415(self, client, group, full, content_type):
        body = body_for(group, full.start_utc)
        if content_type == "application/x-www-form-urlencoded":
            response = client.post(URL, urlencode(body), content_type=content_type)
        elif content_type == "multipart/form-data":
            response = client.post(URL, body)  # the test client's default, like an HTML form
        else:
            response = client.post(URL, json.dumps(body), content_type=content_type)

        assert response.status_code == 415
        assert "Content-Type: application/json" in errors(response)["__all__"][0]


@pytest.mark.usefixtures("nothing_written")
class TestNotFound:
    def test_unknown_slug(self, client, group, full):
        response = post(client, body_for(group, full.start_utc), url="/book/nobody-here/waitlist/")

        assert response.status_code == 404
        assert list(errors(response)) == ["slug"]

    def test_inactive_page(self, client, open_page, group, full):
        open_page.is_booking_page_active = False
        open_page.save()

        response = post(client, body_for(group, full.start_utc))

        assert response.status_code == 404
        assert list(errors(response)) == ["slug"]

    @pytest.mark.parametrize("kind", ["unknown", "other business", "hidden", "archived"])
    def test_a_service_not_bookable_here(self, client, business, other_business, full, kind):
        service_id = {
            "unknown": lambda: 987654,
            "other business": lambda: ServiceFactory(business_profile=other_business, waitlist_enabled=True).pk,
            "hidden": lambda: ServiceFactory(business_profile=business, is_publicly_bookable=False, waitlist_enabled=True).pk,
            "archived": lambda: ServiceFactory(business_profile=business, is_archived=True, waitlist_enabled=True).pk,
        }[kind]()

        response = post(client, body_for(SimpleNamespace(pk=service_id), full.start_utc))

        assert response.status_code == 404
        assert list(errors(response)) == ["session_category_id"]

    def test_another_business_s_full_slot_under_this_link(self, client, other_business, full):
        # Bob's service id, tampered into Alice's link: his slot is never reached through hers.
        bobs = ServiceFactory(business_profile=other_business, waitlist_enabled=True)

        response = post(client, body_for(bobs, full.start_utc))

        assert response.status_code == 404
        assert errors(response) == {"session_category_id": ["This business has no bookable service with this number."]}


class TestMethods:
    @pytest.mark.parametrize("method", ["get", "put", "delete", "head", "options"])
    def test_anything_but_post_is_405(self, client, open_page, method):
        response = getattr(client, method)(URL)

        assert response.status_code == 405
        assert response["Allow"] == "POST"
        if method != "head":
            assert list(errors(response)) == ["__all__"]


def test_the_address_is_the_waitlist_json_not_a_page(client, open_page):
    assert reverse("public:waitlist-json", args=["alices-aqua"]) == URL
    response = client.get(URL)
    assert (response.status_code, response["Content-Type"]) == (405, "application/json")


@pytest.mark.django_db(transaction=True)
def test_a_lock_held_elsewhere_is_503_busy_then_the_same_request_joins(client, business, group, full, sqlite_busy_timeout):
    body = body_for(group, full.start_utc)
    before = counts()
    with LockHolder(business.pk):
        response = post(client, body)

    assert response.status_code == 503
    assert response["Retry-After"] == str(LOCK_TIMEOUT_SECONDS)
    assert errors(response) == {"__all__": [str(BusyError.message)]}
    assert counts() == before
    again = post(client, body)
    assert again.status_code == 201
    assert again.json()["id"] == WaitlistEntry.objects.get().pk


class TestRateLimit:
    @pytest.fixture
    def frozen_rate_clock(self, monkeypatch):
        """Pin django-ratelimit's clock so a window boundary cannot fall between the requests."""
        import django_ratelimit.core

        moment = time_module.time()
        monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: moment))

    def test_the_third_post_in_a_minute_is_429(self, client, settings, group, full, frozen_rate_clock):
        settings.RATELIMIT_PUBLIC_WRITE = "2/m"
        for _ in range(2):
            assert post(client, "{not json").status_code == 400
        before = counts()

        response = post(client, body_for(group, full.start_utc))  # a good request, refused all the same

        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 60
        assert list(errors(response)) == ["__all__"]
        assert counts() == before

    def test_it_shares_the_booking_posts_budget(self, client, settings, group, full, frozen_rate_clock):
        settings.RATELIMIT_PUBLIC_WRITE = "2/m"
        for _ in range(2):
            assert post(client, "{not json", url="/book/alices-aqua/bookings/").status_code == 400

        assert post(client, body_for(group, full.start_utc)).status_code == 429
        assert not WaitlistEntry.objects.exists()

    def test_every_client_address_has_its_own_budget(self, client, settings, group, full, frozen_rate_clock):
        settings.RATELIMIT_PUBLIC_WRITE = "2/m"
        for _ in range(3):
            post(client, "{not json")

        response = post(client, body_for(group, full.start_utc), REMOTE_ADDR="203.0.113.9")

        assert response.status_code == 201


def test_the_business_subdomain_takes_it_too(client, settings, group, full):
    settings.BOOKING_ROOT_DOMAIN = "example.test"
    settings.ALLOWED_HOSTS = [".example.test"]

    response = post(client, body_for(group, full.start_utc), url="/waitlist/", HTTP_HOST="alices-aqua.example.test")

    assert response.status_code == 201
    entry = WaitlistEntry.objects.get()
    assert response.json()["manage_url"] == f"http://alices-aqua.example.test/book/alices-aqua/waitlist/{entry.token}/"
