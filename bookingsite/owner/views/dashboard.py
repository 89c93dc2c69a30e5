"""The owner's home: what needs an answer, what is coming, and what is left to set up."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from bookingsite.bookings.selectors.actions import with_actions
from bookingsite.bookings.selectors.bookings import bookings_between, pending_requests

from ..access import OwnerRequest, owner_required


@require_GET
@owner_required
def dashboard(request: OwnerRequest) -> HttpResponse:
    business = request.business
    zone = ZoneInfo(business.timezone)
    now = timezone.now()
    today = now.astimezone(zone).date()
    start_of_today = datetime.combine(today, time(0), zone)
    start_of_tomorrow = datetime.combine(today + timedelta(days=1), time(0), zone)
    week_end = datetime.combine(today + timedelta(days=8), time(0), zone)
    has_services = business.services.filter(is_archived=False).exists()
    has_hours = business.working_hours.exists()
    return render(
        request,
        "owner/dashboard.html",
        {
            "requests": with_actions(pending_requests(business.pk, now=now)[:10], now),
            "today": list(bookings_between(business.pk, start_of_today, start_of_tomorrow, now=now)),
            "coming": list(bookings_between(business.pk, start_of_tomorrow, week_end, now=now)),
            "checklist": None if has_services and has_hours else {"services": has_services, "hours": has_hours},
            "public_url": request.build_absolute_uri(f"/book/{business.booking_settings.public_booking_slug}/"),
        },
    )
