"""The owner's calendar: FullCalendar fed by a JSON events endpoint, and sessions added by hand.

Times go to the calendar as the business's wall clock without an offset: static/js/calendar.js
explains why FullCalendar then runs in UTC.
"""

from datetime import date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from csp.constants import SELF
from csp.decorators import csp_update
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from bookingsite.availability import engine
from bookingsite.bookings.exceptions import BookingError
from bookingsite.bookings.selectors.calendar import CalendarEntry, calendar_entries, hand_session_notes
from bookingsite.bookings.services import session_create_by_owner
from bookingsite.businesses.selectors import service_choices
from bookingsite.lib.json_errors import form_errors

from ..access import OwnerRequest, owner_required
from ..forms.calendar_pages import CalendarRangeForm, SessionCreateForm
from ..forms.inputs import asked_date

# Dark enough for white text (WCAG AA); amber stays free for pending requests.
PALETTE = ["#0f766e", "#1d4ed8", "#7e22ce", "#be123c", "#047857", "#4338ca", "#a21caf", "#334155"]
PENDING_COLORS = {"backgroundColor": "#fef3c7", "borderColor": "#d97706", "textColor": "#78350f"}
# Busy time from the owner's own calendars: grey, readable (slate-700 on slate-200 passes WCAG AA).
BUSY_COLORS = {"backgroundColor": "#e2e8f0", "borderColor": "#94a3b8", "textColor": "#334155"}
# A slot with only a waitlist: its place is held for the first in line; light, in the service's colour.
WAITLIST_TEXT = "#0f172a"
VIEWS = ("dayGridMonth", "timeGridWeek", "listWeek")
AGENDA_DAYS = 14  # the no-JavaScript list: two weeks from the Monday of the date shown


def _wall_clock(instant: datetime, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).replace(tzinfo=None).isoformat(timespec="seconds")


def _waitlist_url(entry: CalendarEntry) -> str:
    return reverse("owner:slot-waitlist", kwargs={"service_id": entry.service_id, "start": entry.start_utc})


def _add_client_url(entry: CalendarEntry) -> str:
    """A session with a free place takes a client the owner books by phone; "" for anything else."""
    if entry.kind != "session" or entry.taken >= entry.capacity:
        return ""
    return f"{reverse('owner:booking-new')}?{urlencode({'session': entry.session_id})}"


def _entry_url(entry: CalendarEntry, zone: ZoneInfo) -> str:
    if entry.kind == "busy":
        return reverse("owner:busy-calendars")
    if entry.kind == "waitlist":
        return _waitlist_url(entry)
    if entry.booking_id:
        return reverse("owner:booking", args=[entry.booking_id])
    day = entry.start_utc.astimezone(zone).date().isoformat()
    query = urlencode({"service": entry.service_id, "date_from": day, "date_to": day})
    return f"{reverse('owner:bookings')}?{query}"


def _event(entry: CalendarEntry, zone: ZoneInfo) -> dict:
    """One FullCalendar event; start and end are the business's wall clock, without offset."""
    color = PALETTE[(entry.service_id or 0) % len(PALETTE)]
    if entry.kind == "busy":
        # Greyed and just "Busy": the owner's private events stay private unless they opted in per calendar.
        title = f"Busy: {entry.busy_detail}" if entry.busy_detail else "Busy"
        colors = BUSY_COLORS
    elif entry.kind == "pending":
        title, colors = f"Pending: {entry.client_name}", PENDING_COLORS
    elif entry.kind == "waitlist":
        title = f"{entry.service_name} · {entry.waiting} waiting"
        colors = {"backgroundColor": "#ffffff", "borderColor": color, "textColor": WAITLIST_TEXT}
    else:
        title = f"{entry.service_name} · {entry.taken}/{entry.capacity}"
        if entry.waiting:
            title += f" · {entry.waiting} waiting"
        colors = {"backgroundColor": color, "borderColor": color, "textColor": "#ffffff"}
    return {
        "id": entry.key,
        "title": title,
        "start": _wall_clock(entry.start_utc, zone),
        "end": _wall_clock(entry.end_utc, zone),
        "url": _entry_url(entry, zone),
        **colors,
        "classNames": [f"fk-{entry.kind}"],
        "extendedProps": {
            "kind": entry.kind,
            "service_id": entry.service_id,
            "service": entry.service_name,
            "client": entry.client_name,
            "taken": entry.taken,
            "capacity": entry.capacity,
            "created_by_owner": entry.created_by_owner,
            "waiting": entry.waiting,
            "waitlist_url": _waitlist_url(entry) if entry.waiting else "",
            "add_client_url": _add_client_url(entry),
        },
    }


def _agenda(entries: list[CalendarEntry], zone: ZoneInfo) -> list[tuple[date, list[dict]]]:
    """The entries grouped by business date, for the list shown without JavaScript; a started
    session carries its clients, to mark their attendance there."""
    days: dict[date, list[dict]] = {}
    for entry in entries:
        start, end = entry.start_utc.astimezone(zone), entry.end_utc.astimezone(zone)
        days.setdefault(start.date(), []).append(
            _event(entry, zone) | {"start_local": start, "end_local": end, "bookings": entry.bookings}
        )
    return sorted(days.items())


def _shown_date(request: OwnerRequest, zone: ZoneInfo) -> date:
    return asked_date(request.GET.get("date")) or timezone.now().astimezone(zone).date()


def _page(request: OwnerRequest, form: SessionCreateForm, shown: date, status: int = 200) -> HttpResponse:
    business = request.business
    zone = ZoneInfo(business.timezone)
    monday = shown - timedelta(days=shown.weekday())
    last = monday + timedelta(days=AGENDA_DAYS - 1)
    entries = calendar_entries(business.pk, engine.day_start(monday, zone), engine.day_start(last + timedelta(days=1), zone))
    view = request.GET.get("view", "")
    services = list(form.fields["service"].queryset)
    return render(
        request,
        "owner/calendar.html",
        {
            "form": form,
            "shown": shown,
            "view": view if view in VIEWS else "",
            "agenda": _agenda(entries, zone),
            "agenda_first": monday,
            "agenda_last": last,
            "earlier": monday - timedelta(days=AGENDA_DAYS),
            "later": monday + timedelta(days=AGENDA_DAYS),
            "has_services": bool(services),
            "has_waitlists": any(service.waitlist_enabled for service in services),
            "legend": [(service.name, PALETTE[service.pk % len(PALETTE)]) for service in services],
        },
        status=status,
    )


def _session_form(request: OwnerRequest, data=None, initial=None) -> SessionCreateForm:
    business = request.business
    return SessionCreateForm(data, initial=initial, business=business, services=service_choices(business.pk))


@require_GET
@owner_required
@csp_update({"font-src": [SELF, "data:"]})  # FullCalendar's stylesheet carries its arrow icons' font as a data: URL
def calendar_page(request: OwnerRequest) -> HttpResponse:
    shown = _shown_date(request, ZoneInfo(request.business.timezone))
    return _page(request, _session_form(request, initial={"date": shown}), shown)


@require_GET
@owner_required
def events(request: OwnerRequest) -> JsonResponse:
    """FullCalendar's event feed: `start` and `end` (at most 62 days apart) in, a JSON list out."""
    form = CalendarRangeForm(request.GET, business=request.business)
    if not form.is_valid():
        return JsonResponse({"errors": form_errors(form)}, status=400)
    zone = ZoneInfo(request.business.timezone)
    entries = calendar_entries(request.business.pk, form.cleaned_data["start"], form.cleaned_data["end"])
    return JsonResponse([_event(entry, zone) for entry in entries], safe=False)


@require_POST
@owner_required
def session_create(request: OwnerRequest) -> HttpResponse:
    form = _session_form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            session_create_by_owner(service=data["service"], start_time_utc=data["start_time_utc"])
        except BookingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, f"Added {data['service'].name} on {data['date']:%a %d %b} at {data['start_time']:%H:%M}."
            )
            end_utc = data["start_time_utc"] + timedelta(minutes=data["service"].duration_minutes)
            for note in hand_session_notes(request.business, start_utc=data["start_time_utc"], end_utc=end_utc,
                                           now=timezone.now()):
                messages.warning(request, f"Note: {note}")
            url = f"{reverse('owner:calendar')}?{urlencode({'date': data['date'].isoformat()})}"
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    if request.htmx:
        return render(request, "owner/partials/_session_form.html", {"form": form, "has_services": True}, status=400)
    shown = form.cleaned_data.get("date") or _shown_date(request, ZoneInfo(request.business.timezone))
    return _page(request, form, shown, status=400)
