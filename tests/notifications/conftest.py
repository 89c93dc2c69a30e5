"""A real Celery worker, a stand-in for SendGrid's v3 API, and a business that takes bookings.

The worker runs in a thread of the test process (celery.contrib.testing) and consumes from the
broker the site is configured with: Redis when REDIS_URL is set (CI), otherwise Celery's
in-memory transport. Tasks are never run eagerly here, so every email goes through the broker,
the worker, django-sendgrid-v5 and the official sendgrid client to the fake server below, which
records the JSON it receives. Tests using the worker are transaction=True: the worker's thread
has its own database connection and only sees committed rows.
"""

import json
import os
import select
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import time as clock
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections

from bookingsite.notifications.outbox import broker_outage
from config.celery import app as celery_app
from tests.factories import WorkingHoursFactory

IN_CI = os.environ.get("CI", "").lower() == "true"
API_KEY = "test-key"
DEADLINE = 20.0  # seconds: only reached when something is broken, and then the test fails


class _Activity:
    """Something the tests wait on may have changed: the worker finished a task, or the fake
    SendGrid received a request. Both happen on other threads; each bumps a counter here."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._count = 0

    def bump(self, **_signal_kwargs) -> None:
        with self._changed:
            self._count += 1
            self._changed.notify_all()

    def wait_for(self, condition: Callable[[], object], *, timeout: float, what: str) -> object:
        deadline = time.monotonic() + timeout
        while True:
            with self._changed:
                seen = self._count
            # Read after noting the count: whatever happens from here on bumps it, so the wait
            # below cannot miss the change that would make the condition true.
            value = condition()
            if value:
                return value
            with self._changed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
                self._changed.wait_for(lambda seen=seen: self._count != seen, timeout=remaining)


activity = _Activity()


def wait_for(condition: Callable[[], object], *, timeout: float = DEADLINE, what: str = "the condition") -> object:
    """Wait until `condition` is truthy and return its value; fail the test at the deadline.

    The condition (say, a query for the outbox rows) is read again each time the worker finishes
    a task or the fake SendGrid is called, the only events that change what the tests wait for,
    so the wait takes as long as the work and never polls on a timer.
    """
    return activity.wait_for(condition, timeout=timeout, what=what)


# --- The fake SendGrid --------------------------------------------------------------------------

# A planned answer that never comes: the request is held until the client gives up (its
# EMAIL_TIMEOUT) or goes away. A client still waiting after DEADLINE gets the default answer.
TIMEOUT = "timeout"


@dataclass
class Received:
    """One request as the fake saw it. `answered` is None while it waits for its answer, False
    when the client hung up first (timed out, or its process died), True once the answer went out."""

    path: str
    authorization: str
    body: dict
    status: int | None  # the answer planned for it; None for TIMEOUT
    arrived_at: float  # time.monotonic()
    finished_at: float | None = None
    answered: bool | None = None

    @property
    def recipient(self) -> str:
        return self.body["personalizations"][0]["to"][0]["email"]


class Hold:
    """Answers wait until `set()`. A socket pair rather than an Event: a held request waits on it
    and on its own connection at once, so it notices a client that hangs up while held."""

    def __init__(self) -> None:
        self._reader, self._writer = socket.socketpair()

    def set(self) -> None:
        with suppress(OSError):
            self._writer.send(b"x")  # never read: the reader stays readable for every waiter

    def fileno(self) -> int:
        return self._reader.fileno()


@dataclass
class FakeSendGrid:
    """SendGrid's POST /v3/mail/send: 202 with an X-Message-Id, or the statuses a test plans."""

    url: str = ""
    requests: list[Received] = field(default_factory=list)
    planned: deque = field(default_factory=deque)
    planned_to: dict[str, deque] = field(default_factory=dict)
    default_status: int = 202
    held: Hold | None = None  # answers wait until it is set
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.planned.clear()
            self.planned_to.clear()
            self.default_status = 202
            if self.held is not None:
                self.held.set()  # let a request still waiting go
            self.held = None

    def hold_answers(self) -> Hold:
        """Keep every request waiting for its answer until the returned hold is set.

        A request still held after DEADLINE is answered anyway, so a test that never sets the
        hold fails on its assertions instead of hanging.
        """
        with self.lock:
            self.held = Hold()
            return self.held

    def answer(self, *statuses: int | str, to: str | None = None) -> None:
        """The next requests (to this address only, with `to`) get these statuses or TIMEOUT, in order; then the default."""
        with self.lock:
            queue = self.planned if to is None else self.planned_to.setdefault(to, deque())
            queue.extend(statuses)

    def _next_status(self, recipient: str) -> int | str:
        with self.lock:
            for queue in (self.planned_to.get(recipient), self.planned):
                if queue:
                    return queue.popleft()
            return self.default_status

    def _arrived(self, received: Received) -> None:
        with self.lock:
            self.requests.append(received)
        activity.bump()

    def _finished(self, received: Received, *, answered: bool) -> None:
        with self.lock:
            received.finished_at, received.answered = time.monotonic(), answered
        activity.bump()

    @property
    def accepted(self) -> list[dict]:
        """The mails SendGrid accepted: answered 202 to a client that was still there to read it."""
        with self.lock:
            return [r.body for r in self.requests if r.status == 202 and r.answered]

    def accepted_to(self, address: str) -> list[dict]:
        return [mail for mail in self.accepted if mail["personalizations"][0]["to"][0]["email"] == address]

    def requests_to(self, address: str) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.path == "/v3/mail/send" and r.recipient == address]

    @property
    def hung_up(self) -> list[Received]:
        """Requests whose client went away before the answer: SendGrid got them, nobody got its answer."""
        with self.lock:
            return [r for r in self.requests if r.answered is False]


def _hung_up(connection: socket.socket) -> bool:
    """The client closed its end: a request is all sent, so a readable socket means end of file."""
    try:
        return connection.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def _handler(fake: FakeSendGrid) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            authorization = self.headers.get("Authorization", "")
            if self.path != "/v3/mail/send":
                status = 404
            elif authorization != f"Bearer {API_KEY}":
                status = 401
            else:
                status = fake._next_status(body["personalizations"][0]["to"][0]["email"])
            received = Received(self.path, authorization, body, None if status == TIMEOUT else status, time.monotonic())
            fake._arrived(received)
            # A timed-out request waits on its client alone; a held one on the hold too.
            hold = None if status == TIMEOUT else fake.held
            if status == TIMEOUT or hold is not None:
                watched = [self.connection] + ([hold] if hold is not None else [])
                readable, _, _ = select.select(watched, [], [], DEADLINE)
                if self.connection in readable and _hung_up(self.connection):
                    fake._finished(received, answered=False)
                    self.close_connection = True
                    return
            if status == TIMEOUT:
                status = received.status = fake.default_status
            # Recorded before the answer goes out: a worker that reads it may report the email
            # sent before this thread runs again, and the test then expects it recorded.
            fake._finished(received, answered=True)
            try:
                self._answer(status, len(fake.requests))
            except OSError:
                fake._finished(received, answered=False)
                raise

        def _answer(self, status: int, number: int) -> None:
            self.send_response(status)
            if status == 202:
                self.send_header("X-Message-Id", f"fake-{number}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            answer = json.dumps({"errors": [{"message": f"fake SendGrid says {status}", "field": None}]}).encode()
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
            self.wfile.flush()

        def log_message(self, *args) -> None:  # keep the test output quiet
            pass

    return Handler


@pytest.fixture(scope="session")
def sendgrid_server() -> Iterator[FakeSendGrid]:
    fake = FakeSendGrid()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def sendgrid(sendgrid_server, settings) -> FakeSendGrid:
    """Mail goes through django-sendgrid-v5 to the fake server; retries wait milliseconds, not seconds.

    python-http-client posts to SENDGRID_HOST_URL + "/v3" + "/mail/send".
    """
    sendgrid_server.reset()
    settings.EMAIL_BACKEND = "sendgrid_backend.SendgridBackend"
    settings.SENDGRID_API_KEY = API_KEY
    settings.SENDGRID_HOST_URL = sendgrid_server.url
    settings.SENDGRID_SANDBOX_MODE_IN_DEBUG = False
    settings.SITE_URL = "https://book.example.test"
    settings.OUTBOX_RETRY_BASE_SECONDS = 0.02  # 0.04, 0.08, 0.16, 0.32 s instead of 2, 4, 8, 16 s
    yield sendgrid_server
    sendgrid_server.reset()


# --- The Celery worker ----------------------------------------------------------------------------


def _check_broker_reachable() -> None:
    """With REDIS_URL set, Redis must answer: unreachable is a failure (in CI and out), never a skip."""
    url = celery_app.conf.broker_url
    if not url.startswith("redis"):
        return
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.exceptions.RedisError as exc:
        pytest.fail(f"REDIS_URL is set but Redis at {url} does not answer ({exc}); start it or unset REDIS_URL")


def _close_worker_db_connections(**_kwargs) -> None:
    # Runs in the worker's thread after each task: its connections must not outlive the test
    # (PostgreSQL refuses to drop the test database while a session is still open).
    connections.close_all()


def reset_producers() -> None:
    """Make the next publish connect to the current broker_url again."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def running_worker() -> Iterator[object]:
    """A worker thread consuming from celery_app's broker_url (as it is now); eager mode off meanwhile."""
    conf = celery_app.conf
    saved = {key: conf[key] for key in ("task_always_eager", "worker_hijack_root_logger", "broker_transport_options")}
    conf.task_always_eager = False
    conf.worker_hijack_root_logger = False  # keep pytest's log capture working
    if conf.broker_url.startswith("memory"):
        # The in-memory transport polls its queues, once a second by default.
        conf.broker_transport_options = {**conf.broker_transport_options, "polling_interval": 0.01}
    reset_producers()
    celery_app.control.purge()  # messages left by other tests' commits
    task_postrun.connect(_close_worker_db_connections, weak=False)
    task_postrun.connect(activity.bump, weak=False)  # wakes wait_for after every task the worker runs
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
            yield worker
    finally:
        task_postrun.disconnect(activity.bump)
        task_postrun.disconnect(_close_worker_db_connections)
        celery_app.control.purge()
        for key, value in saved.items():
            conf[key] = value
        reset_producers()


@pytest.fixture(scope="package")
def celery_worker_thread() -> Iterator[object]:
    """One worker for this package: starting and stopping one takes seconds (the in-memory
    transport's loop checks for shutdown every 2 s)."""
    _check_broker_reachable()
    with running_worker() as worker:
        yield worker


@pytest.fixture
def celery_worker(celery_worker_thread, transactional_db, sendgrid) -> object:
    """The worker, for a test whose commits it must see (transaction=True), with nothing queued
    by earlier tests. (A retry an earlier test left scheduled finds no row and does nothing.)"""
    celery_app.control.purge()
    return celery_worker_thread


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Tasks run in-process as they are queued, as with `make run` (no broker), even in CI."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Publish to (and start workers on) the broker at `url` meanwhile."""
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = url
    reset_producers()
    try:
        yield
    finally:
        celery_app.conf.broker_url = saved
        reset_producers()
        broker_outage.answered()  # what this process learnt of the other broker does not hold for this one


@pytest.fixture
def redis_url(private_redis):
    """For the app's processes (tests/processes.py): a private Redis as their broker; what the test
    itself queues goes there too, never runs in-process. Its URL."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        with broker_at(private_redis.url):
            yield private_redis.url
    finally:
        celery_app.conf.task_always_eager = eager


@contextmanager
def broker_down() -> Iterator[None]:
    """Publishing fails as when Redis is down: producers point at a closed port meanwhile."""
    with broker_at("redis://127.0.0.1:1/0"):
        yield


# --- A business that takes bookings ---------------------------------------------------------------


@pytest.fixture
def open_page(page, business):
    """Alice works 09:00-17:00 London time every day; no minimum notice."""
    page.minimum_notice_minutes = 0
    page.custom_message_client = "Lessons are at Riverside pool, lane 6.\nBring a towel."
    page.save()
    for weekday in range(7):
        WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=clock(9), end_time=clock(17))
    return page
