"""Sign-up, log-in with its rate limit, log-out and password reset."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from bookingsite.businesses.models import BusinessBookingSettings, BusinessProfile
from tests.factories import BookingSettingsFactory

SIGN_UP = {
    "owner_name": "Maya Lopez",
    "email": "Maya@Example.com",
    "password": "a-long-pool-password",
    "business_name": "Maya's Pilates Studio",
    "timezone": "America/New_York",
}


def test_sign_up_creates_owner_business_and_link_then_logs_in(client, db):
    response = client.post("/accounts/signup/", SIGN_UP)
    assert response.status_code == 302
    assert response["Location"] == "/app/"
    user = get_user_model().objects.get()
    assert (user.username, user.email, user.first_name, user.last_name) == (
        "maya@example.com", "maya@example.com", "Maya", "Lopez",
    )
    business = BusinessProfile.objects.get(owner=user)
    assert (business.name, business.timezone) == ("Maya's Pilates Studio", "America/New_York")
    assert business.currency == "USD"  # the zone's country's
    assert business.booking_settings.public_booking_slug == "mayas-pilates-studio"
    assert client.get("/app/").status_code == 200


@pytest.mark.parametrize(("zone", "currency"), [("Europe/Berlin", "EUR"), ("Europe/London", "GBP"), ("Asia/Tokyo", "JPY")])
def test_a_new_business_prices_in_its_zone_s_currency(client, db, zone, currency):
    client.post("/accounts/signup/", {**SIGN_UP, "timezone": zone})

    assert BusinessProfile.objects.get().currency == currency


def test_slug_is_made_unique_and_avoids_reserved_words(client, db):
    BookingSettingsFactory(public_booking_slug="mayas-pilates-studio")
    client.post("/accounts/signup/", SIGN_UP)
    assert BusinessBookingSettings.objects.filter(public_booking_slug="mayas-pilates-studio-2").exists()
    client.logout()
    client.post("/accounts/signup/", {**SIGN_UP, "email": "admin@example.com", "business_name": "Admin"})
    assert BusinessProfile.objects.get(name="Admin").booking_settings.public_booking_slug == "admin-2"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"password": "12345678"}, "password"),
        ({"password": "short"}, "password"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"business_name": ""}, "business_name"),
        ({"owner_name": ""}, "owner_name"),
    ],
)
def test_bad_sign_up_answers_per_field_and_saves_nothing(client, db, change, field):
    response = client.post("/accounts/signup/", {**SIGN_UP, **change})
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not get_user_model().objects.exists()
    assert not BusinessProfile.objects.exists()


def test_an_existing_email_in_another_case_is_refused(client, alice):
    response = client.post("/accounts/signup/", {**SIGN_UP, "email": "ALICE@example.com"})
    assert response.status_code == 400
    assert "already exists" in str(response.context["form"].errors["email"])


def test_login_by_email_in_any_case(client, alice, business, page):
    response = client.post("/accounts/login/", {"username": "Alice@Example.com", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert response["Location"] == "/app/"


def test_failed_logins_are_rate_limited(client, settings, alice):
    settings.RATELIMIT_LOGIN = "3/m"
    for _ in range(3):
        assert client.post("/accounts/login/", {"username": "alice@example.com", "password": "wrong"}).status_code == 200
    response = client.post("/accounts/login/", {"username": "alice@example.com", "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "Too many login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_staff_login_counts_on_the_same_limit(client, settings, alice):
    get_user_model().objects.create_superuser("operator@example.com", "operator@example.com", "operator-long-secret")
    settings.RATELIMIT_LOGIN = "3/m"
    for _ in range(2):
        client.post("/accounts/login/", {"username": "alice@example.com", "password": "wrong"})
    assert client.post("/staff/login/", {"username": "alice@example.com", "password": "wrong"}).status_code == 200

    response = client.post("/staff/login/", {"username": "operator@example.com", "password": "operator-long-secret"})

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Too many login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/staff/login/").status_code == 200  # only the attempts count


@pytest.fixture
def mailbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return mail.outbox


def ask_for_reset(client, email: str, ip: str = "203.0.113.5"):
    return client.post("/accounts/password-reset/", {"email": email}, REMOTE_ADDR=ip)


def test_password_resets_are_limited_per_address_whether_or_not_it_has_an_account(client, settings, alice, mailbox):
    settings.RATELIMIT_PASSWORD_RESET_ADDRESS = "2/h"
    answers = {}
    for address in ["alice@example.com", "nobody@example.com"]:
        # From three addresses, in any case: the count is the email's.
        sent = [ask_for_reset(client, email, ip=f"203.0.113.{n}") for n, email in enumerate([address, address.upper(), address])]
        answers[address] = [response.status_code for response in sent]

    assert answers == {"alice@example.com": [302, 302, 429], "nobody@example.com": [302, 302, 429]}  # no account told apart
    assert len(mailbox) == 2  # alice's two, and nobody's none
    assert 1 <= int(sent[-1]["Retry-After"]) <= 3600
    assert "Too many password reset requests. Please wait" in sent[-1].content.decode()


def test_password_resets_are_limited_per_client_ip(client, settings, alice, mailbox):
    settings.RATELIMIT_PASSWORD_RESET = "3/h"
    answers = [ask_for_reset(client, email).status_code for email in
               ["a@example.com", "b@example.com", "c@example.com", "alice@example.com"]]

    assert answers == [302, 302, 302, 429]
    assert mailbox == []
    assert ask_for_reset(client, "alice@example.com", ip="198.51.100.7").status_code == 302
    assert len(mailbox) == 1


def test_the_reset_link_is_on_site_url_whatever_host_the_request_named(client, settings, alice, mailbox):
    settings.ALLOWED_HOSTS = ["testserver", ".localhost"]
    settings.SITE_URL = "https://book.example.test"

    response = client.post("/accounts/password-reset/", {"email": "alice@example.com"}, headers={"host": "x.y.localhost"})

    assert response.status_code == 302
    [message] = mailbox
    assert "https://book.example.test/accounts/reset/" in message.body
    assert "x.y.localhost" not in message.body + message.subject


def test_the_reset_email_is_ours_in_text_and_html_and_names_no_host_as_a_team(client, settings, alice, mailbox):
    settings.SITE_URL = "http://127.0.0.1:8302"

    client.post("/accounts/password-reset/", {"email": "alice@example.com"})

    [message] = mailbox
    assert message.subject == "Reset your Flowkey Booking password"
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    link = re.search(r"http://127\.0\.0\.1:8302/accounts/reset/[^/\s]+/[^/\s]+/", message.body).group(0)
    assert f'href="{link}"' in html
    for part in (message.body, html):
        assert "Reset your password" in part or "RESET YOUR PASSWORD" in part
        assert "alice@example.com" in part and "within 3 days" in part and "Flowkey Booking" in part
        assert " team" not in part and "127.0.0.1:8302 " not in part


def test_logout_is_a_post(client, alice, business, page):
    client.force_login(alice)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/app/").status_code == 302


def test_password_reset_sends_a_working_link(client, alice, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post("/accounts/password-reset/", {"email": "alice@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line).strip()
    path = link[link.index("/accounts/reset/"):]
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    new_password = {"new_password1": "a-brand-new-secret", "new_password2": "a-brand-new-secret"}
    done = client.post(form_page.redirect_chain[-1][0], new_password)
    assert done.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a-brand-new-secret")


def test_user_without_business_sees_a_clear_page(client, db):
    user = get_user_model().objects.create_user("operator@example.com", "operator@example.com", "x-long-password")
    client.force_login(user)
    response = client.get("/app/")
    assert response.status_code == 403
    assert "has no business" in response.content.decode()
