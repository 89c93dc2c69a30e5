"""Working hours: the week editor, and the blank row its "Add a block" button adds."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from bookingsite.businesses.selectors import coming_exception_days, working_hours_list
from bookingsite.businesses.services import working_hours_replace

from ..access import OwnerRequest, owner_required
from ..forms.hours import BlockRowForm, WeekHoursForm, new_row_key
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
                messages.success(request, "Working hours saved.")
                return redirect("owner:hours")
        status = 400
    else:
        week = WeekHoursForm(saved=working_hours_list(business.pk))
    context = {"week": week, "days_off": coming_exception_days(business.pk, today=business_today(request), limit=5)}
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
