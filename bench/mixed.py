"""The mixed load: wrk reads the month availability JSON while bookings arrive, through gunicorn.

DESIGN.md 10: "with reads arriving at the same time, neither side's P95 more than doubles". On
one gunicorn (counting its cache's hits and misses, bench/cache_counts.py), four runs:
- reads alone: wrk over the 16 month-JSON URLs of the measured business, as the throughput run;
- bookings alone: public JSON booking POSTs at BOOKINGS_PER_SECOND, spread over the measured
  business and five others, from driver threads here (a new HTTP connection per POST);
- both at once, for as long as the reads alone;
- the reads again while the five others alone take the bookings.
Every POST books a free place (one that no other POST of the run takes), so each should answer
201; anything else counts as an error. Bookings of the measured business bump its availability
version, so the reads that follow each one compute its month again: the hit rate shows it, and
the last run shows what the reads pay for the load alone, without that.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import tempfile
import threading
import time as clock
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from bookingsite.businesses.models import SessionCategory

from . import load
from .cache_counts import Counts, read_counts
from .endpoints import separate_slots
from .environment import scaled
from .seed import OTHER_BUSINESSES, SLUG
from .stats import summary

BOOKINGS_PER_SECOND = 10
BUSINESSES = 6  # the measured one and five of the others
BOOKINGS_ALONE_SECONDS = scaled(5, 2)
IN_FLIGHT = 16
# Each worker's first bookings are slow (the email templates and the write path load then):
# these go first, unmeasured.
WARM_UP_BOOKINGS = 20
SETTINGS_MODULE = "bench.settings_counted"


@dataclass(frozen=True)
class Place:
    slug: str
    service_id: int
    start_utc: datetime


def free_places(lesson: SessionCategory, count: int, *, measured_too: bool = True) -> list[Place]:
    """`count` free places, in turn of the measured business's one-place `lesson` (unless not
    `measured_too`) and the group classes of five others; no two of them compete, so each
    booking should succeed."""
    queues: list[list[Place]] = []
    per_business = -(-count // (BUSINESSES if measured_too else BUSINESSES - 1))
    if measured_too:
        queues.append([Place(SLUG, lesson.pk, slot.start_utc) for slot in separate_slots(SLUG, lesson, per_business)])
    for n in range(1, BUSINESSES):
        slug = f"bench-studio-{n * OTHER_BUSINESSES // BUSINESSES}"
        group = SessionCategory.objects.get(business_profile__booking_settings__public_booking_slug=slug, capacity__gt=1)
        places: list[Place] = []
        for slot in separate_slots(slug, group, per_business):
            places += [Place(slug, group.pk, slot.start_utc)] * slot.remaining
        queues.append(places[:per_business])
    turns = [queue[i] for i in range(per_business) for queue in queues if i < len(queue)]
    if len(turns) < count:
        raise RuntimeError(f"only {len(turns)} free places for {count} bookings")
    return turns[:count]


def _post(base_url: str, place: Place, n: int) -> tuple[float, int]:
    """One booking POST over a new connection: (milliseconds, HTTP status; 0 for no answer)."""
    address = urlsplit(base_url)
    body = json.dumps({
        "session_category_id": place.service_id,
        "start_time_utc": place.start_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "client_timezone": "Europe/London",
        "client_name": f"Mixed Client {n}",
        "client_email": f"mixed.client{n}@example.com",
        "client_phone": "+447911123456",
        "notes": "",
    })
    began = clock.perf_counter()
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request("POST", f"/book/{place.slug}/bookings/", body,
                           {"Content-Type": "application/json", "Accept": "application/json"})
        response = connection.getresponse()
        response.read()
        status = response.status
    except (OSError, http.client.HTTPException):
        status = 0
    finally:
        connection.close()
    return (clock.perf_counter() - began) * 1000, status


def drive_bookings(base_url: str, places: list[Place], first_number: int) -> dict:
    """POST the places at BOOKINGS_PER_SECOND, each at its due time whatever the earlier ones'
    answers take (clients arrive on their own): up to IN_FLIGHT at once."""
    began = clock.monotonic()
    with ThreadPoolExecutor(max_workers=IN_FLIGHT) as pool:
        posts = []
        for i, place in enumerate(places):
            delay = began + i / BOOKINGS_PER_SECOND - clock.monotonic()
            if delay > 0:
                clock.sleep(delay)  # pacing the arrivals, not waiting for a result
            posts.append(pool.submit(_post, base_url, place, first_number + i))
        answers = [post.result() for post in posts]
    return {**summary([elapsed for elapsed, _status in answers]), "requests": len(places),
            "per_second": len(places) / (clock.monotonic() - began),
            "errors": sum(status != 201 for _elapsed, status in answers)}


def _reads_while_booking(base_url: str, command: list[str], places: list[Place], first_number: int,
                         counts_dir: Path) -> tuple[dict, dict, Counts]:
    """wrk's run with the places booked meanwhile: (reads, bookings, the cache's counts)."""
    before = read_counts(counts_dir)
    reads = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    bookings: dict = {}
    driver = threading.Thread(target=lambda: bookings.update(drive_bookings(base_url, places, first_number)))
    driver.start()
    output, _ = reads.communicate()
    driver.join()
    return load.parse_wrk(output), bookings, read_counts(counts_dir) - before


def measure(port: int, lesson: SessionCategory, paths: list[str]) -> dict:
    """The runs; for each, its figures, and the cache's hits and misses while wrk read."""
    alone, mixed = BOOKINGS_PER_SECOND * BOOKINGS_ALONE_SECONDS, BOOKINGS_PER_SECOND * load.WRK_SECONDS
    places = free_places(lesson, WARM_UP_BOOKINGS + alone + mixed)
    with tempfile.TemporaryDirectory(prefix="bench-cache-counts-") as counts, \
            tempfile.NamedTemporaryFile("w", suffix=".lua") as script, \
            load.gunicorn(port, settings_module=SETTINGS_MODULE, env={"BENCH_CACHE_COUNTS": counts}) as base_url:
        counts_dir = Path(counts)
        script.write(load.wrk_script(paths, {}))
        script.flush()
        command = load.wrk_command(base_url + paths[0], script.name)
        load.warm_up(base_url + paths[0], script.name)
        drive_bookings(base_url, places[:WARM_UP_BOOKINGS], 0)
        places = places[WARM_UP_BOOKINGS:]

        before = read_counts(counts_dir)
        reads_alone = load.parse_wrk(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
        reads_alone_cache = read_counts(counts_dir) - before
        bookings_alone = drive_bookings(base_url, places[:alone], WARM_UP_BOOKINGS)
        reads_mixed, bookings_mixed, mixed_cache = _reads_while_booking(
            base_url, command, places[alone:], WARM_UP_BOOKINGS + alone, counts_dir
        )
        # Chosen now, from what the runs before left free.
        others = free_places(lesson, mixed, measured_too=False)
        reads_others, _bookings, others_cache = _reads_while_booking(
            base_url, command, others, WARM_UP_BOOKINGS + alone + mixed, counts_dir
        )
    return {
        "reads_alone": reads_alone, "reads_alone_cache": reads_alone_cache, "bookings_alone": bookings_alone,
        "reads_mixed": reads_mixed, "bookings_mixed": bookings_mixed, "mixed_cache": mixed_cache,
        "reads_others": reads_others, "others_cache": others_cache,
    }


def hit_rate(counts: Counts) -> str:
    rate = counts.hit_rate
    return "-" if rate is None else f"{rate:.1%} ({counts.hits:,} hits, {counts.misses:,} misses)"
