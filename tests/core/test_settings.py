"""With DEBUG off the site refuses to start half-configured, and starts secure when configured.

Each case starts a fresh Python, because settings are read once, at import.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_KEY = "k3J9-pQ2x_vL7mN4rT8wY1zA6bC5dE0fG2hI9jK3lM7nO4pSu5vW8xZ1aB4cD7eF0gH"  # 66 characters
SHOW_SECURITY = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({name: getattr(settings, name) for name in (
    "DEBUG", "ALLOWED_HOSTS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
    "SECURE_SSL_REDIRECT", "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS",
)}))
"""


def run_django(*argv: str, **env: str | None) -> subprocess.CompletedProcess:
    """`python *argv` (default: set Django up) in the project root with these variables; None removes one."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    # conftest.py allows async-unsafe ORM calls for Playwright; a deployment must not.
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        environment.pop(name, None)
    for name, value in env.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    command = [sys.executable, *(argv or ("-c", "import django; django.setup()"))]
    return subprocess.run(command, cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, timeout=60)


def test_refuses_to_start_without_secret_key():
    result = run_django(DEBUG="false")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("key", ["dev-only-insecure-key-do-not-use-in-production", "short-key-of-31-characters-1234"])
def test_refuses_the_development_or_a_short_secret_key(key):
    result = run_django(DEBUG="false", SECRET_KEY=key, ALLOWED_HOSTS="book.example.com")

    assert result.returncode != 0
    assert "Set SECRET_KEY to a long random value" in result.stderr


@pytest.mark.parametrize("hosts", [None, "", " , "], ids=["unset", "empty", "blank items"])
def test_refuses_to_start_without_allowed_hosts(hosts):
    result = run_django(DEBUG="false", SECRET_KEY=PRODUCTION_KEY, ALLOWED_HOSTS=hosts)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr
    assert "SECRET_KEY" not in result.stderr


def test_starts_secure_when_configured():
    hosts = "book.example.com, .book.example.com"
    result = run_django("-c", SHOW_SECURITY, DEBUG="false", SECRET_KEY=PRODUCTION_KEY, ALLOWED_HOSTS=hosts)

    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["DEBUG"] is False
    assert shown["ALLOWED_HOSTS"] == ["book.example.com", ".book.example.com"]
    assert shown["SESSION_COOKIE_SECURE"] is True
    assert shown["CSRF_COOKIE_SECURE"] is True
    assert shown["SECURE_HSTS_SECONDS"] > 0
    assert shown["SECURE_SSL_REDIRECT"] is True
    assert shown["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert shown["X_FRAME_OPTIONS"] == "DENY"


def test_deploy_checks_pass_when_configured():
    result = run_django(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="false", SECRET_KEY=PRODUCTION_KEY, ALLOWED_HOSTS="book.example.com",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("word", ["maybe", "2", "treu"])
def test_refuses_a_boolean_it_cannot_read(word):
    result = run_django(DEBUG=word)

    assert result.returncode != 0
    assert f"DEBUG must be true or false, not {word!r}" in result.stderr


@pytest.mark.parametrize("word", ["1", "TRUE", "yes", "On"])
def test_reads_the_usual_true_words(word):
    result = run_django("-c", SHOW_SECURITY, DEBUG=word)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["DEBUG"] is True


def test_debug_is_on_when_not_set():
    result = run_django("-c", SHOW_SECURITY)

    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["DEBUG"] is True
    assert shown["SESSION_COOKIE_SECURE"] is False


RATE_SETTINGS = ["RATELIMIT_PUBLIC_READ", "RATELIMIT_PUBLIC_WRITE", "RATELIMIT_LOGIN"]


def test_rate_limits_come_from_the_environment():
    result = run_django(
        "-c", "import django, json; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps([getattr(s, name) for name in {RATE_SETTINGS!r}]))",
        RATELIMIT_PUBLIC_READ="300/m", RATELIMIT_PUBLIC_WRITE="5/10m", RATELIMIT_LOGIN="20/h",
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == ["300/m", "5/10m", "20/h"]


@pytest.mark.parametrize("name, value", [
    ("RATELIMIT_PUBLIC_READ", "lots"), ("RATELIMIT_PUBLIC_WRITE", "120"), ("RATELIMIT_LOGIN", "10/minute"),
    ("RATELIMIT_LOGIN", ""),
])
def test_refuses_a_rate_limit_it_cannot_read(name, value):
    result = run_django(**{name: value})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{name} must be a rate like 600/m, not {value!r}" in result.stderr


def test_a_sqlite_database_url_locks_as_the_default_sqlite_does(tmp_path):
    """The tests' gunicorn and worker processes reach the test database by DATABASE_URL: on
    SQLite its writers must queue on BEGIN IMMEDIATE as the default database's do."""
    result = run_django(
        "-c", "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: str(v) for k, v in s.DATABASES['default'].items() if k in ('ENGINE', 'NAME', 'OPTIONS')}))",
        DATABASE_URL=f"sqlite:///{tmp_path}/shared.sqlite3",
    )

    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["ENGINE"] == "django.db.backends.sqlite3" and shown["NAME"] == f"{tmp_path}/shared.sqlite3"
    assert "'transaction_mode': 'IMMEDIATE'" in shown["OPTIONS"] and "journal_mode=WAL" in shown["OPTIONS"]
