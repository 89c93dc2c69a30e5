"""The owner's calendar: FullCalendar fed by a JSON events endpoint, and sessions added by hand.

Times go to the calendar as the business's wall clock without an offset: static/js/calendar.js
explains why FullCalendar then runs in UTC.
"""

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from csp.constants import SELF
from csp.decorators import csp_update
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from bookingsite.availability import engine
from bookingsite.bookings.exceptions import BookingError
from bookingsite.bookings.selectors.calendar import (
    CalendarDay, CalendarEntry, calendar_days, calendar_entries, hand_session_notes,
)
from bookingsite.bookings.services import session_create_by_owner
from bookingsite.businesses.selectors import service_choices
from bookingsite.lib.json_errors import form_errors
from bookingsite.lib.locale_formats import current_formats, format_date, format_time


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
# A date's note ("Day off", "Changed hours: …"): dark text on white, amber-edged on an exception date.
CLOSED_NOTE_COLORS = {"backgroundColor": "#ffffff", "borderColor": "#94a3b8", "textColor": "#1e293b"}
EXCEPTION_NOTE_COLORS = {"backgroundColor": "#fffbeb", "borderColor": "#d97706", "textColor": "#1e293b"}
# The address's view names: FullCalendar's own, or the short ones the no-JavaScript links use.
VIEWS = {"day": "timeGridDay", "week": "timeGridWeek", "month": "dayGridMonth", "list": "listWeek"}
AGENDA_DAYS = 14  # the no-JavaScript list outside the day and month views: two weeks from the Monday of the date shown


def calendar_conventions(request: OwnerRequest) -> dict[str, int | bool | str]:
    """How the calendar shows dates, weeks and times: `calendar_locale` (a BCP 47 tag, "en-GB", for
    the browser's Intl: plain "en" would write American dates), `first_weekday` (0 = Sunday … 6,
    FullCalendar's count) and `clock_12h`, as the page's locale formats have them
    (lib.locale_formats: the owner's language and region, the business's clock)."""
    formats = current_formats()
    return {
        "calendar_locale": str(formats.locale).replace("_", "-"),
        "first_weekday": (formats.first_weekday + 1) % 7,
        "clock_12h": formats.clock_12h,
    }


def _wall_clock(instant: datetime, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).replace(tzinfo=None).isoformat(timespec="seconds")


def _waitlist_url(entry: CalendarEntry) -> str:
    return reverse("owner:slot-waitlist", kwargs={"service_id": entry.service_id, "start": entry.start_utc})


def _add_client(entry: CalendarEntry) -> dict[str, str]:
    """A session with a free place takes a client the owner books by phone: its link and label ("" for anything else)."""
    if entry.kind != "session" or entry.taken >= entry.capacity:
        return {"add_client_url": "", "add_client_label": ""}
    return {
        "add_client_url": f"{reverse('owner:booking-new')}?{urlencode({'session': entry.session_id})}",
        "add_client_label": _("Add a client"),
    }


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


def _waiting(count: int) -> str:
    return ngettext("%(count)d waiting", "%(count)d waiting", count) % {"count": count}


def _session_texts(entry: CalendarEntry) -> tuple[str, str]:
    """A session's title and its longer description for screen readers and the tooltip."""
    if entry.client_name:  # a one-to-one session is known by its client
        names = {"service": entry.service_name, "client": entry.client_name}
        title = _("%(service)s · %(client)s") % names
        description = _("%(service)s with %(client)s") % names
    else:
        places = {"service": entry.service_name, "taken": entry.taken, "capacity": entry.capacity}
        title = _("%(service)s · %(taken)d/%(capacity)d booked") % places
        description = ngettext(
            "%(service)s, %(taken)d of %(capacity)d place booked", "%(service)s, %(taken)d of %(capacity)d places booked",
            entry.capacity,
        ) % places
    if entry.waiting:
        title = _("%(title)s · %(waiting)s") % {"title": title, "waiting": _waiting(entry.waiting)}
        description = ngettext(
            "%(description)s, %(count)d client on the waitlist", "%(description)s, %(count)d clients on the waitlist",
            entry.waiting,
        ) % {"description": description, "count": entry.waiting}
    if entry.created_by_owner:
        description = _("%(description)s (added by you on the calendar)") % {"description": description}
    return title, description


def _texts(entry: CalendarEntry) -> tuple[str, str]:
    if entry.kind == "busy":
        # Greyed and just "Busy": the owner's private events stay private unless they opted in per calendar.
        title = _("Busy: %(detail)s") % {"detail": entry.busy_detail} if entry.busy_detail else _("Busy")
        return title, _("%(title)s (from your own calendars)") % {"title": title}
    if entry.kind == "pending":
        names = {"client": entry.client_name, "service": entry.service_name}
        return _("Pending: %(client)s") % names, _("Request from %(client)s for %(service)s, waiting for your answer") % names
    if entry.kind == "waitlist":
        title = _("%(service)s · %(waiting)s") % {"service": entry.service_name, "waiting": _waiting(entry.waiting)}
        return title, _("%(title)s (waitlist: the place is held for the first in line)") % {"title": title}
    return _session_texts(entry)


def _event(entry: CalendarEntry, zone: ZoneInfo) -> dict:
    """One FullCalendar event; start and end are the business's wall clock, without offset."""
    color = PALETTE[(entry.service_id or 0) % len(PALETTE)]
    if entry.kind == "busy":
        colors = BUSY_COLORS
    elif entry.kind == "pending":
        colors = PENDING_COLORS
    elif entry.kind == "waitlist":
        colors = {"backgroundColor": "#ffffff", "borderColor": color, "textColor": WAITLIST_TEXT}
    else:
        colors = {"backgroundColor": color, "borderColor": color, "textColor": "#ffffff"}
    title, description = _texts(entry)
    return {
        "id": entry.key,
        "title": title,
        "start": _wall_clock(entry.start_utc, zone),
        "end": _wall_clock(entry.end_utc, zone),
        "url": _entry_url(entry, zone),
        **colors,
        "classNames": [f"fk-{entry.kind}"] + (["fk-hand-added"] if entry.created_by_owner else []),
        # A box, not the month view's dot, even there: its stripes must show.
        **({"display": "block"} if entry.created_by_owner else {}),
        "extendedProps": {
            "kind": entry.kind,
            "service_id": entry.service_id,
            "service": entry.service_name,
            "client": entry.client_name,
            "taken": entry.taken,
            "capacity": entry.capacity,
            "created_by_owner": entry.created_by_owner,
            "description": description,
            "waiting": entry.waiting,
            "waitlist_url": _waitlist_url(entry) if entry.waiting else "",
            "waitlist_label": _("Waitlist (%(count)s)") % {"count": entry.waiting} if entry.waiting else "",
            **_add_client(entry),
        },
    }


def _hours(day: CalendarDay) -> str:
    return ", ".join(f"{format_time(block.start)}–{format_time(block.end)}" for block in day.blocks)


def day_note(day: CalendarDay) -> str:
    """What a date's hours say when they are not its weekday's usual ones, or when it is closed; else ""."""
    if day.is_exception:
        if not day.blocks:
            return _("Day off")
        return _("Changed hours: %(hours)s") % {"hours": _hours(day)}
    return "" if day.blocks else _("Not working")


def _day_shading(day: CalendarDay) -> list[dict]:
    """One date's time outside its working blocks, greyed (hatched on an exception date) as
    FullCalendar's businessHours would be, and an all-day note when it is closed or has changed hours.

    Not businessHours itself: that option knows weekdays only, so it would shade a day off or a
    changed day by its weekday's hours; these follow the engine's rule for the date (blocks_on).
    """
    edges = [datetime.combine(day.day, time(0))]
    for block in day.blocks:
        edges += [datetime.combine(day.day, block.start), datetime.combine(day.day, block.end)]
    edges.append(datetime.combine(day.day + timedelta(days=1), time(0)))
    classes = ["fk-off-hours"] + (["fk-exception"] if day.is_exception else [])
    shading = [
        {"start": start.isoformat(), "end": end.isoformat(), "display": "background", "classNames": classes}
        for start, end in zip(edges[::2], edges[1::2], strict=True)
        if start < end
    ]
    if note := day_note(day):
        # An event, not a background: FullCalendar spreads an all-day background over the whole time grid,
        # and as an event the note is read out and listed in the list view.
        shading.append({
            "start": day.day.isoformat(), "end": (day.day + timedelta(days=1)).isoformat(), "allDay": True,
            "title": note, "interactive": False, **(EXCEPTION_NOTE_COLORS if day.is_exception else CLOSED_NOTE_COLORS),
            "classNames": ["fk-day-note"] + (["fk-exception"] if day.is_exception else []),
            "extendedProps": {"kind": "day", "description": note},
        })
    return shading


def _agenda(entries: list[CalendarEntry], days: list[CalendarDay], zone: ZoneInfo, every_day: bool) -> list[dict]:
    """The dates shown without JavaScript, each with its hours and entries: every date when asked,
    else those with an entry or an exception. A started session carries its clients, to mark
    their attendance there."""
    items: dict[date, list[dict]] = {}
    for entry in entries:
        start, end = entry.start_utc.astimezone(zone), entry.end_utc.astimezone(zone)
        items.setdefault(start.date(), []).append(
            _event(entry, zone) | {"start_local": start, "end_local": end, "bookings": entry.bookings}
        )
    return [
        {"day": day, "note": day_note(day), "hours": _hours(day), "items": items.get(day.day, [])}
        for day in days
        if every_day or day.is_exception or day.day in items
    ]


def _shown_date(request: OwnerRequest, zone: ZoneInfo) -> date:
    return asked_date(request.GET.get("date")) or timezone.now().astimezone(zone).date()


def _span(view: str, shown: date) -> tuple[date, date, date, date]:
    """The no-JavaScript list's first and last dates for a view, and where its Earlier and Later links go."""
    if view == "timeGridDay":
        return shown, shown, shown - timedelta(days=1), shown + timedelta(days=1)
    if view == "dayGridMonth":
        first = shown.replace(day=1)
        following = (first + timedelta(days=31)).replace(day=1)
        return first, following - timedelta(days=1), (first - timedelta(days=1)).replace(day=1), following
    monday = shown - timedelta(days=shown.weekday())
    days = timedelta(days=AGENDA_DAYS)
    return monday, monday + days - timedelta(days=1), monday - days, monday + days


def _page(request: OwnerRequest, form: SessionCreateForm, shown: date, status: int = 200) -> HttpResponse:
    business = request.business
    zone = ZoneInfo(business.timezone)
    asked = request.GET.get("view", "")
    view = VIEWS.get(asked, asked if asked in VIEWS.values() else "")
    first, last, earlier, later = _span(view, shown)
    entries = calendar_entries(business.pk, engine.day_start(first, zone), engine.day_start(last + timedelta(days=1), zone))
    services = list(form.fields["service"].queryset)
    return render(
        request,
        "owner/calendar.html",
        {
            "form": form,
            "shown": shown,
            "view": view,
            "agenda": _agenda(entries, calendar_days(business.pk, first, last), zone, every_day=view == "timeGridDay"),
            "agenda_first": first,
            "agenda_last": last,
            "earlier": earlier,
            "later": later,
            "has_services": bool(services),
            "has_waitlists": any(service.waitlist_enabled for service in services),
            "legend": [(service.name, PALETTE[service.pk % len(PALETTE)]) for service in services],
            **calendar_conventions(request),
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


def _range(request: OwnerRequest) -> CalendarRangeForm:
    return CalendarRangeForm(request.GET, business=request.business)


@require_GET
@owner_required
def events(request: OwnerRequest) -> JsonResponse:
    """FullCalendar's event feed: `start` and `end` (at most 62 days apart) in, a JSON list out."""
    form = _range(request)
    if not form.is_valid():
        return JsonResponse({"errors": form_errors(form)}, status=400)
    zone = ZoneInfo(request.business.timezone)
    entries = calendar_entries(request.business.pk, form.cleaned_data["start"], form.cleaned_data["end"])
    return JsonResponse([_event(entry, zone) for entry in entries], safe=False)


@require_GET
@owner_required
def hours(request: OwnerRequest) -> JsonResponse:
    """FullCalendar's second feed, for the same range: each date's shading (time outside working
    hours) and its note (day off, changed hours, not working)."""
    form = _range(request)
    if not form.is_valid():
        return JsonResponse({"errors": form_errors(form)}, status=400)
    zone = ZoneInfo(request.business.timezone)
    # The business dates the range covers: its end is the midnight after the last one.
    first = form.cleaned_data["start"].astimezone(zone).date()
    last = (form.cleaned_data["end"] - timedelta(microseconds=1)).astimezone(zone).date()
    return JsonResponse([event for day in calendar_days(request.business.pk, first, last) for event in _day_shading(day)],
                        safe=False)


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
            messages.success(request, _("Added %(service)s on %(day)s at %(time)s.") % {
                "service": data["service"].name, "day": format_date(data["date"], "short_date"),
                "time": format_time(data["start_time"]),
            })
            end_utc = data["start_time_utc"] + timedelta(minutes=data["service"].duration_minutes)
            for note in hand_session_notes(request.business, start_utc=data["start_time_utc"], end_utc=end_utc,
                                           now=timezone.now()):
                messages.warning(request, _("Note: %(note)s") % {"note": note})
            url = f"{reverse('owner:calendar')}?{urlencode({'date': data['date'].isoformat()})}"
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    if request.htmx:
        return render(request, "owner/partials/_session_form.html", {"form": form, "has_services": True}, status=400)
    shown = form.cleaned_data.get("date") or _shown_date(request, ZoneInfo(request.business.timezone))
    return _page(request, form, shown, status=400)
