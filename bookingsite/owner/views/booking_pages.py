"""The bookings list with its filters, one booking's page, cancelling and moving by the owner, and marking attendance."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from bookingsite.bookings.exceptions import BookingError, SessionConflictError, SlotTakenError
from bookingsite.bookings.models import Booking
from bookingsite.bookings.selectors import availability
from bookingsite.bookings.selectors.actions import booking_actions, with_actions
from bookingsite.bookings.selectors.bookings import booking_history, booking_search, bookings_in_tab, owner_booking
from bookingsite.bookings.selectors.owner_waitlist import with_waitlist_counts
from bookingsite.bookings.services import booking_cancel_by_admin, booking_mark_attendance, booking_reschedule
from bookingsite.businesses.selectors import business_for_settings, service_choices
from bookingsite.lib.csv_export import csv_download
from bookingsite.lib.instants import plausible_instant
from bookingsite.lib.htmx import wants_partial
from bookingsite.notifications.selectors import sent_emails
from bookingsite.lib.locale_formats import format_date_time

from ..access import OwnerRequest, owner_required
from ..exports import BOOKING_HEADER, booking_rows, export_filename, header, in_request_language
from ..forms.booking_pages import AdminCancelForm, BookingListForm, MoveForm
from ..forms.inputs import asked_date

PAGE_SIZE = 25


def query_without_page(request: OwnerRequest, *also: str) -> str:
    query = request.GET.copy()
    for name in ("page", *also):
        query.pop(name, None)
    return query.urlencode()


def form_errors_text(form) -> str:
    """A form's errors as plain text, one line per field: for answers that are not a page."""
    def label(name: str) -> str:
        field = form.fields.get(name)
        return str(field.label) if field and field.label else _("Filters")

    return "\n".join(f"{label(name)}: {' '.join(errors)}" for name, errors in form.errors.items())


def _filtered_bookings(request: OwnerRequest, now) -> tuple[BookingListForm, object]:
    """The bookings list's form and its bookings (the tab and filters applied), or None when a filter is bad."""
    business = request.business
    form = BookingListForm(request.GET, business=business, services=service_choices(business.pk, include_archived=True))
    if not form.is_valid():
        return form, None
    return form, bookings_in_tab(booking_search(business.pk, **form.search_arguments()), form.tab(now), now=now)


@require_GET
@vary_on_headers("HX-Request")
@owner_required
def booking_list(request: OwnerRequest) -> HttpResponse:
    business = request.business
    now = timezone.now()
    form, bookings = _filtered_bookings(request, now)
    status = 200
    if bookings is None:
        bookings, status = booking_search(business.pk).none(), 400
    page_obj = Paginator(bookings, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = with_actions(page_obj, now)
    with_waitlist_counts(business.pk, [booking for booking, _actions in rows])
    context = {
        "form": form,
        "page_obj": page_obj,
        # A started session's booking offers Completed / No-show here too: the calendar's group
        # sessions open this list for their day.
        "rows": rows,
        "query": query_without_page(request),
        "tab_query": query_without_page(request, "when"),
        "tab": "" if form.errors else form.tab(now),
        "filtered": form.is_bound and any(form.data.get(name) for name in form.fields if name != "when"),
    }
    template = "owner/partials/_booking_results.html" if wants_partial(request) else "owner/bookings.html"
    return render(request, template, context, status=status)


@require_GET
@owner_required
def booking_export(request: OwnerRequest) -> HttpResponse:
    """The bookings list as CSV, with its tab and filters; a bad filter answers 400 and exports nothing."""
    now = timezone.now()
    form, bookings = _filtered_bookings(request, now)
    if bookings is None:
        return HttpResponseBadRequest(_("Nothing exported. Check the filters:\n%(errors)s") % {"errors": form_errors_text(form)},
                                      content_type="text/plain; charset=utf-8")
    zone = ZoneInfo(request.business.timezone)
    slug = request.business.booking_settings.public_booking_slug
    return csv_download(header(BOOKING_HEADER), in_request_language(booking_rows(bookings, zone)),
                        filename=export_filename(slug, f"bookings-{form.tab(now)}", zone, now))


def _detail(request: OwnerRequest, booking: Booking, cancel_form: AdminCancelForm, status: int = 200) -> HttpResponse:
    with_waitlist_counts(request.business.pk, [booking])
    return render(
        request,
        "owner/booking.html",
        {
            "booking": booking,
            "history": list(booking_history(booking.pk)),
            "emails": list(sent_emails(request.business.pk, booking_id=booking.pk)),
            "cancel_form": cancel_form,
            "actions": booking_actions(booking, timezone.now()),
            "other_zone": booking.booked_in_client_timezone not in ("", request.business.timezone),
        },
        status=status,
    )


@require_GET
@owner_required
def booking_detail(request: OwnerRequest, pk) -> HttpResponse:
    booking = get_object_or_404(owner_booking(request.business.pk), pk=pk)
    return _detail(request, booking, AdminCancelForm())


@require_POST
@owner_required
def booking_cancel(request: OwnerRequest, pk) -> HttpResponse:
    booking = get_object_or_404(owner_booking(request.business.pk), pk=pk)
    form = AdminCancelForm(request.POST)
    if not form.is_valid():
        return _detail(request, booking, form, status=400)
    try:
        booking_cancel_by_admin(booking=booking, by=request.user, reason=form.cleaned_data["reason"])
    except BookingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(name)s’s booking is cancelled. Its time is free to book again.") % {"name": booking.client_name}
        )
    return redirect("owner:booking", pk=booking.pk)


@require_http_methods(["GET", "POST"])
@owner_required
def booking_move(request: OwnerRequest, pk) -> HttpResponse:
    """Move a booking: to one of the day's free times, or to any time typed, with a clash shown
    as a warning the owner may override. The client is emailed the new time."""
    booking = get_object_or_404(owner_booking(request.business.pk), pk=pk)
    page = business_for_settings(request.business.pk).booking_settings
    zone, now = ZoneInfo(request.business.timezone), timezone.now()
    actions = booking_actions(booking, now, cutoff_hours=page.client_change_cutoff_hours)
    status, clash, start = 200, None, None
    if request.method == "POST" and actions.owner_can_move:
        form = MoveForm(request.POST, business=request.business)
        # A free time picked from the list comes as its UTC instant: exact even on a day the clocks go back.
        start = plausible_instant(request.POST.get("start", ""))
        if start is None and form.is_valid():
            start = form.cleaned_data["start_time_utc"]
        if start is not None:
            try:
                booking_reschedule(booking=booking, start_time_utc=start, by=request.user,
                                   allow_clash=request.POST.get("allow_clash") in ("on", "true", "1"))
            except SessionConflictError as exc:
                clash, status = exc.message, 409
            except BookingError as exc:
                form.add_error(None, exc.message)
                status = 409 if isinstance(exc, SlotTakenError) else 400
            else:
                moved_to = format_date_time(start.astimezone(zone), "short_date")
                messages.success(
                    request,
                    _("Moved to %(when)s. We’ve emailed %(name)s the new time.")
                    % {"when": moved_to, "name": booking.client_name},
                )
                return redirect("owner:booking", pk=booking.pk)
        else:
            status = 400
        day = (start or booking.start_time_utc).astimezone(zone).date()
    else:
        day = asked_date(request.GET.get("date")) or booking.start_time_utc.astimezone(zone).date()
        local = booking.start_time_utc.astimezone(zone)
        form = MoveForm(initial={"date": day, "start_time": local.time()}, business=request.business)
    free = ()
    if actions.owner_can_move:
        days = availability.days_to_move_to(
            page=page, booking=booking, client_timezone=request.business.timezone, start_date=day, end_date=day, now=now
        )
        free = days[0].slots
    return render(
        request,
        "owner/booking_move.html",
        {"booking": booking, "actions": actions, "form": form, "day": day, "free": free, "clash": clash,
         "clash_start": start if clash else None},
        status=status,
    )


ATTENDANCE_MESSAGES = {
    Booking.Status.NO_SHOW: gettext_lazy("%(name)s is marked as a no-show."),
    Booking.Status.COMPLETED: gettext_lazy("%(name)s’s booking is marked completed."),
}


def _back(request: OwnerRequest, default: str) -> HttpResponse:
    """To the page the form was on (its `next`, when it is this site's), else `default`."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


def _mark_attendance(request: OwnerRequest, pk, status: str) -> HttpResponse:
    """Mark a started booking: from its page, the dashboard's today (htmx swaps the row) or the calendar's list."""
    booking = get_object_or_404(owner_booking(request.business.pk), pk=pk)
    error = ""
    try:
        booking = booking_mark_attendance(booking=booking, status=status, by=request.user)
    except BookingError as exc:
        error = str(exc.message)
    if request.htmx:
        context = {
            "booking": booking, "actions": booking_actions(booking, timezone.now()), "error": error, "swapped": True,
            "next_url": request.POST.get("next", ""),
        }
        return render(request, "owner/partials/_booking_row.html", context, status=409 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, ATTENDANCE_MESSAGES[status] % {"name": booking.client_name})
    return _back(request, reverse("owner:booking", args=[booking.pk]))


@require_POST
@owner_required
def booking_no_show(request: OwnerRequest, pk) -> HttpResponse:
    return _mark_attendance(request, pk, Booking.Status.NO_SHOW)


@require_POST
@owner_required
def booking_complete(request: OwnerRequest, pk) -> HttpResponse:
    return _mark_attendance(request, pk, Booking.Status.COMPLETED)
