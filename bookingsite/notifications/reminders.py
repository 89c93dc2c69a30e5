"""Reminder emails (DESIGN.md 7): found by beat from the bookings themselves, sent through the outbox.

A business sets two leads on its settings: `reminder_hours_before` (reminder 1) and
`second_reminder_hours_before` (reminder 2); 0 switches one off. Reminder n of a booking is due
at its moment, start − lead, and goes out when all of these hold:

- the booking is `confirmed` and has not started;
- its moment has come (the start is within the lead);
- it was created, confirmed (a request the owner approved) and, if ever, last moved before that
  moment: a booking made, approved or moved later has just had its confirmation or "moved"
  email, which says everything a reminder would;
- no reminder n was written yet for its current start (a booking moved after one was sent gets
  another for its new start);
- for reminder 1 only: reminder 2's moment has not come too. When both are due at once (beat was
  down across both, or the owner lengthened the first lead) the client gets the nearer one alone,
  and never the first after the second.

Exactly once: the OutboxEmail's unique constraint `one_reminder_per_booking_start` (booking,
number, start) decides between two beats, or a beat and a restarted one; the row is published
after commit like every outbox row, so the outbox's pickup covers a broker that was down.

`due_reminders` reads (two queries, whatever the number of bookings); `reminder_queue` writes one
reminder; `due_reminders_queue` is what the beat task, `send_reminders_task`, runs.

That task lives here rather than in tasks.py: it composes through `outbox`, which imports
tasks.py's send task to publish, so from tasks.py it would close an import loop
(tests/test_layers.py). The worker loads this module through CELERY_IMPORTS (config/settings.py).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from celery import shared_task
from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, DurationField, Exists, ExpressionWrapper, F, Func, OuterRef, Q
from django.utils import timezone

from bookingsite.bookings.models import Booking, BookingStatusChange
from bookingsite.businesses.models import MAX_REMINDER_HOURS

from .models import OutboxEmail
from .outbox import client_reminder_email, publish_on_commit

log = logging.getLogger("bookingsite.notifications")

# The settings field of each reminder's lead, by reminder number.
LEAD_FIELDS = {1: "reminder_hours_before", 2: "second_reminder_hours_before"}
# Per reminder number and run; more due at once (an outage of hours) are taken by the next runs.
SWEEP_BATCH = 500


class _Hours(Func):
    """An integer column of hours as a duration, computed by the database (PostgreSQL's interval,
    SQLite's microseconds, which is how Django stores a duration there)."""

    output_field = DurationField()
    template = "make_interval(hours => %(expressions)s)"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="(%(expressions)s * 3600000000)", **extra_context)


def _moment(number: int) -> ExpressionWrapper:
    """Reminder `number`'s moment of a booking, start − lead, in SQL."""
    lead = F(f"business_profile__booking_settings__{LEAD_FIELDS[number]}")
    return ExpressionWrapper(F("start_time_utc") - _Hours(lead), output_field=DateTimeField())


@dataclass(frozen=True)
class DueReminder:
    booking_id: UUID
    number: int  # 1 or 2
    start: datetime  # the booking's start it reminds of, as it was when found


def due_reminders(*, now: datetime, limit: int = SWEEP_BATCH) -> list[DueReminder]:
    """The reminders due at `now` (the rules in this module's docstring), soonest start first.

    One query per reminder number, whatever the number of bookings. What it finds may be sent by
    another beat meanwhile: `reminder_queue` re-checks, and the unique constraint decides.
    """
    due: list[DueReminder] = []
    for number, field in LEAD_FIELDS.items():
        already = OutboxEmail.objects.filter(
            booking=OuterRef("pk"), reminder_number=number, reminder_for_start=OuterRef("start_time_utc")
        )
        # The history says when a booking became confirmed: for a request, when the owner approved it.
        approved_since = BookingStatusChange.objects.filter(
            booking=OuterRef("pk"), to_status=Booking.Status.CONFIRMED, changed_at__gte=OuterRef("moment")
        )
        bookings = (
            Booking.objects.filter(
                status=Booking.Status.CONFIRMED,
                start_time_utc__gt=now,
                # No lead is longer: a bound on start that an index on it can use.
                start_time_utc__lte=now + timedelta(hours=MAX_REMINDER_HOURS),
                **{f"business_profile__booking_settings__{field}__gt": 0},
            )
            .alias(moment=_moment(number))
            .filter(moment__lte=now, created_at__lt=F("moment"))
            .filter(Q(rescheduled_at__isnull=True) | Q(rescheduled_at__lt=F("moment")))
            .exclude(Exists(approved_since))
            .exclude(Exists(already))
        )
        if number == 1:
            # Reminder 2's moment has come as well: that one alone goes out.
            second = "business_profile__booking_settings__second_reminder_hours_before"
            bookings = bookings.alias(second_moment=_moment(2)).exclude(
                Q(**{f"{second}__gt": 0}) & Q(second_moment__lte=now)
            )
        rows = bookings.order_by("start_time_utc").values_list("pk", "start_time_utc")[:limit]
        due += [DueReminder(booking_id=pk, number=number, start=start) for pk, start in rows]
    return sorted(due, key=lambda reminder: reminder.start)


@transaction.atomic(durable=True)
def reminder_queue(*, due: DueReminder, now: datetime) -> OutboxEmail | None:
    """Write the reminder `due` to the outbox and publish it after commit; None when it is no
    longer owed (the booking was cancelled or moved meanwhile) or another run wrote it first.

    Its own transaction (durable): the beat task calls it once per reminder, so one booking's
    failure leaves the others' reminders in place.
    """
    # The booking's row alone is locked (not the business's settings row joined in: that is the
    # booking lock, which this never needs), so a cancel or move of this booking committing now
    # is either seen here or waits for this reminder; both orders send the right emails.
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("business_profile__owner", "business_profile__booking_settings", "session_category")
        .filter(pk=due.booking_id)
        .first()
    )
    if booking is None or booking.status != Booking.Status.CONFIRMED or booking.start_time_utc != due.start:
        return None
    email = client_reminder_email(booking, number=due.number)
    email.next_attempt_at = now
    try:
        with transaction.atomic():  # a savepoint: the constraint's refusal leaves the transaction usable
            email.save()
    except IntegrityError:
        # one_reminder_per_booking_start: another beat wrote this reminder first, and sends it.
        return None
    publish_on_commit(email)
    return email


def due_reminders_queue(*, now: datetime) -> int:
    """Queue every reminder due at `now`; the number queued. Safe to run twice, or twice at once."""
    queued = 0
    for due in due_reminders(now=now):
        try:
            email = reminder_queue(due=due, now=now)
        except Exception:
            # One booking that cannot be composed or written must not hold back everyone else's
            # reminders; it is found again next minute, and the log says why.
            log.exception("reminder.failed booking_id=%s number=%s", due.booking_id, due.number)
            continue
        if email is not None:
            queued += 1
            log.info(
                "reminder.queued booking_id=%s number=%s email_id=%s start=%s",
                due.booking_id, due.number, email.pk, due.start.isoformat(),
            )
    return queued


@shared_task(name="notifications.send_reminders")
def send_reminders_task() -> int:
    """Beat, every minute: write and queue the reminder emails due now; the number queued.

    Safe with two beats at once, or run again: each reminder is one outbox row per booking,
    number and start, and the rows go out through the outbox like every email.
    """
    queued = due_reminders_queue(now=timezone.now())
    if queued:
        log.info("reminder.sweep queued=%s", queued)
    return queued
