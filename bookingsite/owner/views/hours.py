"""Working hours: the week editor, and the blank row its "Add a block" button adds."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookingsite.businesses.selectors import coming_exception_days, working_hours_list
from bookingsite.businesses.models import WorkingHours
from bookingsite.businesses.services import working_hours_copy, working_hours_replace

from ..access import OwnerRequest, owner_required
from ..forms.hours import BlockRowForm, CopyHoursForm, WeekHoursForm, new_row_key
from .exception_dates import business_today


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
                messages.success(request, _("Working hours saved."))
                return redirect("owner:hours")
        status = 400
    else:
        week = WeekHoursForm(saved=working_hours_list(business.pk))
    return _editor_page(request, week=week, status=status)


def _editor_page(
    request: OwnerRequest, *, week: WeekHoursForm, copy: CopyHoursForm | None = None, status: int = 200
) -> HttpResponse:
    business = request.business
    context = {
        "week": week, "copy": copy or CopyHoursForm(initial={"from_weekday": 0}),
        "days_off": coming_exception_days(business.pk, today=business_today(request), limit=5),
    }
    return render(request, "owner/hours.html", context, status=status)


@require_POST
@owner_required
def copy_hours(request: OwnerRequest) -> HttpResponse:
    """Copy one weekday's saved blocks to the days ticked (no JavaScript needed)."""
    copy = CopyHoursForm(request.POST)
    if not copy.is_valid():
        week = WeekHoursForm(saved=working_hours_list(request.business.pk))
        return _editor_page(request, week=week, copy=copy, status=400)
    data = copy.cleaned_data
    working_hours_copy(
        business_profile_id=request.business.pk, from_weekday=data["from_weekday"], to_weekdays=data["to_weekdays"]
    )
    names = dict(WorkingHours.WEEKDAYS)
    targets = [str(names[day]) for day in sorted(data["to_weekdays"]) if day != data["from_weekday"]]
    messages.success(request, _("%(day)s’s hours copied to %(days)s.") % {
        "day": names[data["from_weekday"]], "days": ", ".join(targets),
    })
    return redirect("owner:hours")


@require_GET
@owner_required
def block_row(request: OwnerRequest) -> HttpResponse:
    """One blank row for a weekday, added in place by the week editor's "Add a block" button."""
    try:
        weekday = int(request.GET.get("weekday", ""))
    except ValueError:
        weekday = -1
    if not 0 <= weekday <= 6:
        return HttpResponseBadRequest(_("weekday must be 0 (Monday) to 6 (Sunday)"))
    row = BlockRowForm(initial={"weekday": weekday}, key=new_row_key())
    return render(request, "owner/partials/_hours_row.html", {"row": row})
