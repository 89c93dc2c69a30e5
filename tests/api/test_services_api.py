"""/api/v1/services/: list, create, read, replace, change, delete-or-archive and restore, with the services page's rules."""

from decimal import Decimal

import pytest

from bookingsite.businesses.models import SessionCategory
from tests.factories import BookingFactory, ServiceFactory

from .conftest import errors

pytestmark = pytest.mark.django_db

URL = "/api/v1/services/"
FIELDS = {"id", "name", "description", "duration_minutes", "capacity", "price", "is_publicly_bookable", "position", "location",
          "waitlist_enabled", "is_archived", "in_use"}


def detail(service) -> str:
    return f"{URL}{service.pk}/"


def body(**changes) -> dict:
    return {"name": "Stroke clinic", "description": "Fix your crawl.", "duration_minutes": 45, "capacity": 4,
            "price": "35.50", "is_publicly_bookable": True, "location": "Pool 2, Leisure Centre",
            "waitlist_enabled": False} | changes


def test_lists_active_services_in_order_then_archived_ones(api, business, service, other_business):
    archived = ServiceFactory(business_profile=business, name="Old class", is_archived=True)
    second = ServiceFactory(business_profile=business, name="Group class", position=1)
    BookingFactory(business_profile=business, session_category=service)
    ServiceFactory(business_profile=other_business)

    response = api.get(URL)

    assert response.status_code == 200
    rows = response.json()
    assert [(r["id"], r["is_archived"], r["in_use"]) for r in rows] == [
        (service.pk, False, True), (second.pk, False, False), (archived.pk, True, False)]
    assert set(rows[0]) == FIELDS


def test_creates_a_service_last_in_the_list(api, business, service):
    response = api.post(URL, body())

    assert response.status_code == 201
    data = response.json()
    created = SessionCategory.objects.get(pk=data["id"])
    assert (created.business_profile, created.name, created.duration_minutes, created.capacity, created.price) == (
        business, "Stroke clinic", 45, 4, Decimal("35.50"))
    assert data == {**body(), "id": created.pk, "position": service.position + 1, "is_archived": False, "in_use": False}


def test_optional_fields_have_the_pages_defaults(api, page):
    response = api.post(URL, {"name": "Taster", "duration_minutes": 30})

    assert response.status_code == 201
    assert response.json() | {"id": 0} == {"id": 0, "name": "Taster", "description": "", "duration_minutes": 30,
                                          "capacity": 1, "price": None, "is_publicly_bookable": True, "position": 0,
                                          "is_archived": False, "in_use": False, "location": "",
                                          "waitlist_enabled": False}


@pytest.mark.parametrize("price", [35, 35.5, "35.5"])
def test_a_price_may_be_a_number_or_text(api, page, price):
    response = api.post(URL, body(price=price))

    assert response.status_code == 201
    assert response.json()["price"] in ("35.00", "35.50")


@pytest.mark.parametrize("changes, field, message", [
    ({"name": "   "}, "name", "Give the service a name."),
    ({"name": "x" * 121}, "name", "Keep the name under 120 characters."),
    ({"duration_minutes": 4}, "duration_minutes", "A session lasts at least 5 minutes."),
    ({"duration_minutes": 1441}, "duration_minutes", "A session lasts at most 24 hours (1440 minutes)."),
    ({"duration_minutes": "60"}, "duration_minutes", "Enter a whole number."),
    ({"capacity": 0}, "capacity", "A service needs at least one place."),
    ({"price": "-1"}, "price", "The price can’t be negative."),
    ({"price": "1.234"}, "price", "Use at most 2 decimals."),
    ({"price": "1000000"}, "price", "Keep the price under 1,000,000."),
    ({"price": "free"}, "price", "Enter a price like 35 or 35.50."),
    ({"is_publicly_bookable": 1}, "is_publicly_bookable", "Must be a valid boolean."),
    ({"waitlist_enabled": "yes"}, "waitlist_enabled", "Must be a valid boolean."),
    ({"description": "x" * 2001}, "description", "Keep the description under 2000 characters (it has 2001)."),
])
def test_refuses_what_the_services_page_refuses(api, page, service, nothing_changes, changes, field, message):
    response = api.post(URL, body(**changes))

    assert response.status_code == 400
    assert errors(response) == {field: [message]}


def test_reports_every_wrong_field_at_once(api, page, nothing_changes):
    response = api.post(URL, {"name": "", "duration_minutes": 2, "capacity": 0})

    assert response.status_code == 400
    assert set(errors(response)) == {"name", "duration_minutes", "capacity"}


def test_reads_one_service(api, service):
    response = api.get(detail(service))

    assert response.status_code == 200
    assert response.json()["name"] == "Private lesson"


def test_put_replaces_the_details(api, service):
    response = api.put(detail(service), body(name="Private lesson (45)", price=None))

    assert response.status_code == 200
    service.refresh_from_db()
    assert (service.name, service.duration_minutes, service.capacity, service.price) == ("Private lesson (45)", 45, 4, None)


def test_creates_a_service_with_a_waitlist(api, page):
    response = api.post(URL, body(waitlist_enabled=True))

    assert response.status_code == 201
    assert response.json()["waitlist_enabled"] is True
    assert SessionCategory.objects.get(pk=response.json()["id"]).waitlist_enabled is True


def test_patch_switches_the_waitlist_and_keeps_the_rest(api, service):
    response = api.patch(detail(service), {"waitlist_enabled": True})

    assert response.status_code == 200
    assert response.json()["waitlist_enabled"] is True
    service.refresh_from_db()
    assert (service.waitlist_enabled, service.name, service.capacity) == (True, "Private lesson", 1)

    api.patch(detail(service), {"waitlist_enabled": False})
    service.refresh_from_db()
    assert service.waitlist_enabled is False


def test_patch_changes_only_what_it_sends(api, service):
    response = api.patch(detail(service), {"capacity": 2})

    assert response.status_code == 200
    service.refresh_from_db()
    assert (service.name, service.capacity, service.duration_minutes) == ("Private lesson", 2, 60)


def test_a_refused_update_changes_nothing(api, service, nothing_changes):
    response = api.patch(detail(service), {"duration_minutes": 0})

    assert response.status_code == 400
    assert set(errors(response)) == {"duration_minutes"}


def test_delete_removes_a_service_nobody_booked(api, service):
    response = api.delete(detail(service))

    assert response.status_code == 204
    assert response.content == b""
    assert not SessionCategory.objects.filter(pk=service.pk).exists()


def test_delete_archives_a_booked_service_and_restore_brings_it_back(api, business, service):
    BookingFactory(business_profile=business, session_category=service)
    ServiceFactory(business_profile=business, name="Other", position=5)

    response = api.delete(detail(service))

    assert response.status_code == 200
    assert (response.json()["is_archived"], response.json()["in_use"]) == (True, True)
    service.refresh_from_db()
    assert service.is_archived

    restored = api.post(f"{detail(service)}restore/")

    assert restored.status_code == 200
    assert (restored.json()["is_archived"], restored.json()["position"]) == (False, 6)


def test_another_business_service_is_404_and_untouched(api, page, other_business):
    bobs = ServiceFactory(business_profile=other_business)
    for response in (api.get(detail(bobs)), api.put(detail(bobs), body()), api.patch(detail(bobs), {"capacity": 9}),
                     api.delete(detail(bobs)), api.post(f"{detail(bobs)}restore/")):
        assert response.status_code == 404
        assert errors(response) == {"__all__": ["Not found."]}
    assert SessionCategory.objects.filter(pk=bobs.pk, capacity=1, is_archived=False).exists()


def test_a_huge_id_is_404(api, page):
    assert api.get(f"{URL}{10**30}/").status_code == 404


def test_a_location_round_trips_and_reaches_the_public_page(api, client, page, service):
    changed = api.patch(detail(service), {"location": "https://meet.example.com/alice"})

    assert changed.status_code == 200
    assert changed.json()["location"] == "https://meet.example.com/alice"
    assert api.get(detail(service)).json()["location"] == "https://meet.example.com/alice"
    public = client.get(f"/book/{page.public_booking_slug}/{service.pk}/").content.decode()
    assert '<a href="https://meet.example.com/alice"' in public

    cleared = api.patch(detail(service), {"location": ""})
    assert cleared.json()["location"] == ""
    service.refresh_from_db()
    assert service.location == ""


def test_a_long_location_is_refused(api, service, nothing_changes):
    response = api.patch(detail(service), {"location": "x" * 301})

    assert response.status_code == 400
    assert errors(response) == {"location": ["Keep the location under 300 characters."]}
