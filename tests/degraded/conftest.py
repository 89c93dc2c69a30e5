"""The site on a Redis of the test's own, which the tests stop, freeze and start again (DESIGN.md 8
"Degraded mode"); the fake SendGrid and the real worker of tests/notifications."""

from collections.abc import Iterator

import pytest

from config.celery import app as celery_app
from config.settings import redis_caches
from tests.notifications.conftest import broker_at
from tests.notifications.conftest import sendgrid, sendgrid_server  # noqa: F401  (the fake SendGrid, here too)
from tests.private_redis import PrivateRedis


@pytest.fixture
def site_redis(private_redis, settings) -> Iterator[PrivateRedis]:
    """The cache, the rate-limit counters and the Celery broker on the private Redis, as a
    deployment has them on its one Redis; tasks go through the broker, never run in-process,
    with REDIS_URL set or not."""
    settings.CACHES = redis_caches(private_redis.url)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        with broker_at(private_redis.url):
            yield private_redis
    finally:
        celery_app.conf.task_always_eager = eager
