"""The app's real processes for the fault tests: gunicorn, `celery worker` and `celery beat` subprocesses.

They run on a Redis of the test's own (tests/private_redis.py), so their queue and cache are
theirs alone: the notifications tests' in-thread worker consumes REDIS_URL's queue.

A subprocess reaches the test database by DATABASE_URL (`subprocess_database_url`): under
pytest-django that is test_<name> on PostgreSQL, the var/test-<pid>.sqlite3 file on SQLite, and
a transaction=True test commits its rows, so the subprocess sees them. Every wait here ends on
an event (a line the process prints, a connection the kernel queues), never on a timer.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlunsplit

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30.0  # seconds; only reached when a process cannot start, and then the test fails
STOP_TIMEOUT = 30.0
# Variables of the test run that must not leak into the app's processes: each test says what they get.
NOT_INHERITED = (
    "DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SENDGRID_API_KEY", "SENDGRID_HOST_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE", "VAR_DIR", "RATELIMIT_ENABLE",
)


def subprocess_database_url() -> str:
    """DATABASE_URL for a subprocess to use the database this test is using."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(settings["NAME"])
        if name == ":memory:" or name.startswith("file:"):
            pytest.fail(f"the SQLite test database {name!r} is not a file another process can open")
        return f"sqlite:///{Path(name).resolve()}"
    if connection.vendor != "postgresql":
        pytest.fail(f"no DATABASE_URL for a {connection.vendor} database")
    login = quote(settings["USER"] or "", safe="")
    if settings["PASSWORD"]:
        login += ":" + quote(settings["PASSWORD"], safe="")
    netloc = f"{login}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    return urlunsplit(("postgres", netloc, "/" + quote(settings["NAME"]), "", ""))


def app_environment(*, database_url: str, redis_url: str, **variables: str) -> dict[str, str]:
    """The environment of an app process: this database and Redis, these variables, and nothing
    of the test run's own settings."""
    environment = {name: value for name, value in os.environ.items() if name not in NOT_INHERITED}
    return environment | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PYTHONUNBUFFERED": "1",  # each line reaches the test as it is printed
    } | variables


class AppProcess:
    """A subprocess whose output goes to `log`, line by line; each line also calls `on_output()`.

    Its lines are the events a test can wait on (a worker logs every task it finishes); the log
    says what happened when a test fails.
    """

    def __init__(self, command: list[str], *, env: dict[str, str], log: Path,
                 on_output: Callable[[], None] | None = None, pass_fds: tuple[int, ...] = ()):
        self.log = log
        self.lines: list[str] = []
        self._on_output = on_output
        self._seen = threading.Condition()
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, pass_fds=pass_fds,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        with self.log.open("a") as log:
            for line in self.process.stdout:
                log.write(line)
                log.flush()
                with self._seen:
                    self.lines.append(line)
                    self._seen.notify_all()
                if self._on_output is not None:
                    self._on_output()
        with self._seen:
            self._seen.notify_all()  # the process has ended: nobody waits for a line any more

    def wait_for_line(self, text: str, timeout: float = START_TIMEOUT) -> str:
        """The first line containing `text`, once printed; fail when the process ends or the time runs out."""
        deadline = time.monotonic() + timeout
        with self._seen:
            while True:
                found = next((line for line in self.lines if text in line), None)
                if found is not None:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (self.process.poll() is not None and not self._reader.is_alive()):
                    pytest.fail(f"{self.log.name}: no line with {text!r}; it printed:\n{self.output()}")
                self._seen.wait(remaining)

    def output(self) -> str:
        with self._seen:
            return "".join(self.lines[-60:])

    def kill(self) -> None:
        """SIGKILL, as the kernel's OOM killer or a lost machine does: nothing runs after it."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(STOP_TIMEOUT)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.kill()
        self._reader.join(STOP_TIMEOUT)


@contextmanager
def running(process: AppProcess) -> Iterator[AppProcess]:
    try:
        yield process
    finally:
        process.stop()


def celery_worker(env: dict[str, str], *, log: Path, on_output: Callable[[], None] | None = None,
                  clock_ahead_seconds: float = 0) -> AppProcess:
    """`celery -A config worker` in one process (the solo pool: the process that sends is the one
    a SIGKILL ends), logging every task it receives and finishes. With `clock_ahead_seconds`, its
    clock runs that far ahead of the test's (tests/clock_ahead.py)."""
    launcher = ["-m", "tests.clock_ahead", str(clock_ahead_seconds), "celery"] if clock_ahead_seconds else ["-m", "celery"]
    command = [sys.executable, *launcher, "-A", "config", "worker", "--pool", "solo", "--concurrency", "1", "--loglevel", "INFO",
               "--without-heartbeat", "--without-gossip", "--without-mingle", "--hostname", f"{log.stem}@%h"]
    return AppProcess(command, env=env, log=log, on_output=on_output)


def gunicorn(env: dict[str, str], *, log: Path, workers: int = 2) -> tuple[AppProcess, str]:
    """gunicorn serving config.wsgi on a socket the test binds and hands over; (process, base URL).

    The socket listens before gunicorn starts, so a request sent while it boots waits in the
    kernel's queue for the first worker: nothing polls for the server to come up. `--preload`
    loads the app once, so every worker is ready as soon as it is forked.
    """
    listener = socket.create_server(("127.0.0.1", 0), backlog=256)
    try:
        fd = listener.fileno()
        command = [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi", "--bind", f"fd://{fd}",
                   "--workers", str(workers), "--preload", "--log-level", "warning", "--graceful-timeout", "5"]
        process = AppProcess(command, env=env, log=log, pass_fds=(fd,))
        return process, f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()  # gunicorn holds its own copy


def celery_beat(env: dict[str, str], *, log: Path, on_output: Callable[[], None] | None = None) -> AppProcess:
    """`celery -A config beat` with the project's schedule, every entry due as it starts
    (tests/beat_at_start.py), logging each task it sends ("Sending due task <name>")."""
    command = [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO",
               "--scheduler", "tests.beat_at_start:DueAtStartScheduler"]
    return AppProcess(command, env=env, log=log, on_output=on_output)
