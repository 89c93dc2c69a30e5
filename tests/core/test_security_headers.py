"""The Content-Security-Policy of every page: self only, no inline script, and who may frame what.

Public booking pages (and the busy and 404 pages under /book/) may be framed by any site; every
other page by none. The rule lives once, in Django's X-Frame-Options flag, so the two headers
always agree. The browser side of the policy: tests/e2e/test_content_security.py.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from bookingsite.bookings.selectors import availability
from bookingsite.bookings.services import booking_create

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, *sources in directives}


@pytest.fixture
def booking(open_page, service):
    day = timezone.now().date() + timedelta(days=3)
    days = availability.availability_days(page=open_page, service=service, client_timezone="Europe/London",
                                          start_date=day, end_date=day, now=timezone.now())
    return booking_create(service=service, start_time_utc=days[0].slots[0].start_utc, client_name="Dana Diver",
                          client_email="dana@example.com", client_phone="", client_timezone="Europe/London")


@pytest.fixture
def public_urls(service, booking) -> list[str]:
    manage = f"/book/alices-aqua/booking/{booking.manage_token}/"
    start = booking.start_time_utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    return ["/book/alices-aqua/", f"/book/alices-aqua/{service.pk}/", f"/book/alices-aqua/{service.pk}/book/?start={start}",
            manage, f"{manage}cancel/", "/book/no-such-studio/", "/book/alices-aqua/999999/"]


def test_every_page_allows_only_its_own_files(client, alice, public_urls):
    client.force_login(alice)
    for url in [*public_urls, "/", "/accounts/login/", "/app/", "/app/calendar/", "/staff/login/", "/api/docs/"]:
        rules = policy(client.get(url))

        assert rules["default-src"] == ["'self'"], url
        assert rules["script-src"] == ["'self'"], url  # no inline script anywhere, not even nonced
        assert rules["object-src"] == ["'none'"] and rules["base-uri"] == ["'none'"], url
        assert rules["form-action"] == ["'self'"], url
        assert "'unsafe-inline'" not in rules["style-src"] and "'unsafe-eval'" not in sum(rules.values(), []), url


def test_public_pages_may_be_framed_by_any_site(client, public_urls, settings):
    settings.ALLOWED_HOSTS = ["testserver", ".localhost"]
    for url in public_urls:
        response = client.get(url)

        assert policy(response)["frame-ancestors"] == ["*"], url
        assert "X-Frame-Options" not in response, url  # the same rule, said the old way
    # The subdomain booking link is the same public page.
    response = client.get("/", headers={"host": "alices-aqua.localhost"})
    assert response.status_code == 200 and policy(response)["frame-ancestors"] == ["*"]


def test_owner_account_staff_and_docs_pages_may_not_be_framed(client, alice, page):
    get_user_model().objects.create_superuser("operator@example.com", "operator@example.com", "a-long-secret")
    staff = client.__class__()
    staff.login(username="operator@example.com", password="a-long-secret")
    client.force_login(alice)
    pages = {
        "home": client.get("/"), "owner": client.get("/app/"), "calendar": client.get("/app/calendar/"),
        "login": client.get("/accounts/login/"), "reset": client.get("/accounts/password-reset/"),
        "staff login": client.get("/staff/login/"), "staff": staff.get("/staff/"), "docs": client.get("/api/docs/"),
        "an unknown page": client.get("/nowhere/"),
    }

    assert {name: policy(r)["frame-ancestors"] for name, r in pages.items()} == dict.fromkeys(pages, ["'none'"])
    assert {name: r["X-Frame-Options"] for name, r in pages.items()} == dict.fromkeys(pages, "DENY")
    assert pages["staff"].status_code == 200 and b"Site administration" in pages["staff"].content


def test_an_inline_style_needs_the_pages_nonce(client, alice, page):
    client.force_login(alice)
    calendar = client.get("/app/calendar/")
    nonce = policy(calendar)["style-src"][1].removeprefix("'nonce-").removesuffix("'")

    # FullCalendar reads the nonce from the page to put on the <style> it injects.
    assert f'<meta name="csp-nonce" content="{nonce}">' in calendar.content.decode()
    assert policy(client.get("/app/calendar/"))["style-src"] != policy(calendar)["style-src"]  # a new one each time
    # A page with no inline style names no nonce, so nothing inline is allowed at all.
    assert policy(client.get("/book/alices-aqua/"))["style-src"] == ["'self'"]


def test_the_docs_style_carries_the_nonce_and_the_docs_alone_allow_data_images(client):
    docs = client.get("/api/docs/")
    nonce = policy(docs)["style-src"][1].removeprefix("'nonce-").removesuffix("'")

    assert f'<style nonce="{nonce}">' in docs.content.decode()
    assert policy(docs)["img-src"] == ["'self'", "data:"]  # Swagger UI's stylesheet draws icons from data: URLs
    assert "img-src" not in policy(client.get("/accounts/login/"))  # elsewhere default-src: 'self' only
