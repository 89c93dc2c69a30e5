"""Production settings without a cache, for make bench's throughput run where every request computes."""

from config.settings import *  # noqa: F403

# Only computed availability goes uncached; the rate-limit counters keep their own cache.
CACHES = {**CACHES, "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}  # noqa: F405
