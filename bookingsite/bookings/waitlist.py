"""The only writer of waitlist entries (DESIGN.md 11): join, leave or decline, claim; the owner's
remove and offer; beat's sweep of lapsed offers and closing lines.

Each public function owns its transaction (durable), takes the business lock first, re-reads
the entry under it, and raises only `BookingError` subclasses, whose messages are safe to show.
Places freed on the way go to the next in line through `waitlist_offers.offer_freed_places`.
"""

import logging
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookingsite.availability import engine
from bookingsite.businesses.locking import lock_business_for_write
from bookingsite.businesses.models import MAX_NOTICE_MINUTES, BusinessBookingSettings, SessionCategory

from .exceptions import (
    BookingError,
    BookingPageClosedError,
    OfferLapsedError,
    SlotHasPlacesError,
    SlotNotOfferedError,
    WaitlistError,
)
from .models import Booking, WaitlistEntry
from .selectors import availability
from .services import book_under_lock, check_booking_window, client_match
from .waitlist_offers import (
    closes_at,
    entry_changed,
    entry_offer,
    entry_set_status,
    free_places,
    offer_freed_places,
    waitlist_close,
)

Entry = WaitlistEntry.Status
log = logging.getLogger("bookingsite.bookings")
SWEEP_BATCH = 500

NO_WAITLIST = _("This service has no waitlist. Please pick one of the free times.")
# Why an entry no longer in line can't be claimed or left, as its client reads it.
NOT_IN_LINE = {
    Entry.CLAIMED: _("You already claimed this place."),
    Entry.DECLINED: _("You turned this place down, so you are no longer on the waitlist."),
    Entry.LAPSED: _("Sorry, the time to claim this place has passed, and it went to the next person in line."),
    Entry.LEFT: _("You left this waitlist."),
    Entry.REMOVED: _("The business took you off this waitlist."),
    Entry.CLOSED: _("This waitlist has closed before a place came free for you."),
}


def _lock_entry(entry: WaitlistEntry) -> tuple[BusinessBookingSettings, WaitlistEntry]:
    page = lock_business_for_write(entry.business_profile_id)
    return page, WaitlistEntry.objects.select_related("session_category", "booking").get(pk=entry.pk)


def _pass_place_on(page: BusinessBookingSettings, entry: WaitlistEntry, now: datetime) -> None:
    """The place `entry` held (or may have) goes to the next in line of its slot."""
    offer_freed_places(page, service_id=entry.session_category_id, start=entry.start_time_utc, end=entry.end_time_utc, now=now)


def _check_still_in_line(entry: WaitlistEntry) -> None:
    if not entry.in_line:
        raise WaitlistError(NOT_IN_LINE[entry.status])


@transaction.atomic(durable=True)
def waitlist_join(
    *,
    service: SessionCategory,
    start_time_utc: datetime,
    client_name: str,
    client_email: str,
    client_phone: str = "",
    notes: str = "",
    client_timezone: str,
    language: str = "",
    now: datetime | None = None,
) -> tuple[WaitlistEntry, bool]:
    """Put a client on the waitlist of a full slot; returns the entry and whether it is new. The
    same email again answers the entry it already has and emails its link to that address again:
    a caller shows the link only for a new entry, since anyone may know a client's email.
    `language` is the client's, for the emails that follow ("" is the business's).

    Raises BookingPageClosedError, WaitlistError (the service has no waitlist, or the client
    already has a place there), OutsideBookingWindowError, SlotNotOfferedError (no such slot),
    SlotHasPlacesError (a place is free: book it instead).
    """
    now = now or timezone.now()
    page = lock_business_for_write(service.business_profile_id)
    line = WaitlistEntry.objects.in_line().filter(session_category_id=service.pk, start_time_utc=start_time_utc)
    existing = line.annotate(email_ci=Lower("client_email")).filter(email_ci=client_email.lower()).first()
    if existing is not None:
        return entry_changed(existing, from_status=existing.status), False  # where it stands, emailed again
    if not page.is_booking_page_active:
        raise BookingPageClosedError()
    service = SessionCategory.objects.get(pk=service.pk)  # re-read under the lock
    if service.is_archived or not service.is_publicly_bookable:
        raise BookingError(_("This service can no longer be booked online."))
    if not service.waitlist_enabled:
        raise WaitlistError(NO_WAITLIST)
    check_booking_window(page, start_time_utc, now)
    request = availability.availability_request_at(
        page=page, service=service, start_utc=start_time_utc, now=now, list_full=True
    )
    slot = engine.find_slot(request, start_time_utc)
    if slot is None:
        raise SlotNotOfferedError()
    if slot.remaining > 0:
        raise SlotHasPlacesError()
    holding = Booking.objects.holding_at(now).filter(session_category=service, start_time_utc=slot.start_utc)
    if holding.annotate(email_ci=Lower("client_email")).filter(email_ci=client_email.lower()).exists():
        raise WaitlistError(_("You already have a place at this time."))
    entry = WaitlistEntry(
        business_profile_id=page.business_profile_id,
        session_category=service,
        start_time_utc=slot.start_utc,
        end_time_utc=slot.end_utc,
        client_name=client_name,
        client_email=client_email,
        client_phone=client_phone,
        notes_from_client=notes,
        client_timezone=client_timezone,
        language=language,
    )
    entry.full_clean(exclude=["client"], validate_unique=False, validate_constraints=False)
    entry.client = client_match(page.business_profile_id, name=client_name, email=client_email, phone=client_phone)
    entry.save()
    return entry_changed(entry, from_status=""), True


@transaction.atomic(durable=True)
def waitlist_leave(*, entry: WaitlistEntry, now: datetime | None = None) -> WaitlistEntry:
    """The client leaves the line, or turns down the place offered to them, which then goes to
    the next in line. Leaving twice changes nothing. Raises WaitlistError when the entry left the
    line another way (claimed, lapsed, closed, removed)."""
    now = now or timezone.now()
    page, entry = _lock_entry(entry)
    if entry.status in (Entry.LEFT, Entry.DECLINED):
        return entry
    _check_still_in_line(entry)
    if entry.status == Entry.WAITING:
        return entry_set_status(entry, Entry.LEFT)
    entry_set_status(entry, Entry.DECLINED)
    _pass_place_on(page, entry, now)
    return entry


@transaction.atomic(durable=True)
def waitlist_claim(*, entry: WaitlistEntry, now: datetime | None = None) -> Booking:
    """The client takes the place offered to them: it is booked through the booking service (an
    approval business makes it a pending request). Claiming again answers the booking it made.

    Raises OfferLapsedError after the deadline, WaitlistError when no offer is open, and what
    booking_create raises (BookingPageClosedError, SlotNotOfferedError, ...), changing nothing.
    """
    now = now or timezone.now()
    page, entry = _lock_entry(entry)
    if entry.status == Entry.CLAIMED and entry.booking is not None:
        return entry.booking
    _check_still_in_line(entry)
    if entry.status == Entry.WAITING:
        raise WaitlistError(_("No place has come free for you yet. We’ll email you as soon as one does."))
    if entry.offer_expires_at <= now:
        raise OfferLapsedError()
    # The offer's hold goes first, so the booking takes the very place it held; a refusal below
    # rolls this back with everything else.
    entry.status = Entry.CLAIMED
    entry.save(update_fields=["status", "updated_at"])
    booking = book_under_lock(
        page, service=entry.session_category, start_time_utc=entry.start_time_utc, client_name=entry.client_name,
        client_email=entry.client_email, client_phone=entry.client_phone, notes=entry.notes_from_client,
        client_timezone=entry.client_timezone, language=entry.language, now=now, from_waitlist=True,
    )
    entry.booking = booking
    entry.save(update_fields=["booking", "updated_at"])
    entry_changed(entry, from_status=Entry.OFFERED)
    return booking


@transaction.atomic(durable=True)
def waitlist_remove(*, entry: WaitlistEntry, by: AbstractBaseUser, now: datetime | None = None) -> WaitlistEntry:
    """The owner takes a client off the line; a place held for them goes to the next in line.
    Raises WaitlistError when the entry is no longer in line."""
    now = now or timezone.now()
    page, entry = _lock_entry(entry)
    if entry.status == Entry.REMOVED:
        return entry
    if not entry.in_line:
        raise WaitlistError(_("%(name)s is no longer on this waitlist.") % {"name": entry.client_name})
    was_offered = entry.status == Entry.OFFERED
    entry_set_status(entry, Entry.REMOVED)
    if was_offered:
        _pass_place_on(page, entry, now)
    return entry


@transaction.atomic(durable=True)
def waitlist_offer_to(*, entry: WaitlistEntry, by: AbstractBaseUser, now: datetime | None = None) -> WaitlistEntry:
    """The owner offers the place to this client, whatever their position: a free place, else the
    place held by the latest open offer of the slot, whose client goes back to waiting where they
    were. Raises WaitlistError when the entry is not waiting, the line has closed, or no place is
    free or held by an offer."""
    now = now or timezone.now()
    page, entry = _lock_entry(entry)
    if entry.offer_live_at(now):
        return entry
    if entry.status != Entry.WAITING:
        raise WaitlistError(_("%(name)s is no longer on this waitlist.") % {"name": entry.client_name})
    if closes_at(page, entry.start_time_utc) <= now:
        raise WaitlistError(_("This session is inside your minimum notice, so its waitlist has closed."))
    slot = {"service_id": entry.session_category_id, "start": entry.start_time_utc, "end": entry.end_time_utc}
    none_to_offer = WaitlistError(_("Every place in this session is taken, so there is none to offer yet."))
    if free_places(page, entry.session_category, entry.start_time_utc, entry.end_time_utc, now) <= 0:
        held = WaitlistEntry.objects.holding_at(now).for_slot(**slot).exclude(pk=entry.pk).order_by("-offered_at", "-pk")
        withdrawn = held.first()
        if withdrawn is None:
            raise none_to_offer
        entry_set_status(withdrawn, Entry.WAITING, offered_at=None, offer_expires_at=None)
        # A slot held beyond its capacity (the owner lowered it) has no place even without that
        # offer: the new one would hold a place that is not there. Raising rolls the withdrawal back.
        if free_places(page, entry.session_category, entry.start_time_utc, entry.end_time_utc, now) <= 0:
            raise none_to_offer
    return entry_offer(page, entry, now)


@transaction.atomic(durable=True)
def waitlist_lapse(*, entry: WaitlistEntry, now: datetime | None = None) -> WaitlistEntry | None:
    """An offer past its deadline lapses and its place goes to the next in line; None (nothing
    changed) when it was claimed, declined or swept meanwhile."""
    now = now or timezone.now()
    page, entry = _lock_entry(entry)
    if entry.status != Entry.OFFERED or entry.offer_expires_at > now:
        return None
    entry_set_status(entry, Entry.LAPSED)
    _pass_place_on(page, entry, now)
    return entry


@transaction.atomic(durable=True)
def waitlist_close_due(*, business_profile_id: int, now: datetime | None = None) -> int:
    """Close the lines of a business's slots that are now inside its minimum notice; how many
    clients were told."""
    now = now or timezone.now()
    page = lock_business_for_write(business_profile_id)
    due = WaitlistEntry.objects.filter(
        business_profile_id=business_profile_id, status=Entry.WAITING,
        start_time_utc__lte=now + timedelta(minutes=page.minimum_notice_minutes),
    )
    return waitlist_close(due.select_related("session_category"))


def waitlist_sweep(*, now: datetime | None = None) -> tuple[int, int]:
    """Beat, every minute: lapse the offers past their deadline (passing each place on), then close
    the lines that reached their minimum notice; returns (lapsed, closed). Safe to run twice at
    once: each step locks the business and re-reads what it changes."""
    now = now or timezone.now()
    lapsed = 0
    overdue = WaitlistEntry.objects.filter(status=Entry.OFFERED, offer_expires_at__lte=now).order_by("offer_expires_at")
    for entry in overdue.only("pk", "business_profile_id")[:SWEEP_BATCH]:
        try:
            lapsed += waitlist_lapse(entry=entry, now=now) is not None
        except BookingError as exc:
            log.warning("waitlist.lapse_failed entry_id=%s error=%s", entry.pk, exc.message)
    # Notice differs by business; no business's is longer than MAX_NOTICE_MINUTES.
    waiting = WaitlistEntry.objects.filter(
        status=Entry.WAITING, start_time_utc__lte=now + timedelta(minutes=MAX_NOTICE_MINUTES)
    ).values_list("business_profile_id", "start_time_utc", "business_profile__booking_settings__minimum_notice_minutes")
    due = {business_id for business_id, start, notice in waiting if start - timedelta(minutes=notice) <= now}
    closed = sum(waitlist_close_due(business_profile_id=business_id, now=now) for business_id in sorted(due))
    if lapsed or closed:
        log.info("waitlist.sweep lapsed=%s closed=%s", lapsed, closed)
    return lapsed, closed


def service_waitlist_refresh(*, page: BusinessBookingSettings, service: SessionCategory, now: datetime | None = None) -> None:
    """After a service changed (inside its transaction, under the lock): a service that no longer
    takes a waitlist closes its lines, and so do lines of a length it no longer has (no slot of
    theirs will come); one with more places offers them to the lines it has."""
    now = now or timezone.now()
    waiting = WaitlistEntry.objects.filter(session_category=service, status=Entry.WAITING, start_time_utc__gt=now)
    if not (service.waitlist_enabled and service.is_publicly_bookable) or service.is_archived:
        waitlist_close(waiting.select_related("session_category"))
        return
    length = timedelta(minutes=service.duration_minutes)
    fitting, stale = [], []
    for entry in waiting.select_related("session_category"):
        (fitting if entry.end_time_utc - entry.start_time_utc == length else stale).append(entry)
    waitlist_close(stale)
    for start, end in sorted({(entry.start_time_utc, entry.end_time_utc) for entry in fitting}):
        offer_freed_places(page, service_id=service.pk, start=start, end=end, now=now)


def page_waitlist_refresh(*, page: BusinessBookingSettings, now: datetime | None = None) -> None:
    """After the booking page's settings changed (inside that transaction, under the lock): a page
    taking bookings offers the places that came free while it was paused to its waiting lines."""
    if not page.is_booking_page_active:
        return
    now = now or timezone.now()
    waiting = WaitlistEntry.objects.filter(business_profile_id=page.pk, status=Entry.WAITING, start_time_utc__gt=now)
    for service_id, start, end in sorted(set(waiting.values_list("session_category_id", "start_time_utc", "end_time_utc"))):
        offer_freed_places(page, service_id=service_id, start=start, end=end, now=now)
