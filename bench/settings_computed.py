"""Production settings without a cache, for make bench's throughput run where every request computes."""

from config.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
