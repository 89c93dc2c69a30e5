"""The shared cache against a real redis-server of the test's own: in Redis while it answers, in
this process's memory while it does not, and back in Redis a few seconds after it returns."""

import logging
import time

import pytest
import redis

from bookingsite.lib.redis_cache import RETRY_AFTER_SECONDS, RedisCacheWithFallback
from config.settings import redis_caches


class Clock:
    """The outage's clock, moved by the test (the cache's own timeouts still run on real time)."""

    def __init__(self) -> None:
        self.now = time.monotonic()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def cache(private_redis, monkeypatch) -> RedisCacheWithFallback:
    config = redis_caches(private_redis.url)["default"]
    backend = RedisCacheWithFallback(config["LOCATION"], config)
    monkeypatch.setattr(backend.outage, "clock", Clock())
    return backend


@pytest.fixture
def raw(private_redis) -> redis.Redis:
    return redis.Redis.from_url(private_redis.url)


def test_values_and_counters_live_in_redis_while_it_answers(cache, raw):
    cache.set("picker", "<div>slots</div>", 60)
    assert cache.add("count", 1, 60)
    assert cache.incr("count") == 2

    assert raw.exists("default:1:picker") and raw.get("default:1:count") == b"2"
    assert cache.get("picker") == "<div>slots</div>"
    assert not cache.outage.is_down


def test_with_redis_stopped_reads_miss_and_writes_stay_in_this_process(cache, private_redis, caplog):
    caplog.set_level(logging.INFO, logger="bookingsite.outage")
    cache.set("picker", "<div>from Redis</div>", 60)
    private_redis.stop()

    assert cache.get("picker") is None  # a miss: the caller computes
    cache.set("picker", "<div>computed meanwhile</div>", 60)
    assert cache.get("picker") == "<div>computed meanwhile</div>"
    assert cache.get_many(["picker", "other"]) == {"picker": "<div>computed meanwhile</div>"}
    cache.delete("picker")
    assert not cache.has_key("picker")

    down = [r.getMessage() for r in caplog.records if r.name == "bookingsite.outage"]
    assert len(down) == 1
    assert down[0].startswith(f"cache.down where=default@{private_redis.url} error=ConnectionError(")


def test_with_redis_stopped_counters_count_on_here_at_the_same_rate(cache, private_redis):
    private_redis.stop()

    assert cache.add("count", 1, 60)
    assert not cache.add("count", 1, 60)
    assert [cache.incr("count") for _ in range(3)] == [2, 3, 4]
    with pytest.raises(ValueError):
        cache.incr("never-added")  # as Django's caches answer a missing key: django-ratelimit expects it


def test_a_stopped_redis_is_left_alone_for_a_few_seconds_then_tried_again(cache, private_redis, raw, caplog):
    caplog.set_level(logging.INFO, logger="bookingsite.outage")
    private_redis.stop()
    cache.set("picker", "<div>kept here</div>", 60)
    private_redis.start()

    cache.set("other", "x", 60)  # still within RETRY_AFTER_SECONDS: this process does not ask Redis
    assert not raw.exists("default:1:other")
    assert cache.get("picker") == "<div>kept here</div>"

    cache.outage.clock.now += RETRY_AFTER_SECONDS
    cache.set("other", "y", 60)

    assert raw.get("default:1:other") is not None
    assert cache.get("picker") is None  # Redis again: what was kept here meanwhile is not read
    assert not cache.outage.is_down
    assert caplog.records[-1].getMessage() == f"cache.back where=default@{private_redis.url} after=5s missed=2"


def test_threads_of_one_process_share_what_is_known(private_redis, settings):
    from django.core.cache import caches

    settings.CACHES = redis_caches(private_redis.url)
    private_redis.stop()
    caches["default"].set("picker", "<div>here</div>", 60)

    seen = {}

    def other_thread() -> None:
        seen["skips"] = caches["default"].outage.skip()
        seen["value"] = caches["default"].get("picker")

    import threading

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join(10)

    assert seen == {"skips": True, "value": "<div>here</div>"}


def test_the_password_of_the_redis_url_stays_out_of_the_log():
    config = redis_caches("redis://:s3cret@127.0.0.1:1/0")["default"]

    backend = RedisCacheWithFallback(config["LOCATION"], config)

    assert backend.outage.where == "default@redis://127.0.0.1:1/0"
