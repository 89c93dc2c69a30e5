"""The benchmark's own PostgreSQL database and settings, made before Django starts.

The scratch database sits on the server of DATABASE_URL (else the local one) under its own
name, and is dropped and made again on every run, so no run sees another's rows.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
LOCAL_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
SCRATCH_NAME = "bookinglinks_bench"
LOCAL_REDIS = ("127.0.0.1", 6379)
# A Redis database of its own: the queued emails of the booking runs land there, not in a real queue.
BENCH_REDIS_DB = 13


def scratch_database_url(base_url: str | None) -> str:
    """The scratch database's URL: the server and login of base_url, the benchmark's name."""
    parts = urlsplit(base_url or LOCAL_SERVER)
    return urlunsplit(parts._replace(path=f"/{SCRATCH_NAME}"))


def recreate_database(url: str) -> None:
    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(SCRATCH_NAME)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(SCRATCH_NAME)))


def _redis_url() -> str | None:
    """REDIS_URL's server on the benchmark's database number, else the local Redis if it answers."""
    given = os.getenv("REDIS_URL")
    if given:
        return urlunsplit(urlsplit(given)._replace(path=f"/{BENCH_REDIS_DB}"))
    try:
        socket.create_connection(LOCAL_REDIS, timeout=0.5).close()
    except OSError:
        return None
    return f"redis://{LOCAL_REDIS[0]}:{LOCAL_REDIS[1]}/{BENCH_REDIS_DB}"


def prepare() -> dict[str, str]:
    """Make the scratch database and set the process's environment as production would have it."""
    database_url = scratch_database_url(os.getenv("DATABASE_URL"))
    recreate_database(database_url)
    settings = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        # Every request of the benchmark comes from one address: per-client limits would only measure 429s.
        "RATELIMIT_ENABLE": "false",
        "VAR_DIR": str(ROOT / "var" / "bench"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
    redis_url = _redis_url()
    if redis_url:
        settings["REDIS_URL"] = redis_url
    else:
        os.environ.pop("REDIS_URL", None)
    os.environ.update(settings)
    return settings


# BENCH_QUICK=true: every timed run a fraction as long, to try the benchmark out while changing it.
# Its figures are too few to compare or to record in docs/benchmarks.md.
QUICK = os.getenv("BENCH_QUICK", "").strip().lower() in ("1", "true", "yes", "on")


def scaled(full: int, quick: int) -> int:
    return quick if QUICK else full
