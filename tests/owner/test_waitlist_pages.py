"""The owner's side of the waitlist (DESIGN.md 11): each slot's line on its own page, with Remove
and Offer the place; and the line's count on the calendar, the day lists and the booking pages.

Lines are made by the real services (booking_create, waitlist_join, a cancel that passes the
place on), so every offer holds its place exactly as it would for a client.
"""

import html
import re
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookingsite.bookings.models import Booking, Session, WaitlistEntry
from bookingsite.bookings.services import booking_cancel_by_admin, booking_create
from bookingsite.bookings.waitlist import waitlist_join, waitlist_leave
from bookingsite.lib.locale_formats import format_date
from tests.factories import ServiceFactory, WaitlistEntryFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
Status = WaitlistEntry.Status


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), LONDON).astimezone(UTC)


def line_url(service, start: datetime) -> str:
    return f"/app/waitlist/{service.pk}/{start.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}/"


def book(service, start: datetime, name: str = "Booked Client") -> Booking:
    email = f"{name.split()[0].lower()}@example.com"
    return booking_create(service=service, start_time_utc=start, client_name=name, client_email=email,
                          client_timezone="Europe/London")


def join(service, start: datetime, name: str, phone: str = "") -> WaitlistEntry:
    entry, _new = waitlist_join(service=service, start_time_utc=start, client_name=name,
                                client_email=f"{name.split()[0].lower()}@example.com", client_phone=phone,
                                client_timezone="Europe/London")
    return entry


def status_of(entry: WaitlistEntry) -> str:
    entry.refresh_from_db()
    return entry.status


def names_in_line(response) -> list[str]:
    return re.findall(r'<p class="font-semibold">([^<]+)</p>', response.content.decode())


@pytest.fixture
def owner(client, alice, page):
    client.force_login(alice)
    return client


@pytest.fixture
def lesson(service, open_page):
    """Alice's one-place private lesson takes a waitlist."""
    service.waitlist_enabled = True
    service.save()
    return service


@pytest.fixture
def day() -> date:
    return timezone.now().astimezone(LONDON).date() + timedelta(days=7)


@pytest.fixture
def full_slot(lesson, day):
    """10:00 on `day` is booked, and Ann, Ben and Cat wait for it, in that order."""
    start = at(day, 10)
    booking = book(lesson, start)
    line = [join(lesson, start, "Ann Archer"), join(lesson, start, "Ben Brown"),
            join(lesson, start, "Cat Cole", phone="+44 7700 900123")]
    return booking, line


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "url"), [
    ("get", "slot"), ("post", "/app/waitlist/entries/{pk}/remove/"), ("post", "/app/waitlist/entries/{pk}/offer/"),
])
def test_anonymous_visitor_is_sent_to_log_in_and_nothing_changes(client, lesson, day, full_slot, method, url):
    _booking, (ann, _ben, _cat) = full_slot
    url = line_url(lesson, at(day, 10)) if url == "slot" else url.format(pk=ann.pk)

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={quote(url, safe='/')}"
    assert status_of(ann) == Status.WAITING


@pytest.mark.parametrize(("method", "url"), [
    ("get", "slot"), ("post", "/app/waitlist/entries/{pk}/remove/"), ("post", "/app/waitlist/entries/{pk}/offer/"),
])
def test_another_business_slot_and_entries_answer_404(owner, page, other_business, method, url):
    bobs = WaitlistEntryFactory(business_profile=other_business, start_time_utc=datetime(2031, 1, 16, 10, tzinfo=UTC))
    url = line_url(bobs.session_category, bobs.start_time_utc) if url == "slot" else url.format(pk=bobs.pk)

    response = getattr(owner, method)(url)

    assert response.status_code == 404
    assert status_of(bobs) == Status.WAITING


@pytest.mark.parametrize("start", ["2031-02-30T10:00:00Z", "2031-01-16T10:00:00", "2031-01-16T10:00:00+01:00", "soon"])
def test_a_start_that_is_not_a_utc_instant_answers_404(owner, service, start):
    assert owner.get(f"/app/waitlist/{service.pk}/{start}/").status_code == 404


def test_remove_and_offer_take_only_posts(owner, lesson, full_slot):
    _booking, (ann, _ben, _cat) = full_slot

    assert owner.get(f"/app/waitlist/entries/{ann.pk}/remove/").status_code == 405
    assert owner.get(f"/app/waitlist/entries/{ann.pk}/offer/").status_code == 405
    assert status_of(ann) == Status.WAITING


# --- the slot's page ----------------------------------------------------------------------------


def test_lists_the_line_in_order_with_contacts_and_status(owner, lesson, day, full_slot):
    response = owner.get(line_url(lesson, at(day, 10)))

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "owner/waitlist.html"
    assert names_in_line(response) == ["Ann Archer", "Ben Brown", "Cat Cole"]
    page_text = text(response)
    assert f"Private lesson · {format_date(day, 'short_date_year')}, 10:00–11:00 (London time)" in page_text
    assert "1 of 1 place booked · every place is taken or held for someone on the waitlist." in page_text
    assert "3 on the waitlist" in page_text
    assert "Cat Cole cat@example.com · +44 7700 900123 Joined" in page_text
    assert page_text.count("Waiting") == 3
    assert [int(n) for n in re.findall(r'aria-label="Position (\d)"', response.content.decode())] == [1, 2, 3]
    # Every place is booked and nobody holds an offer: there is nothing to offer.
    assert "Offer the place" not in page_text
    assert page_text.count("Remove…") == 3


def test_an_offer_shows_until_when_the_place_is_held_in_the_business_zone(owner, lesson, day, full_slot, alice):
    booking, (ann, _ben, _cat) = full_slot
    booking_cancel_by_admin(booking=booking, by=alice)  # the freed place goes to Ann
    ann.refresh_from_db()
    held_until = ann.offer_expires_at.astimezone(LONDON)

    response = owner.get(line_url(lesson, at(day, 10)))

    page_text = text(response)
    assert f"Offered — held until {held_until:%a} {held_until.day} {held_until:%b, %H:%M}" in page_text
    assert page_text.count("Waiting") == 2
    assert "No bookings at this time" in page_text
    # Ben and Cat may be offered Ann's place: the page says what that does.
    assert page_text.count("Offer the place") == 2
    assert "No place is free: offering it to Cat Cole takes back the place held for Ann Archer, who waits again." in page_text


def test_an_empty_line_says_so(owner, lesson, day):
    response = owner.get(line_url(lesson, at(day, 12)))

    assert response.status_code == 200
    assert "Nobody is on this waitlist." in text(response)


def test_remove_takes_a_client_off_the_line_and_comes_back(owner, lesson, day, full_slot):
    _booking, (ann, ben, cat) = full_slot

    response = owner.post(f"/app/waitlist/entries/{ben.pk}/remove/")

    assert response.status_code == 302
    assert response["Location"] == line_url(lesson, at(day, 10))
    assert status_of(ben) == Status.REMOVED
    after = owner.get(response["Location"])
    assert "Ben Brown is off the waitlist." in text(after)
    assert names_in_line(after) == ["Ann Archer", "Cat Cole"]
    assert (status_of(ann), status_of(cat)) == (Status.WAITING, Status.WAITING)


def test_removing_the_client_offered_the_place_passes_it_to_the_next(owner, lesson, day, full_slot, alice):
    booking, (ann, ben, _cat) = full_slot
    booking_cancel_by_admin(booking=booking, by=alice)
    assert status_of(ann) == Status.OFFERED

    response = owner.post(f"/app/waitlist/entries/{ann.pk}/remove/", follow=True)

    assert "Ann Archer is off the waitlist. The place held for them goes to the next in line." in text(response)
    assert (status_of(ann), status_of(ben)) == (Status.REMOVED, Status.OFFERED)


def test_offer_when_full_takes_back_the_latest_live_offer(owner, business, open_page, day, alice):
    group = ServiceFactory(business_profile=business, name="Duo lesson", capacity=2, waitlist_enabled=True)
    start = at(day, 14)
    first, second = book(group, start, "Dee Dean"), book(group, start, "Eve Ellis")
    ann, ben, cat = (join(group, start, name) for name in ("Ann Archer", "Ben Brown", "Cat Cole"))
    booking_cancel_by_admin(booking=first, by=alice)  # Ann is offered a place
    booking_cancel_by_admin(booking=second, by=alice)  # then Ben: the latest offer
    assert (status_of(ann), status_of(ben)) == (Status.OFFERED, Status.OFFERED)

    response = owner.post(f"/app/waitlist/entries/{cat.pk}/offer/")

    assert response.status_code == 302
    assert response["Location"] == line_url(group, start)
    assert (status_of(ann), status_of(ben), status_of(cat)) == (Status.OFFERED, Status.WAITING, Status.OFFERED)
    held_until = cat.offer_expires_at.astimezone(LONDON)
    after = owner.get(response["Location"])
    assert (
        f"The place is offered to Cat Cole, held for them until {held_until:%a} {held_until.day} {held_until:%b, %H:%M}. "
        "We’ve emailed them a link to claim it." in text(after)
    )
    assert names_in_line(after) == ["Ann Archer", "Ben Brown", "Cat Cole"]  # Ben waits where he was


def test_an_offer_with_no_place_to_give_shows_why(owner, lesson, day, full_slot):
    _booking, (ann, _ben, _cat) = full_slot

    response = owner.post(f"/app/waitlist/entries/{ann.pk}/offer/", follow=True)

    assert response.redirect_chain == [(line_url(lesson, at(day, 10)), 302)]
    assert "Every place in this session is taken, so there is none to offer yet." in text(response)
    assert status_of(ann) == Status.WAITING


def test_removing_someone_who_left_shows_why(owner, lesson, day, full_slot):
    _booking, (ann, _ben, _cat) = full_slot
    waitlist_leave(entry=ann)

    response = owner.post(f"/app/waitlist/entries/{ann.pk}/remove/", follow=True)

    assert "Ann Archer is no longer on this waitlist." in text(response)
    assert status_of(ann) == Status.LEFT
    assert names_in_line(response) == ["Ben Brown", "Cat Cole"]


# --- counts on the calendar, the day lists and the booking pages ------------------------------


def test_the_calendar_feed_counts_each_sessions_line(owner, lesson, day, full_slot):
    start = at(day, 10)

    events = owner.get("/app/calendar/events/", {"start": day.isoformat(), "end": (day + timedelta(days=1)).isoformat()}).json()

    (event,) = events
    assert event["title"] == "Private lesson · Booked Client · 3 waiting"
    assert (event["extendedProps"]["waiting"], event["extendedProps"]["waitlist_url"]) == (3, line_url(lesson, start))


def test_a_slot_held_for_the_line_without_a_session_stays_on_the_calendar(owner, lesson, day, full_slot, alice):
    booking, _line = full_slot
    booking_cancel_by_admin(booking=booking, by=alice)  # its one-place session goes; Ann holds the place
    assert not Session.objects.exists()

    events = owner.get("/app/calendar/events/", {"start": day.isoformat(), "end": (day + timedelta(days=1)).isoformat()}).json()

    (event,) = events
    assert (event["title"], event["url"]) == ("Private lesson · 3 waiting", line_url(lesson, at(day, 10)))
    assert (event["start"], event["end"], event["classNames"]) == (f"{day}T10:00:00", f"{day}T11:00:00", ["fk-waitlist"])


def test_the_calendar_feed_counts_every_line_in_one_query(owner, lesson, day):
    def feed_queries(days: int) -> int:
        window = {"start": day.isoformat(), "end": (day + timedelta(days=days)).isoformat()}
        with CaptureQueriesContext(connection) as queries:
            response = owner.get("/app/calendar/events/", window)
        assert sum(event["extendedProps"]["waiting"] for event in response.json()) == days
        return len(queries)

    for n in range(3):
        start = at(day + timedelta(days=n), 10)
        book(lesson, start, f"Client{n} Booked")
        join(lesson, start, f"Waiter{n} Smith")

    assert feed_queries(1) == feed_queries(3)


def test_the_calendars_list_without_javascript_links_the_line(owner, lesson, day, full_slot):
    response = owner.get("/app/calendar/", {"date": day.isoformat()})

    content = response.content.decode()
    assert f'<a class="btn-quiet ml-31 sm:ml-0" href="{line_url(lesson, at(day, 10))}">Waitlist (3)</a>' in content
    assert "Private lesson · Booked Client · 3 waiting" in text(response)


def test_the_dashboards_coming_days_show_the_count(owner, lesson):
    soon = timezone.now().astimezone(LONDON).date() + timedelta(days=3)
    start = at(soon, 11)
    book(lesson, start)
    join(lesson, start, "Ann Archer")
    join(lesson, start, "Ben Brown")

    response = owner.get("/app/")

    assert f'href="{line_url(lesson, start)}">2 waiting</a>' in response.content.decode()


def test_the_bookings_list_and_the_booking_page_link_the_line(owner, lesson, day, full_slot):
    booking, _line = full_slot
    url = line_url(lesson, at(day, 10))

    listed = owner.get("/app/bookings/").content.decode()
    detail = owner.get(f"/app/bookings/{booking.pk}/")

    assert f'href="{url}">3 waiting</a>' in listed
    assert f'href="{url}">See the waitlist</a>' in detail.content.decode()
    assert "3 waiting for a place in this session" in text(detail)


def test_a_booking_without_a_line_shows_no_waitlist(owner, lesson, day):
    booking = book(lesson, at(day, 10))

    assert "See the waitlist" not in owner.get(f"/app/bookings/{booking.pk}/").content.decode()
    assert "waiting</a>" not in owner.get("/app/bookings/").content.decode()
