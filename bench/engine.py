"""Benchmark of the availability engine over a realistic month: `python -m bench.engine`.

`measure()` returns the rows so `make bench` (or anything else) can reuse them.
"""

from __future__ import annotations

import random
import statistics
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bookingsite.availability.engine import free_slots, to_instant
from bookingsite.availability.types import AvailabilityRequest, Block, Occupied

from .stats import percentile

BUSINESS_ZONE = "Europe/London"
CLIENT_ZONE = "America/New_York"
SERVICE_ID = 1
OTHER_SERVICES = (2, 3)
DURATION = 60
BUFFER = 15
# A month with both a weekend and, in London, the March DST change in it.
START = date(2025, 3, 3)
END = START + timedelta(days=29)
NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
SIZES = (0, 200, 2_000, 20_000)
RUNS = {0: 200, 200: 200, 2_000: 100, 20_000: 20}

WEEKDAY = (Block(time(7, 0), time(12, 0)), Block(time(13, 0), time(20, 0)))
SATURDAY = (Block(time(9, 0), time(13, 0)),)
WEEKLY = (WEEKDAY,) * 5 + (SATURDAY, ())


def _occupancy(count: int, rng: random.Random) -> tuple[Occupied, ...]:
    """`count` sessions and bookings spread over the month plus a day each side.

    A third sit on the service's own grid (group bookings that coincide with a slot), the
    rest are other services' sessions at arbitrary quarter hours of the working day.
    """
    zone = ZoneInfo(BUSINESS_ZONE)
    days = [START - timedelta(days=1) + timedelta(days=i) for i in range((END - START).days + 3)]
    items = []
    for index in range(count):
        day = rng.choice(days)
        if index % 3 == 0:
            slot = rng.randrange(4)
            start = to_instant(day, time(7, 0), zone) + timedelta(minutes=slot * (DURATION + BUFFER))
            items.append(Occupied(SERVICE_ID, start, start + timedelta(minutes=DURATION), places=1))
        else:
            start = to_instant(day, time(rng.randrange(7, 19), rng.choice((0, 15, 30, 45))), zone)
            length = timedelta(minutes=rng.choice((30, 45, 60, 90)))
            items.append(Occupied(rng.choice(OTHER_SERVICES), start, start + length))
    return tuple(items)


def _request(occupancy: tuple[Occupied, ...]) -> AvailabilityRequest:
    return AvailabilityRequest(
        business_timezone=BUSINESS_ZONE,
        weekly_blocks=WEEKLY,
        exceptions={},
        service_id=SERVICE_ID,
        duration_minutes=DURATION,
        capacity=1,
        buffer_minutes=BUFFER,
        minimum_notice_minutes=60,
        horizon_days=60,
        client_timezone=CLIENT_ZONE,
        start_date=START,
        end_date=END,
        now=NOW,
        occupancy=occupancy,
    )


def _candidates() -> int:
    """Grid starts in the client range: what an empty month offers (notice and horizon don't bite)."""
    return sum(len(day.slots) for day in free_slots(_request(())))


def measure() -> list[dict]:
    """One row per occupancy size: occupancy, candidates, slots, median_ms, p95_ms, cpu_median_ms, runs."""
    rng = random.Random(20250303)
    candidates = _candidates()
    rows = []
    for size in SIZES:
        request = _request(_occupancy(size, rng))
        runs = RUNS[size]
        for _ in range(5):
            free_slots(request)  # warm the zone and fold caches
        timings, cpu = [], []
        for _ in range(runs):
            began, began_cpu = clock.perf_counter(), clock.process_time()
            days = free_slots(request)
            timings.append((clock.perf_counter() - began) * 1000)
            cpu.append((clock.process_time() - began_cpu) * 1000)
        rows.append(
            {
                "occupancy": size,
                "candidates": candidates,
                "slots": sum(len(day.slots) for day in days),
                "median_ms": statistics.median(timings),
                "p95_ms": percentile(timings, 0.95),
                # CPU time of this process: steadier than wall time on a shared machine.
                "cpu_median_ms": statistics.median(cpu),
                "runs": runs,
            }
        )
    return rows


def main() -> None:
    print(f"free_slots, {BUSINESS_ZONE} business, {CLIENT_ZONE} client, {START}..{END}")
    print(f"{'occupancy':>9} {'candidates':>10} {'slots':>6} {'median ms':>10} {'P95 ms':>8} {'CPU ms':>7} {'runs':>5}")
    for row in measure():
        print(
            f"{row['occupancy']:>9} {row['candidates']:>10} {row['slots']:>6} {row['median_ms']:>10.3f} "
            f"{row['p95_ms']:>8.3f} {row['cpu_median_ms']:>7.3f} {row['runs']:>5}"
        )


if __name__ == "__main__":
    main()
