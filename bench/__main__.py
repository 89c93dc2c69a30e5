"""`make bench`: seed a scratch PostgreSQL database with a year of history, measure, print a table.

Steps: make the database, migrate, seed, collect the static files; then the engine alone,
the server time of the availability endpoints and of the booking POST in-process, the time of
the reschedule service (no endpoint moves a booking yet), the
throughput through gunicorn under wrk, the public pages in Chromium, and the mixed load (wrk
reading availability while bookings arrive). BENCH_QUICK=true makes every timed run short.
"""

from __future__ import annotations

import os
import platform
import time as clock

from . import environment

BENCH_PORT = int(os.getenv("BENCH_PORT", "8765"))
REQUEST_RUNS = environment.scaled(1000, 100)
COMPUTED_RUNS = environment.scaled(400, 40)
BOOKING_RUNS = environment.scaled(200, 20)


def _machine() -> str:
    import django
    from django.db import connection

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    return (f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, Django {django.get_version()}, "
            f"PostgreSQL {postgres}, cache {'Redis' if os.getenv('REDIS_URL') else 'local memory'}")


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def main() -> None:
    began = clock.monotonic()

    def step(text: str) -> None:
        print(f"[{clock.monotonic() - began:4.0f} s] {text}", flush=True)

    environment.prepare()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bookingsite.businesses.models import SessionCategory

    from . import endpoints, engine, load, mixed, pages, seed

    step(f"Scratch database {os.environ['DATABASE_URL']}: migrating and seeding...")
    call_command("migrate", verbosity=0)
    seeded = seed.seed(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # statistics a live database would have: without them the planner guesses
    call_command("collectstatic", interactive=False, verbosity=0)
    bookings = sum(seeded.bookings_by_status.values())
    step(f"Seeded {seeded.slug}: {seeded.sessions} sessions, {bookings} bookings "
         f"({', '.join(f'{k} {v}' for k, v in sorted(seeded.bookings_by_status.items()))}); "
         f"{seed.OTHER_BUSINESSES} other businesses with {seeded.other_sessions} sessions and {seeded.other_bookings} bookings.")

    services = list(SessionCategory.objects.filter(business_profile_id=seeded.business_id).order_by("position"))
    service_ids = [service.pk for service in services]
    first, last = endpoints.next_month(timezone.localdate())

    step("Measuring the engine...")
    engine_rows = engine.measure()
    step("Measuring server time in-process...")
    json_probes = endpoints.availability_probes(seeded.slug, service_ids, first, last)
    fragment_probes = endpoints.fragment_probes(seeded.slug, service_ids, first)
    server_rows = [
        ("Month availability JSON, computed", endpoints.time_requests(json_probes, COMPUTED_RUNS, computed=True)),
        ("Month availability JSON, cached", endpoints.time_requests(json_probes, REQUEST_RUNS)),
        ("Month slot fragment (htmx), computed", endpoints.time_requests(fragment_probes, COMPUTED_RUNS, computed=True)),
        ("Month slot fragment (htmx), cached", endpoints.time_requests(fragment_probes, REQUEST_RUNS)),
    ]

    step("Measuring throughput and pages through gunicorn...")
    single = services[0]
    free_start = endpoints.separate_slots(seeded.slug, single, 1)[0].start_utc
    page_paths = {
        "service list": f"/book/{seeded.slug}/",
        "service page with slots": f"/book/{seeded.slug}/{single.pk}/?month={first:%Y-%m}",
        "booking form for a slot": (
            f"/book/{seeded.slug}/{single.pk}/book/?start={free_start:%Y-%m-%dT%H:%M:%SZ}&tz=Europe/London"
        ),
    }
    with load.gunicorn(BENCH_PORT) as base_url:
        rates = [
            ("Month availability JSON, cached", load.throughput(base_url, [probe.path for probe in json_probes])),
            ("Month slot fragment (htmx), cached",
             load.throughput(base_url, [probe.path for probe in fragment_probes], fragment_probes[0].headers)),
        ]
        page_rows = pages.measure(base_url, page_paths)
    # The worst case: no cache at all, every request works its month out from the database.
    with load.gunicorn(BENCH_PORT, settings_module="bench.settings_computed") as base_url:
        rates.append(("Month availability JSON, computed every time",
                      load.throughput(base_url, [probe.path for probe in json_probes])))

    step("Measuring booking POSTs and reschedules...")
    booking = endpoints.time_bookings(seeded.slug, single, BOOKING_RUNS)
    reschedule = endpoints.time_reschedules(seeded.slug, single, BOOKING_RUNS)
    step(f"Measuring the mixed load: reads while {mixed.BOOKINGS_PER_SECOND} bookings/s arrive...")
    mixed_run = mixed.measure(BENCH_PORT, single, [probe.path for probe in json_probes])

    print()
    print(f"Machine: {_machine()}")
    print(f"Data: {seeded.sessions} sessions and {bookings} bookings in the measured business; "
          f"{seed.OTHER_BUSINESSES} others hold {seeded.other_sessions} sessions and {seeded.other_bookings} bookings.")
    print(f"Month measured: {first} to {last}, 4 services x 4 client zones.")
    print()
    print("| Engine alone, one month | occupancy | median ms | P95 ms |")
    print("|---|---:|---:|---:|")
    for row in engine_rows:
        print(f"| free_slots | {row['occupancy']:,} | {_ms(row['median_ms'])} | {_ms(row['p95_ms'])} |")
    print()
    print("| Server time, in-process | requests | P50 ms | P95 ms | P99 ms | queries/request | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, row in [*server_rows, ("Booking POST (JSON)", booking), ("Reschedule (service)", reschedule)]:
        queries = "/".join(map(str, row.get("queries", []))) or "-"
        times = " | ".join(_ms(row[p]) for p in ("p50", "p95", "p99"))
        print(f"| {name} | {row['runs']} | {times} | {queries} | {row['errors']} |")
    print()
    print(f"| Throughput, gunicorn {load.WORKERS} workers, wrk {load.WRK_CONNECTIONS} connections, {load.WRK_SECONDS} s "
          "| requests | per second | latency P50 ms | latency P99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, rate in rates:
        print(f"| {name} | {rate['requests']:,} | {rate['per_second']:.0f} "
              f"| {_ms(rate['latency_p50'])} | {_ms(rate['latency_p99'])} | {rate['errors']} |")
    print()
    print(f"| Mixed load: wrk {load.WRK_CONNECTIONS} connections reading the month JSON, {mixed.BOOKINGS_PER_SECOND} "
          f"bookings/s over {mixed.BUSINESSES} businesses | requests | per second | P50 ms | P95 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, key in (("Month availability JSON, alone", "reads_alone"),
                      ("Month availability JSON, with the bookings", "reads_mixed"),
                      ("Month availability JSON, with bookings of the five others only", "reads_others")):
        row = mixed_run[key]
        print(f"| {name} | {row['requests']:,} | {row['per_second']:.0f} | {_ms(row['latency_p50'])} "
              f"| {_ms(row['latency_p95'])} | {row['errors']} |")
    for name, key in (("Booking POST (JSON over HTTP), alone", "bookings_alone"),
                      ("Booking POST (JSON over HTTP), with the reads", "bookings_mixed")):
        row = mixed_run[key]
        print(f"| {name} | {row['requests']:,} | {row['per_second']:.1f} | {_ms(row['p50'])} | {_ms(row['p95'])} "
              f"| {row['errors']} |")
    print(f"\nCache hit rate of the availability reads: alone {mixed.hit_rate(mixed_run['reads_alone_cache'])}; "
          f"with the bookings {mixed.hit_rate(mixed_run['mixed_cache'])}; "
          f"with the others' bookings only {mixed.hit_rate(mixed_run['others_cache'])}.")
    print()
    print(f"| Public page, first visit in Chromium ({pages.VISITS} visits) | bytes transferred | requests "
          f"| FCP median ms | FCP worst ms |")
    print("|---|---:|---:|---:|---:|")
    for row in page_rows:
        print(f"| {row['page']} | {row['bytes']:,} | {row['requests']} | {row['fcp_median_ms']:.0f} | {row['fcp_max_ms']:.0f} |")
    print()
    for row in page_rows:
        resources = ", ".join(f"{name} {size:,}" for name, size in row["resources"])
        print(f"{row['page']} ({row['path']}, HTTP {row['status']}): {resources}")
    print(f"\nmake bench took {clock.monotonic() - began:.0f} s.")


if __name__ == "__main__":
    main()
