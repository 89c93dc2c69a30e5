"""The client's pages of a booking link. They may be framed by the owner's website."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from bookingsite.businesses.selectors import booking_page_by_slug, public_services


@xframe_options_exempt
@require_GET
def service_list(request: HttpRequest, slug: str) -> HttpResponse:
    page = booking_page_by_slug(slug)
    if page is None:
        raise Http404("No booking page")
    if not page.is_booking_page_active:
        return render(request, "public/inactive.html", {"business": page.business_profile}, status=404)
    services = list(public_services(page.business_profile_id))
    return render(request, "public/service_list.html", {"page": page, "business": page.business_profile, "services": services})
