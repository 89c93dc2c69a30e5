"""Percentiles of a run's timings, the nearest-rank way: every figure is one that was measured."""

from __future__ import annotations

import math


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summary(timings_ms: list[float]) -> dict[str, float]:
    return {"p50": percentile(timings_ms, 0.50), "p95": percentile(timings_ms, 0.95), "p99": percentile(timings_ms, 0.99)}
