"""Busy calendars imported from real .ics files on a local server, checked on the public availability (DESIGN.md 13)."""

import io
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from bookingsite.businesses.busy_import import busy_calendar_import, busy_calendar_remove
from bookingsite.businesses.models import BusinessBookingSettings, BusyInterval
from bookingsite.bookings.exceptions import SessionConflictError
from bookingsite.bookings.services import session_create_by_owner
from tests.factories import BusyCalendarFactory, BusyIntervalFactory, WorkingHoursFactory

from ..local_http import calendar, local_server

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def allow_private(settings):
    settings.CALENDAR_IMPORT_ALLOW_PRIVATE = True


@pytest.fixture
def studio(page, business, service, allow_private):
    """Alice works 09:00-17:00 London time every day, hour slots, no buffer or notice, a long horizon."""
    for weekday in range(7):
        WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(9), end_time=time(17))
    page.minimum_notice_minutes = 0
    page.booking_horizon_days = 400
    page.save()
    return page


def next_spring_forward(after: date) -> date:
    """The next Sunday London moves its clocks forward (the last Sunday of March) after `after`."""
    year = after.year
    while True:
        day = date(year, 3, 31)
        day -= timedelta(days=(day.weekday() - 6) % 7)
        if day > after:
            return day
        year += 1


def ics(*events: str) -> str:
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//busy//EN", *events, "END:VCALENDAR", ""])


def event(uid: str, *lines: str) -> str:
    return "\r\n".join(["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20260101T000000Z", *lines, "END:VEVENT"])


def stamp(day: date, hour: int, minute: int = 0) -> str:
    return f"{day:%Y%m%d}T{hour:02d}{minute:02d}00"


def offered_times(client, service, first: date, last: date) -> dict[date, list[str]]:
    """The public availability's start times per London date, as "HH:MM"."""
    response = client.get(
        "/book/alices-aqua/availability/",
        {"session_category_id": service.pk, "start_date": first, "end_date": last, "client_timezone": "Europe/London"},
    )
    assert response.status_code == 200
    return {
        date.fromisoformat(day["date"]): [slot["start_local"][11:16] for slot in day["slots"]]
        for day in response.json()["days"]
    }


ALL_DAY = [f"{hour:02d}:00" for hour in range(9, 17)]


def without(*times: str) -> list[str]:
    return [t for t in ALL_DAY if t not in times]


def test_weekly_event_with_exdate_and_a_moved_instance_across_dst_blocks_exactly_its_times(client, studio, business, service):
    change = next_spring_forward(date.today() + timedelta(days=21))
    first = change - timedelta(days=13)  # a Monday two weeks before the clocks change (GMT)
    second, third, fourth = (first + timedelta(weeks=n) for n in (1, 2, 3))  # third and fourth: BST
    body = ics(
        event(
            "weekly@test", f"DTSTART;TZID=Europe/London:{stamp(first, 10)}", f"DTEND;TZID=Europe/London:{stamp(first, 11)}",
            "RRULE:FREQ=WEEKLY;COUNT=4", f"EXDATE;TZID=Europe/London:{stamp(second, 10)}", "SUMMARY:Swim coaching course",
        ),
        event(
            "weekly@test", f"RECURRENCE-ID;TZID=Europe/London:{stamp(third, 10)}",
            f"DTSTART;TZID=Europe/London:{stamp(third, 14)}", f"DTEND;TZID=Europe/London:{stamp(third, 15, 30)}",
            "SUMMARY:Swim coaching course (moved)",
        ),
    )
    with local_server({"/me.ics": calendar(body)}) as server:
        busy = BusyCalendarFactory(business_profile=business, url=server.url("/me.ics"))
        result = busy_calendar_import(calendar=busy, now=timezone.now())

    assert result.ok, result.error
    assert len(result.read.intervals) == 3
    times = offered_times(client, service, first, fourth)
    assert times[first] == without("10:00")  # 10:00-11:00 GMT
    assert times[second] == ALL_DAY  # EXDATE: that week is off
    assert times[third] == without("14:00", "15:00")  # moved to 14:00-15:30 BST; 10:00 is free
    assert times[fourth] == without("10:00")  # 10:00 BST, i.e. 09:00 UTC: the zone's DST is followed
    assert busy.intervals.order_by("start_time_utc").first().start_time_utc == datetime.combine(first, time(10), UTC)


def test_all_day_transparent_and_cancelled_events(client, studio, business, service):
    day = date.today() + timedelta(days=5)
    other = day + timedelta(days=1)
    body = ics(
        event("holiday@test", f"DTSTART;VALUE=DATE:{day:%Y%m%d}", "SUMMARY:Holiday"),
        event("free@test", f"DTSTART:{stamp(other, 10)}Z", f"DTEND:{stamp(other, 11)}Z", "TRANSP:TRANSPARENT"),
        event("off@test", f"DTSTART;TZID=Europe/London:{stamp(other, 12)}", "DURATION:PT1H", "STATUS:CANCELLED"),
        event("floating@test", f"DTSTART:{stamp(other, 15)}", f"DTEND:{stamp(other, 16)}"),  # no zone: the business's
    )
    with local_server({"/me.ics": calendar(body)}) as server:
        busy = BusyCalendarFactory(business_profile=business, url=server.url("/me.ics"))
        assert busy_calendar_import(calendar=busy, now=timezone.now()).ok

    times = offered_times(client, service, day, other)
    assert times[day] == []  # the whole business date
    assert times[other] == without("15:00")
    whole_day = BusyInterval.objects.get(summary="Holiday")
    assert whole_day.start_time_utc == datetime.combine(day, time(), LONDON)
    assert whole_day.end_time_utc == datetime.combine(day + timedelta(days=1), time(), LONDON)


def test_a_broken_event_is_skipped_and_the_rest_imported(client, studio, business, service):
    day = date.today() + timedelta(days=3)
    body = ics(
        event("broken@test", "DTSTART:yesterday-ish", "RRULE:FREQ=SOMETIMES"),
        event("good@test", f"DTSTART;TZID=Europe/London:{stamp(day, 9)}", f"DTEND;TZID=Europe/London:{stamp(day, 10)}"),
    )
    with local_server({"/me.ics": calendar(body)}) as server:
        busy = BusyCalendarFactory(business_profile=business, url=server.url("/me.ics"))
        result = busy_calendar_import(calendar=busy, now=timezone.now())

    assert result.ok
    assert result.read.skipped_events == 1
    assert busy.intervals.count() == 1
    assert result.calendar.skipped_events == 1
    assert offered_times(client, service, day, day)[day] == without("09:00")


def test_the_buffer_keeps_clear_of_busy_time(client, studio, business, service):
    studio.global_buffer_time_minutes_between_sessions = 15
    studio.save()
    day = date.today() + timedelta(days=3)
    body = ics(event("e@test", f"DTSTART;TZID=Europe/London:{stamp(day, 12)}", f"DTEND;TZID=Europe/London:{stamp(day, 12, 30)}"))
    with local_server({"/me.ics": calendar(body)}) as server:
        busy = BusyCalendarFactory(business_profile=business, url=server.url("/me.ics"))
        assert busy_calendar_import(calendar=busy, now=timezone.now()).ok

    # Grid 09:00, 10:15, 11:30, 12:45, ...: 11:30-12:30 overlaps it, 12:45 starts 15 minutes after it ends.
    assert offered_times(client, service, day, day)[day] == ["09:00", "10:15", "12:45", "14:00", "15:15"]


def test_an_import_bumps_the_availability_version_and_a_failure_keeps_the_last_good_copy(studio, business):
    day = date.today() + timedelta(days=2)
    good = calendar(ics(event("e@test", f"DTSTART:{stamp(day, 9)}Z", f"DTEND:{stamp(day, 10)}Z")))
    with local_server({"/me.ics": good}) as server:
        busy = BusyCalendarFactory(business_profile=business, url=server.url("/me.ics"))
        version = studio.availability_version
        first_time = timezone.now()
        assert busy_calendar_import(calendar=busy, now=first_time).ok
        assert BusinessBookingSettings.objects.get(pk=studio.pk).availability_version == version + 1

        for answer, message in [
            ((500, {}, b"oops"), "HTTP status 500"),
            ((200, {"Content-Type": "text/html"}, b"<html>Sign in</html>"), "does not answer with an iCalendar"),
        ]:
            server.routes["/me.ics"] = answer
            later = first_time + timedelta(minutes=10)
            result = busy_calendar_import(calendar=busy, now=later)
            assert not result.ok
            assert message in result.error
            busy.refresh_from_db()
            assert message in busy.last_error
            assert busy.last_fetched_at == later
            assert busy.last_success_at == first_time  # the age the owner sees
            assert busy.intervals.count() == 1  # the last good copy is kept
    assert BusinessBookingSettings.objects.get(pk=studio.pk).availability_version == version + 1


def test_an_import_refused_for_a_private_address_says_so(settings, studio, business):
    settings.CALENDAR_IMPORT_ALLOW_PRIVATE = False
    with local_server({"/me.ics": calendar(ics())}) as server:
        busy = BusyCalendarFactory(business_profile=business, url=server.url("/me.ics"))
        result = busy_calendar_import(calendar=busy, now=timezone.now())
        assert server.requests == []
    assert "private or local network address" in result.error


def test_events_beyond_the_booking_horizon_are_not_stored(studio, business):
    studio.booking_horizon_days = 10
    studio.save()
    near, far = date.today() + timedelta(days=5), date.today() + timedelta(days=40)
    body = ics(*(event(f"{d}@test", f"DTSTART:{stamp(d, 9)}Z", f"DTEND:{stamp(d, 10)}Z") for d in (near, far)))
    with local_server({"/me.ics": calendar(body)}) as server:
        busy = BusyCalendarFactory(business_profile=business, url=server.url("/me.ics"))
        assert busy_calendar_import(calendar=busy, now=timezone.now()).ok
    assert [i.start_time_utc.date() for i in busy.intervals.all()] == [near]


def test_removing_a_calendar_frees_its_times(client, studio, business, service):
    day = date.today() + timedelta(days=2)
    with local_server({"/me.ics": calendar(ics(event("e@test", f"DTSTART;VALUE=DATE:{day:%Y%m%d}")))}) as server:
        busy = BusyCalendarFactory(business_profile=business, url=server.url("/me.ics"))
        assert busy_calendar_import(calendar=busy, now=timezone.now()).ok
    assert offered_times(client, service, day, day)[day] == []

    busy_calendar_remove(calendar=busy)

    assert offered_times(client, service, day, day)[day] == ALL_DAY
    assert not BusyInterval.objects.exists()


def test_the_management_command_fetches_every_calendar_once(studio, business, other_business):
    day = date.today() + timedelta(days=2)
    good = calendar(ics(event("e@test", f"DTSTART:{stamp(day, 9)}Z", f"DTEND:{stamp(day, 10)}Z")))
    with local_server({"/a.ics": good, "/b.ics": good}) as server:
        mine = BusyCalendarFactory(business_profile=business, url=server.url("/a.ics"))
        theirs = BusyCalendarFactory(business_profile=other_business, url=server.url("/b.ics"))
        broken = BusyCalendarFactory(business_profile=business, url=server.url("/missing.ics"))
        out = io.StringIO()
        call_command("import_busy_calendars", stdout=out)
        assert sorted(path for _method, path, _body in server.requests) == ["/a.ics", "/b.ics", "/missing.ics"]
    assert mine.intervals.count() == 1 and theirs.intervals.count() == 1
    assert BusyInterval.objects.get(calendar=theirs).business_profile == other_business
    broken.refresh_from_db()
    assert "HTTP status 404" in broken.last_error
    assert "3 calendars fetched, 1 failed." in out.getvalue()


def test_a_session_the_owner_adds_over_busy_time_names_the_clash(studio, business, service):
    start = datetime.combine(date.today() + timedelta(days=4), time(10), LONDON)
    BusyIntervalFactory(calendar__business_profile=business, start_time_utc=start, end_time_utc=start + timedelta(hours=2))
    with pytest.raises(SessionConflictError, match="busy time from your calendar"):
        session_create_by_owner(service=service, start_time_utc=start + timedelta(hours=1))
    assert session_create_by_owner(service=service, start_time_utc=start + timedelta(hours=2)).pk
