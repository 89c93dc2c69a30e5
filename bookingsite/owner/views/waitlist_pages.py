"""One slot's waitlist for the owner (DESIGN.md 11): the line in order, and per client "Remove"
and "Offer the place". Plain forms: each POST answers with a message and the slot's page again."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bookingsite.bookings import waitlist
from bookingsite.bookings.exceptions import BookingError
from bookingsite.bookings.models import WaitlistEntry
from bookingsite.bookings.selectors.owner_waitlist import owner_waitlist_entries, slot_line
from bookingsite.businesses.selectors import owner_services
from bookingsite.lib.locale_formats import format_date_time

from ..access import OwnerRequest, owner_required


@require_GET
@owner_required
def slot_waitlist(request: OwnerRequest, service_id: int, start: datetime) -> HttpResponse:
    service = get_object_or_404(owner_services(request.business.pk), pk=service_id)
    line = slot_line(request.business.booking_settings, service=service, start=start, now=timezone.now())
    return render(request, "owner/waitlist.html", {"line": line})


def _back_to_line(entry: WaitlistEntry) -> HttpResponse:
    return redirect("owner:slot-waitlist", service_id=entry.session_category_id, start=entry.start_time_utc)


@require_POST
@owner_required
def waitlist_remove(request: OwnerRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(owner_waitlist_entries(request.business.pk), pk=pk)
    try:
        waitlist.waitlist_remove(entry=entry, by=request.user)
    except BookingError as exc:
        messages.error(request, exc.message)
    else:
        notice = (_("%(name)s is off the waitlist. The place held for them goes to the next in line.")
                  if entry.status == WaitlistEntry.Status.OFFERED else _("%(name)s is off the waitlist."))
        messages.success(request, notice % {"name": entry.client_name})
    return _back_to_line(entry)


@require_POST
@owner_required
def waitlist_offer(request: OwnerRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(owner_waitlist_entries(request.business.pk), pk=pk)
    try:
        offered = waitlist.waitlist_offer_to(entry=entry, by=request.user)
    except BookingError as exc:
        messages.error(request, exc.message)
    else:
        until = offered.offer_expires_at.astimezone(ZoneInfo(request.business.timezone))
        messages.success(
            request,
            _("The place is offered to %(name)s, held for them until %(until)s. We’ve emailed them a link to claim it.")
            % {"name": offered.client_name, "until": format_date_time(until, "short_date")},
        )
    return _back_to_line(entry)
