"""The owner marks attendance (DESIGN.md 5): from the booking's page, the dashboard's today list
(htmx swaps the row; plain forms without JavaScript) and the calendar's list; the client's page
counts their no-shows; every list that shows statuses knows no_show.

Bookings are made by booking_create a few days ahead, as a client would; a fake clock
(time-machine, stopped) then moves to their session. Times are the business's (Europe/London).
"""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from bookingsite.bookings.models import Booking, BookingStatusChange
from bookingsite.bookings.services import booking_cancel_by_admin, booking_create, booking_mark_attendance
from tests.factories import BookingFactory, ClientFactory, ServiceFactory, WorkingHoursFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
Status = Booking.Status


@pytest.fixture(autouse=True)
def open_every_day(business, page):
    for weekday in range(7):
        WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(9), end_time=time(17))


@pytest.fixture
def day() -> date:
    return timezone.now().astimezone(LONDON).date() + timedelta(days=3)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON).astimezone(UTC)


def book(service, start, *, name: str = "Nell Noshow", email: str = "nell@example.com") -> Booking:
    return booking_create(service=service, start_time_utc=start, client_name=name, client_email=email,
                          client_timezone="Europe/London")


@pytest.fixture
def owner(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def booking(service, day) -> Booking:
    """Confirmed, 10:00-11:00 London in three days."""
    return book(service, at(day, 10))


@pytest.fixture
def started(booking, day, time_machine) -> Booking:
    """The clock stands at 10:20 on the booking's day: it has started."""
    time_machine.move_to(at(day, 10, 20), tick=False)
    return booking


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def status_of(booking: Booking) -> str:
    return Booking.objects.get(pk=booking.pk).status


def no_show_url(booking: Booking) -> str:
    return f"/app/bookings/{booking.pk}/no-show/"


def complete_url(booking: Booking) -> str:
    return f"/app/bookings/{booking.pk}/complete/"


# --- access -------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["no-show", "complete"])
def test_anonymous_visitor_is_sent_to_log_in(client, db, action):
    response = client.post(f"/app/bookings/{uuid.uuid4()}/{action}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_another_business_booking_is_not_found(owner, other_business):
    theirs = BookingFactory(business_profile=other_business, start_time_utc=timezone.now() - timedelta(minutes=30))

    assert owner.post(no_show_url(theirs)).status_code == 404
    assert owner.post(complete_url(theirs), headers={"HX-Request": "true"}).status_code == 404

    assert status_of(theirs) == Status.CONFIRMED
    assert not BookingStatusChange.objects.filter(booking=theirs).exists()


def test_only_post_marks(owner, started):
    assert owner.get(no_show_url(started)).status_code == 405
    assert status_of(started) == Status.CONFIRMED


# --- the booking's page -------------------------------------------------------------------


def test_booking_page_offers_the_marks_once_started(owner, booking, day, time_machine):
    page_url = f"/app/bookings/{booking.pk}/"
    time_machine.move_to(at(day, 9, 59), tick=False)
    body = owner.get(page_url).content.decode()
    assert f'action="{no_show_url(booking)}"' not in body and f'action="{complete_url(booking)}"' not in body
    assert "Cancel booking…" in body

    time_machine.move_to(at(day, 10), tick=False)
    body = owner.get(page_url).content.decode()
    assert f'action="{no_show_url(booking)}"' in body and f'action="{complete_url(booking)}"' in body
    assert "Did Nell Noshow come?" in body


def test_no_show_from_the_booking_page_without_javascript(owner, started, alice):
    page_url = f"/app/bookings/{started.pk}/"

    response = owner.post(no_show_url(started), {"next": page_url})

    assert response.status_code == 302 and response["Location"] == page_url
    assert messages_of(response) == ["Nell Noshow is marked as a no-show."]
    assert status_of(started) == Status.NO_SHOW
    change = BookingStatusChange.objects.filter(booking=started).last()
    assert (change.to_status, change.actor, change.changed_by) == (Status.NO_SHOW, "owner", alice)
    body = owner.get(page_url).content.decode()
    assert '<span class="status status-no_show mt-1 text-sm">No-show</span>' in body
    assert "Nothing to do: Nell Noshow didn’t come to this session." in body
    assert f'action="{no_show_url(started)}"' not in body


def test_completed_from_the_booking_page(owner, started):
    response = owner.post(complete_url(started), {"next": f"/app/bookings/{started.pk}/"})

    assert messages_of(response) == ["Nell Noshow’s booking is marked completed."]
    assert status_of(started) == Status.COMPLETED


def test_before_the_start_it_is_refused_with_the_reason(owner, booking, day, time_machine):
    time_machine.move_to(at(day, 9, 30), tick=False)

    response = owner.post(no_show_url(booking), {"next": f"/app/bookings/{booking.pk}/"})

    assert response.status_code == 302
    assert messages_of(response) == ["This booking hasn’t started yet. Mark it once it has."]
    assert status_of(booking) == Status.CONFIRMED


def test_a_cancelled_booking_is_refused(owner, started, alice):
    booking_cancel_by_admin(booking=started, by=alice, reason="")

    response = owner.post(no_show_url(started))

    assert messages_of(response) == ["This booking is cancelled by admin and can no longer be changed that way."]
    assert status_of(started) == Status.CANCELLED_BY_ADMIN


def test_next_elsewhere_is_ignored(owner, started):
    response = owner.post(no_show_url(started), {"next": "https://evil.example/"})

    assert response["Location"] == f"/app/bookings/{started.pk}/"


# --- the dashboard's today ---------------------------------------------------------------


def today_section(body: str) -> str:
    return body.split('id="today-heading"', 1)[1].split("Next 7 days", 1)[0]


def test_dashboard_lists_today_with_the_marks_once_started(owner, service, day, time_machine):
    early = book(service, at(day, 10), name="Ann Early", email="ann@example.com")
    late = book(service, at(day, 14), name="Ben Late", email="ben@example.com")
    tomorrow = book(service, at(day + timedelta(days=1), 10), name="Cat Tomorrow", email="cat@example.com")
    time_machine.move_to(at(day, 10, 20), tick=False)

    today = today_section(owner.get("/app/").content.decode())

    assert "Ann Early" in today and "Ben Late" in today and "Cat Tomorrow" not in today
    assert f'action="{no_show_url(early)}"' in today and f'action="{complete_url(early)}"' in today
    assert f'hx-post="{no_show_url(early)}"' in today and f'hx-target="#booking-row-{early.pk}"' in today
    assert no_show_url(late) not in today  # not started yet
    assert no_show_url(tomorrow) not in today


def test_dashboard_no_show_with_htmx_swaps_the_row(owner, started):
    response = owner.post(no_show_url(started), {"next": "/app/"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "owner/partials/_booking_row.html"
    body = response.content.decode()
    assert body.lstrip().startswith(f'<li id="booking-row-{started.pk}"')
    assert '<span class="status status-no_show" role="status">No-show</span>' in body
    assert "<form" not in body
    assert status_of(started) == Status.NO_SHOW
    # The page shows it marked on the next visit too.
    today = today_section(owner.get("/app/").content.decode())
    assert "Nell Noshow" in today and "status-no_show" in today and no_show_url(started) not in today


def test_dashboard_without_javascript_comes_back_with_a_message(owner, started):
    response = owner.post(complete_url(started), {"next": "/app/"})

    assert response.status_code == 302 and response["Location"] == "/app/"
    assert messages_of(response) == ["Nell Noshow’s booking is marked completed."]
    assert status_of(started) == Status.COMPLETED


def test_dashboard_with_htmx_a_refused_mark_says_why_in_the_row(owner, started, alice):
    booking_cancel_by_admin(booking=started, by=alice, reason="")

    response = owner.post(no_show_url(started), {"next": "/app/"}, headers={"HX-Request": "true"})

    assert response.status_code == 409
    body = response.content.decode()
    assert 'role="alert"' in body and "can no longer be changed that way" in body
    assert "<form" not in body


# --- the calendar ------------------------------------------------------------------------


def test_calendar_list_offers_the_marks_for_a_started_session(owner, business, day, time_machine):
    group = ServiceFactory(business_profile=business, name="Group swim", capacity=3)
    ann = book(group, at(day, 10), name="Ann Archer", email="ann@example.com")
    ben = book(group, at(day, 10), name="Ben Baker", email="ben@example.com")
    later = book(group, at(day, 15), name="Cat Cole", email="cat@example.com")
    calendar_url = f"/app/calendar/?date={day.isoformat()}"
    time_machine.move_to(at(day, 10, 30), tick=False)

    body = owner.get(calendar_url).content.decode()
    for booking in (ann, ben):
        assert f'action="{no_show_url(booking)}"' in body and f'action="{complete_url(booking)}"' in body
    assert no_show_url(later) not in body  # its session has not started

    response = owner.post(no_show_url(ann), {"next": calendar_url})

    assert response.status_code == 302 and response["Location"] == calendar_url
    assert messages_of(response) == ["Ann Archer is marked as a no-show."]
    body = owner.get(calendar_url).content.decode()
    assert no_show_url(ann) not in body and '<span class="status status-no_show">No-show</span>' in body
    assert f'action="{no_show_url(ben)}"' in body
    assert "Group swim · 2/3" in body  # Ann's place stays taken: the session happened


def test_calendar_feed_still_opens_a_marked_booking(owner, started, day):
    booking_mark_attendance(booking=started, status=Status.COMPLETED, by=started.flowkey_user)

    response = owner.get("/app/calendar/events/", {"start": f"{day}T00:00:00Z", "end": f"{day + timedelta(days=1)}T00:00:00Z"})

    [event] = response.json()
    assert event["url"] == f"/app/bookings/{started.pk}/"


# --- statuses everywhere -------------------------------------------------------------------


def test_bookings_list_filters_no_shows_and_styles_them(owner, business, service):
    past = datetime(2026, 3, 2, 10, tzinfo=UTC)
    BookingFactory(business_profile=business, session_category=service, client_name="Nell Noshow",
                   start_time_utc=past, status=Status.NO_SHOW)
    BookingFactory(business_profile=business, session_category=service, client_name="Carl Came",
                   start_time_utc=past + timedelta(days=1), status=Status.COMPLETED)

    response = owner.get("/app/bookings/", {"status": "no_show", "when": "past"})

    assert {b.client_name for b in response.context["page_obj"]} == {"Nell Noshow"}
    body = response.content.decode()
    assert '<option value="no_show" selected>No-show</option>' in body
    assert '<span class="status status-no_show">No-show</span>' in body


def test_bookings_list_offers_the_marks_for_a_started_booking_and_comes_back_to_it(owner, started, service, day):
    later = book(service, at(day, 14), name="Lena Later", email="lena@example.com")
    day_filter = {"date_from": day.isoformat(), "date_to": day.isoformat()}
    listed = owner.get("/app/bookings/", {**day_filter, "when": "past"})  # it has started: no longer upcoming

    body = listed.content.decode()
    assert f'action="{no_show_url(started)}"' in body
    assert later.client_name not in body
    assert f'action="{no_show_url(later)}"' not in owner.get("/app/bookings/", day_filter).content.decode()  # not started yet

    response = owner.post(no_show_url(started), {"next": f"/app/bookings/?date_from={day}&date_to={day}"})

    assert response.status_code == 302 and response["Location"] == f"/app/bookings/?date_from={day}&date_to={day}"
    assert status_of(started) == Status.NO_SHOW


# --- the client's page ---------------------------------------------------------------------


def test_client_page_counts_no_shows_among_past_bookings(owner, business, service):
    nell = ClientFactory(business_profile=business, name="Nell Noshow")
    now = timezone.now()

    def past(days: int, status: str) -> Booking:
        return BookingFactory(business_profile=business, session_category=service, client=nell,
                              start_time_utc=now - timedelta(days=days), status=status)

    missed = [past(1, Status.NO_SHOW), past(8, Status.NO_SHOW)]
    for days in range(2, 7):
        past(days, Status.COMPLETED)
    past(9, Status.CONFIRMED)  # not marked yet: still a past booking
    past(10, Status.CONFIRMED)
    past(11, Status.CANCELLED_BY_CLIENT)  # never expected: not counted
    past(12, Status.REJECTED)
    BookingFactory(business_profile=business, session_category=service, client=nell,
                   start_time_utc=now + timedelta(days=2))  # coming: not past

    body = owner.get(f"/app/clients/{nell.pk}/").content.decode()

    assert "2 no-shows in 9 past bookings" in body
    assert body.count("status-no_show") == len(missed)


def test_client_page_without_no_shows_says_so(owner, business, service):
    cara = ClientFactory(business_profile=business, name="Cara Came")
    BookingFactory(business_profile=business, session_category=service, client=cara,
                   start_time_utc=timezone.now() - timedelta(days=3), status=Status.COMPLETED)

    assert "No no-shows in 1 past booking<" in owner.get(f"/app/clients/{cara.pk}/").content.decode()


def test_client_page_of_a_new_client_has_no_record_line(owner, business, service):
    new = ClientFactory(business_profile=business, name="Nina New")
    BookingFactory(business_profile=business, session_category=service, client=new)  # in two days

    body = owner.get(f"/app/clients/{new.pk}/").content.decode()

    assert 'id="client-attendance"' not in body
