"""Production settings whose availability cache counts its hits and misses (bench/cache_counts.py),
for make bench's mixed run. The rate-limit counters keep their own cache."""

from config.settings import *  # noqa: F403

CACHES = {**CACHES, "default": {"BACKEND": "bench.cache_counts.CountedCache", "COUNTED": CACHES["default"]}}  # noqa: F405
