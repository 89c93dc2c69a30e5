"""Celery tasks of businesses: import the owners' busy calendars (DESIGN.md 13).

Beat queues one task per calendar every ten minutes, so a slow calendar (up to its 10 s timeout)
delays no other. Each task is safe to run twice: the later import replaces the earlier one's intervals.
"""

from celery import shared_task
from django.utils import timezone

from .busy_import import busy_calendar_import
from .models import BusyCalendar


@shared_task(name="businesses.import_busy_calendars")
def import_busy_calendars_task() -> int:
    """Beat, every ten minutes: queue an import of every busy calendar; returns how many were queued."""
    ids = list(BusyCalendar.objects.order_by("pk").values_list("pk", flat=True))
    for calendar_id in ids:
        import_busy_calendar_task.delay(calendar_id=calendar_id)
    return len(ids)


@shared_task(name="businesses.import_busy_calendar")
def import_busy_calendar_task(*, calendar_id: int) -> str:
    """Import one calendar now; returns what happened, for the worker's log. A calendar removed meanwhile is skipped."""
    calendar = BusyCalendar.objects.filter(pk=calendar_id).first()
    if calendar is None:
        return f"busy calendar {calendar_id}: removed"
    result = busy_calendar_import(calendar=calendar, now=timezone.now())
    if not result.ok:
        return f"busy calendar {calendar_id}: failed: {result.error}"
    return f"busy calendar {calendar_id}: {len(result.read.intervals)} busy intervals"
