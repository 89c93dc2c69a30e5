"""Reads of the waitlist (DESIGN.md 11): a client's place in line, and each slot's line for the owner."""

from datetime import datetime

from django.db.models import Count, Q

from ..models import WaitlistEntry


def waitlist_position(entry: WaitlistEntry) -> int | None:
    """1 for the first in line; None once the entry has left the line."""
    if not entry.in_line:
        return None
    ahead = WaitlistEntry.objects.in_line().for_slot(
        service_id=entry.session_category_id, start=entry.start_time_utc, end=entry.end_time_utc
    ).filter(Q(created_at__lt=entry.created_at) | Q(created_at=entry.created_at, pk__lt=entry.pk))
    return ahead.count() + 1


def waitlist_counts(business_profile_id: int, start: datetime, end: datetime) -> dict[tuple[int, datetime], int]:
    """How many are in line per (service id, start) for slots starting in [start, end): one query."""
    rows = (
        WaitlistEntry.objects.in_line()
        .filter(business_profile_id=business_profile_id, start_time_utc__gte=start, start_time_utc__lt=end)
        .values("session_category_id", "start_time_utc")
        .annotate(n=Count("*"))
        .order_by()
    )
    return {(row["session_category_id"], row["start_time_utc"]): row["n"] for row in rows}


def slot_waitlist(business_profile_id: int, *, service_id: int, start: datetime) -> list[WaitlistEntry]:
    """A slot's line, in order: who waits, and who holds an offer until when."""
    return list(
        WaitlistEntry.objects.in_line()
        .filter(business_profile_id=business_profile_id, session_category_id=service_id, start_time_utc=start)
        .order_by("created_at", "pk")
    )
