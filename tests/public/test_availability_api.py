"""GET /book/<slug>/services/ and /book/<slug>/availability/ (DESIGN.md 6)."""

import gzip
import json
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bookingsite.bookings.models import Booking
from bookingsite.bookings.services import booking_create
from bookingsite.businesses.services import service_update
from tests.factories import (
    BookingFactory,
    BookingSettingsFactory,
    BusinessProfileFactory,
    BusyIntervalFactory,
    ServiceFactory,
    SessionFactory,
    WorkingHoursFactory,
)



@pytest.fixture
def open_week(page, business):
    """Every day 09:00-17:00 London time."""
    for weekday in range(7):
        WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(9), end_time=time(17))


def availability(client, slug="alices-aqua", **params):
    return client.get(f"/book/{slug}/availability/", params)


def future(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


class TestServices:
    def test_lists_public_services_with_their_fields(self, client, page, business, service):
        ServiceFactory(business_profile=business, name="Hidden", is_publicly_bookable=False)
        ServiceFactory(business_profile=business, name="Old", is_archived=True)
        group = ServiceFactory(business_profile=business, name="Group", capacity=6, price="14.50", position=1)
        response = client.get("/book/alices-aqua/services/")
        assert response.status_code == 200
        body = response.json()
        assert body["business"] == {"name": "Alice's Aqua Studio", "slug": "alices-aqua", "timezone": "Europe/London"}
        assert [s["name"] for s in body["services"]] == ["Private lesson", "Group"]
        assert body["services"][1] == {
            "id": group.pk, "name": "Group", "description": "", "duration_minutes": 60, "capacity": 6,
            "price": "14.50", "currency": "GBP", "waitlist_enabled": False,
        }

    def test_says_which_services_take_a_waitlist(self, client, page, business, service):
        ServiceFactory(business_profile=business, name="Group", capacity=6, waitlist_enabled=True, position=1)

        services = client.get("/book/alices-aqua/services/").json()["services"]

        assert [(s["name"], s["waitlist_enabled"]) for s in services] == [("Private lesson", False), ("Group", True)]

    def test_unknown_and_inactive_pages_answer_404(self, client, page):
        assert client.get("/book/nobody-here/services/").status_code == 404
        page.is_booking_page_active = False
        page.save()
        response = client.get("/book/alices-aqua/services/")
        assert response.status_code == 404
        assert "slug" in response.json()["errors"]


class TestAvailabilityShape:
    def test_days_in_client_zone_with_utc_and_local_times(self, client, open_week, service):
        day = date.today() + timedelta(days=10)
        response = availability(client, session_category_id=service.pk, start_date=day.isoformat(),
                                end_date=day.isoformat(), client_timezone="Asia/Tokyo")
        assert response.status_code == 200
        body = response.json()
        assert body["business"] == {"name": "Alice's Aqua Studio", "slug": "alices-aqua"}
        assert body["service"] == {"id": service.pk, "name": "Private lesson", "duration_minutes": 60, "capacity": 1}
        assert body["client_timezone"] == "Asia/Tokyo"
        assert [d["date"] for d in body["days"]] == [day.isoformat()]
        assert set(body["days"][0]) == {"date", "slots"}  # no full_slots: this service has no waitlist
        slots = body["days"][0]["slots"]
        assert slots, "an open day in the horizon has slots"
        first = slots[0]
        assert set(first) == {"start_time_utc", "end_time_utc", "start_local", "end_local", "remaining"}
        start_utc = datetime.strptime(first["start_time_utc"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        start_local = datetime.fromisoformat(first["start_local"])
        assert start_local.utcoffset() == timedelta(hours=9)
        assert start_local == start_utc
        assert start_local.date() == day
        assert first["remaining"] == 1
        for slot in slots:
            length = datetime.fromisoformat(slot["end_local"]) - datetime.fromisoformat(slot["start_local"])
            assert length == timedelta(minutes=60)

    def test_range_is_inclusive_and_every_date_is_listed(self, client, open_week, service):
        response = availability(client, session_category_id=service.pk, start_date=future(3), end_date=future(9),
                                client_timezone="Europe/London")
        assert [d["date"] for d in response.json()["days"]] == [future(n) for n in range(3, 10)]

    def test_missing_zone_falls_back_to_the_business_zone(self, client, open_week, service):
        response = availability(client, session_category_id=service.pk, start_date=future(3), end_date=future(3))
        assert response.json()["client_timezone"] == "Europe/London"

    def test_range_wholly_in_the_past_answers_empty_days(self, client, open_week, service):
        response = availability(client, session_category_id=service.pk, start_date="2020-01-01", end_date="2020-01-07")
        assert response.status_code == 200
        days = response.json()["days"]
        assert len(days) == 7
        assert all(d["slots"] == [] for d in days)

    def test_a_booked_slot_is_not_offered_and_a_group_counts_down(self, client, open_week, business, service):
        day = date.today() + timedelta(days=5)
        start = datetime.combine(day, time(10), tzinfo=UTC)  # 10:00 UTC is inside 09:00-17:00 London either way
        response = availability(client, session_category_id=service.pk, start_date=day.isoformat(), end_date=day.isoformat(),
                                client_timezone="UTC")
        starts = [s["start_time_utc"] for s in response.json()["days"][0]["slots"]]
        taken = starts[1]
        booking_create(service=service, start_time_utc=datetime.strptime(taken, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC),
                       client_name="Jo Bloggs", client_email="jo@example.com", client_timezone="UTC")
        after = availability(client, session_category_id=service.pk, start_date=day.isoformat(), end_date=day.isoformat(),
                             client_timezone="UTC")
        assert taken not in [s["start_time_utc"] for s in after.json()["days"][0]["slots"]]
        assert start  # the day is a normal open day


def utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def one_day(client, service, day: date, zone: str = "Asia/Tokyo") -> dict:
    response = availability(client, session_category_id=service.pk, start_date=day.isoformat(), end_date=day.isoformat(),
                            client_timezone=zone)
    assert response.status_code == 200
    [only] = response.json()["days"]
    return only


class TestFullSlots:
    """Each day's `full_slots`: where a client may join the waitlist (DESIGN.md 11), for a service that takes one."""

    @pytest.fixture
    def group(self, business):
        return ServiceFactory(business_profile=business, name="Group swim", capacity=2, waitlist_enabled=True)

    @staticmethod
    def book(service, start_utc: str, email: str):
        booking_create(service=service, start_time_utc=utc(start_utc), client_name="Jo Bloggs", client_email=email,
                       client_timezone="UTC")

    def test_a_full_slot_of_a_waitlist_service_leaves_slots_for_full_slots(self, client, open_week, group):
        day = date.today() + timedelta(days=5)
        before = one_day(client, group, day)
        chosen = before["slots"][2]
        self.book(group, chosen["start_time_utc"], "jo@example.com")
        half = one_day(client, group, day)
        self.book(group, chosen["start_time_utc"], "kim@example.com")

        after = one_day(client, group, day)

        assert before["full_slots"] == half["full_slots"] == []
        assert {**chosen, "remaining": 1} in half["slots"]  # one place left: still bookable
        times = ("start_time_utc", "end_time_utc", "start_local", "end_local")
        assert after["full_slots"] == [{key: chosen[key] for key in times}]  # no `remaining`: there is none
        assert chosen["start_time_utc"] not in [s["start_time_utc"] for s in after["slots"]]
        assert after["slots"] == [s for s in before["slots"] if s != chosen]
        assert after["full_slots"][0]["start_local"].endswith("+09:00")  # in the client's zone, as the slots

    def test_every_day_has_full_slots_in_order(self, client, open_week, group):
        first, second = date.today() + timedelta(days=4), date.today() + timedelta(days=5)
        late = one_day(client, group, second)["slots"][3]["start_time_utc"]
        early = one_day(client, group, second)["slots"][0]["start_time_utc"]
        for start in (late, early):
            for email in ("jo@example.com", "kim@example.com"):
                self.book(group, start, email)

        response = availability(client, session_category_id=group.pk, start_date=first.isoformat(),
                                end_date=(second + timedelta(days=1)).isoformat(), client_timezone="Asia/Tokyo")

        days = response.json()["days"]
        assert [len(d["full_slots"]) for d in days] == [0, 2, 0]
        assert [s["start_time_utc"] for s in days[1]["full_slots"]] == [early, late]

    def test_a_service_without_a_waitlist_never_lists_full_slots(self, client, open_week, service):
        day = date.today() + timedelta(days=5)
        chosen = one_day(client, service, day)["slots"][1]
        self.book(service, chosen["start_time_utc"], "jo@example.com")  # its only place

        after = one_day(client, service, day)

        assert "full_slots" not in after
        assert chosen["start_time_utc"] not in [s["start_time_utc"] for s in after["slots"]]

    def test_turning_the_waitlist_on_lists_the_full_slots_at_once(self, client, open_week, service):
        day = date.today() + timedelta(days=5)
        chosen = one_day(client, service, day)["slots"][1]
        self.book(service, chosen["start_time_utc"], "jo@example.com")
        assert "full_slots" not in one_day(client, service, day)  # now in the cache

        service_update(service=service, name=service.name, description="", duration_minutes=60, capacity=1, price=None,
                       is_publicly_bookable=True, location="", waitlist_enabled=True)

        assert [s["start_time_utc"] for s in one_day(client, service, day)["full_slots"]] == [chosen["start_time_utc"]]

    def test_a_past_range_has_empty_full_slots_every_day(self, client, open_week, group):
        response = availability(client, session_category_id=group.pk, start_date="2020-01-01", end_date="2020-01-03")

        assert [(d["slots"], d["full_slots"]) for d in response.json()["days"]] == [([], [])] * 3


class TestAvailabilityBadInput:
    """Each bad input answers {"errors": {field: [message]}} and computes nothing."""

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"start_date": "2027-03-01", "end_date": "2027-03-02"}, "session_category_id"),
            ({"session_category_id": "seven", "start_date": "2027-03-01", "end_date": "2027-03-02"}, "session_category_id"),
            ({"session_category_id": "1.5", "start_date": "2027-03-01", "end_date": "2027-03-02"}, "session_category_id"),
            ({"session_category_id": "{id}", "start_date": "2027-02-31", "end_date": "2027-03-02"}, "start_date"),
            ({"session_category_id": "{id}", "start_date": "2027-03-01", "end_date": "03/02/2027"}, "end_date"),
            ({"session_category_id": "{id}", "end_date": "2027-03-02"}, "start_date"),
            ({"session_category_id": "{id}", "start_date": "2027-03-05", "end_date": "2027-03-01"}, "end_date"),
            ({"session_category_id": "{id}", "start_date": "2027-03-01", "end_date": "2027-05-02"}, "end_date"),
            ({"session_category_id": "{id}", "start_date": "2027-03-01", "end_date": "2027-03-02",
              "client_timezone": "Mars/Olympus"}, "client_timezone"),
            ({"session_category_id": "{id}", "start_date": "2027-03-01", "end_date": "2027-03-02",
              "client_timezone": "localtime"}, "client_timezone"),
        ],
    )
    def test_answers_400_naming_the_field(self, client, open_week, service, params, field, django_assert_max_num_queries):
        params = {k: v.replace("{id}", str(service.pk)) for k, v in params.items()}
        with django_assert_max_num_queries(1):  # the page lookup only: nothing is computed
            response = availability(client, **params)
        assert response.status_code == 400
        errors = response.json()["errors"]
        assert list(errors) == [field]
        assert errors[field] and all(isinstance(m, str) and m for m in errors[field])

    def test_62_days_is_the_limit(self, client, open_week, service):
        ok = availability(client, session_category_id=service.pk, start_date="2027-03-01", end_date="2027-05-01")
        assert ok.status_code == 200
        assert len(ok.json()["days"]) == 62
        too_long = availability(client, session_category_id=service.pk, start_date="2027-03-01", end_date="2027-05-02")
        assert too_long.status_code == 400

    def test_unknown_slug_and_inactive_page_answer_404(self, client, page, service):
        assert availability(client, slug="nobody", session_category_id=service.pk, start_date=future(1),
                            end_date=future(2)).status_code == 404
        page.is_booking_page_active = False
        page.save()
        response = availability(client, session_category_id=service.pk, start_date=future(1), end_date=future(2))
        assert response.status_code == 404
        assert list(response.json()["errors"]) == ["slug"]

    def test_unknown_private_archived_and_other_business_services_answer_404(self, client, page, business, other_business):
        hidden = ServiceFactory(business_profile=business, is_publicly_bookable=False)
        archived = ServiceFactory(business_profile=business, is_archived=True)
        theirs = ServiceFactory(business_profile=other_business)
        for service_id in (999999, hidden.pk, archived.pk, theirs.pk):
            response = availability(client, session_category_id=service_id, start_date=future(1), end_date=future(2))
            assert response.status_code == 404, service_id
            assert list(response.json()["errors"]) == ["session_category_id"]


class TestQueryCount:
    @pytest.fixture
    def busy_business(self, db):
        business = BusinessProfileFactory(timezone="America/New_York")
        page = BookingSettingsFactory(
            business_profile=business, public_booking_slug="busy", global_buffer_time_minutes_between_sessions=10
        )
        service = ServiceFactory(business_profile=business, duration_minutes=30, capacity=3)
        other = ServiceFactory(business_profile=business, duration_minutes=45)
        for weekday in range(7):
            WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(6), end_time=time(11))
            WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(12), end_time=time(21))
        base = datetime.combine(date.today(), time(12), tzinfo=UTC)
        for n in range(120):
            start = base + timedelta(hours=13 * n)
            session = SessionFactory(business_profile=business, session_category=other, start_time_utc=start,
                                     end_time_utc=start + timedelta(minutes=45))
            BookingFactory(business_profile=business, session_category=other, session=session,
                           start_time_utc=start, end_time_utc=session.end_time_utc)
            BookingFactory(business_profile=business, session_category=service, status=Booking.Status.PENDING_APPROVAL,
                           start_time_utc=start + timedelta(hours=3), end_time_utc=start + timedelta(hours=3, minutes=30))
            # Busy time from the owner's calendars is read in the same query as the bookings.
            BusyIntervalFactory(calendar__business_profile=business, start_time_utc=start + timedelta(hours=5),
                                end_time_utc=start + timedelta(hours=6))
        return page, service

    @pytest.mark.parametrize("days", [7, 62])
    def test_constant_number_of_queries(self, client, busy_business, days, django_assert_max_num_queries):
        _page, service = busy_business
        with django_assert_max_num_queries(6):
            response = availability(client, slug="busy", session_category_id=service.pk, start_date=future(0),
                                    end_date=future(days - 1), client_timezone="Europe/Berlin")
        assert response.status_code == 200
        assert len(response.json()["days"]) == days


class TestRateLimit:
    def test_answers_429_with_retry_after(self, client, settings, open_week, service):
        settings.RATELIMIT_PUBLIC_READ = "3/m"
        for _ in range(3):
            assert client.get("/book/alices-aqua/services/").status_code == 200
        response = client.get("/book/alices-aqua/services/")
        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 60
        assert "errors" in response.json()

    def test_is_per_client_ip(self, client, settings, page):
        settings.RATELIMIT_PUBLIC_READ = "2/m"
        for _ in range(2):
            client.get("/book/alices-aqua/services/", REMOTE_ADDR="10.0.0.1")
        assert client.get("/book/alices-aqua/services/", REMOTE_ADDR="10.0.0.1").status_code == 429
        assert client.get("/book/alices-aqua/services/", REMOTE_ADDR="10.0.0.2").status_code == 200

    def test_the_message_leaves_the_wait_to_retry_after(self, client, settings, page):
        settings.RATELIMIT_PUBLIC_READ = "1/m"
        client.get("/book/alices-aqua/availability/")

        response = client.get("/book/alices-aqua/availability/")

        assert response.status_code == 429
        assert response.json() == {"errors": {"__all__": ["Too many requests. Please wait a moment and try again."]}}

    def test_can_be_switched_off(self, client, settings, page):
        settings.RATELIMIT_PUBLIC_READ = "1/m"
        settings.RATELIMIT_ENABLE = False
        assert all(client.get("/book/alices-aqua/services/").status_code == 200 for _ in range(5))


class TestTransport:
    """JSON whatever the client accepts, gzipped when it takes that (public facts only), GET alone."""

    @pytest.mark.parametrize("accept", ["text/html", "application/xml", "text/html,application/xhtml+xml,*/*;q=0.8"])
    def test_any_accept_header_gets_json(self, client, page, service, accept):
        response = client.get("/book/alices-aqua/services/", headers={"Accept": accept})

        assert (response.status_code, response["Content-Type"]) == (200, "application/json")
        assert response.json()["services"][0]["id"] == service.pk

    def test_both_go_out_gzipped_to_a_client_that_takes_it(self, client, open_week, business, service):
        # Enough services that the list is worth compressing (gzip_page keeps a body it cannot shrink).
        ServiceFactory.create_batch(5, business_profile=business, description="Lessons in the small pool.")
        query = {"session_category_id": service.pk, "start_date": future(1), "end_date": future(30)}
        for url, params in (("/book/alices-aqua/services/", {}), ("/book/alices-aqua/availability/", query)):
            plain = client.get(url, params)
            packed = client.get(url, params, headers={"Accept-Encoding": "gzip"})

            assert "Content-Encoding" not in plain
            assert packed["Content-Encoding"] == "gzip"
            assert "Accept-Encoding" in packed["Vary"]
            assert json.loads(gzip.decompress(packed.content)) == plain.json()

    @pytest.mark.parametrize("method", ["post", "put", "delete", "head", "options"])
    def test_other_methods_are_405_in_the_error_shape(self, client, page, method):
        for url in ("/book/alices-aqua/services/", "/book/alices-aqua/availability/"):
            response = getattr(client, method)(url)

            assert response.status_code == 405
            assert response["Allow"] == "GET"
            if method != "head":
                assert list(response.json()["errors"]) == ["__all__"]


class TestSubdomain:
    def test_availability_is_served_on_the_business_subdomain(self, client, settings, open_week, service):
        settings.BOOKING_ROOT_DOMAIN = "example.test"
        settings.ALLOWED_HOSTS = [".example.test"]
        response = client.get("/availability/", {"session_category_id": service.pk, "start_date": future(2),
                                                  "end_date": future(2)}, HTTP_HOST="alices-aqua.example.test")
        assert response.status_code == 200
        assert response.json()["business"]["slug"] == "alices-aqua"
        assert client.get("/services/", HTTP_HOST="alices-aqua.example.test").json()["services"][0]["id"] == service.pk
