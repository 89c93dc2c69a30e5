"""/healthz: what a load balancer and an on-call person read. The broker check is real, not mocked.

Redis runs locally and in CI (.ci/run starts it); if it is down these tests fail, never skip.
"""

import pytest

pytestmark = pytest.mark.django_db

REAL_REDIS = "redis://127.0.0.1:6379/15"
CLOSED_PORT = "redis://127.0.0.1:1/0"


def test_reports_ok_without_a_broker(client, settings):
    settings.REDIS_URL = ""

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "broker": "not configured"}


def test_reports_ok_with_a_reachable_broker(client, settings):
    settings.REDIS_URL = REAL_REDIS

    response = client.get("/healthz")

    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}, "is Redis running on 127.0.0.1:6379?"
    assert response.status_code == 200


def test_reports_error_when_the_broker_is_down(client, settings):
    settings.REDIS_URL = CLOSED_PORT

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "broker": "error"}


def test_is_never_cached(client, settings):
    settings.REDIS_URL = ""

    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_answers_the_same_on_a_booking_subdomain(client, settings, page):
    settings.REDIS_URL = ""
    settings.BOOKING_ROOT_DOMAIN = "localhost"

    response = client.get("/healthz", headers={"host": "alices-aqua.localhost"})

    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_refuses_post(client, settings):
    settings.REDIS_URL = ""

    assert client.post("/healthz").status_code == 405
