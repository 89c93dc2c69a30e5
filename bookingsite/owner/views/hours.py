"""Working hours (the weekly pattern) and exception dates (days off, special hours)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookingsite.businesses.models import ExceptionDate
from bookingsite.businesses.selectors import coming_exception_days, owner_exception_dates, working_hours_list
from bookingsite.businesses.services import exception_date_add, exception_date_delete, working_hours_replace

from ..access import OwnerRequest, owner_required
from ..forms.errors import add_model_errors
from ..forms.exception_dates import ExceptionDateForm
from ..forms.hours import BlockRowForm, WeekHoursForm, new_row_key


def _day(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _today(request: OwnerRequest) -> date:
    """Today where the business is: exception dates are the business's dates."""
    return timezone.now().astimezone(ZoneInfo(request.business.timezone)).date()


@require_http_methods(["GET", "POST"])
@owner_required
def week_editor(request: OwnerRequest) -> HttpResponse:
    business = request.business
    status = 200
    if request.method == "POST":
        week = WeekHoursForm(request.POST)
        if week.is_valid():
            try:
                working_hours_replace(business_profile_id=business.pk, blocks=week.blocks)
            except ValidationError as exc:  # the form checks the same; this is the backstop
                week.errors.extend(exc.messages)
            else:
                messages.success(request, "Working hours saved.")
                return redirect("owner:hours")
        status = 400
    else:
        week = WeekHoursForm(saved=working_hours_list(business.pk))
    context = {"week": week, "days_off": coming_exception_days(business.pk, today=_today(request), limit=5)}
    return render(request, "owner/hours.html", context, status=status)


@require_GET
@owner_required
def block_row(request: OwnerRequest) -> HttpResponse:
    """One blank row for a weekday, added in place by the week editor's "Add a block" button."""
    try:
        weekday = int(request.GET.get("weekday", ""))
    except ValueError:
        weekday = -1
    if not 0 <= weekday <= 6:
        return HttpResponseBadRequest("weekday must be 0 (Monday) to 6 (Sunday)")
    row = BlockRowForm(initial={"weekday": weekday}, key=new_row_key())
    return render(request, "owner/partials/_hours_row.html", {"row": row})


@require_http_methods(["GET", "POST"])
@owner_required
def exceptions(request: OwnerRequest) -> HttpResponse:
    business, today = request.business, _today(request)
    blank = ExceptionDate(business_profile=business)
    status = 200
    if request.method == "POST":
        form = ExceptionDateForm(request.POST, instance=blank, today=today)
        if form.is_valid():
            data = form.cleaned_data
            try:
                row = exception_date_add(
                    business_profile_id=business.pk, date=data["date"], start_time=data["start_time"],
                    end_time=data["end_time"], note=data["note"],
                )
            except ValidationError as exc:
                add_model_errors(form, exc)
            else:
                if row.is_closed:
                    messages.success(request, f"{_day(row.date)} is closed.")
                    return redirect("owner:exceptions")
                messages.success(
                    request, f"{_day(row.date)}: open {row.start_time:%H:%M}–{row.end_time:%H:%M}. Add another block for that day if you need one."
                )
                return redirect(f"{reverse('owner:exceptions')}?date={row.date.isoformat()}")
        status = 400
    else:
        try:
            asked = datetime.strptime(request.GET.get("date", ""), "%Y-%m-%d").date()
        except ValueError:
            asked = None
        form = ExceptionDateForm(instance=blank, today=today, initial={"date": asked} if asked and asked >= today else {})
    context = {"form": form, "days": coming_exception_days(business.pk, today=today)}
    return render(request, "owner/exceptions.html", context, status=status)


@require_POST
@owner_required
def exception_delete(request: OwnerRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(owner_exception_dates(request.business.pk), pk=pk)
    exception_date_delete(exception=row)
    notice = f"{_day(row.date)}: {'open again on your weekly hours' if row.is_closed else 'special block removed'}."
    if request.htmx:
        days = coming_exception_days(request.business.pk, today=_today(request))
        return render(request, "owner/partials/_exception_list.html", {"days": days, "notice": notice})
    messages.success(request, notice)
    return redirect("owner:exceptions")
