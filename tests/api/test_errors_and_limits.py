"""One error shape everywhere under /api/, and the rate limits per user and per client IP."""

import pytest

from tests.factories import BookingSettingsFactory, BusinessProfileFactory, UserFactory

from .conftest import Api, access_token, errors

pytestmark = pytest.mark.django_db

SETTINGS = "/api/v1/business-booking-settings/"


class TestErrorShape:
    @pytest.mark.parametrize("method", ["get", "post", "delete"])
    def test_an_unknown_api_path_is_a_json_404(self, api, method):
        response = getattr(api, method)("/api/v2/whatever/")

        assert response.status_code == 404
        assert errors(response) == {"__all__": ["Not found."]}

    def test_a_path_without_its_slash_says_so(self, api):
        response = api.get("/api/v1/bookings")

        assert response.status_code == 404
        assert errors(response) == {"__all__": ["Not found. API paths end with a slash: /api/v1/bookings/"]}

    def test_405_names_the_allowed_methods(self, api):
        response = api.delete("/api/v1/bookings/")

        assert response.status_code == 405
        assert "GET" in response["Allow"]
        assert errors(response) == {"__all__": ['Method "DELETE" not allowed.']}

    def test_a_body_that_is_not_json_is_400(self, api):
        response = api.post("/api/v1/services/", raw=b"\xff\xfe not json")

        assert response.status_code == 400
        assert errors(response) == {"__all__": ["The body is not valid JSON."]}

    @pytest.mark.parametrize("url", ["/api/v1/services/", "/api/v1/token/", "/api/v1/working-hours/"])
    @pytest.mark.parametrize("raw", ["[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000])
    def test_json_nested_too_deep_for_python_is_400(self, api, url, raw):
        response = api.put(url, raw=raw) if url.endswith("working-hours/") else api.post(url, raw=raw)

        assert response.status_code == 400
        assert errors(response) == {"__all__": ["The body is not valid JSON."]}

    def test_a_nul_or_a_lone_surrogate_is_named_by_its_path_and_nothing_changes(self, api, nothing_changes):
        body = {"blocks": [{"weekday": 0, "start_time": "09:00", "end_time": "12:00"},
                           {"weekday": 1, "start_time": "09:00\ud800", "end_time": "12:00"}]}

        response = api.put("/api/v1/working-hours/", body)

        assert response.status_code == 400
        assert list(errors(response)) == ["blocks.1.start_time"]

    def test_the_token_endpoint_refuses_a_nul_in_the_username(self, anonymous, alice):
        response = anonymous.post("/api/v1/token/", {"username": "alice@example.com\x00", "password": "x"})

        assert response.status_code == 400
        assert list(errors(response)) == ["username"]

    def test_asking_for_html_only_is_406_in_json(self, api):
        response = api.get(SETTINGS, headers={"Accept": "text/html"})

        assert response.status_code == 406
        assert list(errors(response)) == ["__all__"]

    def test_a_browser_accept_header_gets_json(self, api):
        response = api.get(SETTINGS, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})

        assert (response.status_code, response["Content-Type"]) == (200, "application/json")


class TestRateLimits:
    def test_a_user_gets_429_past_the_limit_with_retry_after(self, api, settings):
        settings.API_THROTTLE_USER = "3/m"
        for _ in range(3):
            assert api.get(SETTINGS).status_code == 200

        response = api.get(SETTINGS)

        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 60
        assert errors(response)["__all__"][0].startswith("Too many requests.")

    def test_the_limit_is_per_user_not_per_address(self, api, settings):
        settings.API_THROTTLE_USER = "2/m"
        carol = UserFactory(username="carol@example.com")
        BookingSettingsFactory(business_profile=BusinessProfileFactory(owner=carol))
        for _ in range(2):
            api.get(SETTINGS)
        assert api.get(SETTINGS).status_code == 429

        assert Api(access_token(carol)).get(SETTINGS).status_code == 200

    def test_requests_without_a_token_are_limited_per_address(self, settings, anonymous, alice):
        settings.API_THROTTLE_ANON = "2/m"
        body = {"refresh": "junk"}
        assert anonymous.post("/api/v1/token/refresh/", body).status_code == 401
        assert anonymous.post("/api/v1/token/refresh/", body).status_code == 401

        assert anonymous.post("/api/v1/token/refresh/", body).status_code == 429
        assert anonymous.post("/api/v1/token/refresh/", body, REMOTE_ADDR="10.1.2.3").status_code == 401

    def test_owner_endpoints_count_requests_without_a_valid_token_before_refusing_them(self, settings, anonymous, api):
        # DRF checks the permission (401) before the throttles; these count first, per client IP.
        settings.API_THROTTLE_ANON = "3/m"
        refused = [anonymous.get(SETTINGS), anonymous.post("/api/v1/services/", {}), Api("not-a-token").get(SETTINGS)]
        assert [response.status_code for response in refused] == [401, 401, 401]

        response = anonymous.get("/api/v1/bookings/")

        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 60
        assert errors(response)["__all__"][0].startswith("Too many requests.")
        assert Api("not-a-token").get(SETTINGS).status_code == 429
        assert anonymous.get(SETTINGS, REMOTE_ADDR="10.1.2.3").status_code == 401  # another address has its own count
        assert api.get(SETTINGS).status_code == 200  # a valid token counts per user, not on this counter

    def test_a_user_without_a_business_is_counted_before_the_403(self, settings):
        settings.API_THROTTLE_USER = "2/m"
        no_business = Api(access_token(UserFactory(username="dave@example.com")))

        assert [no_business.get(SETTINGS).status_code for _ in range(3)] == [403, 403, 429]

    def test_ratelimit_enable_false_switches_them_off(self, api, settings):
        settings.API_THROTTLE_USER = "1/m"
        settings.RATELIMIT_ENABLE = False

        assert [api.get(SETTINGS).status_code for _ in range(3)] == [200, 200, 200]

    def test_a_junk_forwarded_address_is_no_500(self, api, settings):
        settings.TRUST_X_FORWARDED_FOR = True

        response = api.get(SETTINGS, headers={"X-Forwarded-For": "not-an-address, 10.0.0.1"})

        assert response.status_code == 200
