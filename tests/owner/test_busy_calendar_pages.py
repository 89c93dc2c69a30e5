"""/app/calendars/: adding, testing and removing busy calendars, and busy time on the owner's calendar."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from bookingsite.businesses.models import BusyCalendar
from tests.factories import BusyCalendarFactory, BusyIntervalFactory

from ..local_http import calendar, local_server

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def owner(client, alice, business, page):
    client.force_login(alice)
    return client


@pytest.fixture
def allow_private(settings):
    settings.CALENDAR_IMPORT_ALLOW_PRIVATE = True


def ics_with(*days: date) -> str:
    events = [
        "\r\n".join([
            "BEGIN:VEVENT", f"UID:{day}@test", "DTSTAMP:20260101T000000Z", f"DTSTART;TZID=Europe/London:{day:%Y%m%d}T090000",
            f"DTEND;TZID=Europe/London:{day:%Y%m%d}T103000", "SUMMARY:Dentist", "END:VEVENT",
        ])
        for day in days
    ]
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *events, "END:VCALENDAR", ""])


def test_the_page_lists_calendars_with_their_state(owner, business):
    BusyCalendarFactory(business_profile=business, name="Never read")
    read = BusyCalendarFactory(
        business_profile=business, name="Family", last_success_at=timezone.now() - timedelta(hours=2),
        last_fetched_at=timezone.now() - timedelta(minutes=3), last_error="The server took too long to answer.",
    )
    BusyIntervalFactory(calendar=read)

    response = owner.get(reverse("owner:busy-calendars"))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Never read" in text and "Not read yet." in text
    assert "1 busy time, read 2\xa0hours ago" in text
    assert "These busy times are old." in text
    assert "The last try, 3\xa0minutes ago, failed: The server took too long to answer." in text


def test_adding_a_calendar_checks_its_address(owner, business, allow_private):
    with local_server({"/me.ics": calendar(ics_with())}) as server:
        response = owner.post(reverse("owner:busy-calendars"), {"url": server.url("/me.ics"), "name": "Work"})
    assert response.status_code == 302
    added = BusyCalendar.objects.get()
    assert (added.business_profile, added.url, added.name, added.show_details) == (business, server.url("/me.ics"), "Work", False)


def test_webcal_addresses_are_read_as_https(owner, business, allow_private):
    response = owner.post(reverse("owner:busy-calendars"), {"url": "webcal://127.0.0.1:1/me.ics"})
    assert response.status_code == 302
    assert BusyCalendar.objects.get().url == "https://127.0.0.1:1/me.ics"


@pytest.mark.parametrize(
    "url, message",
    [
        ("ftp://calendar.example.com/me.ics", "must start with http:// or https://"),
        ("http://127.0.0.1:8000/me.ics", "private or local network address"),
        ("http://169.254.169.254/latest/meta-data", "private or local network address"),
        ("", "Paste the calendar’s iCal address."),
    ],
)
def test_a_bad_address_is_refused_clearly(owner, settings, url, message):
    settings.CALENDAR_IMPORT_ALLOW_PRIVATE = False
    response = owner.post(reverse("owner:busy-calendars"), {"url": url})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not BusyCalendar.objects.exists()


def test_test_now_reads_the_calendar_and_shows_what_it_read(owner, business, page, allow_private):
    business.timezone = "Asia/Tokyo"  # the times are shown in the business's zone, not the event's or the server's
    business.save()
    days = [date.today() + timedelta(days=n) for n in (2, 3, 4, 5, 6, 7)]
    with local_server({"/me.ics": calendar(ics_with(*days))}) as server:
        busy = BusyCalendarFactory(business_profile=business, url=server.url("/me.ics"), name="Family")
        response = owner.post(reverse("owner:busy-calendar-test", args=[busy.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "6 busy times</strong>" in text
    first = datetime.combine(days[0], time(9), LONDON).astimezone(ZoneInfo("Asia/Tokyo"))
    end = first + timedelta(minutes=90)
    assert f"{first:%a} {first.day} {first:%b}, {first:%H:%M} – {end:%H:%M}" in text
    assert text.count(f"– {end:%H:%M}") == 5  # the next five only
    assert "Dentist" not in text  # titles only when the owner opted in
    assert busy.intervals.count() == 6


def test_test_now_shows_an_error_and_keeps_the_last_good_copy(owner, business, allow_private):
    busy = BusyCalendarFactory(business_profile=business, last_success_at=timezone.now() - timedelta(hours=1))
    BusyIntervalFactory(calendar=busy)
    with local_server({"/me.ics": (200, {"Content-Type": "text/html"}, b"<!doctype html><p>Log in")}) as server:
        busy.url = server.url("/me.ics")
        busy.save()
        response = owner.post(reverse("owner:busy-calendar-test", args=[busy.pk]))
    text = response.content.decode()
    assert "It could not be read: This address does not answer with an iCalendar (.ics) file." in text
    assert "The busy times read 1\xa0hour ago are still used." in text
    assert busy.intervals.count() == 1


def test_details_can_be_shown_and_hidden(owner, business):
    busy = BusyCalendarFactory(business_profile=business)
    owner.post(reverse("owner:busy-calendar-details", args=[busy.pk]), {"show_details": "on"})
    busy.refresh_from_db()
    assert busy.show_details
    owner.post(reverse("owner:busy-calendar-details", args=[busy.pk]), {})
    busy.refresh_from_db()
    assert not busy.show_details


def test_removing_a_calendar(owner, business):
    busy = BusyCalendarFactory(business_profile=business)
    BusyIntervalFactory(calendar=busy)
    response = owner.post(reverse("owner:busy-calendar-remove", args=[busy.pk]))
    assert response.status_code == 302
    assert not BusyCalendar.objects.exists()


def test_the_calendar_shows_busy_time_greyed_and_labelled_busy(owner, business):
    start = datetime.combine(date.today() + timedelta(days=2), time(9), LONDON)
    BusyIntervalFactory(calendar__business_profile=business, start_time_utc=start,
                        end_time_utc=start + timedelta(hours=1), summary="Therapy")
    BusyIntervalFactory(calendar__business_profile=business, calendar__show_details=True,
                        start_time_utc=start + timedelta(hours=3), end_time_utc=start + timedelta(hours=4),
                        summary="School run")
    window = {"start": date.today().isoformat(), "end": (date.today() + timedelta(days=7)).isoformat()}

    events = owner.get(reverse("owner:calendar-events"), window).json()

    assert [(e["title"], e["start"], e["extendedProps"]["kind"]) for e in events] == [
        ("Busy", f"{start:%Y-%m-%d}T09:00:00", "busy"),
        ("Busy: School run", f"{start:%Y-%m-%d}T12:00:00", "busy"),
    ]
    assert events[0]["backgroundColor"] == "#e2e8f0"
    assert "Therapy" not in str(events)
    # Without JavaScript: the same in the two-week list.
    text = owner.get(reverse("owner:calendar"), {"date": start.date().isoformat()}).content.decode()
    assert ">Busy</span>" in text and "Busy: School run" in text and "Therapy" not in text
