"""Exception dates: days off and days of special hours, added, listed and removed."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from bookingsite.businesses.models import ExceptionDate
from bookingsite.businesses.selectors import coming_exception_days, owner_exception_dates
from bookingsite.businesses.services import exception_date_add, exception_date_delete, exception_dates_close
from bookingsite.lib.locale_formats import format_date, format_time

from ..access import OwnerRequest, owner_required
from ..forms.errors import add_model_errors
from ..forms.exception_dates import ExceptionDateForm


def _day(day: date) -> str:
    return format_date(day, "weekday_date_year")


def business_today(request: OwnerRequest) -> date:
    """Today where the business is: exception dates are the business's dates."""
    return timezone.now().astimezone(ZoneInfo(request.business.timezone)).date()


@require_http_methods(["GET", "POST"])
@owner_required
def exceptions(request: OwnerRequest) -> HttpResponse:
    business, today = request.business, business_today(request)
    blank = ExceptionDate(business_profile=business)
    status = 200
    if request.method == "POST":
        form = ExceptionDateForm(request.POST, instance=blank, today=today)
        if form.is_valid() and form.closes_a_range():
            return _close_range(request, form)
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
                    messages.success(request, _("%(day)s is closed.") % {"day": _day(row.date)})
                    return redirect("owner:exceptions")
                messages.success(
                    request,
                    _("%(day)s: open %(start)s–%(end)s. Add another block for that day if you need one.") % {
                        "day": _day(row.date), "start": format_time(row.start_time), "end": format_time(row.end_time),
                    },
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


def _close_range(request: OwnerRequest, form: ExceptionDateForm) -> HttpResponse:
    """Close every date of a holiday in one step (days already closed stay as they are)."""
    data = form.cleaned_data
    try:
        added = exception_dates_close(
            business_profile_id=request.business.pk, first=data["date"], last=data["last_date"], note=data["note"],
        )
    except ValidationError as exc:
        add_model_errors(form, exc)
        context = {"form": form, "days": coming_exception_days(request.business.pk, today=business_today(request))}
        return render(request, "owner/exceptions.html", context, status=400)
    days = (data["last_date"] - data["date"]).days + 1
    span = {"days": days, "first": _day(data["date"]), "last": _day(data["last_date"]), "already": days - len(added)}
    if len(added) < days:
        notice = ngettext(
            "Closed %(days)d days, %(first)s to %(last)s (%(already)d of them was closed already).",
            "Closed %(days)d days, %(first)s to %(last)s (%(already)d of them were closed already).",
            span["already"],
        )
    else:
        notice = _("Closed %(days)d days, %(first)s to %(last)s.")
    messages.success(request, notice % span)
    return redirect("owner:exceptions")


@require_POST
@owner_required
def exception_delete(request: OwnerRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(owner_exception_dates(request.business.pk), pk=pk)
    exception_date_delete(exception=row)
    notice = (_("%(day)s: open again on your weekly hours.") if row.is_closed
              else _("%(day)s: special block removed.")) % {"day": _day(row.date)}
    if request.htmx:
        days = coming_exception_days(request.business.pk, today=business_today(request))
        return render(request, "owner/partials/_exception_list.html", {"days": days, "notice": notice})
    messages.success(request, notice)
    return redirect("owner:exceptions")
