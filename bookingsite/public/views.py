"""The client's pages of a booking link. Any site may frame them; every page works without JavaScript."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import wraps
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache as shared_cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_http_methods

from bookingsite.availability import engine
from bookingsite.bookings import services as booking_services
from bookingsite.bookings.calendar_links import ics_calendar
from bookingsite.bookings.exceptions import BookingError, OnceKeyReusedError, SlotTakenError
from bookingsite.bookings.models import Booking
from bookingsite.bookings.selectors import availability
from bookingsite.bookings.selectors.actions import booking_actions
from bookingsite.businesses.locking import BusyError, as_busy_error
from bookingsite.businesses.models import BusinessBookingSettings, SessionCategory
from bookingsite.businesses.selectors import (
    booking_page_by_slug,
    current_slug_for_retired,
    public_service_on_active_page,
    public_services,
)
from bookingsite.businesses.validators import timezone_names
from bookingsite.businesses.zone_names import zone_pick, zone_search
from bookingsite.lib.instants import plausible_instant
from bookingsite.lib.languages import use_client_language
from bookingsite.lib.locale_formats import current_formats, format_date
from bookingsite.lib.ratelimit import seconds_until_allowed

from . import calendar as month_calendar
from .form_tokens import FormToken, FormTokenError, make_form_token, read_form_token
from .forms import BookingForm
from .links import booking_links, with_lang

# A zone search longer than any zone's name is cut, not looked for.
ZONE_SEARCH_MAX = 60

PageView = Callable[..., HttpResponse]


def booking_link_view(*, active_only: bool = True, with_service: bool = False) -> Callable[[PageView], PageView]:
    """Resolve the slug to its booking page (404 if unknown), in the client's language; framing allowed.

    With active_only, a paused page answers the friendly "not taking bookings" page instead.
    With with_service, the view takes the bookable service of the URL's service_id (404 if
    none) after the page: both come in one query when all is well.
    """

    def decorator(view: PageView) -> PageView:
        @wraps(view)
        def wrapped(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
            if with_service:
                service_id = kwargs.pop("service_id")
                service = public_service_on_active_page(slug, service_id)
                if service is not None:
                    use_client_language(request, service.business_profile)
                    return view(request, service.business_profile.booking_settings, service, *args, **kwargs)
            page = booking_page_by_slug(slug)
            if page is None:
                current = current_slug_for_retired(slug)
                if current is None:
                    raise Http404("No booking page")
                # An old link keeps working: the same page under the business's new name.
                prefix = f"/book/{slug}/"
                rest = request.path_info[len(prefix) :] if request.path_info.startswith(prefix) else ""
                query = f"?{request.META['QUERY_STRING']}" if request.META.get("QUERY_STRING") else ""
                return redirect(f"/book/{current}/{rest}{query}", permanent=True)
            use_client_language(request, page.business_profile)
            if active_only and not page.is_booking_page_active:
                return render(request, "public/inactive.html", {"page": page, "business": page.business_profile}, status=404)
            if with_service:
                args = (get_object_or_404(public_services(page.business_profile_id), pk=service_id), *args)
            return view(request, page, *args, **kwargs)

        return xframe_options_exempt(wrapped)

    return decorator


def _client_timezone(request: HttpRequest, page: BusinessBookingSettings) -> tuple[str, bool]:
    """The zone the client asked for (an IANA id, or what names one: "tokyo"), or the business's;
    and whether one was asked for that names no zone."""
    asked = request.GET.get("tz", "").strip()
    if asked in timezone_names():
        return asked, False
    picked = zone_pick(asked, timezone.now()) if asked else None
    return picked or page.business_profile.timezone, bool(asked) and picked is None


def _parse(value: str | None, fmt: str) -> date | None:
    try:
        return datetime.strptime(value or "", fmt).date()
    except ValueError:
        return None


def _base_context(page: BusinessBookingSettings, **extra) -> dict:
    context = {"page": page, "business": page.business_profile, **extra}
    if service := extra.get("service"):
        # Where it takes place, as Booking.location says it (DESIGN.md 7): the service's own, else the address.
        context["location"] = service.location or page.business_profile.address
    return context


# The public pages that hold no one's secrets go out gzipped: the service list and the picker.
# Pages that show a booking or carry a form token do not, and nor do the owner's pages, so
# compression never lets a BREACH-style guess read a secret beside text an attacker chose.
@require_GET
@gzip_page
@booking_link_view()
def service_list(request: HttpRequest, page: BusinessBookingSettings) -> HttpResponse:
    services = list(public_services(page.business_profile_id))
    return render(request, "public/service_list.html", _base_context(page, services=services))


class PickerQuery(NamedTuple):
    """What a client asked the picker for: their zone (and whether the asked one was unknown), a
    day, a month; and a zone search that did not name one zone (its matches are listed)."""

    client_timezone: str
    unknown_zone: bool
    date: date | None
    month: date | None
    zone_search: str = ""


def _picker_query(request: HttpRequest, page: BusinessBookingSettings) -> PickerQuery:
    client_timezone, unknown_zone = _client_timezone(request, page)
    query = PickerQuery(client_timezone, unknown_zone, _parse(request.GET.get("date"), "%Y-%m-%d"),
                        _parse(request.GET.get("month"), "%Y-%m"))
    # The zone search sent without JavaScript: one zone it can only mean is taken at once; else
    # the times stay in the zone they were in and the matches are listed to pick from.
    searched = request.GET.get("zone", "").strip()[:ZONE_SEARCH_MAX]
    if not searched:
        return query
    if picked := zone_pick(searched, timezone.now()):
        return query._replace(client_timezone=picked, unknown_zone=False)
    return query._replace(zone_search=searched)


def _picker_context(
    page: BusinessBookingSettings, service: SessionCategory, query: PickerQuery, now: datetime, *, moving: Booking | None = None
) -> dict:
    """Month calendar and the chosen day's slots, in the client's zone. With `moving`, the times
    that booking may move to: as if its own place were free, less the time it has."""
    today = now.astimezone(ZoneInfo(query.client_timezone)).date()
    formats = current_formats()
    first_month = month_calendar.first_of_month(today)
    last_month = month_calendar.first_of_month(today + timedelta(days=page.booking_horizon_days))
    chosen_date = query.date
    asked_month = query.month or (chosen_date and month_calendar.first_of_month(chosen_date)) or first_month
    month = min(max(asked_month, first_month), last_month)
    # Asked for a month out of reach: say so, rather than silently show another one.
    month_note = ""
    if asked_month < first_month:
        month_note = _("%(asked)s has passed, so here is %(month)s.")
    elif asked_month > last_month:
        month_note = ngettext(
            "Bookings open %(days)d day ahead, so %(month)s is the furthest month to book.",
            "Bookings open %(days)d days ahead, so %(month)s is the furthest month to book.",
            page.booking_horizon_days,
        )
    month_note = month_note and month_note % {
        "asked": format_date(asked_month, "month_year", formats), "month": format_date(month, "month_year", formats),
        "days": page.booking_horizon_days,
    }

    def month_days(month_start):
        asked = {
            "page": page, "client_timezone": query.client_timezone, "start_date": month_start,
            "end_date": month_calendar.last_of_month(month_start), "now": now,
        }
        if moving is None:
            return availability.offered_days(**asked, service=service)
        return availability.days_to_move_to(**asked, booking=moving)

    days = month_days(month)
    # Free times and full ones (with a waitlist to join) in one list, by start.
    times_by_date = {day.date: tuple(sorted(day.slots + day.full, key=lambda slot: slot.start_utc)) for day in days}
    if chosen_date not in times_by_date:
        chosen_date = next((day.date for day in days if day.slots), None) or next((day.date for day in days if day.full), None)
    next_available = None
    if not any(slot.remaining for slot in times_by_date.get(chosen_date, ())):
        # A day with no free time, or a month with none: the next day that has one, in the months ahead if need be.
        after = chosen_date or month - timedelta(days=1)
        next_available = next((day.date for day in days if day.date > after and day.slots), None)
        ahead = month
        while next_available is None and ahead < last_month:
            ahead = month_calendar.add_months(ahead, 1)
            next_available = next((day.date for day in month_days(ahead) if day.slots), None)
    return _base_context(
        page,
        service=service,
        client_timezone=query.client_timezone,
        unknown_zone=query.unknown_zone,
        month=month,
        weeks=month_calendar.month_weeks(month, days, today=today, selected=chosen_date, first_weekday=formats.first_weekday),
        weekdays=formats.weekdays(),
        previous_month=month_calendar.add_months(month, -1) if month > first_month else None,
        next_month=month_calendar.add_months(month, 1) if month < last_month else None,
        chosen_date=chosen_date,
        slots=times_by_date.get(chosen_date, ()),
        next_available=next_available,
        month_note=month_note,
        zone_search=query.zone_search,
        zone_matches=zone_search(query.zone_search, now) if query.zone_search else None,
    )


def _picker_html(
    page: BusinessBookingSettings, service: SessionCategory, query: PickerQuery, now: datetime, lang_param: str
) -> str:
    """The picker as htmx swaps it in. It is the same for everyone who asks the same thing within
    the minute in the same language and formats, so it is cached as offered_days is: under the
    availability version and the minute, the formats, and the `?lang=` its links carry on."""
    def picker() -> str:
        context = {**_picker_context(page, service, query, now), "lang_param": lang_param}
        return render_to_string("public/partials/_picker.html", context)

    if query.zone_search:  # a search's answer is the asker's own
        return picker()
    minute = int(now.timestamp()) // availability.OFFERED_DAYS_SECONDS
    formats = current_formats().key  # its language, region and clock: "de_AT:24"
    key = (f"picker:{page.pk}:{page.availability_version}:{service.pk}:{':'.join(map(str, query))}:{formats}:"
           f"{lang_param}:{minute}")
    html = shared_cache.get(key)
    if html is None:
        html = picker()
        shared_cache.set(key, html, availability.OFFERED_DAYS_SECONDS)
    return html


def _zone_found_address(request: HttpRequest, query: PickerQuery) -> str | None:
    """When a zone search named one zone: this page's address in that zone, without the search
    (a clean address to keep, share or reload). None otherwise."""
    if query.zone_search or not request.GET.get("zone", "").strip():
        return None
    params = request.GET.copy()
    params.pop("zone")
    params["tz"] = query.client_timezone
    return f"{request.path}?{params.urlencode()}"


def _picker_response(request: HttpRequest, query: PickerQuery, render_page: Callable[[], HttpResponse],
                     render_picker: Callable[[], HttpResponse]) -> HttpResponse:
    """The picker's page, or its swap; a zone search that found one zone answers with that zone's
    address (a redirect without JavaScript, the pushed URL of the swap with it)."""
    found = _zone_found_address(request, query)
    if not (request.htmx and not request.htmx.history_restore_request):
        return redirect(found) if found else render_page()
    response = render_picker()
    if found:
        response["HX-Push-Url"] = found
    return response


@require_GET
@booking_link_view()
def zone_matches(request: HttpRequest, page: BusinessBookingSettings) -> HttpResponse:
    """The zones a search names, as the picker lists them while the client types (htmx). Each
    is a link to the page the search is on (relative), keeping its month and day."""
    searched = request.GET.get("zone", "").strip()[:ZONE_SEARCH_MAX]
    context = {
        "zone_search": searched,
        "zone_matches": zone_search(searched, timezone.now()) if searched else None,
        "month": _parse(request.GET.get("month"), "%Y-%m"),
        "chosen_date": _parse(request.GET.get("date"), "%Y-%m-%d"),
    }
    return render(request, "public/partials/_zone_matches.html", context)


@require_GET
@gzip_page
@booking_link_view(with_service=True)
def service_page(request: HttpRequest, page: BusinessBookingSettings, service: SessionCategory) -> HttpResponse:
    query, now = _picker_query(request, page), timezone.now()
    # Without a zone in the address the page is drawn in the business's: the browser may know the
    # visitor's, and then reloads in it before painting (static/js/zone-first.js).
    response = _picker_response(
        request, query,
        lambda: render(request, "public/service.html",
                       {**_picker_context(page, service, query, now), "zone_unasked": "tz" not in request.GET}),
        lambda: HttpResponse(_picker_html(page, service, query, now, request.lang_param)),
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def _fresh_slots(
    page: BusinessBookingSettings, service: SessionCategory, start_utc: datetime, client_timezone: str,
    *, moving: Booking | None = None,
):
    """The other times still free on the same day of the client's, to offer after a miss (for
    `moving`: the times that booking may move to)."""
    day = start_utc.astimezone(ZoneInfo(client_timezone)).date()
    asked = {"page": page, "client_timezone": client_timezone, "start_date": day, "end_date": day, "now": timezone.now()}
    if moving is None:
        days = availability.availability_days(**asked, service=service)
    else:
        days = availability.days_to_move_to(**asked, booking=moving)
    return day, days[0].slots


def _offered_slot(
    page: BusinessBookingSettings, service: SessionCategory, start_utc: datetime, *, moving: Booking | None = None
):
    """The slot offered now at exactly this start, or None when it is taken, too soon or not
    offered (for `moving`: counting that booking's own place as free)."""
    request_at = availability.availability_request_at(
        page=page, service=service, start_utc=start_utc, now=timezone.now(), exclude_booking_id=moving.pk if moving else None
    )
    return engine.find_slot(request_at, start_utc)


# Pages that carry a form token or a manage link (the booking form, the booking's own pages) are
# never_cache: no shared cache may keep one and hand it to the next visitor.
@csrf_exempt  # the signed form token stands in for the CSRF cookie a framed page may not get
@require_http_methods(["GET", "POST"])
@never_cache
@booking_link_view(with_service=True)
def booking_form(request: HttpRequest, page: BusinessBookingSettings, service: SessionCategory) -> HttpResponse:
    if request.method == "POST" and "start" not in request.POST:
        return _submit_booking(request, page, service)
    # A GET: the time picked on the calendar. A POST with `start`: another time picked after a
    # miss (_fresh_slots.html), carrying the details typed so far in its body, not in the address
    # where history and logs would keep them. Either way the form for that time, never a booking.
    sent = request.POST if request.method == "POST" else request.GET
    typed = _typed_details(sent) if request.method == "POST" else {}
    client_timezone, _unknown = _client_timezone(request, page)
    start = plausible_instant(sent.get("start", ""))
    context = _base_context(page, service=service, client_timezone=client_timezone)
    if start is None:
        return redirect(with_lang(request, reverse("public:service", args=[page.public_booking_slug, service.pk])))
    slot = _offered_slot(page, service, start)
    if slot is None:
        context.update(error=SlotTakenError.message, typed=typed)
        context["fresh_day"], context["fresh_slots"] = _fresh_slots(page, service, start, client_timezone)
        return render(request, "public/book.html", context, status=409)
    token = make_form_token(service_id=service.pk, start_utc=slot.start_utc, client_timezone=client_timezone)
    form = BookingForm(initial={"token": token, **typed}, country=page.business_profile.country)
    context.update(form=form, start=slot.start_utc, end=slot.end_utc, remaining=slot.remaining)
    return render(request, "public/book.html", context)


TYPED_FIELDS = ("client_name", "client_email", "client_phone", "notes")


def _typed_details(data) -> dict[str, str]:
    """The details as the client typed them, to fill in the form again for another time."""
    return {key: data.get(key, "") for key in TYPED_FIELDS}


class SentDetails(NamedTuple):
    """A client's details form as sent and checked: the page's context, its token, the details."""

    context: dict
    token: FormToken
    details: dict


def read_sent_details(
    request: HttpRequest, page: BusinessBookingSettings, service: SessionCategory, template: str
) -> SentDetails | HttpResponse:
    """The booking form or the waitlist's, as sent: its token and valid details, or the page again
    saying what is wrong (429 too many, 400 a bad token or bad details, the form filled in as sent)."""
    context = _base_context(page, service=service)
    if limited := _rate_limited(request, context):
        return limited
    try:
        token = read_form_token(request.POST.get("token", ""), service_id=service.pk)
    except FormTokenError as exc:
        context.update(client_timezone=page.business_profile.timezone, error=exc.message)
        return render(request, template, context, status=400)
    form = BookingForm(request.POST, country=page.business_profile.country)
    context.update(
        form=form,
        client_timezone=token.client_timezone,
        start=token.start_utc,
        end=token.start_utc + timedelta(minutes=service.duration_minutes),
    )
    if not form.is_valid():
        return render(request, template, context, status=400)
    details = {key: form.cleaned_data[key] for key in TYPED_FIELDS}
    return SentDetails(context, token, details)


def _submit_booking(request: HttpRequest, page: BusinessBookingSettings, service: SessionCategory) -> HttpResponse:
    sent = read_sent_details(request, page, service, "public/book.html")
    if isinstance(sent, HttpResponse):
        return sent
    context, token, details = sent
    try:
        booking = booking_services.booking_create(
            service=service,
            start_time_utc=token.start_utc,
            client_timezone=token.client_timezone,
            language=request.LANGUAGE_CODE,
            once_key=token.once_key,
            **details,
        )
    except OnceKeyReusedError as exc:
        return _book_anew(request, context, exc)
    except BookingError as exc:
        # The time can't be booked: take it and its "Confirm" off the page, and let each time
        # still free carry what was typed to the form for that time.
        context.update(error=exc.message, form=None, typed=_typed_details(request.POST))
        context["fresh_day"], context["fresh_slots"] = _fresh_slots(page, service, token.start_utc, token.client_timezone)
        return render(request, "public/book.html", context, status=409 if isinstance(exc, SlotTakenError) else 400)
    except Exception as exc:
        busy = as_busy_error(exc)
        if busy is None:
            raise
        # The form again, filled in as sent, so sending it once more is one click.
        return _busy_again(request, "public/book.html", context, busy)
    return redirect(with_lang(request, reverse("public:booking", args=[page.public_booking_slug, booking.manage_token])))


def _book_anew(request: HttpRequest, context: dict, reused: OnceKeyReusedError) -> HttpResponse:
    """A form that already booked, sent again with other details: never the first booking. If the
    time is still free, the same form comes back with a fresh token, so one more click books it."""
    page, service, start = context["page"], context["service"], context["start"]
    slot = _offered_slot(page, service, start)
    if slot is None:
        context.update(error=f"{reused.message} {SlotTakenError.message}", form=None, typed=_typed_details(request.POST))
        context["fresh_day"], context["fresh_slots"] = _fresh_slots(page, service, start, context["client_timezone"])
        return render(request, "public/book.html", context, status=409)
    data = request.POST.copy()
    data["token"] = make_form_token(service_id=service.pk, start_utc=slot.start_utc, client_timezone=context["client_timezone"])
    form = BookingForm(data, country=page.business_profile.country)
    form.is_valid()  # it was valid a moment ago; bound, so the page shows what the visitor typed
    message = _("%(reused)s This time is still free: check your details and send them again to book it.")
    context.update(form=form, remaining=slot.remaining, error=message % {"reused": reused.message})
    return render(request, "public/book.html", context, status=409)


def _rate_limited(request: HttpRequest, context: dict) -> HttpResponse | None:
    """The 429 page when this client has sent too many writes, else None."""
    wait = seconds_until_allowed(request, group="public-write", rate=settings.RATELIMIT_PUBLIC_WRITE)
    if wait is None:
        return None
    response = render(request, "public/too_many.html", {**context, "wait": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response


def _busy_again(request: HttpRequest, template: str, context: dict, busy: BusyError) -> HttpResponse:
    """The page that was sent, again with the "busy" message: a 503 with Retry-After."""
    response = render(request, template, {**context, "error": busy.message}, status=503)
    response["Retry-After"] = str(busy.retry_after_seconds)
    return response


def _booking(page: BusinessBookingSettings, token: str) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related("session_category", "business_profile__owner"),
        manage_token=token,
        business_profile_id=page.business_profile_id,
    )


def _manage_context(request: HttpRequest, page: BusinessBookingSettings, booking: Booking) -> dict:
    return _base_context(
        page,
        booking=booking,
        service=booking.session_category,
        client_timezone=booking.booked_in_client_timezone,
        links=booking_links(request, page, booking),
        actions=booking_actions(booking, timezone.now(), cutoff_hours=page.client_change_cutoff_hours),
        moved=request.GET.get("moved") == "1",
    )


@require_GET
@never_cache
@booking_link_view(active_only=False)
def booking_detail(request: HttpRequest, page: BusinessBookingSettings, token: str) -> HttpResponse:
    booking = _booking(page, token)
    response = render(request, "public/booking.html", _manage_context(request, page, booking))
    response["Referrer-Policy"] = "no-referrer"  # the URL is the client's key to this booking
    return response


@csrf_exempt  # the unguessable URL is the credential; a cross-site page cannot know it
@require_http_methods(["GET", "POST"])
@never_cache
@booking_link_view(active_only=False)
def booking_cancel(request: HttpRequest, page: BusinessBookingSettings, token: str) -> HttpResponse:
    booking = _booking(page, token)
    context = _manage_context(request, page, booking)
    if request.method == "POST":
        try:
            booking_services.booking_cancel_by_client(booking=booking, reason=request.POST.get("reason", ""))
        except BookingError as exc:
            context["error"] = exc.message
            return render(request, "public/cancel.html", context, status=400)
        return redirect(with_lang(request, reverse("public:booking", args=[page.public_booking_slug, booking.manage_token])))
    response = render(request, "public/cancel.html", context)
    response["Referrer-Policy"] = "no-referrer"
    return response


@csrf_exempt  # the unguessable URL is the credential, as for cancelling
@require_http_methods(["GET", "POST"])
@never_cache
@booking_link_view()
def booking_reschedule(request: HttpRequest, page: BusinessBookingSettings, token: str) -> HttpResponse:
    """Move a booking to another time (DESIGN.md 5): pick a time on the same calendar as booking,
    confirm it, and the booking moves. Without `start` the picker; with it, the confirmation step."""
    booking = _booking(page, token)
    context = _manage_context(request, page, booking)
    service, actions, now = booking.session_category, context["actions"], timezone.now()
    if not actions.client_can_change:
        return render(request, "public/reschedule.html", context, status=400 if request.method == "POST" else 200)
    query = _picker_query(request, page)
    if not request.GET.get("tz"):  # the zone the client booked in, until they pick another
        query = query._replace(client_timezone=booking.booked_in_client_timezone or query.client_timezone)
    # The calendar's links and the times lead back here, not to the booking form.
    context.update(client_timezone=query.client_timezone, picker_url=request.path, slot_url=request.path)
    if request.method == "POST":
        if limited := _rate_limited(request, context):
            return limited
        return _move_booking(request, page, booking, context)
    start = plausible_instant(request.GET.get("start", ""))
    if start is None:
        picker = {**context, **_picker_context(page, service, query, now, moving=booking)}
        return _picker_response(request, query, lambda: render(request, "public/reschedule.html", picker),
                                lambda: render(request, "public/partials/_picker.html", picker))
    slot = _offered_slot(page, service, start, moving=booking)
    if slot is None:
        context["error"] = SlotTakenError.message
        context["fresh_day"], context["fresh_slots"] = _fresh_slots(page, service, start, query.client_timezone, moving=booking)
        return render(request, "public/reschedule.html", context, status=409)
    context.update(new_start=slot.start_utc, new_end=slot.end_utc)
    return render(request, "public/reschedule.html", context)


def _move_booking(request: HttpRequest, page: BusinessBookingSettings, booking: Booking, context: dict) -> HttpResponse:
    start = plausible_instant(request.POST.get("start", ""))
    if start is None:
        context["error"] = _("Pick the new time from the list.")
        return render(request, "public/reschedule.html", context, status=400)
    try:
        booking_services.booking_reschedule(booking=booking, start_time_utc=start)
    except BookingError as exc:
        context["error"] = exc.message
        context["fresh_day"], context["fresh_slots"] = _fresh_slots(
            page, booking.session_category, start, context["client_timezone"], moving=booking
        )
        return render(request, "public/reschedule.html", context, status=409 if isinstance(exc, SlotTakenError) else 400)
    except Exception as exc:
        busy = as_busy_error(exc)
        if busy is None:
            raise
        # The confirmation again, so sending it once more is one click.
        context.update(new_start=start, new_end=start + timedelta(minutes=booking.session_category.duration_minutes))
        return _busy_again(request, "public/reschedule.html", context, busy)
    booking_url = reverse("public:booking", args=[page.public_booking_slug, booking.manage_token])
    return redirect(with_lang(request, f"{booking_url}?moved=1"))


@require_GET
@never_cache
@booking_link_view(active_only=False)
def booking_ics(request: HttpRequest, page: BusinessBookingSettings, token: str) -> HttpResponse:
    booking = _booking(page, token)
    if booking.status != Booking.Status.CONFIRMED:
        raise Http404("Only a confirmed booking has a calendar file")
    manage_url = booking_links(request, page, booking).manage_url
    response = HttpResponse(ics_calendar(booking, manage_url), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{page.public_booking_slug}-booking.ics"'
    return response
