"""Pending requests: the list, approve and reject (in place with htmx, or as plain forms)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from bookingsite.bookings.exceptions import BookingError
from bookingsite.bookings.models import Booking
from bookingsite.bookings.selectors.actions import booking_actions, with_actions
from bookingsite.bookings.selectors.bookings import owner_booking, owner_pending_among, pending_queue
from bookingsite.bookings.services import booking_approve, booking_reject, bookings_answer

from ..access import OwnerRequest, owner_required

PENDING_CHANGED = "pending-changed"  # the nav badges listen for this event to recount
BADGE_IDS = {"pending-badge", "menu-pending-badge"}
PAGE_SIZE = 25


@require_GET
@owner_required
def pending_list(request: OwnerRequest) -> HttpResponse:
    now = timezone.now()
    page_obj = Paginator(pending_queue(request.business.pk, now=now), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "owner/pending.html", {"page_obj": page_obj, "requests": with_actions(page_obj, now), "query": ""})


@require_POST
@owner_required
def answer_selected(request: OwnerRequest) -> HttpResponse:
    """Approve or reject the ticked requests (or every one on the page), one at a time under the lock.

    An id that is not one of this business's bookings answers 404 for the whole request, nothing changed."""
    ids = request.POST.getlist("booking")
    if request.POST.get("all_on_page"):
        ids += request.POST.getlist("on_page")
    answer = request.POST.get("answer")
    bookings = owner_pending_among(request.business.pk, ids)
    if bookings is None:
        raise Http404(_("No such booking."))
    if answer not in ("approve", "reject"):
        messages.error(request, _("Choose Approve selected or Reject selected."))
    elif not bookings:
        messages.error(request, _("Tick at least one request, or “Select all on this page”."))
    else:
        reason = request.POST.get("reason", "")
        results = bookings_answer(bookings=bookings, approve=answer == "approve", by=request.user, reason=reason)
        # One line for all that went through (a page of 25 would be 25 banners), one per booking that did not.
        if names := [result.booking.client_name for result in results if not result.error]:
            count = len(names)
            if answer == "approve":
                summary = ngettext("Approved %(count)d request: %(names)s.", "Approved %(count)d requests: %(names)s.", count)
            else:
                summary = ngettext("Rejected %(count)d request: %(names)s.", "Rejected %(count)d requests: %(names)s.", count)
            messages.success(request, summary % {"count": count, "names": ", ".join(names)})
        for result in results:
            if result.error:
                messages.error(request, _("%(name)s: not changed. %(error)s") % {
                    "name": result.booking.client_name, "error": result.error,
                })
    return _back(request)


@require_GET
@owner_required
def badge(request: OwnerRequest) -> HttpResponse:
    badge_id = request.GET.get("badge", "")
    if badge_id not in BADGE_IDS:
        badge_id = "pending-badge"
    return render(request, "owner/partials/_pending_badge.html", {"badge_id": badge_id})


def _answered(booking: Booking) -> str:
    return _("%(name)s: %(status)s.") % {"name": booking.client_name, "status": booking.get_status_display().lower()}


def _back(request: OwnerRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("owner:pending")


def _answer(request: OwnerRequest, pk, action) -> HttpResponse:
    booking = get_object_or_404(owner_booking(request.business.pk), pk=pk)
    error, status = "", 200
    try:
        booking = action(booking)
    except BookingError as exc:
        error = str(exc.message)
        status = 409
    if request.htmx:
        context = {"item": booking, "actions": booking_actions(booking, timezone.now()), "error": error}
        response = render(request, "owner/partials/_pending_row.html", context, status=status)
        response["HX-Trigger"] = PENDING_CHANGED
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _answered(booking))
    return _back(request)


@require_POST
@owner_required
def approve(request: OwnerRequest, pk) -> HttpResponse:
    return _answer(request, pk, lambda booking: booking_approve(booking=booking, by=request.user))


@require_POST
@owner_required
def reject(request: OwnerRequest, pk) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _answer(request, pk, lambda booking: booking_reject(booking=booking, by=request.user, reason=reason))
