"""Two businesses: alice's token never reads or touches bob's rows; no token is 401, no business 403, on every endpoint."""

import uuid

import pytest

from bookingsite.bookings.models import Booking
from tests.factories import BookingFactory, ExceptionDateFactory, ServiceFactory, UserFactory

from .conftest import Api, access_token, errors, snapshot

pytestmark = pytest.mark.django_db

# Every owner endpoint: method, path ({booking}, {service}, {exception} stand for ids), a valid body.
ENDPOINTS = [
    ("get", "/api/v1/business-booking-settings/", None),
    ("put", "/api/v1/business-booking-settings/", {"public_booking_slug": "x"}),
    ("patch", "/api/v1/business-booking-settings/", {}),
    ("get", "/api/v1/bookings/", None),
    ("get", "/api/v1/bookings/pending-approval/", None),
    ("get", "/api/v1/bookings/{booking}/", None),
    ("post", "/api/v1/bookings/{booking}/approve/", None),
    ("post", "/api/v1/bookings/{booking}/reject/", {"reason": "no"}),
    ("post", "/api/v1/bookings/{booking}/cancel/", {"reason": "no"}),
    ("get", "/api/v1/services/", None),
    ("post", "/api/v1/services/", {"name": "X", "duration_minutes": 30}),
    ("get", "/api/v1/services/{service}/", None),
    ("put", "/api/v1/services/{service}/", {"name": "X", "duration_minutes": 30}),
    ("patch", "/api/v1/services/{service}/", {"capacity": 5}),
    ("delete", "/api/v1/services/{service}/", None),
    ("post", "/api/v1/services/{service}/restore/", None),
    ("get", "/api/v1/working-hours/", None),
    ("put", "/api/v1/working-hours/", {"blocks": []}),
    ("get", "/api/v1/exception-dates/", None),
    ("post", "/api/v1/exception-dates/", {"date": "2099-01-01"}),
    ("get", "/api/v1/exception-dates/{exception}/", None),
    ("delete", "/api/v1/exception-dates/{exception}/", None),
]
OBJECT_ENDPOINTS = [endpoint for endpoint in ENDPOINTS if "{" in endpoint[1]]


@pytest.fixture
def bobs_rows(other_business):
    service = ServiceFactory(business_profile=other_business)
    pending = BookingFactory(business_profile=other_business, session_category=service, status=Booking.Status.PENDING_APPROVAL)
    return {"booking": pending.pk, "service": service.pk, "exception": ExceptionDateFactory(business_profile=other_business).pk}


def call(api: Api, method: str, path: str, body, ids: dict):
    url = path.format(**ids)
    return getattr(api, method)(url) if method in ("get", "delete") else getattr(api, method)(url, body)


@pytest.mark.parametrize("method, path, body", OBJECT_ENDPOINTS, ids=[f"{m} {p}" for m, p, _b in OBJECT_ENDPOINTS])
def test_another_business_ids_are_404_and_nothing_changes(api, bobs_rows, method, path, body):
    before = snapshot()

    response = call(api, method, path, body, bobs_rows)

    assert response.status_code == 404
    assert errors(response) == {"__all__": ["Not found."]}
    assert snapshot() == before


def test_lists_show_only_the_callers_business(api, business, bobs_rows, other_business):
    mine = BookingFactory(business_profile=business, status=Booking.Status.PENDING_APPROVAL)
    ExceptionDateFactory(business_profile=business)

    assert [b["id"] for b in api.get("/api/v1/bookings/").json()["results"]] == [str(mine.pk)]
    assert [b["id"] for b in api.get("/api/v1/bookings/pending-approval/").json()["results"]] == [str(mine.pk)]
    assert [s["id"] for s in api.get("/api/v1/services/").json()] == [mine.session_category_id]
    assert len(api.get("/api/v1/exception-dates/").json()) == 1
    assert api.get("/api/v1/working-hours/").json() == {"blocks": []}
    assert api.get("/api/v1/business-booking-settings/").json()["public_booking_slug"] == "alices-aqua"


def test_bob_sees_his_own_rows_with_his_token(bobs_rows, other_business):
    bob = Api(access_token(other_business.owner))

    assert bob.get(f"/api/v1/bookings/{bobs_rows['booking']}/").status_code == 200
    assert bob.get("/api/v1/business-booking-settings/").json()["public_booking_slug"] == "bobs-boxing"


IDS = {"booking": uuid.uuid4(), "service": 1, "exception": 1}


@pytest.mark.parametrize("method, path, body", ENDPOINTS, ids=[f"{m} {p}" for m, p, _b in ENDPOINTS])
def test_no_token_is_401(anonymous, page, method, path, body):
    response = call(anonymous, method, path, body, IDS)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert list(errors(response)) == ["__all__"]


@pytest.mark.parametrize("method, path, body", ENDPOINTS, ids=[f"{m} {p}" for m, p, _b in ENDPOINTS])
def test_a_user_without_a_business_is_403(db, method, path, body):
    loner = Api(access_token(UserFactory(username="loner@example.com")))

    response = call(loner, method, path, body, IDS)

    assert response.status_code == 403
    assert errors(response) == {"__all__": ["This account has no business."]}
