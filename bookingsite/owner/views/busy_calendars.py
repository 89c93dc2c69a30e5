"""Busy calendars: the owner's own calendars whose events make them busy (DESIGN.md 13), with
each one's last success, error and age, and a "test now" that fetches it at once and shows what it read."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bookingsite.businesses.busy_import import (
    ImportResult,
    busy_calendar_add,
    busy_calendar_import,
    busy_calendar_remove,
    busy_calendar_show_details,
)
from bookingsite.businesses.selectors import owner_busy_calendars

from ..access import OwnerRequest, owner_required
from ..forms.busy_calendars import BusyCalendarForm

NEXT_SHOWN = 5  # busy times listed after a test
STALE_AFTER = timedelta(minutes=30)  # three missed fetches: the page says the busy times are old


def _page(request: OwnerRequest, form: BusyCalendarForm, *, tested: ImportResult | None = None, status: int = 200):
    now = timezone.now()
    zone = ZoneInfo(request.business.timezone)
    next_busy: list[tuple[datetime, datetime, str]] = []
    if tested is not None and tested.read is not None:
        next_busy = [
            (interval.start.astimezone(zone), interval.end.astimezone(zone), interval.summary)
            for interval in tested.read.intervals
            if interval.end > now
        ][:NEXT_SHOWN]
    return render(
        request,
        "owner/busy_calendars.html",
        {
            "form": form,
            "calendars": owner_busy_calendars(request.business.pk),
            "tested": tested,
            "next_busy": next_busy,
            "stale_before": now - STALE_AFTER,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@owner_required
def busy_calendars(request: OwnerRequest) -> HttpResponse:
    if request.method == "POST":
        form = BusyCalendarForm(request.POST)
        if form.is_valid():
            calendar = busy_calendar_add(business_profile_id=request.business.pk, **form.cleaned_data)
            messages.success(
                request,
                _("Added %(calendar)s. Its busy times are read within ten minutes; “Test now” reads them at once.")
                % {"calendar": calendar},
            )
            return redirect("owner:busy-calendars")
        return _page(request, form, status=400)
    return _page(request, BusyCalendarForm())


@require_POST
@owner_required
def busy_calendar_test(request: OwnerRequest, pk: int) -> HttpResponse:
    """Fetch the calendar now (the only fetch a page makes: availability never waits on one) and show what it read."""
    calendar = get_object_or_404(owner_busy_calendars(request.business.pk), pk=pk)
    result = busy_calendar_import(calendar=calendar, now=timezone.now())
    return _page(request, BusyCalendarForm(), tested=result)


@require_POST
@owner_required
def busy_calendar_details(request: OwnerRequest, pk: int) -> HttpResponse:
    """Show or hide the event titles of one calendar in the owner's calendar."""
    calendar = get_object_or_404(owner_busy_calendars(request.business.pk), pk=pk)
    show = request.POST.get("show_details") == "on"
    busy_calendar_show_details(calendar=calendar, show=show)
    notice = (_("%(calendar)s: event titles are shown in your calendar.") if show
              else _("%(calendar)s: event titles are hidden in your calendar."))
    messages.success(request, notice % {"calendar": calendar})
    return redirect("owner:busy-calendars")


@require_POST
@owner_required
def busy_calendar_delete(request: OwnerRequest, pk: int) -> HttpResponse:
    calendar = get_object_or_404(owner_busy_calendars(request.business.pk), pk=pk)
    busy_calendar_remove(calendar=calendar)
    messages.success(request, _("Removed %(calendar)s; its busy times are free again.") % {"calendar": calendar})
    return redirect("owner:busy-calendars")
