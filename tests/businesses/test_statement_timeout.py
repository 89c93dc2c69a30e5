"""A read never hangs a worker (DESIGN.md 8): on PostgreSQL every statement gives up after
DB_STATEMENT_TIMEOUT_SECONDS and the request answers 503 "busy" with Retry-After."""

import time as time_module

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client as HttpClient

from bookingsite.businesses.models import SessionCategory
from tests.locking import TableLockHolder

SHORT_TIMEOUT_SECONDS = 1


@pytest.fixture
def short_statement_timeout(monkeypatch):
    """The test's connection with a 1 s statement timeout, as settings would give it with
    DB_STATEMENT_TIMEOUT_SECONDS=1 (PostgreSQL only; SQLite has no such thing)."""
    if connection.vendor == "postgresql":
        connection.close()
        options = {**connection.settings_dict.get("OPTIONS", {}), "options": f"-c statement_timeout={SHORT_TIMEOUT_SECONDS}s"}
        monkeypatch.setitem(connection.settings_dict, "OPTIONS", options)
    yield
    connection.close()  # the next test connects with the settings' own timeout again


@pytest.mark.django_db
def test_postgresql_connections_carry_the_statement_timeout():
    if connection.vendor != "postgresql":
        assert "options" not in connection.settings_dict.get("OPTIONS", {})
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == f"{settings.DB_STATEMENT_TIMEOUT_SECONDS}s"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("url", ["/book/alices-aqua/{service}/", "/book/alices-aqua/services/"], ids=["page", "json"])
def test_a_public_read_stuck_behind_a_table_lock_answers_busy_not_a_hang(open_page, service, short_statement_timeout, url):
    with TableLockHolder(SessionCategory):
        started = time_module.monotonic()
        response = HttpClient().get(url.format(service=service.pk))
        waited = time_module.monotonic() - started
    if connection.vendor == "sqlite":
        assert response.status_code == 200  # SQLite's readers never wait for the writer
        return
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "took too long to answer" in response.content.decode()
    assert SHORT_TIMEOUT_SECONDS - 0.2 <= waited < SHORT_TIMEOUT_SECONDS + 5, waited
    if response["Content-Type"].startswith("text/html"):
        assert "X-Frame-Options" not in response  # a public page, shown inside the owner's site
        assert "frame-ancestors *" in response["Content-Security-Policy"]
    # Once the lock is gone, the same read answers.
    assert HttpClient().get(url.format(service=service.pk)).status_code == 200
