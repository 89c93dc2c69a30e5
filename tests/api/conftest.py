"""Fixtures of the API tests: a token for alice (who owns `business`), JSON calls, open hours, real bookings."""

import json
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.test import Client
from rest_framework_simplejwt.tokens import RefreshToken

from bookingsite.bookings import services as booking_services
from bookingsite.bookings.models import Booking, BookingStatusChange, Session
from bookingsite.businesses.models import BusinessBookingSettings, ExceptionDate, RetiredSlug, SessionCategory, WorkingHours
from tests.factories import WorkingHoursFactory



class SchemathesisRun:
    """What test_schemathesis.py ran, for the summary at the end (CI logs show the figures)."""

    def __init__(self):
        self.operations: set[str] = set()
        self.cases = 0
        self.with_nul = 0  # cases given a NUL on purpose
        self.failures = 0
        self.statuses: Counter[int] = Counter()


schemathesis_run = SchemathesisRun()


def pytest_terminal_summary(terminalreporter):
    run = schemathesis_run
    if run.cases:
        terminalreporter.write_line(
            f"schemathesis: {len(run.operations)} operations, {run.cases} cases ({run.with_nul} with a NUL), "
            f"{run.failures} failed; "
            f"answers by status: {', '.join(f'{code}: {n}' for code, n in sorted(run.statuses.items()))}"
        )


def access_token(user) -> str:
    return str(RefreshToken.for_user(user).access_token)


class Api:
    """The test client speaking JSON, with a bearer token when given one."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.token = token

    def call(self, method: str, url: str, body=None, *, raw: str | bytes | None = None, headers=None, **extra):
        headers = dict(headers or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        kwargs = {"headers": headers, **extra}
        if raw is not None:
            kwargs.update(data=raw, content_type=extra.pop("content_type", "application/json"))
        elif body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        elif method in ("post", "put", "patch"):
            kwargs.update(data="", content_type="application/json")  # no body, as `curl -X POST` sends
        if method == "get":
            kwargs.pop("content_type", None)
        return getattr(self.client, method)(url, **kwargs)

    def get(self, url, params=None, **kw):
        return self.call("get", url, None, data=params or {}, **kw)

    def post(self, url, body=None, **kw):
        return self.call("post", url, body, **kw)

    def put(self, url, body=None, **kw):
        return self.call("put", url, body, **kw)

    def patch(self, url, body=None, **kw):
        return self.call("patch", url, body, **kw)

    def delete(self, url, **kw):
        return self.call("delete", url, None, **kw)


def errors(response) -> dict[str, list[str]]:
    """The body of an error answer, checked to be {"errors": {"field": ["message", ...]}}."""
    assert response["Content-Type"] == "application/json", response.content
    payload = response.json()
    assert set(payload) == {"errors"}, payload
    assert payload["errors"], payload
    assert all(isinstance(m, list) and m and all(isinstance(s, str) and s for s in m) for m in payload["errors"].values())
    return payload["errors"]


@pytest.fixture
def api(alice, page):
    """Alice, owner of `business` (its link is `page`), with a valid access token."""
    return Api(access_token(alice))


@pytest.fixture
def anonymous(db):
    return Api()


@pytest.fixture
def day() -> date:
    return date.today() + timedelta(days=10)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


@pytest.fixture
def open_days(business, page):
    """Alice works 09:00-17:00 UTC every day and approves each booking."""
    business.timezone = "UTC"
    business.save()
    for weekday in range(7):
        WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(9), end_time=time(17))
    page.requires_approval = True
    page.save()
    return page


def request_booking(service, start, email="jo@example.com") -> Booking:
    """A client's request through the real booking service."""
    return booking_services.booking_create(service=service, start_time_utc=start, client_name="Jo Swimmer",
                                           client_email=email, client_phone="", client_timezone="UTC")


@pytest.fixture
def pending(open_days, service, day) -> Booking:
    return request_booking(service, at(day, 10))


@pytest.fixture
def confirmed(open_days, service, day, alice) -> Booking:
    return booking_services.booking_approve(booking=request_booking(service, at(day, 12), "kim@example.com"), by=alice)


def snapshot() -> tuple:
    """Every row an API write could touch, to prove an error changed nothing."""
    return (
        list(Booking.objects.order_by("pk").values()),
        list(BookingStatusChange.objects.order_by("pk").values()),
        list(Session.objects.order_by("pk").values()),
        list(BusinessBookingSettings.objects.order_by("pk").values()),
        list(RetiredSlug.objects.order_by("pk").values()),
        list(SessionCategory.objects.order_by("pk").values()),
        list(WorkingHours.objects.order_by("pk").values()),
        list(ExceptionDate.objects.order_by("pk").values()),
    )


@pytest.fixture
def nothing_changes(db):
    """After the test body: not one row differs (updated_at included)."""
    before = snapshot()
    yield
    assert snapshot() == before
