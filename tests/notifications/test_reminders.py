"""Reminders (DESIGN.md 7): found by beat from the bookings, one per booking, number and start.

The sweep runs under a fake clock (time-machine): the booking rows are made at a chosen moment
(factories: a booking made any way gets reminders, also by import), and the beat task runs at
another. In these plain database tests nothing commits, so nothing is sent: they read the
outbox rows. Two sweeps at once, the real worker, beat and the broker outage are further down.
"""

import logging
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from bookingsite.bookings.models import Booking
from bookingsite.bookings.services import booking_approve, booking_create
from bookingsite.notifications.models import EmailKind, OutboxEmail
from bookingsite.notifications.reminders import due_reminders, due_reminders_queue, reminder_queue, send_reminders_task
from bookingsite.notifications.tasks import flush_outbox_task
from tests.factories import BookingFactory, BookingSettingsFactory, BusinessProfileFactory, ServiceFactory
from tests import processes  # its celery_worker is a process; this package's fixture of that name is a thread

from .conftest import API_KEY, activity, broker_down, wait_for
from tests.threads import run_together_without_errors

from .helpers import SITE, attached_calendar, only_event, parts, subject, wait_until_settled

pytestmark = pytest.mark.django_db

Status = Booking.Status
CLIENT = "dana@example.com"
OWNER = "alice@example.com"
START = datetime(2030, 3, 5, 9, 0, tzinfo=UTC)  # a Tuesday; 09:00 in London, 18:00 in Tokyo
SWEEPS = 4


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def reminding_page(page):
    """Alice's page with the default leads: the first reminder 24 hours before, no second."""
    assert (page.reminder_hours_before, page.second_reminder_hours_before) == (24, 0)
    return page


def leads(page, first: int, second: int = 0) -> None:
    page.reminder_hours_before, page.second_reminder_hours_before = first, second
    page.full_clean()
    page.save()


def booking_made(service, *, at: datetime, start: datetime = START, **fields) -> Booking:
    """A booking of `service` starting at `start`, made at `at` (its created_at)."""
    values = {"client_name": "Dana Diver", "client_email": CLIENT, "booked_in_client_timezone": "Europe/London"} | fields
    with time_machine.travel(at, tick=False):
        return BookingFactory(
            business_profile=service.business_profile, session_category=service, start_time_utc=start,
            end_time_utc=start + timedelta(minutes=service.duration_minutes), **values,
        )


def sweep_at(moment: datetime) -> int:
    """Beat's reminder task, run at `moment`."""
    with time_machine.travel(moment, tick=False):
        return send_reminders_task()


def reminders_of(booking: Booking) -> list[tuple[int, datetime]]:
    rows = OutboxEmail.objects.filter(booking=booking, kind=EmailKind.REMINDER).order_by("pk")
    return [(row.reminder_number, row.reminder_for_start) for row in rows]


def moved(booking: Booking, *, to: datetime, at: datetime) -> None:
    """Move it as the reschedule service does: a new start, and rescheduled_at the moment of the move."""
    length = booking.end_time_utc - booking.start_time_utc
    Booking.objects.filter(pk=booking.pk).update(start_time_utc=to, end_time_utc=to + length, rescheduled_at=at)


# --- When reminders are due ---------------------------------------------------------------------


def test_the_first_reminder_is_written_at_its_lead_and_not_before(reminding_page, service):
    booking = booking_made(service, at=START - timedelta(days=3))

    assert sweep_at(START - timedelta(hours=24, minutes=1)) == 0
    assert reminders_of(booking) == []

    assert sweep_at(START - timedelta(hours=24)) == 1

    [row] = OutboxEmail.objects.filter(booking=booking)
    assert (row.kind, row.reminder_number, row.reminder_for_start) == (EmailKind.REMINDER, 1, START)
    assert (row.to_email, row.status, row.attempts) == (CLIENT, OutboxEmail.Status.QUEUED, 0)
    assert row.next_attempt_at == START - timedelta(hours=24)


def test_the_second_reminder_is_written_at_its_own_lead(reminding_page, service):
    leads(reminding_page, 24, 2)
    booking = booking_made(service, at=START - timedelta(days=3))

    assert sweep_at(START - timedelta(hours=24)) == 1
    assert sweep_at(START - timedelta(hours=2, minutes=1)) == 0
    assert reminders_of(booking) == [(1, START)]

    assert sweep_at(START - timedelta(hours=2)) == 1
    assert reminders_of(booking) == [(1, START), (2, START)]
    assert sweep_at(START - timedelta(minutes=1)) == 0


def test_a_lead_of_zero_sends_none(reminding_page, service):
    leads(reminding_page, 0)
    booking = booking_made(service, at=START - timedelta(days=3))

    for hours_before in (24 * 14, 24, 2, 0.02):
        assert sweep_at(START - timedelta(hours=hours_before)) == 0
    assert reminders_of(booking) == []


@pytest.mark.parametrize(
    "status", [Status.PENDING_APPROVAL, Status.CANCELLED_BY_CLIENT, Status.CANCELLED_BY_ADMIN, Status.COMPLETED, Status.NO_SHOW]
)
def test_a_booking_that_is_not_confirmed_gets_none(reminding_page, service, status):
    leads(reminding_page, 24, 2)
    expires = {"pending_request_expires_at": START} if status == Status.PENDING_APPROVAL else {}
    booking = booking_made(service, at=START - timedelta(days=3), status=status, **expires)
    an_hour_later = START + timedelta(hours=1)
    confirmed = booking_made(service, at=START - timedelta(days=3), start=an_hour_later, client_email="erin@example.com")

    assert sweep_at(START - timedelta(hours=24)) == 0  # the confirmed one's first comes an hour later
    assert sweep_at(START - timedelta(hours=2)) == 1  # the confirmed one's first
    assert sweep_at(START - timedelta(hours=1)) == 1  # and its second

    assert reminders_of(booking) == []
    assert reminders_of(confirmed) == [(1, an_hour_later), (2, an_hour_later)]


def test_a_booking_made_after_the_moment_gets_no_reminder_its_confirmation_is_fresh(reminding_page, service):
    leads(reminding_page, 24, 2)
    late = booking_made(service, at=START - timedelta(hours=23, minutes=59))
    last_minute = booking_made(service, at=START - timedelta(hours=2), start=START, client_email="erin@example.com")

    for moment in (START - timedelta(hours=23), START - timedelta(hours=2), START - timedelta(minutes=1)):
        sweep_at(moment)

    assert reminders_of(late) == [(2, START)]  # made before the second's moment: that one comes
    assert reminders_of(last_minute) == []  # made at the second's moment: none at all


def test_a_request_approved_after_the_moment_gets_no_reminder_its_confirmation_is_fresh(open_page, service, alice):
    leads(open_page, 24, 2)
    with time_machine.travel(START - timedelta(hours=30), tick=False):
        open_page.requires_approval = True
        open_page.save()
        booking = booking_create(
            service=service, start_time_utc=START, client_name="Dana Diver", client_email=CLIENT, client_timezone="Europe/London"
        )
    assert booking.status == Status.PENDING_APPROVAL
    assert sweep_at(START - timedelta(hours=24)) == 0  # a request: not yet

    with time_machine.travel(START - timedelta(hours=10), tick=False):
        booking_approve(booking=booking, by=alice)
    assert sweep_at(START - timedelta(hours=10)) == 0  # the confirmation has just gone
    assert sweep_at(START - timedelta(hours=2)) == 1  # approved before the second's moment

    assert reminders_of(booking) == [(2, START)]


def test_a_moved_booking_gets_a_reminder_for_its_new_start(reminding_page, service):
    booking = booking_made(service, at=START - timedelta(days=3))
    assert sweep_at(START - timedelta(hours=24)) == 1
    later = START + timedelta(days=2)
    moved(booking, to=later, at=START - timedelta(hours=20))

    assert sweep_at(START - timedelta(hours=20)) == 0  # its new start is two days off
    assert sweep_at(later - timedelta(hours=24, minutes=1)) == 0
    assert sweep_at(later - timedelta(hours=24)) == 1

    assert reminders_of(booking) == [(1, START), (1, later)]


def test_a_booking_moved_after_the_moment_gets_none_its_moved_email_is_fresh(reminding_page, service):
    booking = booking_made(service, at=START - timedelta(days=3))
    sooner = START - timedelta(days=1)
    moved(booking, to=sooner, at=sooner - timedelta(hours=10))  # its new reminder's moment has passed

    for moment in (sooner - timedelta(hours=10), sooner - timedelta(hours=1)):
        assert sweep_at(moment) == 0
    assert reminders_of(booking) == []


def test_running_the_sweep_again_writes_nothing_more(reminding_page, service):
    booking = booking_made(service, at=START - timedelta(days=3))

    assert sweep_at(START - timedelta(hours=24)) == 1
    assert sweep_at(START - timedelta(hours=24)) == 0
    assert sweep_at(START - timedelta(hours=23, minutes=59)) == 0
    assert sweep_at(START - timedelta(minutes=1)) == 0

    assert reminders_of(booking) == [(1, START)]
    assert OutboxEmail.objects.count() == 1


def test_a_lead_changed_by_the_owner_takes_effect_at_the_next_sweep(reminding_page, service):
    booking = booking_made(service, at=START - timedelta(days=5))
    forty_hours_before = START - timedelta(hours=40)
    assert sweep_at(forty_hours_before) == 0

    leads(reminding_page, 48)
    assert sweep_at(forty_hours_before) == 1  # its moment (48 h before) has passed, the start has not
    assert reminders_of(booking) == [(1, START)]

    later = START + timedelta(hours=6)
    other = booking_made(service, at=START - timedelta(days=5), start=later, client_email="erin@example.com")
    leads(reminding_page, 4)
    assert sweep_at(later - timedelta(hours=24)) == 0  # the old lead's moment no longer counts
    assert sweep_at(later - timedelta(hours=4, minutes=1)) == 0
    assert sweep_at(later - timedelta(hours=4)) == 1
    assert reminders_of(other) == [(1, later)]


def test_when_both_are_due_at_once_only_the_second_goes_out_and_the_first_never_after_it(reminding_page, service):
    leads(reminding_page, 24, 2)
    booking = booking_made(service, at=START - timedelta(days=3))

    # Beat was down from a day before until an hour before the start.
    assert sweep_at(START - timedelta(hours=1)) == 1
    assert sweep_at(START - timedelta(minutes=30)) == 0

    assert reminders_of(booking) == [(2, START)]


def test_each_business_has_its_own_leads_and_the_search_is_two_queries(
    reminding_page, service, django_assert_num_queries
):
    other = BusinessProfileFactory(name="Bob's Boxing")
    BookingSettingsFactory(business_profile=other, public_booking_slug="bobs-boxing", reminder_hours_before=48)
    boxing = ServiceFactory(business_profile=other, name="Sparring")
    ours = [booking_made(service, at=START - timedelta(days=5), start=START + timedelta(hours=h)) for h in range(5)]
    theirs = [booking_made(boxing, at=START - timedelta(days=5), start=START + timedelta(hours=h, minutes=30)) for h in range(5)]
    now = START - timedelta(hours=24)

    with django_assert_num_queries(2):
        due = due_reminders(now=now)

    assert [(d.booking_id, d.number) for d in due] == [(ours[0].pk, 1)] + [(b.pk, 1) for b in theirs]
    assert sorted(d.start for d in due) == [d.start for d in due]


def test_a_reminder_another_run_wrote_meanwhile_is_not_written_again(reminding_page, service):
    """The race's losing side, one step at a time: found due, then written by another run first."""
    booking = booking_made(service, at=START - timedelta(days=3))
    now = START - timedelta(hours=24)
    [due] = due_reminders(now=now)

    assert due_reminders_queue(now=now) == 1  # the other run
    assert reminder_queue(due=due, now=now) is None  # the unique constraint refuses the second row

    assert reminders_of(booking) == [(1, START)]
    assert due_reminders(now=now) == []


def test_a_reminder_found_due_is_not_written_once_the_booking_is_cancelled_or_moved(reminding_page, service):
    cancelled = booking_made(service, at=START - timedelta(days=3))
    half_past = START + timedelta(minutes=30)
    moving = booking_made(service, at=START - timedelta(days=3), start=half_past, client_email="erin@example.com")
    now = START - timedelta(hours=23)
    found = due_reminders(now=now)
    assert {d.booking_id for d in found} == {cancelled.pk, moving.pk}

    Booking.objects.filter(pk=cancelled.pk).update(status=Status.CANCELLED_BY_CLIENT)
    moved(moving, to=START + timedelta(days=2), at=now)

    assert [reminder_queue(due=d, now=now) for d in found] == [None, None]
    assert OutboxEmail.objects.count() == 0


# --- The email --------------------------------------------------------------------------------


def test_the_reminder_email_in_the_clients_zone_with_the_manage_link_and_the_calendar(reminding_page, service):
    reminding_page.custom_message_client = "Lessons are at Riverside pool, lane 6."
    reminding_page.client_change_cutoff_hours = 12
    reminding_page.save()
    booking = booking_made(service, at=START - timedelta(days=3), booked_in_client_timezone="Asia/Tokyo")
    sweep_at(START - timedelta(hours=24))

    [mail] = OutboxEmail.objects.filter(booking=booking)
    manage = f"{SITE}/book/alices-aqua/booking/{booking.manage_token}/?lang=en"
    assert mail.subject == "Reminder: Private lesson, Tue 5 Mar, 18:00"  # Tokyo time
    assert mail.from_email == '"Alice\'s Aqua Studio" <bookings@flowkey.local>'
    assert mail.reply_to == OWNER
    for part in (mail.body_text, mail.body_html):
        assert "Tuesday, 5 March 2030" in part and "18:00–19:00" in part and "(Tokyo time)" in part
        assert "09:00" not in part  # nothing in London time
        assert "View, move or cancel your booking" in part and manage in part
        assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in part
        assert "Lessons are at Riverside pool, lane 6." in part
        assert "too close to the start" not in part
    assert "A REMINDER OF YOUR BOOKING" in mail.body_text and "<h1" in mail.body_html
    assert f'<a href="{manage}"' in mail.body_html

    assert mail.ics_method == "PUBLISH"
    calendar = icalendar.Calendar.from_ical(mail.ics)
    event = only_event(calendar)
    assert calendar["METHOD"] == "PUBLISH"
    assert event["UID"] == f"booking-{booking.pk}@flowkey-booking-links"  # the confirmation's event
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (START, START + timedelta(hours=1))
    assert event["URL"] == manage


def test_inside_the_change_cutoff_the_reminder_says_how_to_reach_the_business_instead(reminding_page, service):
    reminding_page.client_change_cutoff_hours = 48
    reminding_page.save()
    booking = booking_made(service, at=START - timedelta(days=3))
    sweep_at(START - timedelta(hours=24))

    [mail] = OutboxEmail.objects.filter(booking=booking)
    manage = f"{SITE}/book/alices-aqua/booking/{booking.manage_token}/?lang=en"
    for part in (mail.body_text, mail.body_html):
        assert "too close to the start to move or cancel online" in part
        assert "up to 48 hours before" in part and OWNER in part
        assert "View, move or cancel your booking" not in part and manage not in part
    assert f'<a href="mailto:{OWNER}"' in mail.body_html
    assert mail.ics_method == "PUBLISH" and "Tuesday, 5 March 2030" in mail.body_text  # London: 09:00
    assert "09:00–10:00 (London time)" in mail.body_text


def test_the_owner_sees_the_reminder_among_the_bookings_emails(client, alice, reminding_page, service):
    booking = booking_made(service, at=START - timedelta(days=3))
    sweep_at(START - timedelta(hours=24))
    OutboxEmail.objects.filter(booking=booking).update(status=OutboxEmail.Status.SENT, sent_at=START - timedelta(hours=24))
    client.force_login(alice)

    body = client.get(f"/app/bookings/{booking.pk}/").content.decode()

    emails = body[body.index('id="emails-heading"'):]
    assert "Reminder: Private lesson, Tue 5 Mar, 09:00" in emails
    assert f"To {CLIENT} · written" in emails and "4 Mar, 09:00" in emails  # when, in the business's zone
    assert ">Sent<" in emails


# --- Two sweeps at once, the real worker and beat -------------------------------------------------


def due_now(service, *, count: int = 1) -> list[Booking]:
    """Bookings made three days ago that start in 20 hours: their 24-hour reminder is due now."""
    now = timezone.now()
    start = now.replace(second=0, microsecond=0) + timedelta(hours=20)
    return [
        booking_made(service, at=now - timedelta(days=3), start=start + timedelta(hours=n), client_email=f"c{n}@example.com")
        for n in range(count)
    ]


@pytest.mark.django_db(transaction=True)
def test_sweeps_at_once_write_and_send_each_reminder_once(celery_worker, sendgrid, reminding_page, service, caplog):
    caplog.set_level(logging.INFO, logger="bookingsite.notifications")
    bookings = due_now(service, count=5)
    now = timezone.now()
    results = run_together_without_errors(lambda: due_reminders_queue(now=now), SWEEPS)

    assert len(results) == SWEEPS
    assert sum(results) == len(bookings)
    # The losers found the winner's row (or hit the unique constraint) and said nothing: no failure logged.
    ours = [r for r in caplog.records if r.name.startswith("bookingsite")]
    assert [r.getMessage() for r in ours if r.levelno >= logging.WARNING] == []
    assert sum("reminder.queued" in r.getMessage() for r in caplog.records) == len(bookings)
    for booking in bookings:
        assert reminders_of(booking) == [(1, booking.start_time_utc)]
    wait_until_settled(count=len(bookings))
    reminders = [m for m in sendgrid.accepted if subject(m).startswith("Reminder:")]
    assert sorted(m["personalizations"][0]["to"][0]["email"] for m in reminders) == sorted(b.client_email for b in bookings)
    assert len(sendgrid.requests) == len(bookings)


@pytest.mark.django_db(transaction=True)
def test_broker_down_at_the_sweep_the_reminder_waits_and_the_pickup_sends_it_once(
    celery_worker, sendgrid, reminding_page, service
):
    [booking] = due_now(service)

    with broker_down():
        assert send_reminders_task() == 1
    [row] = OutboxEmail.objects.filter(booking=booking)
    assert (row.kind, row.status, row.attempts) == (EmailKind.REMINDER, OutboxEmail.Status.QUEUED, 0)
    assert flush_outbox_task() == 0  # within the grace period the normal path may still send it
    assert send_reminders_task() == 0  # written once: the next sweep leaves it to the pickup
    assert sendgrid.requests == []

    with time_machine.travel(timedelta(seconds=settings.OUTBOX_GRACE_SECONDS + 60)):
        assert flush_outbox_task() == 1  # the broker is back and beat's pickup comes
    [sent] = wait_until_settled(booking, count=1)

    assert (sent.status, sent.attempts) == (OutboxEmail.Status.SENT, 1)
    [mail] = sendgrid.accepted
    assert subject(mail).startswith("Reminder: Private lesson, ")
    text, html = parts(mail)
    assert "A REMINDER OF YOUR BOOKING" in text and "A reminder of your booking" in html
    attachment, calendar = attached_calendar(mail)
    assert attachment["type"].startswith("text/calendar; method=PUBLISH") and calendar["METHOD"] == "PUBLISH"
    with time_machine.travel(timedelta(seconds=settings.OUTBOX_GRACE_SECONDS + 60)):
        assert flush_outbox_task() == 0
    assert send_reminders_task() == 0
    assert len(sendgrid.requests) == 1


@pytest.mark.django_db(transaction=True)
def test_two_beats_and_a_worker_send_a_reminder_due_now_once(sendgrid, reminding_page, service, redis_url, tmp_path):
    [booking] = due_now(service)
    env = processes.app_environment(
        database_url=processes.subprocess_database_url(), redis_url=redis_url,
        SENDGRID_API_KEY=API_KEY, SENDGRID_HOST_URL=sendgrid.url, SITE_URL=SITE,
    )
    worker = processes.celery_worker(env, log=tmp_path / "worker.log", on_output=activity.bump)

    def sweeps_done() -> int:
        return sum("notifications.send_reminders[" in line and "succeeded" in line for line in worker.lines)

    with processes.running(worker):
        beats = [processes.celery_beat(env, log=tmp_path / f"beat-{n}.log", on_output=activity.bump) for n in (1, 2)]
        try:
            for beat in beats:
                beat.wait_for_line("Sending due task send-reminders (notifications.send_reminders)")
            wait_for(lambda: sweeps_done() == 2, what="the worker to run both beats' reminder sweeps")
            wait_for(lambda: sendgrid.accepted_to(booking.client_email), what="SendGrid to accept the reminder")
            [row] = wait_until_settled(booking, count=1)
        finally:
            for beat in beats:
                beat.stop()

    assert (row.kind, row.reminder_number, row.reminder_for_start) == (EmailKind.REMINDER, 1, booking.start_time_utc)
    assert (row.status, row.attempts) == (OutboxEmail.Status.SENT, 1)
    [mail] = sendgrid.accepted_to(booking.client_email)
    assert subject(mail) == row.subject and subject(mail).startswith("Reminder: Private lesson, ")
    assert f"{SITE}/book/alices-aqua/booking/{booking.manage_token}/" in parts(mail)[0]
    assert len(sendgrid.requests) == 1


@pytest.mark.parametrize(("clock", "subject", "times"), [
    ("auto", "Reminder: Private lesson, Tue, Mar 5, 4:00 AM", "4:00 AM–5:00 AM"),  # US English: their zone's region
    ("24h", "Reminder: Private lesson, Tue, Mar 5, 04:00", "04:00–05:00"),  # the business forces the 24-hour clock
])
def test_beat_writes_a_reminder_as_the_client_s_locale_writes_dates(reminding_page, service, business, clock, subject, times):
    business.clock = clock
    business.save()
    booking = booking_made(service, at=START - timedelta(days=3), booked_in_client_timezone="America/New_York")
    sweep_at(START - timedelta(hours=24))

    [mail] = OutboxEmail.objects.filter(booking=booking)
    assert mail.subject == subject
    assert "Tuesday, March 5, 2030" in mail.body_text and times in mail.body_text


def test_beat_writes_a_german_client_s_reminder_with_german_dates(reminding_page, service):
    booking = booking_made(service, at=START - timedelta(days=3), booked_in_client_timezone="Europe/Berlin",
                           language="de")
    sweep_at(START - timedelta(hours=24))

    [mail] = OutboxEmail.objects.filter(booking=booking)
    assert "Dienstag, 5. März 2030" in mail.body_text and "10:00–11:00" in mail.body_text
    assert mail.subject.endswith("Private lesson, Di., 5. März, 10:00")
