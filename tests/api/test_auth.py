"""JWT: a token pair for an owner's email and password, refresh, and every way a token is refused."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from tests.factories import UserFactory

from .conftest import Api, access_token, errors

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/token/"
REFRESH = "/api/v1/token/refresh/"
SETTINGS = "/api/v1/business-booking-settings/"


class TestTokenObtain:
    def test_gives_a_pair_for_email_and_password_in_any_case(self, anonymous, alice, page):
        response = anonymous.post(TOKEN, {"email": "  Alice@Example.COM ", "password": "correct-horse-battery"})

        assert response.status_code == 200
        tokens = response.json()
        assert set(tokens) == {"access", "refresh"}
        assert AccessToken(tokens["access"])["user_id"] == str(alice.pk)
        assert Api(tokens["access"]).get(SETTINGS).status_code == 200

    @pytest.mark.parametrize("email, password", [
        ("alice@example.com", "wrong-password"),
        ("nobody@example.com", "correct-horse-battery"),
    ])
    def test_refuses_wrong_credentials_with_401(self, anonymous, alice, email, password):
        response = anonymous.post(TOKEN, {"email": email, "password": password})

        assert response.status_code == 401
        assert errors(response) == {"__all__": ["No active account has this email and password."]}

    def test_refuses_an_inactive_user(self, anonymous, alice):
        alice.is_active = False
        alice.save()

        assert anonymous.post(TOKEN, {"email": "alice@example.com", "password": "correct-horse-battery"}).status_code == 401

    def test_missing_fields_are_400_by_field(self, anonymous):
        response = anonymous.post(TOKEN, {"email": "alice@example.com"})

        assert response.status_code == 400
        assert set(errors(response)) == {"password"}

    def test_malformed_json_is_400(self, anonymous):
        response = anonymous.post(TOKEN, raw='{"email": ')

        assert response.status_code == 400
        assert errors(response) == {"__all__": ["The body is not valid JSON."]}

    def test_a_form_post_is_415(self, anonymous):
        response = anonymous.post(TOKEN, raw="email=a&password=b", content_type="application/x-www-form-urlencoded")

        assert response.status_code == 415
        assert list(errors(response)) == ["__all__"]

    def test_get_is_405(self, anonymous):
        response = anonymous.get(TOKEN)

        assert response.status_code == 405
        assert "POST" in response["Allow"]
        assert list(errors(response)) == ["__all__"]

    def test_password_guesses_share_the_login_pages_limit(self, anonymous, alice, settings, client):
        settings.RATELIMIT_LOGIN = "3/m"
        client.post("/accounts/login/", {"username": "alice@example.com", "password": "nope"})
        for _attempt in range(2):
            assert anonymous.post(TOKEN, {"email": "alice@example.com", "password": "nope"}).status_code == 401

        response = anonymous.post(TOKEN, {"email": "alice@example.com", "password": "correct-horse-battery"})

        assert response.status_code == 429
        assert int(response["Retry-After"]) >= 1
        assert list(errors(response)) == ["__all__"]


class TestRefresh:
    def test_gives_a_new_access_token(self, anonymous, alice, page):
        refresh = RefreshToken.for_user(alice)

        response = anonymous.post(REFRESH, {"refresh": str(refresh)})

        assert response.status_code == 200
        assert Api(response.json()["access"]).get(SETTINGS).status_code == 200

    @pytest.mark.parametrize("mangle", [
        lambda token: token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"),  # signature
        lambda token: "not-a-token",
        lambda token: token.split(".")[0] + ".e30." + token.split(".")[2],  # payload "{}" under the old signature
    ], ids=["signature", "garbage", "payload"])
    def test_refuses_a_tampered_token(self, anonymous, alice, mangle):
        response = anonymous.post(REFRESH, {"refresh": mangle(str(RefreshToken.for_user(alice)))})

        assert response.status_code == 401
        assert list(errors(response)) == ["__all__"]

    def test_refuses_an_access_token(self, anonymous, alice):
        assert anonymous.post(REFRESH, {"refresh": access_token(alice)}).status_code == 401

    def test_refuses_an_expired_refresh_token(self, anonymous, alice):
        refresh = RefreshToken.for_user(alice)
        refresh.set_exp(from_time=timezone.now() - timedelta(days=30))

        assert anonymous.post(REFRESH, {"refresh": str(refresh)}).status_code == 401

    def test_refuses_after_the_password_changed(self, anonymous, alice):
        refresh = str(RefreshToken.for_user(alice))
        alice.set_password("a-brand-new-password")
        alice.save()

        response = anonymous.post(REFRESH, {"refresh": refresh})

        assert response.status_code == 401
        assert errors(response) == {"__all__": ["The user's password has been changed."]}

    def test_refuses_a_deleted_user(self, anonymous):
        gone = UserFactory(username="gone@example.com")
        refresh = str(RefreshToken.for_user(gone))
        gone.delete()

        assert anonymous.post(REFRESH, {"refresh": refresh}).status_code == 401


class TestAccessToken:
    def test_missing_token_is_401_with_a_bearer_challenge(self, anonymous, page):
        response = anonymous.get(SETTINGS)

        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert errors(response) == {"__all__": ["Authentication credentials were not provided."]}

    def test_expired_token_is_401(self, alice, page):
        token = AccessToken.for_user(alice)
        token.set_exp(from_time=timezone.now() - timedelta(hours=1))

        response = Api(str(token)).get(SETTINGS)

        assert response.status_code == 401
        assert errors(response) == {"__all__": ["Token is expired"]}

    def test_a_token_works_for_its_lifetime_only(self, alice, page, time_machine):
        # A stopped clock that the test moves: simplejwt and PyJWT read datetime.now().
        time_machine.move_to(timezone.now(), tick=False)
        api = Api(access_token(alice))
        assert api.get(SETTINGS).status_code == 200

        # simplejwt reads ACCESS_TOKEN_LIFETIME (API_ACCESS_TOKEN_MINUTES) into the class once, at import.
        time_machine.shift(AccessToken.lifetime - timedelta(seconds=1))
        assert api.get(SETTINGS).status_code == 200

        time_machine.shift(timedelta(seconds=2))
        response = api.get(SETTINGS)
        assert response.status_code == 401
        assert errors(response) == {"__all__": ["Token is expired"]}

    def test_tampered_token_is_401(self, alice, page):
        token = access_token(alice)
        head, payload, signature = token.split(".")
        forged = AccessToken.for_user(UserFactory(username="mallory@example.com"))
        # Mallory's payload under alice's signature.
        response = Api(f"{head}.{str(forged).split('.')[1]}.{signature}").get(SETTINGS)

        assert response.status_code == 401
        assert list(errors(response)) == ["__all__"]

    def test_a_refresh_token_is_not_an_access_token(self, alice, page):
        assert Api(str(RefreshToken.for_user(alice))).get(SETTINGS).status_code == 401

    @pytest.mark.parametrize("header", ["Token abc", "Bearer", "Bearer a b"])
    def test_malformed_authorization_header_is_401(self, page, header):
        response = Api().get(SETTINGS, headers={"Authorization": header})

        assert response.status_code == 401

    def test_a_new_password_ends_old_tokens(self, alice, page):
        api = Api(access_token(alice))
        alice.set_password("a-brand-new-password")
        alice.save()

        response = api.get(SETTINGS)

        assert response.status_code == 401
        assert errors(response) == {"__all__": ["The user's password has been changed."]}

    def test_a_user_without_a_business_is_403(self, db):
        loner = UserFactory(username="loner@example.com")

        response = Api(access_token(loner)).get(SETTINGS)

        assert response.status_code == 403
        assert errors(response) == {"__all__": ["This account has no business."]}

    def test_no_session_login_reaches_the_api(self, client, alice, page):
        client.force_login(alice)

        assert client.get(SETTINGS).status_code == 401
