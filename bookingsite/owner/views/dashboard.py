"""The owner's home: what needs an answer, what is coming, and what is left to set up."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from bookingsite.bookings.selectors.dashboard import owner_dashboard

from ..access import OwnerRequest, owner_required


@require_GET
@owner_required
def dashboard(request: OwnerRequest) -> HttpResponse:
    business = request.business
    return render(
        request,
        "owner/dashboard.html",
        {
            "dashboard": owner_dashboard(business, now=timezone.now()),
            "public_url": request.build_absolute_uri(f"/book/{business.booking_settings.public_booking_slug}/"),
        },
    )
