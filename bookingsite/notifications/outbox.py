"""The outbox: emails and in-app notifications for booking changes (DESIGN.md 7, PRD 3.7, 3.8).

`booking_notifications_queue` runs inside the booking service's transaction: it composes every
email the change causes, stores each as an OutboxEmail row, adds the owner's Notification, and
asks for a send task once the transaction commits. So an email exists if and only if its change
does, and the slow part (the provider's HTTP call) never runs under the business lock.

`client_reminder_email` composes a reminder the same way, for `notifications.reminders`, which
beat runs: a reminder has no booking change of its own.

Each email is composed in its reader's language (DESIGN.md 12): the client's stored on the
booking or waitlist entry, the owner's business's; the client's links carry it (`?lang=`).

`notifications.sending` is what the send task then runs.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from functools import wraps
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from kombu.exceptions import OperationalError as BrokerError

from bookingsite.bookings.calendar_links import google_calendar_url, ics_calendar
from bookingsite.bookings.models import Booking, WaitlistEntry
from bookingsite.bookings.selectors.actions import booking_actions
from bookingsite.bookings.selectors.waitlist import waitlist_position
from bookingsite.businesses.zone_names import zone_time_name
from bookingsite.lib.languages import recorded_language, url_in_language
from bookingsite.lib.locale_formats import Formats, business_formats, format_date, format_date_time, format_time
from bookingsite.lib.outage import Outage

from .models import EmailKind, Notification, OutboxEmail
from .tasks import send_outbox_email_task

log = logging.getLogger("bookingsite.notifications")
Status = Booking.Status

# Publishing after commit runs in the web request, so it never waits long: no retry (redis-py
# already reconnects a connection that a restarted Redis closed; a retry would only double the
# wait on a broker that hangs), and after a failure this process leaves the broker alone for a
# few seconds. The rows meanwhile wait for the beat pickup.
PUBLISH_RETRY_POLICY = {"max_retries": 0}
broker_outage = Outage("broker", retry_after=10.0)

# Marked for makemessages only: `_subject` translates them when it composes, in the language then active.
SUBJECTS = {
    EmailKind.REQUEST_RECEIVED: gettext_noop("Booking request received – %(service)s, %(when)s"),
    EmailKind.CONFIRMED: gettext_noop("Booking confirmed – %(service)s, %(when)s"),
    EmailKind.REJECTED: gettext_noop("Booking request declined – %(service)s, %(when)s"),
    EmailKind.EXPIRED: gettext_noop("Booking request expired – %(service)s, %(when)s"),
    EmailKind.CANCELLED: gettext_noop("Booking cancelled – %(service)s, %(when)s"),
    EmailKind.REMINDER: gettext_noop("Reminder: %(service)s, %(when)s"),
    EmailKind.NEW_REQUEST: gettext_noop("New booking request from %(client)s – %(service)s, %(when)s"),
    EmailKind.NEW_BOOKING: gettext_noop("New booking from %(client)s – %(service)s, %(when)s"),
    EmailKind.CLIENT_CANCELLED: gettext_noop("%(client)s cancelled – %(service)s, %(when)s"),
    EmailKind.MOVED: gettext_noop("Booking moved – %(service)s, now %(when)s"),
    EmailKind.BOOKING_MOVED: gettext_noop("Booking moved: %(client)s – %(service)s, now %(when)s"),
    EmailKind.WAITLIST_JOINED: gettext_noop("You’re on the waitlist – %(service)s, %(when)s"),
    EmailKind.WAITLIST_OFFER: gettext_noop("A place is free for you – %(service)s, %(when)s"),
    EmailKind.WAITLIST_LAPSED: gettext_noop("Your waitlist place has passed on – %(service)s, %(when)s"),
    EmailKind.WAITLIST_CLOSED: gettext_noop("Waitlist closed – %(service)s, %(when)s"),
    EmailKind.WAITLIST_WITHDRAWN: gettext_noop("Waitlist update – %(service)s, %(when)s"),
}
# The client's email for each step of a waitlist entry (DESIGN.md 11); "" is joining.
WAITLIST_KINDS = {
    "": EmailKind.WAITLIST_JOINED,
    WaitlistEntry.Status.OFFERED: EmailKind.WAITLIST_OFFER,
    WaitlistEntry.Status.LAPSED: EmailKind.WAITLIST_LAPSED,
    WaitlistEntry.Status.CLOSED: EmailKind.WAITLIST_CLOSED,
}
# A pending request the client cancels was never a booking: say so.
WITHDRAWN_SUBJECTS = {
    EmailKind.CANCELLED: gettext_noop("Booking request withdrawn – %(service)s, %(when)s"),
    EmailKind.CLIENT_CANCELLED: gettext_noop("%(client)s withdrew their request – %(service)s, %(when)s"),
}


# --- Composing, inside the booking's transaction ---------------------------------------------


def booking_notifications_queue(
    *, booking: Booking, from_status: str, moved_from: datetime | None = None, from_waitlist: bool = False,
    made_by_owner: bool = False, email_client: bool = True,
) -> list[OutboxEmail]:
    """Record the emails and owner notification for a booking that just went from `from_status`
    ("" when it was just created) to its current status, or that moved from the start
    `moved_from` to its current one; queue their sending after commit. A booking the owner made
    tells the owner nothing, and the client only with `email_client`.

    Call it inside the booking service's transaction, after the booking row and its history row
    are saved. It only inserts rows and registers on_commit callbacks; nothing here waits on
    the network. Raises RuntimeError outside a transaction (an email without its change, or a
    change without its email, is what the outbox exists to prevent).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("booking_notifications_queue must run inside the booking's transaction")
    # One query for everything the emails show, read as this transaction sees it.
    booking = Booking.objects.select_related(
        "business_profile__owner", "business_profile__booking_settings", "session_category"
    ).get(pk=booking.pk)
    to_status = booking.status
    if moved_from is not None:
        client_kinds, owner_kind = [EmailKind.MOVED], EmailKind.BOOKING_MOVED
    else:
        client_kinds, owner_kind = _kinds_for(from_status, to_status)
    if not email_client:
        client_kinds = []
    if made_by_owner:
        owner_kind = None  # the owner booked it themselves
    if not client_kinds and owner_kind is None:
        return []
    links = _links(booking)
    moved = _moved_from(booking, moved_from) if moved_from is not None else None
    emails = [_client_email(kind, booking, links, from_status=from_status, moved=moved) for kind in client_kinds]
    if owner_kind is not None:
        # The bell tells the owner what the client did; a move the owner made is theirs already.
        if moved is None or moved.by_client:
            kind = Notification.Kind.WAITLIST_CLAIMED if from_waitlist else Notification.Kind(owner_kind)
            Notification.objects.create(business_profile_id=booking.business_profile_id, booking=booking, kind=kind)
        if booking.business_profile.owner.email:
            emails.append(
                _owner_email(owner_kind, booking, links, from_status=from_status, moved=moved, from_waitlist=from_waitlist)
            )
    _save_and_publish(emails)
    return emails


def _save_and_publish(emails: list[OutboxEmail]) -> None:
    now = timezone.now()
    for email in emails:
        email.next_attempt_at = now
        email.save()
        transaction.on_commit(lambda pk=email.pk: _publish(pk))


def waitlist_notifications_queue(*, entry: WaitlistEntry, from_status: str) -> list[OutboxEmail]:
    """Record the client's email for a waitlist entry that just went from `from_status` ("" when
    it just joined) to its current status: joined, offered a place, offer lapsed, line closed.
    Other steps (left, declined, removed, claimed: the booking's own emails follow) write none.
    `from_status` equal to its status is a repeated join: the email of where it stands, again.
    An offer the owner gave to someone else (offered -> waiting) says so.
    Call it inside the waitlist service's transaction, like booking_notifications_queue."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("waitlist_notifications_queue must run inside the waitlist's transaction")
    waiting, offered = WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED
    if from_status == offered and entry.status == waiting:
        kind = EmailKind.WAITLIST_WITHDRAWN
    else:
        joined = not from_status or from_status == entry.status == waiting
        kind = WAITLIST_KINDS.get("" if joined else entry.status)
    if kind is None:
        return []
    entry = WaitlistEntry.objects.select_related(
        "business_profile__owner", "business_profile__booking_settings", "session_category"
    ).get(pk=entry.pk)
    email = _waitlist_email(kind, entry)
    _save_and_publish([email])
    return [email]


def _composed_in(language_of: Callable[[Any], str]):
    """A composer of emails, `(kind, booking or entry, ...)`, run in its reader's language: the one
    `language_of(booking or entry)` names. Subjects, bodies, dates and the calendar file follow it."""

    def decorator(compose: Callable[..., OutboxEmail]) -> Callable[..., OutboxEmail]:
        @wraps(compose)
        def composed(kind: str, record, *args, **kwargs) -> OutboxEmail:
            with translation.override(language_of(record)):
                return compose(kind, record, *args, **kwargs)

        return composed

    return decorator


def _owner_language(booking: Booking) -> str:
    return booking.business_profile.language


@_composed_in(recorded_language)
def _waitlist_email(kind: str, entry: WaitlistEntry) -> OutboxEmail:
    business, service = entry.business_profile, entry.session_category
    slug = business.booking_settings.public_booking_slug
    language = recorded_language(entry)
    zone = _zone(entry.client_timezone, business.timezone)
    formats = _formats(business, zone)
    when = _when(entry.start_time_utc, entry.end_time_utc, zone, formats)
    subject = _subject_line(_(SUBJECTS[kind]) % {"service": service.name, "when": when.short})
    context = {
        "subject": subject,
        "business_name": business.name,
        "logo_url": _logo_url(business),
        "service_name": service.name,
        "duration_minutes": service.duration_minutes,
        "when": when,
        "location": service.location or business.address,
        "client_name": entry.client_name,
        "owner_email": business.owner.email,
        "position": waitlist_position(entry),
        "expires": _moment(entry.offer_expires_at, zone, formats) if entry.offer_expires_at else None,
        "claim_minutes": business.booking_settings.waitlist_claim_minutes,
        "entry_url": _client_url(reverse("public:waitlist-entry", args=[slug, entry.token]), language),
        "claim_url": _client_url(reverse("public:waitlist-claim", args=[slug, entry.token]), language),
        "rebook_url": _client_url(reverse("public:service", args=[slug, service.pk]), language),
        "message": business.booking_settings.custom_message_client,
        "about_waitlist": True,
    }
    text, html = _render(kind, context)
    return OutboxEmail(
        business_profile_id=entry.business_profile_id,
        waitlist_entry=entry,
        kind=kind,
        to_email=entry.client_email,
        from_email=_from_address(business.name),
        reply_to=business.owner.email,
        subject=subject,
        body_text=text,
        body_html=html,
    )


def _kinds_for(from_status: str, to_status: str) -> tuple[list[str], str | None]:
    """The client's email kinds and the owner's kind (email + notification) for a change."""
    if not from_status:  # just created
        if to_status == Status.PENDING_APPROVAL:
            return [EmailKind.REQUEST_RECEIVED], EmailKind.NEW_REQUEST
        return [EmailKind.CONFIRMED], EmailKind.NEW_BOOKING
    return {
        Status.CONFIRMED: ([EmailKind.CONFIRMED], None),
        Status.REJECTED: ([EmailKind.REJECTED], None),
        Status.EXPIRED_PENDING: ([EmailKind.EXPIRED], None),
        Status.CANCELLED_BY_CLIENT: ([EmailKind.CANCELLED], EmailKind.CLIENT_CANCELLED),
        Status.CANCELLED_BY_ADMIN: ([EmailKind.CANCELLED], None),
        # Attendance is the owner's own record (DESIGN.md 5): nobody is told.
        Status.COMPLETED: ([], None),
        Status.NO_SHOW: ([], None),
    }.get(to_status, ([], None))


@dataclass(frozen=True)
class _Links:
    manage: str
    rebook: str
    owner_booking: str
    owner_pending: str
    logo: str | None


def absolute_url(path: str) -> str:
    """A link that works from a mailbox: SITE_URL plus the path (an absolute URL stays as it is)."""
    return urljoin(settings.SITE_URL + "/", path)


def _client_url(path: str, language: str) -> str:
    """A link in a client's email: absolute, and opening the page in the client's language."""
    return url_in_language(absolute_url(path), language)


def _logo_url(business) -> str | None:
    return absolute_url(business.logo.url) if business.logo else None


def _links(booking: Booking) -> _Links:
    business = booking.business_profile
    slug = business.booking_settings.public_booking_slug
    language = recorded_language(booking)
    return _Links(
        manage=_client_url(reverse("public:booking", args=[slug, booking.manage_token]), language),
        rebook=_client_url(reverse("public:services", args=[slug]), language),
        owner_booking=absolute_url(reverse("owner:booking", args=[booking.pk])),
        owner_pending=absolute_url(reverse("owner:pending")),
        logo=_logo_url(business),
    )


def _zone(name: str, fallback: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(fallback)


@dataclass(frozen=True)
class _When:
    """A booking's time as one recipient reads it, in their zone."""

    date: str  # Tuesday 3 March 2026
    time: str  # 09:00–10:00
    zone: str  # London time
    short: str  # Tue 3 Mar, 09:00 (subjects)


def _formats(business, reader_zone: ZoneInfo | None = None) -> Formats:
    """An email's formats (lib.locale_formats): the language it is composed in, with the region of
    the reader's zone (a client's: where they booked; emails have no Accept-Language), else of the
    business's; the business's clock. So a reminder beat sends reads as the client's pages did."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return business_formats(language, business, client_zone=str(reader_zone.key) if reader_zone else "")


def _when(start_utc: datetime, end_utc: datetime, zone: ZoneInfo, formats: Formats) -> _When:
    start, end = start_utc.astimezone(zone), end_utc.astimezone(zone)
    next_day = " " + _("(+1 day)") if end.date() > start.date() else ""
    return _When(
        date=format_date(start, "weekday_date_year", formats),
        time=f"{format_time(start, formats)}–{format_time(end, formats)}{next_day}",
        zone=zone_time_name(str(zone.key)),
        short=format_date_time(start, "short_date", formats),
    )


@dataclass(frozen=True)
class _Moved:
    """Where a moved booking was, and who moved it."""

    start_utc: datetime
    end_utc: datetime
    by_client: bool


def _moved_from(booking: Booking, start_utc: datetime) -> _Moved:
    """The move just made: booking_reschedule saves its history row before telling the outbox."""
    move = booking.status_changes.filter(to_start_utc__isnull=False).latest("changed_at", "pk")
    return _Moved(
        start_utc=start_utc,
        end_utc=start_utc + (booking.end_time_utc - booking.start_time_utc),
        by_client=move.actor == "client",
    )


def _moment(moment: datetime, zone: ZoneInfo, formats: Formats) -> str:
    local = moment.astimezone(zone)
    return _("%(date)s at %(time)s") % {
        "date": format_date(local, "weekday_date", formats), "time": format_time(local, formats),
    }


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _from_address(display_name: str | None) -> str:
    """DEFAULT_FROM_EMAIL's address, shown as the business's name for client emails."""
    default_name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    name = _one_line(display_name or default_name).replace("\\", "").replace('"', "")
    return f'"{name}" <{address}>' if name else address


def _context(booking: Booking, links: _Links, when: _When, **extra) -> dict:
    business = booking.business_profile
    return {
        "business_name": business.name,
        "logo_url": links.logo,
        "service_name": booking.session_category.name,
        "duration_minutes": booking.session_category.duration_minutes,
        "when": when,
        "location": booking.location,  # every email says where (DESIGN.md 7)
        "client_name": booking.client_name,
        "client_email": booking.client_email,
        "client_phone": booking.client_phone,
        "notes": booking.notes_from_client,
        "links": links,
        **extra,
    }


def _render(kind: str, context: dict) -> tuple[str, str]:
    text = render_to_string(f"emails/{kind}.txt", context)
    html = render_to_string(f"emails/{kind}.html", context)
    # Template tags leave blank lines and trailing spaces behind in the plain part.
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy) + "\n", html


def _subject(kind: str, booking: Booking, when: _When, *, from_status: str) -> str:
    withdrawn = from_status == Status.PENDING_APPROVAL and booking.status == Status.CANCELLED_BY_CLIENT
    template = WITHDRAWN_SUBJECTS[kind] if withdrawn and kind in WITHDRAWN_SUBJECTS else SUBJECTS[kind]
    return _subject_line(
        _(template) % {"service": booking.session_category.name, "when": when.short, "client": booking.client_name}
    )


def _subject_line(text: str) -> str:
    """A subject as stored and sent: one line, at most the 255 characters OutboxEmail.subject holds."""
    subject = _one_line(text)
    return subject if len(subject) <= 255 else subject[:254] + "…"


@_composed_in(recorded_language)
def _client_email(kind: str, booking: Booking, links: _Links, *, from_status: str, moved: _Moved | None = None) -> OutboxEmail:
    business = booking.business_profile
    zone = _zone(booking.booked_in_client_timezone, business.timezone)
    formats = _formats(business, zone)
    when = _when(booking.start_time_utc, booking.end_time_utc, zone, formats)
    expires = None
    if booking.status == Status.PENDING_APPROVAL and kind in (EmailKind.REQUEST_RECEIVED, EmailKind.MOVED):
        expires = _moment(booking.pending_request_expires_at, zone, formats)
    was_confirmed = from_status == Status.CONFIRMED
    # A reminder carries the event as the confirmation did (same UID), so it adds or refreshes it;
    # a move sends the same UID with a higher SEQUENCE, so the client's calendar moves the event.
    with_calendar = kind in (EmailKind.CONFIRMED, EmailKind.REMINDER) or (
        kind == EmailKind.MOVED and booking.status == Status.CONFIRMED
    )
    ics, method = "", ""
    if with_calendar:
        ics, method = ics_calendar(booking, links.manage).decode(), "PUBLISH"
    elif kind == EmailKind.CANCELLED and was_confirmed:
        # Same UID as the PUBLISH the client got: their calendar drops that event.
        ics, method = ics_calendar(booking, links.manage, cancelled=True).decode(), "CANCEL"
    subject = _subject(kind, booking, when, from_status=from_status)
    cutoff_hours = business.booking_settings.client_change_cutoff_hours
    context = _context(
        booking, links, when,
        subject=subject,
        expires=expires,
        was_confirmed=was_confirmed,
        cancelled_by_client=booking.status == Status.CANCELLED_BY_CLIENT,
        reason=booking.rejection_reason if kind == EmailKind.REJECTED else booking.cancellation_reason,
        message=business.booking_settings.custom_message_client,
        google_calendar_url=google_calendar_url(booking, links.manage) if with_calendar else None,
        has_ics=bool(ics),
        owner_email=business.owner.email,
        # The manage link offers a move or a cancel only before the business's cut-off (DESIGN.md 5).
        can_change=booking_actions(booking, timezone.now(), cutoff_hours=cutoff_hours).client_can_change,
        cutoff_hours=cutoff_hours,
        was_when=_when(moved.start_utc, moved.end_utc, zone, formats) if moved else None,
        moved_by_client=moved.by_client if moved else False,
        pending=booking.status == Status.PENDING_APPROVAL,
    )
    text, html = _render(kind, context)
    return OutboxEmail(
        business_profile_id=booking.business_profile_id,
        booking=booking,
        kind=kind,
        to_email=booking.client_email,
        from_email=_from_address(business.name),
        reply_to=business.owner.email,
        subject=subject,
        body_text=text,
        body_html=html,
        ics=ics,
        ics_method=method,
    )


def client_reminder_email(booking: Booking, *, number: int) -> OutboxEmail:
    """Reminder `number` (1 or 2) for `booking` at its current start, composed as every client
    email is; not saved. `notifications.reminders` stores it and then calls `publish_on_commit`.

    `booking` should come with business_profile__owner, business_profile__booking_settings and
    session_category loaded (else each costs a query).
    """
    email = _client_email(EmailKind.REMINDER, booking, _links(booking), from_status=booking.status)
    email.reminder_number, email.reminder_for_start = number, booking.start_time_utc
    return email


def publish_on_commit(email: OutboxEmail) -> None:
    """Once the transaction that saved `email` commits, ask a worker to send it (as `_publish`)."""
    transaction.on_commit(lambda pk=email.pk: _publish(pk))


@_composed_in(_owner_language)
def _owner_email(
    kind: str, booking: Booking, links: _Links, *, from_status: str, moved: _Moved | None = None, from_waitlist: bool = False
) -> OutboxEmail:
    business = booking.business_profile
    owner_zone = _zone(business.timezone, "UTC")
    formats = _formats(business)
    when = _when(booking.start_time_utc, booking.end_time_utc, owner_zone, formats)
    client_when = None
    if booking.booked_in_client_timezone and booking.booked_in_client_timezone != business.timezone:
        client_when = _when(
            booking.start_time_utc, booking.end_time_utc, _zone(booking.booked_in_client_timezone, business.timezone),
            formats,
        )
    expires = None
    if kind == EmailKind.NEW_REQUEST:
        expires = _moment(booking.pending_request_expires_at, owner_zone, formats)
    subject = _subject(kind, booking, when, from_status=from_status)
    context = _context(
        booking, links, when,
        subject=subject,
        client_when=client_when,
        expires=expires,
        reason=booking.cancellation_reason,
        was_request=from_status == Status.PENDING_APPROVAL,
        was_when=_when(moved.start_utc, moved.end_utc, owner_zone, formats) if moved else None,
        moved_by_client=moved.by_client if moved else False,
        pending=booking.status == Status.PENDING_APPROVAL,
        from_waitlist=from_waitlist,
    )
    text, html = _render(kind, context)
    return OutboxEmail(
        business_profile_id=booking.business_profile_id,
        booking=booking,
        kind=kind,
        to_email=business.owner.email,
        from_email=_from_address(None),
        reply_to=booking.client_email,
        subject=subject,
        body_text=text,
        body_html=html,
    )


def _publish(email_id: int) -> None:
    """After commit: ask a worker to send the email (the beat pickup sends it if this fails)."""
    publish_after_commit(send_outbox_email_task, email_id, what="email_id")


def publish_after_commit(task, row_id: int, *, what: str) -> None:
    """After commit: queue `task` for an outbox row (an email, a webhook delivery). Never raises
    into the request whose change wrote the row.

    The row is already committed, so a failure here loses nothing: each outbox's beat pickup
    queues every row still unsent after its grace period.
    """
    if broker_outage.skip():
        log.warning("outbox.publish_failed %s=%s error='broker down': the beat pickup will send it", what, row_id)
        return
    try:
        task.apply_async(args=[row_id], retry_policy=PUBLISH_RETRY_POLICY)
    except (BrokerError, ConnectionError, OSError) as exc:
        broker_outage.failed(exc)
        log.warning("outbox.publish_failed %s=%s error=%r: the beat pickup will send it", what, row_id, exc)
    except Exception:
        # Eager mode (no broker) runs the task right here; whatever it raises, the change is
        # already made and the row waits for the pickup.
        log.exception("outbox.publish_failed %s=%s: the beat pickup will send it", what, row_id)
    else:
        broker_outage.answered()


def owner_notice_queue(*, business, kind: str, subject: str, context: dict) -> OutboxEmail | None:
    """Record an email to the owner of `business` (a BusinessProfile, its owner loaded) about their
    account rather than a booking (a webhook switched off), rendered from templates/emails/<kind>;
    queue it after commit like any email. None when the owner has no email address. Call it inside
    the transaction of the change, inside translation.override(business.language): the owner's
    language, which `subject` is in too."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("owner_notice_queue must run inside the change's transaction")
    if not business.owner.email:
        return None
    subject = _subject_line(subject)
    text, html = _render(
        kind, {"subject": subject, "business_name": business.name, "logo_url": _logo_url(business), **context}
    )
    email = OutboxEmail(
        business_profile_id=business.pk,
        kind=kind,
        to_email=business.owner.email,
        from_email=_from_address(None),
        subject=subject,
        body_text=text,
        body_html=html,
    )
    _save_and_publish([email])
    return email
