"""/healthz: what a load balancer and an on-call person read. Every check is real: a private
redis-server the test starts and stops, a database on a port where nothing listens.

Only the database down is a 503: with Redis down the site still takes bookings (DESIGN.md 8), so
a load balancer must not take every node out of service for it; it says "degraded" instead.
"""

from contextlib import ExitStack

import pytest
from django.db import connection

from config.settings import redis_caches
from tests.notifications.conftest import broker_at

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connections are refused


@pytest.fixture
def redis_for(settings):
    """`redis_for(cache=url, broker=url)`: the shared cache and the Celery broker at these URLs for the test."""
    with ExitStack() as stack:

        def point(*, cache: str, broker: str) -> None:
            settings.CACHES = redis_caches(cache)
            stack.enter_context(broker_at(broker))

        yield point


@pytest.fixture
def without_redis(settings):
    """As `make run`: the cache in this process's memory, tasks in-process."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with broker_at("memory://"):
        yield


def test_reports_ok_without_redis(client, without_redis):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "cache": "not configured", "broker": "not configured"}


def test_reports_ok_with_redis_up(client, redis_for, private_redis):
    redis_for(cache=private_redis.url, broker=private_redis.url)

    response = client.get("/healthz")

    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}
    assert response.status_code == 200


def test_redis_stopped_is_degraded_not_down(client, redis_for, private_redis):
    redis_for(cache=private_redis.url, broker=private_redis.url)
    assert client.get("/healthz").json()["status"] == "ok"

    private_redis.stop()
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "error", "broker": "error"}


def test_says_which_of_cache_and_broker_is_down(client, redis_for, private_redis):
    redis_for(cache=CLOSED_PORT, broker=private_redis.url)
    assert client.get("/healthz").json() == {"status": "degraded", "database": "ok", "cache": "error", "broker": "ok"}

    redis_for(cache=private_redis.url, broker=CLOSED_PORT)
    assert client.get("/healthz").json() == {"status": "degraded", "database": "ok", "cache": "ok", "broker": "error"}


def test_the_cache_check_asks_redis_whatever_the_process_last_saw(client, redis_for, private_redis):
    # The cache leaves a Redis that failed alone for a few seconds; /healthz does not wait for that.
    from django.core.cache import cache

    redis_for(cache=private_redis.url, broker=private_redis.url)
    private_redis.stop()
    cache.get("anything")
    assert cache.outage.skip()
    private_redis.start()

    assert client.get("/healthz").json()["cache"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_database_down_is_a_503(client, without_redis, tmp_path):
    unreachable = {"PORT": 1} if connection.vendor == "postgresql" else {"NAME": tmp_path / "no-such-dir" / "db.sqlite3"}
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(unreachable)
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.update(saved)

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "cache": "not configured", "broker": "not configured"}


def test_is_never_cached(client, without_redis):
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_answers_the_same_on_a_booking_subdomain(client, settings, without_redis, page):
    settings.BOOKING_ROOT_DOMAIN = "localhost"

    response = client.get("/healthz", headers={"host": "alices-aqua.localhost"})

    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_refuses_post(client, without_redis):
    assert client.post("/healthz").status_code == 405
