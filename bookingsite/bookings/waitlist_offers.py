"""Freed places go to the waitlist (DESIGN.md 11): offer them to the first in line, or close the line.

Every write that frees a place (a cancel, reject or expiry, a move away, a raised capacity, a
declined or lapsed offer) calls `offer_freed_places` inside its own transaction, under the
business lock it already holds, so the place is held for the next client before anyone else can
book it. Nothing here takes the lock or opens a transaction: the callers in `bookings.services`
and `bookings.waitlist` do.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction

from bookingsite.availability import engine
from bookingsite.businesses.models import BusinessBookingSettings, SessionCategory

from . import events
from .models import WaitlistEntry
from .selectors import availability

Entry = WaitlistEntry.Status
event_log = logging.getLogger("bookingsite.bookings.events")


def closes_at(page: BusinessBookingSettings, start: datetime) -> datetime:
    """When a slot's waitlist closes: once it is inside the minimum notice, no place is offered."""
    return start - timedelta(minutes=page.minimum_notice_minutes)


def offer_deadline(page: BusinessBookingSettings, start: datetime, now: datetime) -> datetime:
    """How long an offer made now holds its place: the claim time, but never past the waitlist's closing."""
    return min(now + timedelta(minutes=page.waitlist_claim_minutes), closes_at(page, start))


def entry_set_status(entry: WaitlistEntry, status: str, **fields) -> WaitlistEntry:
    """Save `entry` in `status` (with `fields`) and tell the consumers (its email is written now)."""
    from_status = entry.status
    entry.status = status
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.save()
    return entry_changed(entry, from_status=from_status)


def entry_changed(entry: WaitlistEntry, *, from_status: str) -> WaitlistEntry:
    """Tell the consumers that the saved `entry` went from `from_status` ("" when it just joined)
    to its status (its email is written now), and log the step once the transaction commits."""
    events.waitlist_changed(entry=entry, from_status=from_status)
    transaction.on_commit(lambda: _log_event(entry))
    return entry


def _log_event(entry: WaitlistEntry) -> None:
    """One line per waitlist step, key=value, as booking events are logged."""
    event_log.info(
        "waitlist.%s entry_id=%s business_id=%s service_id=%s start_utc=%s offer_expires_at=%s",
        entry.status, entry.pk, entry.business_profile_id, entry.session_category_id, entry.start_time_utc.isoformat(),
        entry.offer_expires_at.isoformat() if entry.offer_expires_at else "",
    )


def entry_offer(page: BusinessBookingSettings, entry: WaitlistEntry, now: datetime) -> WaitlistEntry:
    deadline = offer_deadline(page, entry.start_time_utc, now)
    return entry_set_status(entry, Entry.OFFERED, offered_at=now, offer_expires_at=deadline)


def free_places(page: BusinessBookingSettings, service: SessionCategory, start: datetime, end: datetime, now: datetime) -> int:
    """Places a client could book at exactly (service, start, end) now, by the engine's rules (live offers count as taken)."""
    request = availability.availability_request_at(page=page, service=service, start_utc=start, now=now)
    slot = engine.find_slot(request, start)
    return slot.remaining if slot is not None and slot.end_utc == end else 0


def waitlist_close(entries) -> int:
    """Close the line of `entries` (waiting ones): each client is told; how many."""
    closed = 0
    for entry in entries:
        entry_set_status(entry, Entry.CLOSED)
        closed += 1
    return closed


def offer_freed_places(
    page: BusinessBookingSettings, *, service_id: int, start: datetime, end: datetime, now: datetime
) -> list[WaitlistEntry]:
    """Offer each free place at (service, start, end) to the next waiting client; the offers made.

    Inside the minimum notice no offer is made: the slot's line closes and its waiting clients
    are told. Call it under the business lock, in the transaction that freed the place.
    """
    waiting = WaitlistEntry.objects.filter(
        business_profile_id=page.pk, status=Entry.WAITING
    ).for_slot(service_id=service_id, start=start, end=end)
    first = list(waiting.select_related("session_category")[:1])
    if not first:
        return []  # the common case, one indexed query: nobody waits for this slot
    if closes_at(page, start) <= now:
        waitlist_close(waiting.select_related("session_category"))
        return []
    service = first[0].session_category
    if not (page.is_booking_page_active and service.waitlist_enabled and service.is_publicly_bookable) or service.is_archived:
        return []  # a claim could not book it: the line waits until the business takes bookings again
    places = free_places(page, service, start, end, now)
    if places <= 0:
        return []
    return [entry_offer(page, entry, now) for entry in waiting.order_by("created_at", "pk")[:places]]
