"""The owner's home: what needs an answer, what is coming, and what is left to set up."""

from django.conf import settings
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
    page = business.booking_settings
    return render(
        request,
        "owner/dashboard.html",
        {
            "dashboard": owner_dashboard(business, now=timezone.now()),
            "page": page,
            # The link as clients get it, on SITE_URL like every emailed link: not on whatever host
            # this request came in by.
            "public_url": f"{settings.SITE_URL}/book/{page.public_booking_slug}/",
        },
    )
