"""The owner's calendar: the page (with its no-JavaScript list), the events feed, and sessions added by hand.

The feed sends the business's wall-clock times without an offset (FullCalendar runs in UTC to show
them unchanged), so a 10:00 London session reads "T10:00:00" in summer and in winter alike.
"""

from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bookingsite.bookings.models import Booking, Session
from bookingsite.bookings.selectors import availability
from bookingsite.bookings.services import booking_create
from tests.factories import (
    BookingFactory, ClientFactory, ExceptionDateFactory, ServiceFactory, SessionFactory, WorkingHoursFactory,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
EVENTS = "/app/calendar/events/"
HOURS = "/app/calendar/hours/"
NEW_SESSION = "/app/calendar/sessions/new/"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def owner(client, alice, page):
    client.force_login(alice)
    return client


@pytest.fixture
def open_every_day(business, page):
    for weekday in range(7):
        WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(9), end_time=time(17))


@pytest.fixture
def day() -> date:
    """A day a week ahead: inside the 60-day horizon, and no DST change in London between."""
    return timezone.now().astimezone(LONDON).date() + timedelta(days=7)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON).astimezone(UTC)


def session_at(business, service, start: datetime, **fields) -> Session:
    return SessionFactory(
        business_profile=business, session_category=service, start_time_utc=start,
        end_time_utc=start + timedelta(minutes=service.duration_minutes), **fields,
    )


def feed(owner, start: str, end: str):
    return owner.get(EVENTS, {"start": start, "end": end})


# --- access -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", "/app/calendar/"), ("get", f"{EVENTS}?start=2031-07-01&end=2031-07-08"),
     ("get", f"{HOURS}?start=2031-07-01&end=2031-07-08"), ("post", NEW_SESSION)],
)
def test_anonymous_visitor_is_sent_to_log_in(client, db, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


# --- the page -------------------------------------------------------------------------------


def test_page_loads_fullcalendar_and_lists_the_weeks_without_javascript(owner, business, service):
    session_at(business, service, at(date(2031, 7, 10), 10))
    response = owner.get("/app/calendar/", {"date": "2031-07-10"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "vendor/fullcalendar-6.1.21.global.min" in body and "js/calendar" in body
    assert 'data-date="2031-07-10"' in body
    assert 'data-zone="Europe/London"' in body
    noscript = body[body.index("<noscript>"): body.index("</noscript>")]
    assert "Thursday 10 July" in noscript
    assert "10:00–11:00" in noscript and "Private lesson · 0/1 booked" in noscript
    assert "?date=2031-06-23" in noscript and "?date=2031-07-21" in noscript  # two weeks either way


def test_other_pages_do_not_load_fullcalendar(owner):
    assert b"fullcalendar" not in owner.get("/app/bookings/").content


def test_page_with_a_bad_date_shows_today(owner):
    response = owner.get("/app/calendar/", {"date": "2031-02-30"})
    assert response.status_code == 200
    assert response.context["shown"] == timezone.now().astimezone(LONDON).date()


def test_page_offers_only_this_business_current_services(owner, business, service, other_business):
    ServiceFactory(business_profile=business, name="Old class", is_archived=True)
    ServiceFactory(business_profile=other_business, name="Their class")
    offered = list(owner.get("/app/calendar/").context["form"].fields["service"].queryset)
    assert offered == [service]


# --- the events feed ------------------------------------------------------------------------


def test_feed_shape_for_a_session_and_a_pending_request(owner, business, service):
    booking = BookingFactory(
        business_profile=business, session_category=service, start_time_utc=at(date(2031, 7, 10), 10),
        client=ClientFactory(business_profile=business, name="Ann Archer"), client_name="Ann Archer",
    )
    session = session_at(business, service, booking.start_time_utc)
    booking.session = session
    booking.save()
    pending = BookingFactory(
        business_profile=business, session_category=service, start_time_utc=at(date(2031, 7, 11), 14),
        status=Booking.Status.PENDING_APPROVAL, pending_request_expires_at=timezone.now() + timedelta(hours=5),
        client=ClientFactory(business_profile=business, name="Pat Pending"), client_name="Pat Pending",
    )
    response = feed(owner, "2031-07-07T00:00:00Z", "2031-07-14T00:00:00Z")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    first, second = response.json()
    assert first == {
        "id": f"session-{session.pk}",
        "title": "Private lesson · Ann Archer",  # a one-to-one session: its client's name
        "start": "2031-07-10T10:00:00",
        "end": "2031-07-10T11:00:00",
        "url": f"/app/bookings/{booking.pk}/",
        "backgroundColor": first["backgroundColor"],
        "borderColor": first["backgroundColor"],
        "textColor": "#ffffff",
        "classNames": ["fk-session"],
        "extendedProps": {
            "kind": "session", "service_id": service.pk, "service": "Private lesson", "client": "Ann Archer",
            "taken": 1, "capacity": 1, "created_by_owner": False, "description": "Private lesson with Ann Archer",
            "waiting": 0, "waitlist_url": "", "waitlist_label": "",
            "add_client_url": "", "add_client_label": "",  # a full session takes no client
        },
    }
    assert second["title"] == "Pending: Pat Pending"
    assert second["extendedProps"]["description"] == "Request from Pat Pending for Private lesson, waiting for your answer"
    assert second["extendedProps"]["kind"] == "pending"
    assert (second["start"], second["end"]) == ("2031-07-11T14:00:00", "2031-07-11T15:00:00")
    assert second["url"] == f"/app/bookings/{pending.pk}/"
    assert second["classNames"] == ["fk-pending"]
    assert second["backgroundColor"] != first["backgroundColor"]  # amber, never a service colour


def test_a_group_session_links_to_its_bookings_that_day(owner, business):
    group = ServiceFactory(business_profile=business, name="Group swim", capacity=4)
    start = at(date(2031, 7, 10), 18)
    session = session_at(business, group, start)
    for _ in range(2):
        BookingFactory(business_profile=business, session_category=group, start_time_utc=start, session=session)
    BookingFactory(
        business_profile=business, session_category=group, start_time_utc=start, session=session,
        status=Booking.Status.CANCELLED_BY_CLIENT,
    )
    extra = ClientFactory(business_profile=business)
    session.attendees.add(extra)  # added by hand, no booking: takes a place too
    [event] = feed(owner, "2031-07-07", "2031-07-14").json()
    assert event["title"] == "Group swim · 3/4 booked"  # filled places, never a name, on a group session
    assert event["extendedProps"]["client"] == ""
    assert event["extendedProps"]["description"] == "Group swim, 3 of 4 places booked"
    url = urlsplit(event["url"])
    assert url.path == "/app/bookings/"
    assert parse_qs(url.query) == {"service": [str(group.pk)], "date_from": ["2031-07-10"], "date_to": ["2031-07-10"]}


def test_feed_holds_only_this_business(owner, business, service, other_business):
    theirs = ServiceFactory(business_profile=other_business, name="Their class")
    session_at(other_business, theirs, at(date(2031, 7, 10), 10))
    BookingFactory(
        business_profile=other_business, session_category=theirs, start_time_utc=at(date(2031, 7, 10), 12),
        status=Booking.Status.PENDING_APPROVAL,
    )
    session_at(business, service, at(date(2031, 7, 10), 14))
    events = feed(owner, "2031-07-07", "2031-07-14").json()
    assert [event["extendedProps"]["service"] for event in events] == ["Private lesson"]


def test_expired_and_answered_requests_are_not_shown(owner, business, service):
    start = at(date(2031, 7, 10), 10)
    BookingFactory(business_profile=business, session_category=service, start_time_utc=start,
                   status=Booking.Status.PENDING_APPROVAL, pending_request_expires_at=timezone.now() - timedelta(minutes=1))
    BookingFactory(business_profile=business, session_category=service, start_time_utc=start, status=Booking.Status.REJECTED)
    assert feed(owner, "2031-07-07", "2031-07-14").json() == []


def test_business_wall_clock_on_both_sides_of_dst(owner, business, service):
    """10:00 in London is 09:00 UTC in July and 10:00 UTC in December; both show as 10:00."""
    summer, winter = at(date(2031, 7, 10), 10), at(date(2031, 12, 11), 10)
    assert (summer.hour, winter.hour) == (9, 10)
    session_at(business, service, summer)
    session_at(business, service, winter)
    [july] = feed(owner, "2031-07-07T00:00:00Z", "2031-07-14T00:00:00Z").json()
    [december] = feed(owner, "2031-12-08T00:00:00Z", "2031-12-15T00:00:00Z").json()
    assert (july["start"], july["end"]) == ("2031-07-10T10:00:00", "2031-07-10T11:00:00")
    assert (december["start"], december["end"]) == ("2031-12-11T10:00:00", "2031-12-11T11:00:00")


def test_one_range_across_the_clocks_going_back(owner, business, service):
    # London leaves BST on Sunday 26 October 2031.
    session_at(business, service, at(date(2031, 10, 23), 10))
    session_at(business, service, at(date(2031, 10, 30), 10))
    events = feed(owner, "2031-10-20T00:00:00Z", "2031-11-03T00:00:00Z").json()
    assert [event["start"] for event in events] == ["2031-10-23T10:00:00", "2031-10-30T10:00:00"]


def test_range_edges_are_business_midnights(owner, business, service):
    """A 00:30 London session in July (23:30 UTC the day before) belongs to the day it shows on."""
    session_at(business, service, at(date(2031, 7, 14), 0, 30))
    assert feed(owner, "2031-07-07T00:00:00Z", "2031-07-14T00:00:00Z").json() == []
    [event] = feed(owner, "2031-07-14T00:00:00Z", "2031-07-21T00:00:00Z").json()
    assert event["start"] == "2031-07-14T00:30:00"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "start"),
        ({"start": "2031-07-07"}, "end"),
        ({"start": "yesterday", "end": "2031-07-14"}, "start"),
        ({"start": "2031-07-07", "end": "2031-07-32"}, "end"),
        ({"start": "2031-07-14", "end": "2031-07-07"}, "end"),
        ({"start": "2031-07-01", "end": "2031-09-02"}, "end"),  # 63 days
        ({"start": "0001-01-01", "end": "0001-01-08"}, "start"),
    ],
)
def test_bad_ranges_answer_400_json(owner, query, field):
    response = owner.get(EVENTS, query)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_62_days_is_the_most(owner):
    assert feed(owner, "2031-07-01T00:00:00Z", "2031-09-01T00:00:00Z").status_code == 200


def test_a_hand_added_session_is_marked_and_a_booked_one_is_not(owner, business, service):
    group = ServiceFactory(business_profile=business, name="Group swim", capacity=8)
    added = session_at(business, group, at(date(2031, 7, 10), 10), created_by_owner=True)
    for _ in range(3):
        BookingFactory(business_profile=business, session_category=group, start_time_utc=added.start_time_utc, session=added)
    session_at(business, service, at(date(2031, 7, 10), 14))
    hand, booked = feed(owner, "2031-07-07", "2031-07-14").json()
    assert hand["title"] == "Group swim · 3/8 booked"
    assert hand["classNames"] == ["fk-session", "fk-hand-added"]
    assert hand["display"] == "block"  # a box with its stripes in the month view, not a dot
    assert hand["extendedProps"]["created_by_owner"] is True
    assert hand["extendedProps"]["description"] == "Group swim, 3 of 8 places booked (added by you on the calendar)"
    assert booked["classNames"] == ["fk-session"] and "display" not in booked
    assert booked["extendedProps"]["created_by_owner"] is False


def test_a_past_one_to_one_session_keeps_its_clients_name(owner, business, service):
    start = timezone.now() - timedelta(days=2)
    session = session_at(business, service, start)
    BookingFactory(business_profile=business, session_category=service, start_time_utc=start, session=session,
                   status=Booking.Status.COMPLETED, client=ClientFactory(business_profile=business, name="Cleo Past"),
                   client_name="Cleo Past")
    day = start.astimezone(LONDON).date()
    [event] = feed(owner, day.isoformat(), (day + timedelta(days=1)).isoformat()).json()
    assert event["title"] == "Private lesson · Cleo Past"


# --- the hours feed: each date's shading and note ---------------------------------------------


def hours(owner, start: str, end: str) -> list[dict]:
    response = owner.get(HOURS, {"start": start, "end": end})
    assert response.status_code == 200
    return response.json()


def shading_on(events: list[dict], day: str) -> list[tuple[str, str]]:
    """The background events starting on `day`, as (start, end) wall-clock times."""
    return [(event["start"][11:16], event["end"][11:16])
            for event in events if event.get("display") == "background" and event["start"].startswith(day)]


def notes(events: list[dict]) -> dict[str, str]:
    return {event["start"]: event["title"] for event in events if "fk-day-note" in event["classNames"]}


def test_hours_feed_shades_outside_each_dates_blocks(owner, business):
    """Monday 7 July 2031 has two blocks; Sunday none (not working); the rest 09:00–17:00."""
    for weekday in range(6):
        end = time(12) if weekday == 0 else time(17)
        WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(9), end_time=end)
    WorkingHoursFactory(business_profile=business, weekday=0, start_time=time(14), end_time=time(18))
    events = hours(owner, "2031-07-07T00:00:00Z", "2031-07-14T00:00:00Z")
    assert shading_on(events, "2031-07-07") == [("00:00", "09:00"), ("12:00", "14:00"), ("18:00", "00:00")]
    assert shading_on(events, "2031-07-08") == [("00:00", "09:00"), ("17:00", "00:00")]
    assert shading_on(events, "2031-07-13") == [("00:00", "00:00")]  # the whole Sunday
    [evening] = [event for event in events if event["start"] == "2031-07-08T17:00:00"]
    assert evening == {"start": "2031-07-08T17:00:00", "end": "2031-07-09T00:00:00", "display": "background",
                       "classNames": ["fk-off-hours"]}
    assert notes(events) == {"2031-07-13": "Not working"}
    assert {event["start"][:10] for event in events} == {f"2031-07-{day:02d}" for day in range(7, 14)}  # not the 14th


def test_hours_feed_follows_exception_dates(owner, business, open_every_day):
    ExceptionDateFactory(business_profile=business, date=date(2031, 7, 9))  # closed
    ExceptionDateFactory(business_profile=business, date=date(2031, 7, 10), start_time=time(18), end_time=time(21))
    events = hours(owner, "2031-07-07", "2031-07-14")
    assert shading_on(events, "2031-07-09") == [("00:00", "00:00")]
    # The changed hours replace the weekday's 09:00–17:00 (the engine's blocks_on), evening open.
    assert shading_on(events, "2031-07-10") == [("00:00", "18:00"), ("21:00", "00:00")]
    assert all("fk-exception" in event["classNames"] for event in events if event["start"][:10] in {"2031-07-09", "2031-07-10"})
    assert not any("fk-exception" in event["classNames"] for event in events if event["start"][:10] == "2031-07-08")
    assert notes(events) == {"2031-07-09": "Day off", "2031-07-10": "Changed hours: 18:00–21:00"}
    [changed] = [event for event in events if event["start"] == "2031-07-10"]
    assert changed["allDay"] is True and changed["end"] == "2031-07-11"
    assert changed["extendedProps"] == {"kind": "day", "description": "Changed hours: 18:00–21:00"}


def test_hours_feed_dates_are_the_business_dates_across_the_clocks_going_back(owner, business, open_every_day):
    events = hours(owner, "2031-10-25T00:00:00Z", "2031-10-27T00:00:00Z")  # London leaves BST on the 26th
    assert shading_on(events, "2031-10-26") == [("00:00", "09:00"), ("17:00", "00:00")]
    assert {event["start"][:10] for event in events} == {"2031-10-25", "2031-10-26"}


def test_hours_feed_holds_only_this_business(owner, business, other_business, open_every_day):
    for weekday in range(7):
        WorkingHoursFactory(business_profile=other_business, weekday=weekday, start_time=time(6), end_time=time(7))
    ExceptionDateFactory(business_profile=other_business, date=date(2031, 7, 9))
    events = hours(owner, "2031-07-07", "2031-07-14")
    assert notes(events) == {}
    assert shading_on(events, "2031-07-09") == [("00:00", "09:00"), ("17:00", "00:00")]


def test_hours_feed_refuses_a_bad_range(owner):
    response = owner.get(HOURS, {"start": "2031-07-14", "end": "2031-07-07"})
    assert response.status_code == 400
    assert "end" in response.json()["errors"]


# --- the page without JavaScript: day, two weeks, month -----------------------------------------


def noscript_of(response) -> str:
    body = response.content.decode()
    return body[body.index("<noscript>"): body.index("</noscript>")]


@pytest.mark.parametrize("view", ["day", "timeGridDay"])
def test_day_view_without_javascript_lists_that_day_only(owner, business, service, open_every_day, view):
    group = ServiceFactory(business_profile=business, name="Group swim", capacity=8)
    session_at(business, group, at(date(2031, 7, 10), 8), created_by_owner=True)
    session_at(business, service, at(date(2031, 7, 11), 10))  # the next day: not listed
    response = owner.get("/app/calendar/", {"view": view, "date": "2031-07-10"})
    assert response.context["view"] == "timeGridDay"
    assert 'data-view="timeGridDay"' in response.content.decode()
    noscript = noscript_of(response)
    assert "Thursday, 10 July 2031" in noscript and "Working hours: 09:00–17:00" in noscript
    assert "08:00–09:00" in noscript and "Group swim · 0/8 booked" in noscript and "Added by you" in noscript
    assert "Private lesson" not in noscript and "Friday" not in noscript
    assert "?view=timeGridDay&amp;date=2031-07-09" in noscript and "?view=timeGridDay&amp;date=2031-07-11" in noscript
    assert '?view=day&amp;date=2031-07-10" aria-current="page"' in noscript
    assert '?date=2031-07-10">' in noscript and "?view=month&amp;date=2031-07-10" in noscript  # the other views


def test_an_empty_day_off_says_so_without_javascript(owner, business, open_every_day):
    ExceptionDateFactory(business_profile=business, date=date(2031, 7, 10))
    noscript = noscript_of(owner.get("/app/calendar/", {"view": "day", "date": "2031-07-10"}))
    assert "Day off" in noscript and "Nothing booked." in noscript and "Working hours" not in noscript


def test_two_weeks_without_javascript_name_exception_dates_and_link_each_day(owner, business, service, open_every_day):
    session_at(business, service, at(date(2031, 7, 10), 10))
    ExceptionDateFactory(business_profile=business, date=date(2031, 7, 15), start_time=time(10), end_time=time(13))
    noscript = noscript_of(owner.get("/app/calendar/", {"date": "2031-07-10"}))
    assert "Changed hours: 10:00–13:00" in noscript
    assert '<a class="underline-offset-2 hover:underline" href="/app/calendar/?view=day&amp;date=2031-07-10">' in noscript
    assert "Wednesday 9 July" not in noscript  # a plain day with nothing on it is left out


def test_month_without_javascript_lists_the_month(owner, business, service):
    session_at(business, service, at(date(2031, 7, 1), 10))
    session_at(business, service, at(date(2031, 7, 31), 10))
    session_at(business, service, at(date(2031, 8, 1), 10))
    response = owner.get("/app/calendar/", {"view": "month", "date": "2031-07-10"})
    assert (response.context["agenda_first"], response.context["agenda_last"]) == (date(2031, 7, 1), date(2031, 7, 31))
    noscript = noscript_of(response)
    assert "Tuesday 1 July" in noscript and "Thursday 31 July" in noscript and "Friday 1 August" not in noscript
    assert "?view=dayGridMonth&amp;date=2031-06-01" in noscript and "?view=dayGridMonth&amp;date=2031-08-01" in noscript


@pytest.mark.parametrize(("accept", "timezone", "clock", "locale", "first_day", "hour12"), [
    ("en-US", "Europe/London", "auto", "en-US", "0", "true"),  # US English: Sunday, 12-hour
    ("", "America/New_York", "auto", "en-US", "0", "true"),  # no region from the browser: the business's zone's
    ("en-GB", "America/New_York", "auto", "en-GB", "1", "false"),
    ("en-US", "Europe/London", "24h", "en-US", "0", "false"),  # the business's clock, forced
    ("", "Europe/London", "12h", "en-GB", "1", "true"),  # British dates (plain "en" would be American)
])
def test_the_calendar_s_week_and_clock_follow_the_owner_s_locale_and_the_business_s_clock(
    owner, business, accept, timezone, clock, locale, first_day, hour12
):
    business.timezone, business.clock = timezone, clock
    business.save()

    body = owner.get("/app/calendar/", headers={"Accept-Language": accept} if accept else {}).content.decode()

    assert f'data-first-day="{first_day}"' in body and f'data-hour12="{hour12}"' in body
    assert f'data-locale="{locale}"' in body


def test_the_page_gives_fullcalendar_its_words_week_start_and_clock(owner):
    body = owner.get("/app/calendar/").content.decode()
    assert 'data-first-day="1"' in body and 'data-hour12="false"' in body  # Monday, 24-hour: calendar_conventions
    assert 'data-hours-url="/app/calendar/hours/"' in body
    texts = body[body.index('id="calendar-texts"'):]
    texts = texts[: texts.index("</div>")]
    for attribute in ['data-today="Today"', 'data-day="Day"', 'data-all-day="All day"', 'data-more-one="+{n} more"',
                      'data-more-hint-other="Show {n} more events"', 'data-previous-day="Previous day"',
                      'data-hand-added="Added by you"']:
        assert attribute in texts


# --- adding a session by hand -------------------------------------------------------------------


def test_added_session_blocks_the_time_for_other_services(owner, business, page, service, open_every_day, day):
    other = ServiceFactory(business_profile=business, name="Aqua fit", duration_minutes=30)

    def aqua_fit_starts():
        days = availability.availability_days(
            page=page, service=other, client_timezone="Europe/London", start_date=day, end_date=day, now=timezone.now()
        )
        return [slot.start_utc for slot in days[0].slots]

    assert at(day, 10, 30) in aqua_fit_starts()
    response = owner.post(NEW_SESSION, {"service": service.pk, "date": day.isoformat(), "start_time": "10:00"})
    assert response.status_code == 302
    assert response["Location"] == f"/app/calendar/?date={day.isoformat()}"
    session = Session.objects.get(business_profile=business)
    assert session.created_by_owner
    assert (session.session_category, session.start_time_utc, session.end_time_utc) == (service, at(day, 10), at(day, 11))
    starts = aqua_fit_starts()
    assert at(day, 10) not in starts and at(day, 10, 30) not in starts
    assert at(day, 11) in starts
    shown = owner.get(response["Location"])
    assert any("Added Private lesson" in str(m) for m in shown.context["messages"])


def test_session_over_a_confirmed_booking_is_refused_naming_it(owner, business, service, open_every_day, day):
    booking_create(
        service=service, start_time_utc=at(day, 10), client_name="Cara", client_email="cara@example.com",
        client_timezone="Europe/London",
    )
    other = ServiceFactory(business_profile=business, name="Aqua fit", duration_minutes=30)
    sessions = Session.objects.count()
    response = owner.post(NEW_SESSION, {"service": other.pk, "date": day.isoformat(), "start_time": "10:30"})
    assert response.status_code == 400
    errors = " ".join(response.context["form"].non_field_errors())
    assert "Private lesson" in errors and "10:00–11:00" in errors
    assert "Private lesson 10:00–11:00" in response.content.decode()
    assert Session.objects.count() == sessions
    assert not Session.objects.filter(created_by_owner=True).exists()


def test_a_time_the_clocks_skip_is_refused(owner, service):
    # 01:30 on Sunday 30 March 2031 does not exist in London.
    response = owner.post(NEW_SESSION, {"service": service.pk, "date": "2031-03-30", "start_time": "01:30"})
    assert response.status_code == 400
    assert "does not exist" in str(response.context["form"].errors["start_time"])
    assert not Session.objects.exists()


def test_an_ambiguous_time_asks_which_of_the_two_is_meant(owner, business, service):
    # 01:30 on Sunday 26 October 2031 happens twice in London: in BST (00:30 UTC), then GMT (01:30 UTC).
    asked = {"service": service.pk, "date": "2031-10-26", "start_time": "01:30"}

    response = owner.post(NEW_SESSION, asked)

    assert response.status_code == 400
    assert "01:30 happens twice on Sun 26 Oct: the clocks go back an hour." in str(response.context["form"].errors["start_time"])
    page = response.content.decode()
    assert "The first 01:30 BST (UTC+1)" in page and "The second 01:30 GMT (UTC+0)" in page
    assert not Session.objects.exists()

    assert owner.post(NEW_SESSION, {**asked, "occurrence": "second"}).status_code == 302
    assert Session.objects.get().start_time_utc == datetime(2031, 10, 26, 1, 30, tzinfo=UTC)
    Session.objects.all().delete()
    assert owner.post(NEW_SESSION, {**asked, "occurrence": "first"}).status_code == 302
    assert Session.objects.get().start_time_utc == datetime(2031, 10, 26, 0, 30, tzinfo=UTC)


def test_an_unambiguous_time_ignores_the_occurrence_answer(owner, service):
    response = owner.post(NEW_SESSION, {"service": service.pk, "date": "2031-07-10", "start_time": "10:00",
                                        "occurrence": "second"})
    assert response.status_code == 302
    assert Session.objects.get().start_time_utc == datetime(2031, 7, 10, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("date", "start", "notes"),
    [
        ("2031-07-10", "10:00", []),  # inside Thursday's 09:00–17:00
        ("2031-07-10", "16:30", ["It is outside your working hours that day (09:00–17:00)."]),
        ("2031-07-10", "23:30", ["It runs past midnight.", "It is outside your working hours that day (09:00–17:00)."]),
        ("2031-07-12", "10:00", ["You don’t work on Saturdays."]),
        ("2031-07-11", "10:00", ["That date is closed (a day off)."]),
    ],
)
def test_a_session_at_an_unusual_time_is_added_with_a_note(owner, business, service, date, start, notes):
    for weekday in range(5):
        WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(9), end_time=time(17))
    ExceptionDateFactory(business_profile=business, date=datetime(2031, 7, 11).date())

    response = owner.post(NEW_SESSION, {"service": service.pk, "date": date, "start_time": start}, follow=True)

    assert Session.objects.count() == 1
    shown = [str(message) for message in response.context["messages"]]
    assert [message.removeprefix("Note: ") for message in shown if message.startswith("Note: ")] == notes


def test_a_session_in_the_past_is_added_with_a_note(owner, business, service):
    response = owner.post(NEW_SESSION, {"service": service.pk, "date": "2020-07-10", "start_time": "10:00"}, follow=True)

    assert Session.objects.count() == 1
    assert "Note: It is in the past." in [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"date": "2031-07-10", "start_time": "10:00"}, "service"),
        ({"service": "SERVICE", "start_time": "10:00"}, "date"),
        ({"service": "SERVICE", "date": "2031-07-10", "start_time": "25:00"}, "start_time"),
    ],
)
def test_missing_or_bad_fields_answer_400(owner, service, data, field):
    data = {key: str(service.pk) if value == "SERVICE" else value for key, value in data.items()}
    response = owner.post(NEW_SESSION, data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Session.objects.exists()


def test_another_business_or_archived_service_is_refused(owner, business, other_business):
    for theirs in (ServiceFactory(business_profile=other_business), ServiceFactory(business_profile=business, is_archived=True)):
        response = owner.post(NEW_SESSION, {"service": theirs.pk, "date": "2031-07-10", "start_time": "10:00"})
        assert response.status_code == 400
        assert "service" in response.context["form"].errors
    assert not Session.objects.exists()


def test_with_htmx_success_redirects_the_browser_and_errors_swap_the_form(owner, service):
    data = {"service": service.pk, "date": "2031-03-30", "start_time": "01:30"}
    bad = owner.post(NEW_SESSION, data, headers={"HX-Request": "true"})
    assert bad.status_code == 400
    assert [t.name for t in bad.templates][0] == "owner/partials/_session_form.html"
    assert bad.content.decode().lstrip().startswith('<details id="session-form"')
    ok = owner.post(NEW_SESSION, data | {"start_time": "10:00"}, headers={"HX-Request": "true"})
    assert ok.status_code == 200
    assert ok["HX-Redirect"] == "/app/calendar/?date=2031-03-30"


def test_only_post_adds_a_session(owner):
    assert owner.get(NEW_SESSION).status_code == 405
