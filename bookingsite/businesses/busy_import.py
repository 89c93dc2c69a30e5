"""Busy calendars (DESIGN.md 13): add, change and remove them, and import their busy time.

The fetch runs outside any transaction (it may take the whole 10 s timeout); only the swap of the
intervals runs under the business's lock, which bumps the availability version so cached
availability is recomputed. A fetch or a read that fails keeps the last good intervals and records
the error. Availability never waits on a fetch: only beat, the management command and the owner's
"test now" button call `busy_calendar_import`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from bookingsite.lib.outbound_http import OutboundFailed, OutboundRefused, fetch

from .busy_ical import BusyRead, NotICalendarError, busy_intervals
from .locking import lock_business_for_write
from .models import BusinessBookingSettings, BusyCalendar, BusyInterval

log = logging.getLogger("bookingsite.businesses")

FETCH_TIMEOUT_SECONDS = 10
MAX_CALENDAR_BYTES = 5 * 1024 * 1024
# Busy time a little either side of the booking horizon: before now a slot is never offered anyway.
WINDOW_MARGIN = timedelta(days=1)


@dataclass(frozen=True)
class ImportResult:
    """What one import read: the intervals stored, or the error shown to the owner (the old ones kept)."""

    calendar: BusyCalendar
    error: str = ""
    read: BusyRead | None = None

    @property
    def ok(self) -> bool:
        return not self.error


def busy_window(page: BusinessBookingSettings, now: datetime) -> tuple[datetime, datetime]:
    """The span whose busy time is imported: now to the end of the booking horizon, with a margin."""
    return now - WINDOW_MARGIN, now + timedelta(days=page.booking_horizon_days) + WINDOW_MARGIN


def busy_calendar_import(*, calendar: BusyCalendar, now: datetime) -> ImportResult:
    """Fetch `calendar` once and store its busy time; on failure keep the last good copy and record why.

    Never raises for the calendar's own problems (address refused, timeout, too large, not
    iCalendar): those are the result's `error`, also saved as `last_error`. BusyError (the
    business's lock not granted) propagates; beat tries again in ten minutes.
    """
    page = BusinessBookingSettings.objects.select_related("business_profile").get(pk=calendar.business_profile_id)
    start, end = busy_window(page, now)
    try:
        response = fetch(calendar.url, max_bytes=MAX_CALENDAR_BYTES, timeout=FETCH_TIMEOUT_SECONDS)
        if response.status != 200:
            raise OutboundFailed(_("The address answered with HTTP status %(status)s.") % {"status": response.status})
        read = busy_intervals(response.body, business_timezone=page.business_profile.timezone, start=start, end=end)
    except (OutboundRefused, OutboundFailed, NotICalendarError) as exc:
        BusyCalendar.objects.filter(pk=calendar.pk).update(last_fetched_at=now, last_error=str(exc))
        log.info("busy_calendar.failed calendar_id=%s business_id=%s error=%s", calendar.pk, page.pk, exc)
        calendar.refresh_from_db()
        return ImportResult(calendar=calendar, error=str(exc))
    _store(calendar, read, now)
    log.info(
        "busy_calendar.imported calendar_id=%s business_id=%s intervals=%s skipped=%s",
        calendar.pk, page.pk, len(read.intervals), read.skipped_events,
    )
    calendar.refresh_from_db()
    return ImportResult(calendar=calendar, read=read)


@transaction.atomic(durable=True)
def _store(calendar: BusyCalendar, read: BusyRead, now: datetime) -> None:
    """Replace the calendar's intervals in one transaction under the lock (it bumps the availability version)."""
    lock_business_for_write(calendar.business_profile_id)
    if not BusyCalendar.objects.filter(pk=calendar.pk).exists():
        return  # removed while it was being fetched
    BusyInterval.objects.filter(calendar=calendar).delete()
    BusyInterval.objects.bulk_create(
        BusyInterval(
            business_profile_id=calendar.business_profile_id, calendar=calendar, start_time_utc=interval.start,
            end_time_utc=interval.end, summary=interval.summary,
        )
        for interval in read.intervals
    )
    BusyCalendar.objects.filter(pk=calendar.pk).update(
        last_fetched_at=now, last_success_at=now, last_error="", skipped_events=read.skipped_events
    )


def busy_calendar_add(*, business_profile_id: int, url: str, name: str = "", show_details: bool = False) -> BusyCalendar:
    """A new calendar, not fetched yet (beat fetches it within ten minutes, or the owner's "test now")."""
    return BusyCalendar.objects.create(business_profile_id=business_profile_id, url=url, name=name, show_details=show_details)


def busy_calendar_show_details(*, calendar: BusyCalendar, show: bool) -> None:
    """Show the events' titles in the owner's calendar, or just "Busy"; availability does not change."""
    BusyCalendar.objects.filter(pk=calendar.pk).update(show_details=show)
    calendar.show_details = show


@transaction.atomic(durable=True)
def busy_calendar_remove(*, calendar: BusyCalendar) -> None:
    """Remove a calendar and its busy time, under the lock: its times become free at once."""
    lock_business_for_write(calendar.business_profile_id)
    calendar.delete()
