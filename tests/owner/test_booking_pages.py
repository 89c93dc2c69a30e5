"""The owner's bookings list (filters, search, pages), one booking's page, and cancelling by the owner.

Bookings are made by `booking_create` against working hours, so they hold their place as in real
life; the list's read-only cases use factories. Times are the business's (Europe/London).
"""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from bookingsite.bookings.models import Booking, BookingStatusChange, Session
from bookingsite.bookings.selectors import availability
from bookingsite.bookings.services import booking_cancel_by_admin, booking_create
from bookingsite.notifications.models import OutboxEmail
from tests.factories import BookingFactory, ClientFactory, ServiceFactory, WorkingHoursFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
Status = Booking.Status


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def open_every_day(business, page):
    for weekday in range(7):
        WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(9), end_time=time(17))


@pytest.fixture
def day() -> date:
    return timezone.now().astimezone(LONDON).date() + timedelta(days=3)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON).astimezone(UTC)


def book(service, start, **fields) -> Booking:
    arguments = {"client_name": "Cara Client", "client_email": "cara@example.com", "client_timezone": "America/New_York"}
    return booking_create(service=service, start_time_utc=start, **(arguments | fields))


@pytest.fixture
def owner(client, alice):
    client.force_login(alice)
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- access -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/app/bookings/"),
        ("get", f"/app/bookings/{uuid.uuid4()}/"),
        ("post", f"/app/bookings/{uuid.uuid4()}/cancel/"),
    ],
)
def test_anonymous_visitor_is_sent_to_log_in(client, db, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_another_business_booking_is_not_found(owner, other_business):
    theirs = BookingFactory(business_profile=other_business)
    assert owner.get(f"/app/bookings/{theirs.pk}/").status_code == 404
    assert owner.post(f"/app/bookings/{theirs.pk}/cancel/", {"reason": "mine now"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.CONFIRMED
    assert not theirs.status_changes.exists()


def test_list_shows_only_this_business(owner, business, other_business):
    BookingFactory(business_profile=business, client_name="Ours Olivia")
    BookingFactory(business_profile=other_business, client_name="Theirs Theo")
    response = owner.get("/app/bookings/")
    assert response.status_code == 200
    assert "owner/bookings.html" in [t.name for t in response.templates]
    assert b"Ours Olivia" in response.content
    assert b"Theirs Theo" not in response.content


# --- list: filters, search, pages -----------------------------------------------------------


@pytest.fixture
def assorted(business, service):
    """Four bookings: two services, three statuses, two days (London dates)."""
    group = ServiceFactory(business_profile=business, name="Group swim", capacity=4)
    first, second = date(2031, 7, 10), date(2031, 7, 11)

    def make(name, email, start, **fields):
        person = ClientFactory(business_profile=business, name=name, email=email)
        return BookingFactory(
            business_profile=business, client=person, start_time_utc=start,
            end_time_utc=start + timedelta(hours=1), **fields,
        )

    return {
        "ann": make("Ann Archer", "ann@example.com", at(first, 9), session_category=service),
        "ben": make("Ben Baker", "ben@swim.test", at(first, 23, 30), session_category=group),
        "cat": make("Cat Cole", "cat@example.com", at(second, 10), session_category=service, status=Status.PENDING_APPROVAL),
        "dan": make("Dan Dunn", "dan@example.com", at(second, 11), session_category=group, status=Status.CANCELLED_BY_CLIENT),
        "group": group,
    }


def names_in(response) -> set[str]:
    return {booking.client_name for booking in response.context["page_obj"]}


def test_filters_by_status(owner, assorted):
    assert names_in(owner.get("/app/bookings/", {"status": "pending_approval"})) == {"Cat Cole"}
    assert names_in(owner.get("/app/bookings/", {"status": "confirmed"})) == {"Ann Archer", "Ben Baker"}


def test_filters_by_service(owner, assorted):
    assert names_in(owner.get("/app/bookings/", {"service": assorted["group"].pk})) == {"Ben Baker", "Dan Dunn"}


def test_date_range_is_in_business_days_and_inclusive(owner, assorted):
    # 23:30 on 10 July in London is 22:30 UTC: still the 10th for the owner.
    tenth = owner.get("/app/bookings/", {"date_from": "2031-07-10", "date_to": "2031-07-10"})
    assert names_in(tenth) == {"Ann Archer", "Ben Baker"}
    assert names_in(owner.get("/app/bookings/", {"date_from": "2031-07-11"})) == {"Cat Cole", "Dan Dunn"}
    assert names_in(owner.get("/app/bookings/", {"date_to": "2031-07-10"})) == {"Ann Archer", "Ben Baker"}


def test_search_matches_client_name_or_email_in_any_case(owner, assorted):
    assert names_in(owner.get("/app/bookings/", {"q": "aRcHeR"})) == {"Ann Archer"}
    assert names_in(owner.get("/app/bookings/", {"q": "swim.test"})) == {"Ben Baker"}
    assert names_in(owner.get("/app/bookings/", {"q": "nobody"})) == set()


def test_filters_combine(owner, assorted):
    response = owner.get("/app/bookings/", {"service": assorted["group"].pk, "status": "confirmed", "q": "ben"})
    assert names_in(response) == {"Ben Baker"}


def test_opens_on_upcoming_soonest_first(owner, assorted):
    names = [booking.client_name for booking in owner.get("/app/bookings/").context["page_obj"]]
    assert names == ["Ann Archer", "Ben Baker", "Cat Cole", "Dan Dunn"]
    past = owner.get("/app/bookings/", {"when": "past"})
    assert names_in(past) == set()  # all in 2031
    assert "No past bookings yet" in past.content.decode() and "When clients book" not in past.content.decode()


def test_htmx_gets_the_results_fragment_and_plain_get_the_page(owner, assorted):
    response = owner.get("/app/bookings/", {"status": "pending_approval"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    names = [t.name for t in response.templates]
    assert "owner/partials/_booking_results.html" in names
    assert "owner/bookings.html" not in names
    assert response.content.decode().lstrip().startswith('<section id="booking-results"')
    assert "HX-Request" in response["Vary"]
    # htmx restoring history asks for the whole page
    restore = owner.get("/app/bookings/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "owner/bookings.html" in [t.name for t in restore.templates]


def test_bad_filters_answer_400_with_the_field_named(owner, assorted):
    response = owner.get("/app/bookings/", {"date_from": "2031-13-45"})
    assert response.status_code == 400
    assert "date_from" in response.context["form"].errors
    response = owner.get("/app/bookings/", {"date_from": "2031-07-11", "date_to": "2031-07-10"})
    assert response.status_code == 400
    assert "date_to" in response.context["form"].errors
    assert b"Check the filters" in response.content


def test_another_business_service_is_not_a_filter(owner, assorted, other_business):
    theirs = ServiceFactory(business_profile=other_business)
    response = owner.get("/app/bookings/", {"service": theirs.pk})
    assert response.status_code == 400
    assert "service" in response.context["form"].errors


def test_pages_of_25(owner, business, service):
    start = at(date(2031, 7, 1), 9)
    for n in range(30):
        BookingFactory(business_profile=business, session_category=service, start_time_utc=start + timedelta(hours=n))
    first = owner.get("/app/bookings/", {"status": "confirmed"})
    assert len(first.context["page_obj"]) == 25
    assert b"page=2" in first.content and b"status=confirmed&amp;page=2" in first.content
    second = owner.get("/app/bookings/", {"status": "confirmed", "page": 2})
    assert len(second.context["page_obj"]) == 5
    assert owner.get("/app/bookings/", {"page": "junk"}).status_code == 200


# --- detail -------------------------------------------------------------------------------


def test_detail_shows_times_in_both_zones_and_the_history(owner, service, day):
    booking = book(service, at(day, 10), notes="Bring goggles", client_phone="+447700900123")
    response = owner.get(f"/app/bookings/{booking.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Bring goggles" in body
    assert "10:00–11:00" in body  # London
    new_york = at(day, 10).astimezone(ZoneInfo("America/New_York"))
    assert f"{new_york:%H:%M}–" in body and "New York time, where they booked" in body
    assert f"/app/clients/{booking.client_id}/" in body
    assert "Cancel booking…" in body
    assert [change.to_status for change in response.context["history"]] == [Status.CONFIRMED]


def test_detail_lists_the_booking_emails_with_when_they_went_and_which_failed(owner, business, service, day):
    booking = book(service, at(day, 10))
    book(service, at(day, 14), client_email="olga@example.com")
    to_client = OutboxEmail.objects.get(booking=booking, to_email="cara@example.com")
    to_client.status, to_client.attempts = OutboxEmail.Status.FAILED, 5
    to_client.provider_answer = "TimeoutError: timed out"
    to_client.save()
    OutboxEmail.objects.filter(booking=booking, to_email="alice@example.com").update(
        status=OutboxEmail.Status.SENT, attempts=1, sent_at=at(day - timedelta(days=2), 9, 30)
    )

    response = owner.get(f"/app/bookings/{booking.pk}/")

    assert [email.to_email for email in response.context["emails"]] == ["alice@example.com", "cara@example.com"]
    body = response.content.decode()
    emails = body[body.index('id="emails-heading"'):]
    assert "Booking confirmed" in emails and "New booking from Cara Client" in emails
    assert "Not delivered after 5 tries" in emails and "TimeoutError: timed out" in emails
    assert f"{(day - timedelta(days=2)).day} {(day - timedelta(days=2)):%b}, 09:30" in emails  # sent, London time
    assert "olga@example.com" not in emails  # another booking's emails stay on its own page
    assert "To alice@example.com (you)" in emails and "To cara@example.com ·" in emails


def test_a_booking_without_emails_says_so(owner, service, day):
    booking = book(service, at(day, 10))
    OutboxEmail.objects.filter(booking=booking).delete()
    body = owner.get(f"/app/bookings/{booking.pk}/").content.decode()
    assert "No emails for this booking." in body


def test_pending_detail_offers_approve_and_reject_back_to_itself(owner, page, service, day):
    page.requires_approval = True
    page.save()
    booking = book(service, at(day, 10))
    response = owner.get(f"/app/bookings/{booking.pk}/")
    body = response.content.decode()
    assert f'action="/app/bookings/{booking.pk}/approve/"' in body
    assert f'action="/app/bookings/{booking.pk}/reject/"' in body
    assert f'name="next" value="/app/bookings/{booking.pk}/"' in body
    assert "Cancel booking…" not in body
    approved = owner.post(f"/app/bookings/{booking.pk}/approve/", {"next": f"/app/bookings/{booking.pk}/"})
    assert approved["Location"] == f"/app/bookings/{booking.pk}/"
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED


# --- cancel by the owner ----------------------------------------------------------------------


def test_cancel_with_reason_records_who_and_why_and_frees_the_time(owner, alice, business, page, service, day):
    booking = book(service, at(day, 10))
    assert booking.session_id is not None
    response = owner.post(f"/app/bookings/{booking.pk}/cancel/", {"reason": "Pool closed for repairs"})
    assert response.status_code == 302
    assert response["Location"] == f"/app/bookings/{booking.pk}/"
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED_BY_ADMIN
    assert booking.cancellation_reason == "Pool closed for repairs"
    change = booking.status_changes.last()
    assert (change.from_status, change.to_status, change.actor) == (Status.CONFIRMED, Status.CANCELLED_BY_ADMIN, "owner")
    assert change.changed_by == alice
    assert change.note == "Pool closed for repairs"
    assert not Session.objects.filter(business_profile=business).exists()
    days = availability.availability_days(
        page=page, service=service, client_timezone="Europe/London", start_date=day, end_date=day, now=timezone.now()
    )
    assert at(day, 10) in [slot.start_utc for slot in days[0].slots]
    shown = owner.get(response["Location"])
    assert "cancelled" in " ".join(messages_of(response)).lower() or b"cancelled" in shown.content
    assert b"Pool closed for repairs" in shown.content


def test_cancel_without_a_reason(owner, service, day):
    booking = book(service, at(day, 10))
    owner.post(f"/app/bookings/{booking.pk}/cancel/", {})
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED_BY_ADMIN
    assert booking.status_changes.last().note == ""


def test_cancelling_a_cancelled_booking_says_so_and_changes_nothing(owner, alice, service, day):
    booking = book(service, at(day, 10))
    booking_cancel_by_admin(booking=booking, by=alice, reason="first")
    changes = BookingStatusChange.objects.count()
    response = owner.post(f"/app/bookings/{booking.pk}/cancel/", {"reason": "second"}, follow=True)
    assert response.status_code == 200
    text = " ".join(str(m) for m in response.context["messages"])
    assert "can no longer be changed" in text
    assert "cancelled by admin" in text.lower()
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED_BY_ADMIN
    assert booking.cancellation_reason == "first"
    assert BookingStatusChange.objects.count() == changes
    assert b"Cancel booking" not in response.content


def test_a_pending_request_cannot_be_cancelled_only_rejected(owner, page, service, day):
    page.requires_approval = True
    page.save()
    booking = book(service, at(day, 10))
    response = owner.post(f"/app/bookings/{booking.pk}/cancel/", {"reason": "no"}, follow=True)
    assert "can no longer be changed" in " ".join(str(m) for m in response.context["messages"])
    booking.refresh_from_db()
    assert booking.status == Status.PENDING_APPROVAL


def test_too_long_a_reason_answers_400_and_changes_nothing(owner, service, day):
    booking = book(service, at(day, 10))
    response = owner.post(f"/app/bookings/{booking.pk}/cancel/", {"reason": "x" * 1001})
    assert response.status_code == 400
    assert "reason" in response.context["cancel_form"].errors
    assert b"<details class=\"mt-3 rounded-xl border border-slate-200 p-3\" open>" in response.content
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED


def test_cancel_only_by_post(owner, service, day):
    booking = book(service, at(day, 10))
    assert owner.get(f"/app/bookings/{booking.pk}/cancel/").status_code == 405
