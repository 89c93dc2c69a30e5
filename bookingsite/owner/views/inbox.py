"""What the site told the owner (the bell) and sent on the business's behalf (the emails)."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from bookingsite.notifications import selectors
from bookingsite.notifications.models import OutboxEmail
from bookingsite.notifications.services import notifications_mark_all_read

from ..access import OwnerRequest, owner_required

EMAILS_PER_PAGE = 25
NOTIFICATIONS_PER_PAGE = 25


@require_GET
@owner_required
def notifications_page(request: OwnerRequest) -> HttpResponse:
    """The notifications, newest first, a page at a time. Reading the list changes nothing (a GET
    never does: a prefetch or a second tab would clear them unseen); "Mark all as read" does."""
    notifications = selectors.notifications_newest_first(request.business.pk)
    page_obj = Paginator(notifications, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    has_unread = selectors.unread_count(request.business.pk) > 0
    return render(request, "owner/notifications.html", {"page_obj": page_obj, "has_unread": has_unread, "query": ""})


@require_POST
@owner_required
def notifications_read(request: OwnerRequest) -> HttpResponse:
    marked = notifications_mark_all_read(business_profile_id=request.business.pk)
    notice = (ngettext("Marked %(count)d notification as read.", "Marked %(count)d notifications as read.", marked)
              % {"count": marked} if marked else _("Nothing new to mark."))
    messages.success(request, notice)
    return redirect("owner:notifications")


@require_GET
@owner_required
def emails_page(request: OwnerRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in OutboxEmail.Status.values:
        status = ""
    emails = selectors.sent_emails(request.business.pk, status=status or None)
    return render(
        request,
        "owner/emails.html",
        {
            "page_obj": Paginator(emails, EMAILS_PER_PAGE).get_page(request.GET.get("page")),
            "status": status,
            "statuses": OutboxEmail.Status.choices,
            "query": f"status={status}" if status else "",
        },
    )
