"""The owner's private calendar feed, /feeds/<token>.ics (DESIGN.md 13), and renewing its token.

The feed needs no log-in: the long random token in its address is the key, as calendar servers
cannot log in. A wrong or renewed token answers 404. ETag and Cache-Control let those servers poll
cheaply: an unchanged feed answers 304 to If-None-Match.
"""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bookingsite.bookings.calendar_feed import feed_ics
from bookingsite.bookings.selectors.feed import feed_contents
from bookingsite.businesses.models import BusinessBookingSettings
from bookingsite.businesses.services import calendar_feed_renew
from bookingsite.lib.languages import use_language
from bookingsite.lib.ratelimit import seconds_until_allowed

from ..access import OwnerRequest, owner_required

# Private: the feed names clients, so no shared cache may keep it; a calendar may reuse it for 5 minutes.
CACHE_CONTROL = "private, max-age=300"


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    if (wait := seconds_until_allowed(request, group="calendar-feed", rate=settings.RATELIMIT_PUBLIC_READ)) is not None:
        return HttpResponse(_("Too many requests."), status=429, headers={"Retry-After": str(wait)}, content_type="text/plain")
    page = BusinessBookingSettings.objects.select_related("business_profile").filter(calendar_feed_token=token).first()
    if page is None:
        raise Http404("No such calendar feed.")
    use_language(request, page.business_profile.language)  # the owner's calendar, in the owner's language
    sessions, bookings = feed_contents(page.pk, timezone.now())
    body = feed_ics(page.business_profile.name, sessions, bookings)
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    asked = parse_etags(request.headers.get("If-None-Match", ""))
    if etag in asked or "*" in asked:
        response = HttpResponseNotModified(headers=headers)
    else:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8", headers=headers)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
@owner_required
def feed_renew(request: OwnerRequest) -> HttpResponse:
    calendar_feed_renew(business_profile_id=request.business.pk)
    messages.success(
        request, _("Your calendar feed has a new address. The old one has stopped working: subscribe to the new one.")
    )
    return redirect("owner:settings")
