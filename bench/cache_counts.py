"""Counting the cache's hits and misses across gunicorn's worker processes, for the mixed run.

`CountedCache` wraps the cache the settings configure (Redis or local memory, whichever) and
counts what each `get` finds. Each process keeps its two counts in a file of its own under
BENCH_CACHE_COUNTS, rewritten in place on every read (one pwrite, no lock: no process shares
it), so the benchmark can add them up while the workers run.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

from django.utils.module_loading import import_string

COUNTS = struct.Struct("<QQ")  # hits, misses
_MISSING = object()


@dataclass(frozen=True)
class Counts:
    hits: int = 0
    misses: int = 0

    def __sub__(self, earlier: Counts) -> Counts:
        return Counts(self.hits - earlier.hits, self.misses - earlier.misses)

    @property
    def hit_rate(self) -> float | None:
        reads = self.hits + self.misses
        return self.hits / reads if reads else None


class _ProcessCounts:
    def __init__(self) -> None:
        self.pid = os.getpid()
        self.hits = self.misses = 0
        directory = Path(os.environ["BENCH_CACHE_COUNTS"])
        self.fd = os.open(directory / str(self.pid), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)

    def add(self, *, hit: bool) -> None:
        if hit:
            self.hits += 1
        else:
            self.misses += 1
        os.pwrite(self.fd, COUNTS.pack(self.hits, self.misses), 0)


_counts: _ProcessCounts | None = None


def _this_process() -> _ProcessCounts:
    global _counts
    if _counts is None or _counts.pid != os.getpid():  # a forked worker counts on its own
        _counts = _ProcessCounts()
    return _counts


class CountedCache:
    """The cache of the settings' `COUNTED` entry, with every `get` counted as a hit or a miss."""

    def __init__(self, location: str, params: dict):
        counted = dict(params["COUNTED"])
        backend = import_string(counted.pop("BACKEND"))
        self._cache = backend(counted.pop("LOCATION", ""), counted)

    def get(self, key, default=None, version=None):
        value = self._cache.get(key, _MISSING, version=version)
        _this_process().add(hit=value is not _MISSING)
        return default if value is _MISSING else value

    def __getattr__(self, name):
        return getattr(self._cache, name)


def read_counts(directory: Path) -> Counts:
    """Every process's counts so far, added up."""
    hits = misses = 0
    for path in directory.iterdir():
        data = path.read_bytes()
        if len(data) == COUNTS.size:
            process_hits, process_misses = COUNTS.unpack(data)
            hits, misses = hits + process_hits, misses + process_misses
    return Counts(hits, misses)
