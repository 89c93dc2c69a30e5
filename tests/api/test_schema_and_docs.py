"""/api/schema/ describes the API and the public booking JSON, errors included; /api/docs/ renders from local files."""

import re

import pytest
import yaml
from drf_spectacular.validation import validate_schema

from tests.core.test_settings import run_django

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("/api/v1/token/", "post"), ("/api/v1/token/refresh/", "post"),
    ("/api/v1/business-booking-settings/", "get"), ("/api/v1/business-booking-settings/", "put"),
    ("/api/v1/business-booking-settings/", "patch"),
    ("/api/v1/bookings/", "get"), ("/api/v1/bookings/pending-approval/", "get"), ("/api/v1/bookings/{id}/", "get"),
    ("/api/v1/bookings/{id}/approve/", "post"), ("/api/v1/bookings/{id}/reject/", "post"),
    ("/api/v1/bookings/{id}/cancel/", "post"), ("/api/v1/bookings/{id}/reschedule/", "post"),
    ("/api/v1/bookings/{id}/no-show/", "post"), ("/api/v1/bookings/{id}/complete/", "post"),
    ("/api/v1/services/", "get"), ("/api/v1/services/", "post"), ("/api/v1/services/{id}/", "get"),
    ("/api/v1/services/{id}/", "put"), ("/api/v1/services/{id}/", "patch"), ("/api/v1/services/{id}/", "delete"),
    ("/api/v1/services/{id}/restore/", "post"),
    ("/api/v1/working-hours/", "get"), ("/api/v1/working-hours/", "put"),
    ("/api/v1/exception-dates/", "get"), ("/api/v1/exception-dates/", "post"),
    ("/api/v1/exception-dates/{id}/", "get"), ("/api/v1/exception-dates/{id}/", "delete"),
    ("/api/v1/webhooks/", "get"), ("/api/v1/webhooks/", "post"), ("/api/v1/webhooks/{id}/", "get"),
    ("/api/v1/webhooks/{id}/", "patch"), ("/api/v1/webhooks/{id}/", "delete"),
    ("/api/v1/webhooks/{id}/rotate-secret/", "post"), ("/api/v1/webhooks/{id}/test/", "post"),
    ("/api/v1/webhooks/{id}/deliveries/", "get"), ("/api/v1/webhooks/{id}/deliveries/{delivery_id}/resend/", "post"),
    ("/book/{slug}/services/", "get"), ("/book/{slug}/availability/", "get"), ("/book/{slug}/bookings/", "post"),
    ("/book/{slug}/waitlist/", "post"),
    ("/book/{slug}/booking/{token}/", "get"), ("/book/{slug}/booking/{token}/reschedule/", "post"),
    ("/book/{slug}/booking/{token}/cancel/", "post"),
}
ERRORS_REF = {"$ref": "#/components/schemas/Errors"}


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_valid_openapi_3(schema):
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")


def test_every_operation_is_described_and_nothing_else(schema):
    described = {(path, method) for path, item in schema["paths"].items() for method in item if method != "parameters"}
    assert described == OPERATIONS


def test_owner_operations_need_a_token_and_document_the_common_errors(schema):
    for path, item in schema["paths"].items():
        if not path.startswith("/api/v1/") or "/token/" in path:
            continue
        for method, operation in item.items():
            assert operation["security"] == [{"jwtAuth": []}], (path, method)
            for code in ("401", "403", "429", "503"):
                assert operation["responses"][code]["content"]["application/json"]["schema"] == ERRORS_REF, (path, method, code)
            if "{id}" in path:
                assert "404" in operation["responses"], (path, method)
            if "requestBody" in operation:
                assert {"400", "415"} <= set(operation["responses"]), (path, method)
    assert set(schema["components"]["securitySchemes"]) == {"jwtAuth"}


def test_every_operation_documents_the_edges_refusals(schema):
    # core.bad_input answers 400 to a NUL anywhere, before any view, and 413 to a body over the limit.
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = ("400", "413") if "requestBody" in operation else ("400",)
            for code in codes:
                assert operation["responses"][code]["content"]["application/json"]["schema"] == ERRORS_REF, (path, method)
    assert "over 2.5\xa0MB" in schema["paths"]["/api/v1/token/"]["post"]["responses"]["413"]["description"]


def test_the_error_shape_is_one_component(schema):
    errors = schema["components"]["schemas"]["Errors"]
    assert errors["required"] == ["errors"]
    assert errors["properties"]["errors"]["additionalProperties"] == {"type": "array", "items": {"type": "string"}}


def test_public_json_is_described_with_its_errors(schema):
    create = schema["paths"]["/book/{slug}/bookings/"]["post"]
    assert create["security"] == [{}] or "security" not in create
    assert set(create["responses"]) == {"201", "400", "404", "409", "413", "415", "422", "429", "503"}
    assert all(create["responses"][code]["content"]["application/json"]["schema"] == ERRORS_REF
               for code in ("400", "404", "409", "413", "415", "422", "429", "503"))
    body = schema["components"]["schemas"]["BookingRequestRequest"]
    assert set(body["required"]) == {"session_category_id", "start_time_utc", "client_name", "client_email", "client_phone",
                                     "client_timezone"}
    availability = schema["paths"]["/book/{slug}/availability/"]["get"]
    for read in (availability, schema["paths"]["/book/{slug}/services/"]["get"]):
        assert {"404", "429", "503"} <= set(read["responses"])
    assert {p["name"] for p in availability["parameters"] if p.get("required")} == {
        "slug", "session_category_id", "start_date", "end_date"}


def test_the_waitlist_json_is_described_with_its_answers(schema):
    join = schema["paths"]["/book/{slug}/waitlist/"]["post"]
    assert join["security"] == [{}] or "security" not in join
    assert set(join["responses"]) == {"200", "201", "400", "404", "409", "413", "415", "429", "503"}
    assert all(join["responses"][code]["content"]["application/json"]["schema"] == ERRORS_REF
               for code in ("400", "404", "409", "413", "415", "429", "503"))
    entry = join["responses"]["201"]["content"]["application/json"]["schema"]
    assert entry == join["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(schema["components"]["schemas"][entry["$ref"].rsplit("/", 1)[1]]["required"]) == {"id", "position", "manage_url"}
    body = join["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][body]["required"]) == {
        "session_category_id", "start_time_utc", "client_name", "client_email", "client_phone", "client_timezone"}
    days = schema["components"]["schemas"]["Availability"]["properties"]["days"]["items"]["$ref"].rsplit("/", 1)[1]
    assert {"date", "slots"} <= set(schema["components"]["schemas"][days]["required"])
    assert "full_slots" in schema["components"]["schemas"][days]["properties"]  # for a service with a waitlist
    full = schema["components"]["schemas"][days]["properties"]["full_slots"]["items"]["$ref"].rsplit("/", 1)[1]
    times = {"start_time_utc", "end_time_utc", "start_local", "end_local"}
    assert set(schema["components"]["schemas"][full]["required"]) == times
    assert "waitlist_enabled" in schema["components"]["schemas"]["PublicService"]["required"]


def test_the_manage_links_json_is_described_at_the_pages_addresses(schema):
    manage = "/book/{slug}/booking/{token}/"
    read = schema["paths"][manage]["get"]
    move = schema["paths"][manage + "reschedule/"]["post"]
    cancel = schema["paths"][manage + "cancel/"]["post"]
    assert "Accept: application/json" in read["description"]
    assert set(read["responses"]) == {"200", "400", "404", "429", "503"}
    assert set(move["responses"]) == {"200", "400", "404", "409", "413", "429", "503"}
    assert set(cancel["responses"]) == {"200", "400", "404", "413", "429", "503"}
    booking = read["responses"]["200"]["content"]["application/json"]["schema"]
    assert booking == move["responses"]["200"]["content"]["application/json"]["schema"]
    fields = schema["components"]["schemas"][booking["$ref"].rsplit("/", 1)[1]]["properties"]
    assert {"id", "status", "start_time_utc", "manage_url", "can_change", "change_cutoff_at"} <= set(fields)
    taken = move["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][taken]["required"]) == {"errors", "days"}
    assert schema["components"]["schemas"]["ClientMoveRequest"]["required"] == ["start_time_utc"]
    owner_move = schema["paths"]["/api/v1/bookings/{id}/reschedule/"]["post"]
    assert {"400", "404", "409"} <= set(owner_move["responses"])
    assert set(schema["components"]["schemas"]["OwnerMoveRequest"]["properties"]) == {"start_time_utc", "allow_clash"}


def test_limits_come_from_the_pages_forms(schema):
    settings = schema["components"]["schemas"]["BookingSettingsRequest"]["properties"]
    assert (settings["pending_booking_expiry_hours"]["minimum"], settings["pending_booking_expiry_hours"]["maximum"]) == (1, 720)
    assert settings["custom_message_client"]["maxLength"] == 1000
    service = schema["components"]["schemas"]["ServiceRequest"]["properties"]
    assert (service["duration_minutes"]["minimum"], service["duration_minutes"]["maximum"]) == (5, 1440)


def test_the_schema_is_public_even_with_a_bad_token(client):
    response = client.get("/api/schema/", headers={"Authorization": "Bearer junk"})

    assert response.status_code == 200
    assert yaml.safe_load(response.content)["info"]["title"] == "Flowkey Booking Links API"


def test_the_docs_page_uses_only_local_assets(client, collected_static):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and not [a for a in assets if "://" in a or a.startswith("//")]
    assert "cdn" not in html.lower()
    # Its start-up script comes from the view itself, as a file: the CSP allows no inline script.
    assets.remove("/api/docs/?script=")
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert (collected_static / asset.removeprefix("/static/")).is_file(), asset
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


def test_api_settings_come_from_the_environment():
    shown = run_django("-c", "import django, json; django.setup(); from django.conf import settings as s; "
                       "print(json.dumps([s.API_THROTTLE_USER, s.API_THROTTLE_ANON, "
                       "s.SIMPLE_JWT['ACCESS_TOKEN_LIFETIME'].total_seconds(), s.SIMPLE_JWT['REFRESH_TOKEN_LIFETIME'].days]))",
                       API_THROTTLE_USER="100/h", API_THROTTLE_ANON="5/10m", API_ACCESS_TOKEN_MINUTES="5",
                       API_REFRESH_TOKEN_DAYS="2")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == '["100/h", "5/10m", 300.0, 2]'


@pytest.mark.parametrize("name, value", [("API_THROTTLE_USER", "lots"), ("API_THROTTLE_ANON", "60"),
                                         ("API_ACCESS_TOKEN_MINUTES", "0"), ("API_REFRESH_TOKEN_DAYS", "soon")])
def test_bad_api_settings_stop_startup(name, value):
    result = run_django(**{name: value})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and name in result.stderr
