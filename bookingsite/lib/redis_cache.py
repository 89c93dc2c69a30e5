"""The shared cache: Django's Redis cache, except that Redis down never fails a request (DESIGN.md 8).

While Redis does not answer, every operation runs on this process's own memory instead: a read
misses there and the caller computes, a write is kept there, and a rate-limit counter counts
there at the same rate, so limits keep biting per process instead of vanishing or answering 500.
After a failure the process leaves Redis alone for RETRY_AFTER_SECONDS, so a Redis that hangs
costs one socket timeout every few seconds, not one per operation; the log says so once a
minute (lib.outage).

django-redis's IGNORE_EXCEPTIONS was the other way: it answers None from add and incr, which
django-ratelimit takes for "limit every request" (or, with RATELIMIT_FAIL_OPEN, for "limit
none"), it logs every failed operation, and every operation waits for its own connection
attempt.
"""

import re
import threading

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from .outage import Outage

RETRY_AFTER_SECONDS = 5.0

# Django makes a cache object per thread; what is known about Redis, and what is kept while it is
# down, belongs to the process.
_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


def _outage_of(where: str) -> Outage:
    with _outages_lock:
        return _outages.setdefault(where, Outage("cache", where=where, retry_after=RETRY_AFTER_SECONDS))


def _redis_or_local(operation: str):
    def method(self, *args, **kwargs):
        if not self.outage.skip():
            try:
                result = getattr(RedisCache, operation)(self, *args, **kwargs)
            except RedisError as exc:
                self.outage.failed(exc)
            else:
                self.outage.answered()
                return result
        return getattr(self.local, operation)(*args, **kwargs)

    method.__name__ = operation
    method.__doc__ = f"RedisCache.{operation}, or the same on this process's memory while Redis is down."
    return method


class RedisCacheWithFallback(RedisCache):
    """CACHES["BACKEND"]; LOCATION and OPTIONS as Django's RedisCache takes them (OPTIONS go to
    redis-py's connection pool: give it short socket timeouts), plus FALLBACK_MAX_ENTRIES for the
    stand-in in memory (LocMemCache's MAX_ENTRIES)."""

    def __init__(self, server: str, params: dict) -> None:
        options = dict(params.get("OPTIONS", {}))
        max_entries = options.pop("FALLBACK_MAX_ENTRIES", 300)
        super().__init__(server, {**params, "OPTIONS": options})
        # Named without the URL's password: the name goes into the log.
        where = f"{self.key_prefix}@{re.sub(r'//[^/@]*@', '//', server)}"
        self.outage = _outage_of(where)
        self.local = LocMemCache(
            f"redis-fallback:{where}",
            {**params, "OPTIONS": {"MAX_ENTRIES": max_entries}},
        )

    def ping(self) -> bool:
        """Whether Redis answers now, whatever this process last saw (for /healthz)."""
        try:
            self._cache.get_client(write=True).ping()
        except RedisError:
            return False
        return True

    add = _redis_or_local("add")
    get = _redis_or_local("get")
    set = _redis_or_local("set")
    touch = _redis_or_local("touch")
    delete = _redis_or_local("delete")
    get_many = _redis_or_local("get_many")
    has_key = _redis_or_local("has_key")
    incr = _redis_or_local("incr")
    set_many = _redis_or_local("set_many")
    delete_many = _redis_or_local("delete_many")
    clear = _redis_or_local("clear")
