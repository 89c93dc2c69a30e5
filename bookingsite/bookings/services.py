"""The only writer of bookings: create, and every status change (DESIGN.md 5).

Views, the API, commands and tasks call these functions; nothing else saves a Booking. Each
public function owns its transaction (durable: never nested in a caller's) and raises only
`BookingError` subclasses, whose messages are safe to show.
"""

import dataclasses
import logging
import unicodedata
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookingsite.availability import engine
from bookingsite.availability.types import Slot
from bookingsite.businesses.locking import lock_business_for_write
from bookingsite.businesses.models import BusinessBookingSettings, SessionCategory
from bookingsite.lib.locale_formats import format_date, format_time
from . import events
from .waitlist_offers import offer_freed_places
from .exceptions import (
    BookingError,
    BookingPageClosedError,
    ChangeCutoffError,
    ClientTakenError,
    InvalidTransitionError,
    OnceKeyReusedError,
    OutsideBookingWindowError,
    ConfirmationNeededError,
    SessionConflictError,
    SlotNotOfferedError,
    SlotTakenError,
)
from .models import ATTENDANCE_STATUSES, Booking, BookingStatusChange, Client, Session
from .selectors import availability
from .selectors.actions import booking_actions
from .selectors.calendar import hand_session_notes

Status = Booking.Status
Actor = BookingStatusChange.Actor
event_log = logging.getLogger("bookingsite.bookings.events")

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING_APPROVAL: frozenset(
        {Status.CONFIRMED, Status.REJECTED, Status.EXPIRED_PENDING, Status.CANCELLED_BY_CLIENT}
    ),
    Status.CONFIRMED: frozenset({Status.CANCELLED_BY_CLIENT, Status.CANCELLED_BY_ADMIN, Status.COMPLETED, Status.NO_SHOW}),
}
EVENT_NAMES = {
    Status.PENDING_APPROVAL: "requested",
    Status.CONFIRMED: "confirmed",
    Status.REJECTED: "rejected",
    Status.EXPIRED_PENDING: "expired",
    Status.CANCELLED_BY_CLIENT: "cancelled",
    Status.CANCELLED_BY_ADMIN: "cancelled",
    Status.COMPLETED: "completed",
    Status.NO_SHOW: "no_show",
}
# The statuses that free the booking's place in its session. Completed and no-show keep it: the
# session happened, and its attendee stays in its history (DESIGN.md 5, Attendance).
RELEASING_STATUSES = frozenset(
    {Status.REJECTED, Status.EXPIRED_PENDING, Status.CANCELLED_BY_CLIENT, Status.CANCELLED_BY_ADMIN}
)
# Beat marks a confirmed booking completed this long after its end.
COMPLETE_AFTER_END = timedelta(hours=12)


def _log_event(event: str, booking: Booking, actor: str) -> None:
    """One line per booking event, key=value, for a log service to index."""
    event_log.info(
        "booking.%s booking_id=%s business_id=%s service_id=%s client_id=%s session_id=%s status=%s start_utc=%s actor=%s",
        event,
        booking.pk,
        booking.business_profile_id,
        booking.session_category_id,
        booking.client_id,
        booking.session_id,
        booking.status,
        booking.start_time_utc.isoformat(),
        actor,
    )


def check_booking_window(page: BusinessBookingSettings, start_utc: datetime, now: datetime) -> None:
    """Raise OutsideBookingWindowError for a start inside the minimum notice or past the horizon (rule 3)."""
    if start_utc < now + timedelta(minutes=page.minimum_notice_minutes):
        raise OutsideBookingWindowError(_("This time is too soon or already past. Please pick a later time."))
    if start_utc > now + timedelta(days=page.booking_horizon_days):
        raise OutsideBookingWindowError(_("This time is too far ahead to book yet. Please pick an earlier time."))


def _check_offered(
    page: BusinessBookingSettings, service: SessionCategory, start_utc: datetime, now: datetime, *, exclude_booking_id=None
) -> Slot:
    """The offered slot at start_utc, or the reason it is not offered (not counting `exclude_booking_id`'s place)."""
    # The window first: the engine never offers outside it, and nothing is loaded for a time
    # far in the past or future.
    check_booking_window(page, start_utc, now)
    request = availability.availability_request_at(
        page=page, service=service, start_utc=start_utc, now=now, exclude_booking_id=exclude_booking_id
    )
    slot = engine.find_slot(request, start_utc)
    if slot is not None:
        return slot
    if engine.find_slot(dataclasses.replace(request, occupancy=()), start_utc) is None:
        raise SlotNotOfferedError()
    raise SlotTakenError()


def _folded_name(name: str) -> str:
    """A name as matching compares it: accents dropped, any case, spaces collapsed ("José  García" -> "jose garcia")."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def _same_phone_and_name(clients, *, phone: str, name: str) -> Client | None:
    """The first of `clients` (a Client queryset) with this phone whose name folds to the same as `name`."""
    wanted = _folded_name(name)
    return next((client for client in clients.filter(phone=phone).order_by("pk") if _folded_name(client.name) == wanted), None)


def client_match(business_profile_id: int, *, name: str, email: str, phone: str) -> Client:
    """The business's client with this email (any case), else the one with this phone AND this name, else a new one.

    A phone alone is not a person (DESIGN.md 5): a family sharing one number books as separate
    clients, while the same person booking from another email address is still recognised.
    """
    clients = Client.objects.filter(business_profile_id=business_profile_id)
    client = clients.annotate(email_ci=Lower("email")).filter(email_ci=email.lower()).first()
    if client is None and phone:
        client = _same_phone_and_name(clients, phone=phone, name=name)
    if client is None:
        return Client.objects.create(business_profile_id=business_profile_id, name=name, email=email, phone=phone)
    if phone and not client.phone:
        client.phone = phone
        client.save(update_fields=["phone"])
    return client


def _attach_session(booking: Booking) -> None:
    session, _created = Session.objects.get_or_create(
        business_profile_id=booking.business_profile_id,
        session_category_id=booking.session_category_id,
        start_time_utc=booking.start_time_utc,
        end_time_utc=booking.end_time_utc,
    )
    booking.session = session
    if booking.client_id:
        session.attendees.add(booking.client_id)


def _release_session(booking: Booking) -> None:
    """Free the booking's place at once: its client leaves the session, an empty session goes."""
    session = booking.session
    if session is None:
        return
    others = session.bookings.holding_at(timezone.now()).exclude(pk=booking.pk)
    if booking.client_id and not others.filter(client_id=booking.client_id).exists():
        session.attendees.remove(booking.client_id)
    # An empty session would still block the time for every service; one the owner made stays.
    if not session.created_by_owner and not others.exists() and not session.attendees.exists():
        booking.session = None
        booking.save(update_fields=["session"])
        session.delete()


def _change_status(
    page: BusinessBookingSettings, booking: Booking, to_status: str, *, actor: str, by: AbstractBaseUser | None = None,
    note: str = "", now: datetime | None = None,
) -> Booking:
    from_status = booking.status
    if to_status not in ALLOWED_TRANSITIONS.get(from_status, frozenset()):
        raise InvalidTransitionError(
            _("This booking is %(status)s and can no longer be changed that way.")
            % {"status": booking.get_status_display().lower()}
        )
    booking.status = to_status
    if to_status == Status.CONFIRMED:
        _attach_session(booking)
    booking.save()
    if to_status in RELEASING_STATUSES:
        _release_session(booking)
    BookingStatusChange.objects.create(
        booking=booking, from_status=from_status, to_status=to_status, actor=actor, changed_by=by, note=note
    )
    events.booking_changed(booking=booking, from_status=from_status)  # emails are written now, sent after commit
    if to_status in RELEASING_STATUSES:
        offer_freed_places(page, service_id=booking.session_category_id, start=booking.start_time_utc,
                           end=booking.end_time_utc, now=now or timezone.now())
    transaction.on_commit(lambda: _log_event(EVENT_NAMES[to_status], booking, actor))
    return booking


@transaction.atomic(durable=True)
def booking_create(
    *,
    service: SessionCategory,
    start_time_utc: datetime,
    client_name: str,
    client_email: str,
    client_phone: str = "",
    notes: str = "",
    client_timezone: str,
    language: str = "",
    once_key: str | None = None,
    now: datetime | None = None,
) -> Booking:
    """Book a slot for a client; returns the booking (the earlier one for a repeat of the same request
    under its once_key). `language` is the client's, for every email about it ("" is the business's).

    Raises BookingPageClosedError, OutsideBookingWindowError, SlotNotOfferedError or
    SlotTakenError, OnceKeyReusedError when the once_key booked other details, and BookingError
    for a service that can no longer be booked.
    """
    now = now or timezone.now()
    page = lock_business_for_write(service.business_profile_id)
    if once_key and (existing := Booking.objects.filter(once_key=once_key, business_profile_id=page.pk).first()):
        asked = (service.pk, start_time_utc, client_name, client_email.lower(), client_phone, notes)
        made = (existing.session_category_id, existing.start_time_utc, existing.client_name, existing.client_email.lower(),
                existing.client_phone, existing.notes_from_client)
        if asked != made:
            raise OnceKeyReusedError()
        return existing  # a repeated submission answers with the booking already made
    return book_under_lock(
        page, service=service, start_time_utc=start_time_utc, client_name=client_name, client_email=client_email,
        client_phone=client_phone, notes=notes, client_timezone=client_timezone, language=language, once_key=once_key,
        now=now,
    )


def book_under_lock(
    page: BusinessBookingSettings,
    *,
    service: SessionCategory,
    start_time_utc: datetime,
    client_name: str,
    client_email: str,
    client_phone: str,
    notes: str,
    client_timezone: str,
    now: datetime,
    language: str = "",
    once_key: str | None = None,
    from_waitlist: bool = False,
) -> Booking:
    """booking_create's booking, for a caller that holds the business lock in its own transaction:
    booking_create, and a waitlist claim (bookings.waitlist), which books the same way."""
    if not page.is_booking_page_active:
        raise BookingPageClosedError()
    service = SessionCategory.objects.get(pk=service.pk)  # re-read under the lock
    if service.is_archived or not service.is_publicly_bookable:
        raise BookingError(_("This service can no longer be booked online."))
    slot = _check_offered(page, service, start_time_utc, now)

    pending = page.requires_approval
    booking = _insert_booking(
        page, service=service, start=slot.start_utc, end=slot.end_utc, client_name=client_name, client_email=client_email,
        client_phone=client_phone, notes=notes, client_timezone=client_timezone, language=language,
        status=Status.PENDING_APPROVAL if pending else Status.CONFIRMED,
        pending_request_expires_at=now + timedelta(hours=page.pending_booking_expiry_hours) if pending else None,
        once_key=once_key, actor=Actor.CLIENT,
    )
    # emails are written now, sent after commit
    events.booking_changed(booking=booking, from_status="", from_waitlist=from_waitlist)
    transaction.on_commit(lambda: _log_event("created", booking, Actor.CLIENT))
    return booking


@transaction.atomic(durable=True)
def booking_create_by_owner(
    *,
    service: SessionCategory,
    start_time_utc: datetime,
    client: Client | None = None,
    client_name: str = "",
    client_email: str = "",
    client_phone: str = "",
    notes: str = "",
    by: AbstractBaseUser,
    email_client: bool = False,
    confirmed: bool = False,
    once_key: str | None = None,
    now: datetime | None = None,
) -> Booking:
    """The owner books a client by phone: for `client` (one of the business's) or for the details
    given (matched as a client's own booking is); confirmed at once, at any time of any service
    that is not archived, on a switched-off page too.

    Unless `confirmed` (the owner saw the warnings and books anyway), a time that clashes with
    another session, lies in the past, or falls outside the working hours (unless a session of the
    service is already there) raises ConfirmationNeededError with every warning. The client is
    emailed only with `email_client`; the owner gets no notification of their own booking.
    Raises SlotTakenError when no place is left, BookingError for an archived service.
    """
    now = now or timezone.now()
    page = lock_business_for_write(service.business_profile_id)
    if once_key and (existing := Booking.objects.filter(once_key=once_key, business_profile_id=page.pk).first()):
        email = client.email if client is not None else client_email
        if (existing.session_category_id, existing.start_time_utc, existing.client_email.lower()) != (
            service.pk, start_time_utc, email.lower()
        ):
            raise OnceKeyReusedError()  # the form, gone back to, sent for someone else
        return existing  # the owner's double click or a resent form: the booking already made
    service = SessionCategory.objects.get(pk=service.pk)  # re-read under the lock
    if service.is_archived:
        raise BookingError(_("This service is archived. Restore it to book it."))
    start, end = start_time_utc, start_time_utc + timedelta(minutes=service.duration_minutes)
    # Full first: no use asking the owner to confirm a time they then cannot have.
    if _places_left(page, service=service, start=start, end=end, now=now, allow_clash=True) <= 0:
        raise SlotTakenError(_("Sorry, this time was just taken: the session has no place left. Pick another time."))
    if not confirmed and (warnings := _owner_booking_warnings(page, service, start, end, now)):
        raise ConfirmationNeededError(warnings)
    if client is not None:
        client_name, client_email, client_phone = client.name, client.email, client.phone
    # The history's first row says the owner made it: the booking's page shows it as theirs.
    booking = _insert_booking(
        page, service=service, start=start, end=end, client=client, client_name=client_name, client_email=client_email,
        client_phone=client_phone, notes=notes,
        # The client's own zone and language are not known here: the business's stand in.
        client_timezone=page.business_profile.timezone, language=page.business_profile.language,
        status=Status.CONFIRMED, once_key=once_key, actor=Actor.OWNER, by=by,
    )
    events.booking_changed(booking=booking, from_status="", made_by_owner=True, email_client=email_client)
    transaction.on_commit(lambda: _log_event("created", booking, Actor.OWNER))
    return booking


def _owner_booking_warnings(
    page: BusinessBookingSettings, service: SessionCategory, start: datetime, end: datetime, now: datetime
) -> list[str]:
    """What the owner should see before booking this time: a clash, and the calendar's notes on an
    unusual time (past, closed day, outside the hours); a session already there needs no note on its
    hours, the owner put it there."""
    warnings = []
    try:
        _places_left(page, service=service, start=start, end=end, now=now)
    except SessionConflictError as exc:
        warnings.append(str(exc.message))
    session_there = Session.objects.filter(
        business_profile_id=page.pk, session_category=service, start_time_utc=start, end_time_utc=end
    ).exists()
    if not session_there:
        warnings += hand_session_notes(page.business_profile, start_utc=start, end_utc=end, now=now)
    elif start < now:
        warnings.append(str(_("It is in the past.")))
    return warnings


def _insert_booking(
    page: BusinessBookingSettings, *, service: SessionCategory, start: datetime, end: datetime, client_name: str,
    client_email: str, client_phone: str, notes: str, client_timezone: str, language: str, status: str,
    once_key: str | None, actor: str, client: Client | None = None, by: AbstractBaseUser | None = None,
    pending_request_expires_at: datetime | None = None,
) -> Booking:
    """Save a new booking for `client` (else the matched or new client), in its session when
    confirmed, with its history's first row; the callers have checked its time under the lock."""
    booking = Booking(
        business_profile_id=page.business_profile_id,
        session_category=service,
        flowkey_user_id=page.business_profile.owner_id,
        client_name=client_name,
        client_email=client_email,
        client_phone=client_phone,
        notes_from_client=notes,
        start_time_utc=start,
        end_time_utc=end,
        booked_in_client_timezone=client_timezone,
        language=language,
        status=status,
        pending_request_expires_at=pending_request_expires_at,
        once_key=once_key or None,
    )
    # Validate before touching Client rows, so bad input is a field error, never a database error.
    booking.full_clean(exclude=["client"], validate_unique=False, validate_constraints=False)
    booking.client = client or client_match(page.business_profile_id, name=client_name, email=client_email,
                                            phone=client_phone)
    if status == Status.CONFIRMED:
        _attach_session(booking)
    booking.save()
    BookingStatusChange.objects.create(booking=booking, from_status="", to_status=status, actor=actor, changed_by=by)
    return booking


@transaction.atomic(durable=True)
def booking_cancel_by_client(*, booking: Booking, reason: str = "", now: datetime | None = None) -> Booking:
    """The client cancels their own booking; its place is free at once.

    Raises InvalidTransitionError when it holds no place any more (answered, cancelled or expired),
    ChangeCutoffError inside the business's change cut-off, BookingError once it has started.
    """
    now = now or timezone.now()
    reason = _checked_reason(reason)
    page = lock_business_for_write(booking.business_profile_id)
    booking = Booking.objects.select_related("session").get(pk=booking.pk)
    _check_client_may_change(booking, page, now)
    booking.cancellation_reason = reason
    return _change_status(page, booking, Status.CANCELLED_BY_CLIENT, actor=Actor.CLIENT, note=reason, now=now)


def _check_client_may_change(booking: Booking, page: BusinessBookingSettings, now: datetime) -> None:
    """Raise why the client may not cancel or move `booking` now, if they may not (the change policy)."""
    actions = booking_actions(booking, now, cutoff_hours=page.client_change_cutoff_hours)
    if actions.client_can_change:
        return
    if actions.past_change_cutoff:
        raise ChangeCutoffError()
    if actions.holds_place:
        raise BookingError(_("This booking has already started, so it can no longer be changed online."))
    if booking.status == Status.PENDING_APPROVAL:
        raise InvalidTransitionError(_("This request expired before it was answered; it holds no place any more."))
    raise InvalidTransitionError(
        _("This booking is %(status)s and can no longer be changed that way.")
        % {"status": booking.get_status_display().lower()}
    )


def _clash_message(page: BusinessBookingSettings, clashes: list) -> str:
    """Name what a time clashes with, in the business's zone: "Private lesson 10:00–11:00 on Tue 3 Dec"."""
    zone = ZoneInfo(page.business_profile.timezone)
    names = dict(SessionCategory.objects.filter(pk__in={c.service_id for c in clashes}).values_list("pk", "name"))
    first = clashes[0]
    start, end = first.start.astimezone(zone), first.end.astimezone(zone)
    more = len(clashes) - 1
    return _("It clashes with %(service)s %(start)s–%(end)s on %(day)s%(more)s (including the %(buffer)s-minute buffer).") % {
        "service": _("busy time from your calendar") if first.service_id is None else names.get(first.service_id, _("a session")),
        "start": format_time(start),
        "end": format_time(end),
        "day": format_date(start, "short_date"),
        "more": _(" and %(n)d more") % {"n": more} if more else "",
        "buffer": page.global_buffer_time_minutes_between_sessions,
    }


def _places_left(
    page: BusinessBookingSettings, *, service: SessionCategory, start: datetime, end: datetime, now: datetime,
    exclude_booking_id=None, allow_clash: bool = False,
) -> int:
    """Places still free at exactly (service, start, end), ignoring hours and notice; raises
    SessionConflictError on a clash with another session unless `allow_clash`."""
    buffer = timedelta(minutes=page.global_buffer_time_minutes_between_sessions)
    window = availability.LONGEST_SPAN + buffer
    occupancy = availability.occupancy(
        page.business_profile_id, start - window, end + window, now=now, exclude_booking_id=exclude_booking_id
    )
    clashes = engine.conflicts(
        occupancy, service_id=service.pk, start=start, end=end, buffer_minutes=page.global_buffer_time_minutes_between_sessions,
        now=now,
    )
    if clashes and not allow_clash:
        raise SessionConflictError(_clash_message(page, clashes))
    return service.capacity - engine.places_at(occupancy, service_id=service.pk, start=start, end=end, now=now)


REASON_MAX_LENGTH = 1000


def _checked_reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise BookingError(_("Keep the reason under %(n)d characters.") % {"n": REASON_MAX_LENGTH})
    return reason


def _lock_booking(booking: Booking) -> tuple[BusinessBookingSettings, Booking]:
    page = lock_business_for_write(booking.business_profile_id)
    return page, Booking.objects.select_related("session", "session_category").get(pk=booking.pk)


@transaction.atomic(durable=True)
def booking_reschedule(
    *,
    booking: Booking,
    start_time_utc: datetime,
    by: AbstractBaseUser | None = None,
    allow_clash: bool = False,
    now: datetime | None = None,
) -> Booking:
    """Move a booking to another time of its service (DESIGN.md 5, reschedule); returns it moved.

    By the client (`by` None): only to a slot offered now, and only before the change cut-off.
    By the owner (`by` the owner): to any future time that is free of other sessions (buffer
    included) and has a place left; with `allow_clash` (the owner saw the clash and confirmed),
    to any future time with a place left. Either way the booking keeps its id, manage link and
    status (a pending request's expiry restarts), its old place is freed, the history records
    both times, the calendar SEQUENCE goes up, and both sides are emailed.

    Raises ChangeCutoffError, InvalidTransitionError (no place held, or started),
    OutsideBookingWindowError, SlotNotOfferedError, SlotTakenError, SessionConflictError, or
    BookingError for the time it already has.
    """
    now = now or timezone.now()
    page, booking = _lock_booking(booking)
    actor = Actor.CLIENT if by is None else Actor.OWNER
    if actor == Actor.CLIENT:
        _check_client_may_change(booking, page, now)
        if not page.is_booking_page_active:
            raise BookingPageClosedError()
    elif not booking_actions(booking, now, cutoff_hours=page.client_change_cutoff_hours).owner_can_move:
        raise InvalidTransitionError(_("Only a booking that holds its place and has not started can be moved."))
    if start_time_utc == booking.start_time_utc:
        raise BookingError(_("The booking is already at this time. Pick another time to move it to."))
    service = booking.session_category
    from_start, from_end = booking.start_time_utc, booking.end_time_utc
    _release_session(booking)  # the old place is free from now; a refusal below rolls this back
    if actor == Actor.CLIENT:
        slot = _check_offered(page, service, start_time_utc, now, exclude_booking_id=booking.pk)
        start, end = slot.start_utc, slot.end_utc
    else:
        if start_time_utc <= now:
            raise OutsideBookingWindowError(_("This time has already passed. Pick a time in the future."))
        start, end = start_time_utc, start_time_utc + timedelta(minutes=service.duration_minutes)
        free = _places_left(page, service=service, start=start, end=end, now=now, exclude_booking_id=booking.pk,
                            allow_clash=allow_clash)
        if free <= 0:
            raise SlotTakenError(_("This session is already full."))
    booking.start_time_utc, booking.end_time_utc = start, end
    booking.sequence += 1
    booking.rescheduled_at = now
    if booking.status == Status.PENDING_APPROVAL:
        booking.pending_request_expires_at = now + timedelta(hours=page.pending_booking_expiry_hours)
    else:
        booking.session = None
        _attach_session(booking)
    booking.save()
    BookingStatusChange.objects.create(
        booking=booking, from_status=booking.status, to_status=booking.status, actor=actor, changed_by=by,
        from_start_utc=from_start, to_start_utc=start,
    )
    events.booking_changed(booking=booking, from_status=booking.status, moved_from=from_start)
    offer_freed_places(page, service_id=service.pk, start=from_start, end=from_end, now=now)  # the place it left
    transaction.on_commit(lambda: _log_event("rescheduled", booking, actor))
    return booking


@transaction.atomic(durable=True)
def booking_approve(*, booking: Booking, by: AbstractBaseUser, now: datetime | None = None) -> Booking:
    """The owner confirms a pending request, after re-checking its time is still free.

    Raises InvalidTransitionError (not pending, or expired), SessionConflictError or SlotTakenError.
    """
    now = now or timezone.now()
    page, booking = _lock_booking(booking)
    if booking.status == Status.PENDING_APPROVAL and not booking_actions(booking, now).owner_can_answer:
        raise InvalidTransitionError(_("This request expired before it was approved; its place was released."))
    if booking.status == Status.PENDING_APPROVAL and booking.start_time_utc <= now:
        raise InvalidTransitionError(_("This request's time has already passed."))
    if booking.status == Status.PENDING_APPROVAL:
        free = _places_left(
            page, service=booking.session_category, start=booking.start_time_utc, end=booking.end_time_utc, now=now,
            exclude_booking_id=booking.pk,
        )
        if free <= 0:
            raise SlotTakenError(_("This session is already full."))
    return _change_status(page, booking, Status.CONFIRMED, actor=Actor.OWNER, by=by, now=now)


@transaction.atomic(durable=True)
def booking_reject(*, booking: Booking, by: AbstractBaseUser, reason: str = "") -> Booking:
    """The owner declines a pending request; its place is free at once. Raises InvalidTransitionError."""
    reason = _checked_reason(reason)
    page, booking = _lock_booking(booking)
    booking.rejection_reason = reason
    return _change_status(page, booking, Status.REJECTED, actor=Actor.OWNER, by=by, note=reason)


@transaction.atomic(durable=True)
def booking_cancel_by_admin(*, booking: Booking, by: AbstractBaseUser, reason: str = "") -> Booking:
    """The owner cancels a confirmed booking; its place is free at once. Raises InvalidTransitionError."""
    reason = _checked_reason(reason)
    page, booking = _lock_booking(booking)
    booking.cancellation_reason = reason
    return _change_status(page, booking, Status.CANCELLED_BY_ADMIN, actor=Actor.OWNER, by=by, note=reason)


@transaction.atomic(durable=True)
def booking_expire(*, booking: Booking, now: datetime | None = None) -> Booking | None:
    """A pending request past its expiry becomes expired_pending; None if it was answered meanwhile."""
    now = now or timezone.now()
    page, booking = _lock_booking(booking)
    if booking.status != Status.PENDING_APPROVAL or booking.holds_place_at(now):
        return None
    return _change_status(page, booking, Status.EXPIRED_PENDING, actor=Actor.SYSTEM, now=now)


@transaction.atomic(durable=True)
def booking_mark_attendance(
    *, booking: Booking, status: str, by: AbstractBaseUser, now: datetime | None = None
) -> Booking:
    """The owner marks a confirmed booking that has started as `completed` or `no_show`.

    Its place stays taken (the session happened) and nobody is emailed. Marking it again as what
    it already is changes nothing (a double click, a retried request) and returns it as it is.
    Raises InvalidTransitionError when it is not confirmed (cancelled, or already marked the other
    way; the sweep's completed counts), BookingError before its start, ValueError for another status.
    """
    if status not in ATTENDANCE_STATUSES:
        raise ValueError(f"attendance is completed or no_show, not {status!r}")
    now = now or timezone.now()
    page, booking = _lock_booking(booking)
    if booking.status == status:
        return booking
    actions = booking_actions(booking, now, cutoff_hours=page.client_change_cutoff_hours)
    if booking.status == Status.CONFIRMED and not actions.owner_can_mark_attendance:
        raise BookingError(_("This booking hasn’t started yet. Mark it once it has."))
    return _change_status(page, booking, status, actor=Actor.OWNER, by=by, now=now)


@transaction.atomic(durable=True)
def booking_complete_past(*, booking: Booking, now: datetime | None = None) -> Booking | None:
    """Beat's mark: a confirmed booking whose end is COMPLETE_AFTER_END past becomes completed.

    Returns None, changing nothing, when it is no longer confirmed (the owner marked it, or it was
    cancelled meanwhile) or not yet that far past its end: the sweep may race the owner or itself.
    """
    now = now or timezone.now()
    page, booking = _lock_booking(booking)
    if booking.status != Status.CONFIRMED or booking.end_time_utc > now - COMPLETE_AFTER_END:
        return None
    return _change_status(page, booking, Status.COMPLETED, actor=Actor.SYSTEM, now=now)


@transaction.atomic(durable=True)
def session_create_by_owner(
    *, service: SessionCategory, start_time_utc: datetime, now: datetime | None = None
) -> Session:
    """The owner puts a session on the calendar by hand; it blocks time like any other.

    Raises SessionConflictError naming the clash, BookingError if one already exists there.
    """
    now = now or timezone.now()
    page = lock_business_for_write(service.business_profile_id)
    end = start_time_utc + timedelta(minutes=service.duration_minutes)
    key = {"business_profile_id": page.pk, "session_category": service, "start_time_utc": start_time_utc, "end_time_utc": end}
    if Session.objects.filter(**key).exists():
        raise BookingError(_("This service already has a session at that time."))
    _places_left(page, service=service, start=start_time_utc, end=end, now=now)
    return Session.objects.create(created_by_owner=True, **key)


@transaction.atomic(durable=True)
def client_update(*, client: Client, name: str, email: str, phone: str = "") -> Client:
    """The owner corrects a client's details; `phone` is E.164 or empty.

    Raises ClientTakenError (its `field` is "email" or "phone") when another client of the
    business already has this email (any case), or this phone under the same name (any case or
    accents): booking_create matches returning clients by email, else by phone and name
    (DESIGN.md 5), so two alike would make that match arbitrary. A phone shared under other
    names is fine (a family). The client's bookings keep the name and email they were made
    with; only future bookings see the change.
    """
    others = Client.objects.filter(business_profile_id=client.business_profile_id).exclude(pk=client.pk)
    if others.annotate(email_ci=Lower("email")).filter(email_ci=email.lower()).exists():
        raise ClientTakenError(_("Another client already has this email address."), field="email")
    if phone and _same_phone_and_name(others, phone=phone, name=name) is not None:
        raise ClientTakenError(_("Another client with this name already has this phone number."), field="phone")
    client.name, client.email, client.phone = name, email, phone
    client.full_clean()
    client.save(update_fields=["name", "email", "phone"])
    return client


@dataclasses.dataclass(frozen=True)
class Answer:
    """One booking of a bulk answer: what it became, or why it was left as it was."""

    booking: Booking
    error: str = ""


def bookings_answer(*, bookings: list[Booking], approve: bool, by: AbstractBaseUser, reason: str = "") -> list[Answer]:
    """Approve (or reject, with one reason for all) several requests, each in its own transaction
    under the business lock, so one that is no longer pending is reported and the rest still go
    through. The caller has checked every booking belongs to the owner's business."""
    answers = []
    for booking in bookings:
        try:
            if approve:
                booking = booking_approve(booking=booking, by=by)
            else:
                booking = booking_reject(booking=booking, by=by, reason=reason)
        except BookingError as exc:
            answers.append(Answer(booking, str(exc.message)))
        else:
            answers.append(Answer(booking))
    return answers
