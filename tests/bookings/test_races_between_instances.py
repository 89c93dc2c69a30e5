"""Two web instances, one database and one Redis (the README's multi-node deployment), take 40
concurrent bookings for one place: exactly one wins; for a group of three, exactly three.

Real processes: two gunicorns (two sync workers each, DEBUG=false, rate limits off) on the test
database, whose rows the transaction=True tests commit, and a Redis server of the test's own as
their shared cache and broker. Forty client threads, released together by a barrier, send
alternately to either instance, half through the public JSON POST and half through the booking
form with the signed token each fetched beforehand. Nothing but the business lock in the booking
service keeps them apart: a row lock on PostgreSQL; on SQLite, the four workers share the test
database file, whose write lock (BEGIN IMMEDIATE) serialises them the same way.

A loser gets 409 "just taken", or 503 "busy, please try again" if the lock was not granted in
3 s (not booked either); no other 5xx, ever.
"""

import http.client
import json
import re
import threading
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import pytest

from bookingsite.bookings.models import Booking
from tests.factories import ServiceFactory
from tests.private_redis import PrivateRedis
from tests.processes import app_environment, gunicorn, subprocess_database_url

from .test_races import JOIN_TIMEOUT, THREADS, offered_start, open_every_day  # noqa: F401 (an autouse fixture)

pytestmark = pytest.mark.django_db(transaction=True)

PRODUCTION_KEY = "multi-node-test-" + "k" * 50
TAKEN = "this time was just taken"
REQUEST_TIMEOUT = 60  # seconds; only reached when an instance hangs, and then the test fails


@dataclass(frozen=True)
class Answer:
    instance: int
    kind: str  # json | form
    status: int
    body: str


@dataclass(frozen=True)
class Response:
    status: int
    body: str


def request(base_url: str, method: str, path: str, body: str | None = None, headers: dict | None = None) -> Response:
    """One request, redirects not followed (a booking form's success is its 302)."""
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        return Response(answer.status, answer.read().decode())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def instances(django_db_setup, collected_static, tmp_path_factory):
    """Two gunicorns of the app on one database and one Redis; their base URLs."""
    logs = tmp_path_factory.mktemp("instances")
    var_dir = logs / "var"
    var_dir.mkdir()
    (var_dir / "staticfiles").symlink_to(collected_static)  # the manifest that {% static %} reads with DEBUG=false
    redis = PrivateRedis()
    redis.start()
    env = app_environment(
        database_url=subprocess_database_url(), redis_url=redis.url, DEBUG="false", SECRET_KEY=PRODUCTION_KEY,
        ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="false", RATELIMIT_ENABLE="false", VAR_DIR=str(var_dir),
        LOG_LEVEL="WARNING",
    )
    started = [gunicorn(env, log=logs / f"gunicorn-{n}.log") for n in (1, 2)]
    try:
        for _process, base_url in started:
            assert request(base_url, "GET", "/healthz").status == 200  # waits for the instance to boot
        yield [base_url for _process, base_url in started]
    finally:
        for process, _base_url in started:
            process.stop()
        redis.stop()


def client_details(n: int) -> dict[str, str]:
    return {"client_name": f"Client {n}", "client_email": f"client{n}@example.com", "client_phone": "+447911123456",
            "notes": ""}


def race(instances: list[str], page, service, start) -> list[Answer]:
    """THREADS clients book `start` at once: odd ones through the second instance, every other
    pair through the form; the answer of each."""
    slug, stamp = page.public_booking_slug, start.strftime("%Y-%m-%dT%H:%M:%SZ")
    form_path = f"/book/{slug}/{service.pk}/book/"
    barrier = threading.Barrier(THREADS)
    answers: list[Answer | BaseException | None] = [None] * THREADS

    def client(n: int) -> None:
        base_url, kind = instances[n % 2], ("json", "form")[n // 2 % 2]
        try:
            if kind == "json":
                body = json.dumps({"session_category_id": service.pk, "start_time_utc": stamp,
                                   "client_timezone": "Europe/London", **client_details(n)})
                headers = {"Content-Type": "application/json", "Accept": "application/json"}
                path = f"/book/{slug}/bookings/"
            else:
                form = request(base_url, "GET", f"{form_path}?{urlencode({'start': stamp, 'tz': 'Europe/London'})}")
                assert form.status == 200, form.body[:500]
                token = re.search(r'name="token" value="([^"]+)"', form.body).group(1)
                body = urlencode({"token": token, "website": "", **client_details(n)})
                headers = {"Content-Type": "application/x-www-form-urlencoded"}
                path = form_path
            barrier.wait(timeout=JOIN_TIMEOUT)
            answer = request(base_url, "POST", path, body, headers)
            answers[n] = Answer(n % 2 + 1, kind, answer.status, answer.body)
        except BaseException as exc:  # collected and asserted on by the test
            answers[n] = exc
            barrier.abort()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a client thread hung"
    errors = [answer for answer in answers if not isinstance(answer, Answer)]
    assert errors == [], f"clients failed: {errors[:3]!r}"
    return answers  # type: ignore[return-value]


def split(answers: list[Answer]) -> dict[tuple[str, int], int]:
    counts: dict[tuple[str, int], int] = {}
    for answer in answers:
        counts[answer.kind, answer.status] = counts.get((answer.kind, answer.status), 0) + 1
    return counts


def assert_places_go_to_exactly(places: int, answers: list[Answer], start) -> None:
    counts = split(answers)
    booked = [a for a in answers if (a.kind, a.status) in (("json", 201), ("form", 302))]
    taken = [a for a in answers if a.status == 409]
    busy = [a for a in answers if a.status == 503]
    assert len(booked) == places, counts
    assert len(booked) + len(taken) + len(busy) == THREADS, counts  # nothing else: no 400, no 500
    assert all(TAKEN in a.body for a in taken), [a.body[:300] for a in taken if TAKEN not in a.body][:1]
    assert {a.instance for a in answers if a.status == 409} == {1, 2}  # both instances turned clients away
    assert Booking.objects.filter(start_time_utc=start, status=Booking.Status.CONFIRMED).count() == places
    assert Booking.objects.count() == places


def test_one_place_goes_to_exactly_one_of_forty_across_two_instances(instances, page, service):
    start = offered_start(page, service)

    assert_places_go_to_exactly(1, race(instances, page, service, start), start)


def test_a_group_of_three_fills_exactly_three_places_across_two_instances(instances, page, business):
    group = ServiceFactory(business_profile=business, name="Group swim", duration_minutes=60, capacity=3)
    start = offered_start(page, group)

    assert_places_go_to_exactly(3, race(instances, page, group, start), start)
