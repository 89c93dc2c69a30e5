"""Beat and a real Celery worker import the busy calendars (DESIGN.md 13): `celery beat` (every entry due
at start, tests/beat_at_start.py) queues the import, a `celery worker` subprocess fetches the .ics from
a real server on 127.0.0.1 and stores its busy time in the test database (rows committed: transaction=True)."""

from datetime import date, timedelta

import pytest

from bookingsite.businesses.models import BusinessBookingSettings
from tests.factories import BusyCalendarFactory
from tests.processes import app_environment, celery_beat, celery_worker, running, subprocess_database_url

from ..local_http import calendar, local_server

pytestmark = pytest.mark.django_db(transaction=True)


def test_beat_queues_the_import_and_a_worker_stores_the_busy_time(page, business, private_redis, tmp_path):
    day = date.today() + timedelta(days=3)
    body = "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT", "UID:e@test",
        "DTSTAMP:20260101T000000Z", f"DTSTART:{day:%Y%m%d}T090000Z", f"DTEND:{day:%Y%m%d}T100000Z",
        "END:VEVENT", "END:VCALENDAR", "",
    ])
    env = app_environment(
        database_url=subprocess_database_url(), redis_url=private_redis.url, CALENDAR_IMPORT_ALLOW_PRIVATE="true"
    )
    version = page.availability_version
    with local_server({"/me.ics": calendar(body)}) as server:
        busy = BusyCalendarFactory(business_profile=business, url=server.url("/me.ics"))
        worker = celery_worker(env, log=tmp_path / "worker.log")
        with running(worker):
            with running(celery_beat(env, log=tmp_path / "beat.log")) as beat:
                beat.wait_for_line("Sending due task import-busy-calendars (businesses.import_busy_calendars)")
                worker.wait_for_line(f"busy calendar {busy.pk}: 1 busy intervals", timeout=60)
        assert [path for _method, path, _body in server.requests] == ["/me.ics"]
    busy.refresh_from_db()
    assert busy.last_success_at is not None and busy.last_error == ""
    assert [(i.start_time_utc.date(), i.start_time_utc.hour) for i in busy.intervals.all()] == [(day, 9)]
    assert BusinessBookingSettings.objects.get(pk=page.pk).availability_version > version
