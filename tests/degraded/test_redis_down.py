"""Redis is a cache and a broker, never a dependency of a booking (DESIGN.md 8 "Degraded mode").

Real parts only: a redis-server of the test's own (stopped with SIGTERM, or frozen with SIGSTOP
as a Redis that hangs), the database, a real Celery worker and the fake SendGrid. With Redis
stopped every page a client or the owner needs answers without a 5xx, bookings are taken, rate
limits still bite (per process), and the emails wait in the outbox; once Redis is back, the beat
pickup sends each of them exactly once.
"""

import json
import logging
import re
import time
from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from bookingsite.bookings.models import Booking
from bookingsite.notifications.models import OutboxEmail
from bookingsite.notifications.tasks import flush_outbox_task
from tests.notifications.conftest import running_worker
from tests.notifications.helpers import a_slot, book_on_page, london_today, recipient, subject, wait_until_settled

OWNER = "alice@example.com"
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


@dataclass
class Visit:
    method: str
    path: str
    status: int
    seconds: float


class Visits:
    """The test client, noting every request: what was asked, the status, how long it took."""

    def __init__(self, client) -> None:
        self.client = client
        self.made: list[Visit] = []

    def _note(self, method: str, path: str, send, *args, **kwargs):
        started = time.monotonic()
        response = send(path, *args, **kwargs)
        self.made.append(Visit(method, path, response.status_code, time.monotonic() - started))
        return response

    def get(self, path: str, *args, **kwargs):
        return self._note("GET", path, self.client.get, *args, **kwargs)

    def post(self, path: str, *args, **kwargs):
        return self._note("POST", path, self.client.post, *args, **kwargs)

    def post_json(self, path: str, body: dict):
        return self.post(path, json.dumps(body), content_type="application/json", headers={"Accept": "application/json"})

    @property
    def server_errors(self) -> list[Visit]:
        return [visit for visit in self.made if visit.status >= 500]


def outage_lines(caplog, name: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bookingsite.outage" and r.getMessage().startswith(name)]


@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_everything_answers_and_each_email_goes_out_once_after_it_returns(
    client, site_redis, sendgrid, open_page, service, alice, caplog
):
    caplog.set_level(logging.INFO, logger="bookingsite.outage")
    slug, visits = open_page.public_booking_slug, Visits(client)
    service_url = f"/book/{slug}/{service.pk}/"
    assert client.get(service_url).status_code == 200  # the site was running on Redis: cache filled, pools open
    site_redis.stop()

    # A client books through the pages...
    visits.get(f"/book/{slug}/")
    visits.get(service_url)
    visits.get(service_url, {"month": london_today().strftime("%Y-%m")}, headers={"HX-Request": "true"})
    start = a_slot(open_page, service, index=1).start_utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    form = visits.get(f"{service_url}book/", {"start": start, "tz": "Europe/London"})
    token = re.search(r'name="token" value="([^"]+)"', form.content.decode()).group(1)
    booked = visits.post(f"{service_url}book/", {
        "token": token, "client_name": "Dana Diver", "client_email": "dana@example.com",
        "client_phone": "07911 123456", "notes": "", "website": "",
    })
    manage_url = booked["Location"]
    visits.get(manage_url)
    visits.get(f"{manage_url}cancel/")
    visits.get(f"{manage_url}calendar.ics")
    # ... another through the JSON ...
    day = (london_today() + timedelta(days=3)).isoformat()
    visits.get(f"/book/{slug}/services/")
    visits.get(f"/book/{slug}/availability/", {"session_category_id": service.pk, "start_date": day, "end_date": day})
    visits.post_json(f"/book/{slug}/bookings/", {
        "session_category_id": service.pk,
        "start_time_utc": a_slot(open_page, service, index=2).start_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "client_name": "Erin Eel", "client_email": "erin@example.com", "client_phone": "07911 123456", "notes": "",
        "client_timezone": "Europe/London",
    })
    # ... and the owner logs in, opens her dashboard and gets an API token.
    visits.get("/accounts/login/")
    visits.post("/accounts/login/", {"username": OWNER, "password": PASSWORD})
    visits.get("/app/")
    visits.post_json("/api/v1/token/", {"email": OWNER, "password": PASSWORD})
    health = visits.get("/healthz")

    assert visits.server_errors == []
    assert [visit.status for visit in visits.made] == [
        200, 200, 200, 200, 302, 200, 200, 200, 200, 200, 201, 200, 302, 200, 200, 200,
    ], [(v.method, v.path, v.status) for v in visits.made]
    assert health.json() == {"status": "degraded", "database": "ok", "cache": "error", "broker": "error"}
    # Redis down costs no waiting: a refused connection, then this process leaves Redis alone.
    assert max(visit.seconds for visit in visits.made) < 2.0, [(v.path, round(v.seconds, 2)) for v in visits.made]
    bookings = list(Booking.objects.order_by("created_at"))
    assert [b.client_email for b in bookings] == ["dana@example.com", "erin@example.com"]
    assert all(b.status == Booking.Status.CONFIRMED for b in bookings)
    rows = OutboxEmail.objects.order_by("pk")
    assert [(e.to_email, e.status, e.attempts) for e in rows] == [
        ("dana@example.com", "queued", 0), (OWNER, "queued", 0), ("erin@example.com", "queued", 0), (OWNER, "queued", 0),
    ]
    assert sendgrid.requests == []
    # The log says it once (per cache key space), not once per request.
    assert len(outage_lines(caplog, "cache.down")) == 2
    assert len(outage_lines(caplog, "broker.down")) == 1

    site_redis.start()  # the same port, empty: whatever it held is gone
    with running_worker():
        with time_machine.travel(timezone.now() + timedelta(minutes=3), tick=True):
            queued = flush_outbox_task()  # beat's next run, after the grace period
        for booking in bookings:
            wait_until_settled(booking, count=2)
        again = flush_outbox_task()

    assert (queued, again) == (4, 0)
    accepted = sorted((recipient(mail), subject(mail).split(" – ")[0]) for mail in sendgrid.accepted)
    assert accepted == [
        (OWNER, "New booking from Dana Diver"),
        (OWNER, "New booking from Erin Eel"),
        ("dana@example.com", "Booking confirmed"),
        ("erin@example.com", "Booking confirmed"),
    ]
    assert len(sendgrid.requests) == 4
    assert [(e.status, e.attempts) for e in OutboxEmail.objects.order_by("pk")] == [("sent", 1)] * 4


@pytest.mark.django_db
def test_with_redis_stopped_the_login_limit_still_bites(client, site_redis, settings, alice, business, page):
    """Per process, at the same rate, on one counter for the page and the API's token endpoint."""
    settings.RATELIMIT_LOGIN = "3/m"
    site_redis.stop()
    wrong = {"username": OWNER, "password": "not it"}
    token = {"email": OWNER, "password": PASSWORD}

    with time_machine.travel(timezone.now(), tick=False):  # no window boundary between the requests
        assert [client.post("/accounts/login/", wrong).status_code for _ in range(2)] == [200, 200]
        assert client.post("/api/v1/token/", {**token, "password": "not it"}, content_type="application/json").status_code == 401
        refused_page = client.post("/accounts/login/", {**wrong, "password": PASSWORD})
        refused_api = client.post("/api/v1/token/", token, content_type="application/json")

    assert refused_page.status_code == 429 and int(refused_page["Retry-After"]) >= 1
    assert refused_api.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)
def test_with_redis_hanging_a_booking_waits_seconds_once_not_on_every_request(client, site_redis, open_page, service):
    """SIGSTOP: connections are accepted and never answered, so only the timeouts end each wait.
    The first booking pays one cache read timeout and one broker timeout (settings); the process
    then leaves Redis alone, and the next booking pays nothing. (Before: 20 s and more each.)"""
    assert client.get(f"/book/{open_page.public_booking_slug}/{service.pk}/").status_code == 200
    site_redis.pause()

    started = time.monotonic()
    first = book_on_page(client, open_page, service, a_slot(open_page, service, index=1))
    first_seconds = time.monotonic() - started
    started = time.monotonic()
    second = book_on_page(client, open_page, service, a_slot(open_page, service, index=2), client_email="erin@example.com")
    second_seconds = time.monotonic() - started

    assert first_seconds < 4.0
    assert second_seconds < 1.5
    assert OutboxEmail.objects.filter(booking__in=[first, second], status="queued").count() == 4
