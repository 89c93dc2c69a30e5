"""Server time of the public endpoints, measured in-process through Django's whole request cycle.

Each request goes through the middleware, the view and the database as a real one does, but
no network: the figure is the server's own time. Queries are counted on a separate pass, since
capturing them slows each one down. A booking's move has no endpoint yet: its figure is the
booking_reschedule service's own time (time_reschedules).
"""

from __future__ import annotations

import itertools
import json
import time as clock
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookingsite.availability.types import Slot
from bookingsite.bookings.exceptions import BookingError
from bookingsite.bookings.selectors.availability import availability_days
from bookingsite.bookings.services import booking_create, booking_reschedule
from bookingsite.businesses.locking import BusyError
from bookingsite.businesses.selectors import booking_page_by_slug
from bookingsite.businesses.models import SessionCategory

from .stats import summary

CLIENT_ZONES = ("Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Sydney")
WARM_UP = 20
# time_reschedules: how many times each of its bookings moves (there and back, and again).
MOVE_ROUNDS = 4


@dataclass(frozen=True)
class Probe:
    path: str
    headers: dict


def next_month(today: date) -> tuple[date, date]:
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


def availability_probes(slug: str, service_ids: list[int], first: date, last: date) -> list[Probe]:
    return [
        Probe(f"/book/{slug}/availability/?session_category_id={service}&start_date={first}&end_date={last}"
              f"&client_timezone={zone}", {})
        for service, zone in itertools.product(service_ids, CLIENT_ZONES)
    ]


def fragment_probes(slug: str, service_ids: list[int], first: date) -> list[Probe]:
    """The month picker as htmx swaps it in: the calendar and the first free day's slots."""
    return [
        Probe(f"/book/{slug}/{service}/?month={first:%Y-%m}&tz={zone}", {"HX-Request": "true"})
        for service, zone in itertools.product(service_ids, CLIENT_ZONES)
    ]


def _get(client: Client, probe: Probe):
    response = client.get(probe.path, headers={**probe.headers, "Accept-Encoding": "gzip"})
    return response.status_code


def time_requests(probes: list[Probe], runs: int, *, computed: bool = False) -> dict:
    """P50/P95/P99 server time over `runs` requests cycling through probes; errors; queries per request.

    With `computed`, the cache is emptied before each request (outside the timing), so every
    answer is worked out from the database: the first visitor's time after a booking.
    """
    client = Client()
    for probe in probes[:WARM_UP]:
        _get(client, probe)
    timings, errors = [], 0
    for probe in itertools.islice(itertools.cycle(probes), runs):
        if computed:
            cache.clear()
        began = clock.perf_counter()
        status = _get(client, probe)
        timings.append((clock.perf_counter() - began) * 1000)
        errors += status != 200
    queries = set()
    for probe in probes:
        if computed:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            _get(client, probe)
        queries.add(len(captured))
    return {**summary(timings), "runs": runs, "errors": errors, "queries": sorted(queries)}


def separate_slots(slug: str, service: SessionCategory, count: int) -> list[Slot]:
    """Free slots of a one-place service, far enough apart (with the buffer) that booking one
    never takes another: every booking of the run should succeed."""
    page = booking_page_by_slug(slug)
    today = timezone.localdate()
    buffer = timedelta(minutes=page.global_buffer_time_minutes_between_sessions)
    chosen: list[Slot] = []
    first = today + timedelta(days=2)
    while len(chosen) < count and first < today + timedelta(days=page.booking_horizon_days - 2):
        days = availability_days(page=page, service=service, client_timezone=page.business_profile.timezone,
                                 start_date=first, end_date=first + timedelta(days=30), now=timezone.now())
        for slot in (slot for day in days for slot in day.slots):
            if not chosen or slot.start_utc >= chosen[-1].end_utc + buffer + buffer:
                chosen.append(slot)
        first += timedelta(days=31)
    return chosen[:count]


def time_bookings(slug: str, service: SessionCategory, count: int) -> dict:
    """P50/P95/P99 of the public booking POST: the lock, the re-check and the save, with errors."""
    client = Client()
    slots = separate_slots(slug, service, count)
    timings, errors = [], 0
    for n, slot in enumerate(slots):
        body = json.dumps({
            "session_category_id": service.pk,
            "start_time_utc": slot.start_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "client_timezone": "America/New_York",
            "client_name": f"Bench Client {n}",
            "client_email": f"bench.client{n}@example.com",
            "client_phone": "+12025550147",
            "notes": "First lesson, please.",
        })
        began = clock.perf_counter()
        response = client.post(f"/book/{slug}/bookings/", body, content_type="application/json",
                               headers={"Idempotency-Key": f"bench-{n}"})
        timings.append((clock.perf_counter() - began) * 1000)
        errors += response.status_code != 201
    return {**summary(timings), "runs": len(slots), "errors": errors}


def time_reschedules(slug: str, service: SessionCategory, count: int) -> dict:
    """P50/P95/P99 of `booking_reschedule` as a client's move, called directly: the lock, re-reading
    the booking, freeing its old place, the re-check of the new slot with the engine, the save, the
    history row and the two emails' outbox rows, and the commit with the emails queued on the broker.

    No page or JSON moves a booking yet, so there is no request to time: no middleware, form or
    response here, which the booking POST's figure includes. Free slots are few after the booking
    POSTs, so a quarter as many bookings as moves are made first (untimed), each in a free slot of
    its own (separate_slots) with a second one beside it, and each moves from one to the other and
    back, MOVE_ROUNDS times in all, every booking once per round. Every move should succeed: a
    refusal or "busy" is an error.
    """
    pairs = -(-count // MOVE_ROUNDS)
    slots = separate_slots(slug, service, 2 * pairs)
    homes, aways = slots[0::2], slots[1::2]
    bookings = [
        booking_create(service=service, start_time_utc=home.start_utc, client_name=f"Moving Client {n}",
                       client_email=f"moving.client{n}@example.com", client_timezone="Europe/London")
        for n, home in enumerate(homes[: len(aways)])
    ]
    moves = [(booking, (away if round_ % 2 == 0 else home).start_utc)
             for round_ in range(MOVE_ROUNDS) for booking, home, away in zip(bookings, homes, aways, strict=False)]
    timings, errors = [], 0
    for booking, start in moves[:count]:
        began = clock.perf_counter()
        try:
            booking_reschedule(booking=booking, start_time_utc=start)
        except (BookingError, BusyError):
            errors += 1
        timings.append((clock.perf_counter() - began) * 1000)
    return {**summary(timings), "runs": len(timings), "errors": errors}
