"""Busy intervals read from an iCalendar file (DESIGN.md 13): no database, no network.

Recurring events are expanded with `recurring-ical-events` (RRULE, RDATE, EXDATE, RECURRENCE-ID
overrides, TZID zones across DST). Transparent ("show me as free") and cancelled occurrences are
left out; an all-day event blocks whole dates of the business's zone; a floating time is read in
the business's zone. Each event (all components sharing a UID) is expanded on its own, so a
broken one is counted and skipped while the rest are read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
from django.utils.translation import gettext as _

from bookingsite.availability.engine import day_start

# A hostile or runaway calendar (FREQ=MINUTELY) must not fill the database.
MAX_INTERVALS = 5000
SUMMARY_LENGTH = 200


class NotICalendarError(ValueError):
    """The body is not an iCalendar file; str() is a message for the owner."""


@dataclass(frozen=True)
class BusyInterval:
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC
    summary: str = ""


@dataclass(frozen=True)
class BusyRead:
    intervals: tuple[BusyInterval, ...]  # sorted by start
    skipped_events: int  # broken events left out
    truncated: bool = False  # more than MAX_INTERVALS: the earliest were kept


def read_calendar(body: bytes) -> icalendar.Calendar:
    """The parsed calendar; NotICalendarError when `body` is not one."""
    text = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text[:15].upper().startswith(b"BEGIN:VCALENDAR"):
        raise NotICalendarError(_("This address does not answer with an iCalendar (.ics) file."))
    try:
        return icalendar.Calendar.from_ical(text.decode("utf-8", errors="replace"))
    except (ValueError, IndexError, KeyError) as exc:
        raise NotICalendarError(_("This iCalendar file could not be read: %(reason)s") % {"reason": exc}) from None


def busy_intervals(body: bytes, *, business_timezone: str, start: datetime, end: datetime) -> BusyRead:
    """The busy time of the calendar in `body` that overlaps [start, end), clipped to it.

    Raises NotICalendarError when the body is not an iCalendar file at all.
    """
    calendar = read_calendar(body)
    zone = ZoneInfo(business_timezone)
    found: list[BusyInterval] = []
    skipped = 0
    for sub_calendar in _per_event(calendar):
        try:
            occurrences = recurring_ical_events.of(sub_calendar).between(start, end)
            found.extend(
                interval
                for occurrence in occurrences
                if (interval := _busy_part(occurrence, zone, start, end)) is not None
            )
        except Exception:  # a broken event of someone else's calendar: any error of the libraries
            skipped += 1
    found.sort(key=lambda interval: (interval.start, interval.end))
    return BusyRead(intervals=tuple(found[:MAX_INTERVALS]), skipped_events=skipped, truncated=len(found) > MAX_INTERVALS)


def _per_event(calendar: icalendar.Calendar) -> Iterable[icalendar.Calendar]:
    """One calendar per event (its UID's master and overrides), with the file's time zones."""
    zones = [component for component in calendar.subcomponents if component.name == "VTIMEZONE"]
    by_uid: dict[str, list[icalendar.cal.Component]] = {}
    for number, component in enumerate(calendar.walk("VEVENT")):
        by_uid.setdefault(str(component.get("UID") or f"no-uid-{number}"), []).append(component)
    for components in by_uid.values():
        sub = icalendar.Calendar()
        for name in ("VERSION", "PRODID", "X-WR-TIMEZONE"):
            if name in calendar:
                sub[name] = calendar[name]
        for component in (*zones, *components):
            sub.add_component(component)
        yield sub


def _busy_part(occurrence: icalendar.cal.Component, zone: ZoneInfo, low: datetime, high: datetime) -> BusyInterval | None:
    """The occurrence as busy time clipped to [low, high), or None when it makes nobody busy."""
    if str(occurrence.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return None
    if str(occurrence.get("STATUS", "")).upper() == "CANCELLED":
        return None
    first = occurrence["DTSTART"].dt
    last = occurrence["DTEND"].dt if "DTEND" in occurrence else None
    if last is None and "DURATION" in occurrence:
        last = first + occurrence["DURATION"].dt
    if isinstance(first, datetime):
        start = _instant(first, zone)
        end = _instant(last, zone) if isinstance(last, datetime) else start
    else:
        # All day: whole dates of the business, from the first's start to the end date's (exclusive) start.
        last_date = last if isinstance(last, date) and not isinstance(last, datetime) else first + timedelta(days=1)
        start = day_start(first, zone)
        end = day_start(max(last_date, first + timedelta(days=1)), zone)
    start, end = max(start, low), min(end, high)
    if end <= start:
        return None  # an instant or a reversed event blocks nothing
    summary = str(occurrence.get("SUMMARY", ""))[:SUMMARY_LENGTH]
    return BusyInterval(start=start, end=end, summary=summary)


def _instant(moment: datetime, zone: ZoneInfo) -> datetime:
    """An event's time as UTC: a floating (zone-less) time is the business's wall clock."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)
