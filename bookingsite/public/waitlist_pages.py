"""The client's waitlist pages (DESIGN.md 11): join a full slot, see the place in line, claim or leave.

As the booking pages: any site may frame them, each works without JavaScript, and the ones that
carry a form token or an entry's link are never cached. The entry's unguessable link is the
client's key, as a booking's manage link is.
"""

from datetime import datetime, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from bookingsite.availability import engine
from bookingsite.availability.types import Slot
from bookingsite.bookings import waitlist
from bookingsite.bookings.exceptions import (
    BookingError,
    OfferLapsedError,
    SlotHasPlacesError,
    SlotNotOfferedError,
    WaitlistError,
)
from bookingsite.bookings.models import WaitlistEntry
from bookingsite.bookings.selectors import availability
from bookingsite.bookings.selectors.waitlist import waitlist_position
from bookingsite.businesses.locking import as_busy_error
from bookingsite.businesses.models import BusinessBookingSettings, SessionCategory
from bookingsite.lib.instants import plausible_instant

from .form_tokens import make_form_token
from .forms import BookingForm
from .links import with_lang
from .views import (
    _base_context,
    _busy_again,
    _client_timezone,
    _fresh_slots,
    _rate_limited,
    _typed_details,
    booking_link_view,
    read_sent_details,
)

TEMPLATE_JOIN = "public/waitlist_join.html"
TEMPLATE_ENTRY = "public/waitlist.html"
Entry = WaitlistEntry.Status


def _slot_now(page: BusinessBookingSettings, service: SessionCategory, start: datetime) -> Slot | None:
    """The slot at exactly `start` as a client sees it now: free (remaining > 0), full (0, for a
    service with a waitlist), or None when it is not offered."""
    request = availability.availability_request_at(
        page=page, service=service, start_utc=start, now=timezone.now(), list_full=True
    )
    return engine.find_slot(request, start)


def _book_url(page: BusinessBookingSettings, service: SessionCategory, start: datetime, client_timezone: str) -> str:
    query = f"?start={start.strftime('%Y-%m-%dT%H:%M:%SZ')}&tz={client_timezone}"
    return reverse("public:book", args=[page.public_booking_slug, service.pk]) + query


def _join_refused(request, context: dict, error: BookingError, start: datetime) -> HttpResponse:
    """The join page with why it can't be joined, and what the client can do instead."""
    page, service, client_timezone = context["page"], context["service"], context["client_timezone"]
    context.update(error=error.message, form=None)
    if request.method == "POST":  # the details typed go along to the booking form of the time picked
        context["typed"] = _typed_details(request.POST)
    if isinstance(error, SlotHasPlacesError):
        context["book_url"] = _book_url(page, service, start, client_timezone)
        return render(request, TEMPLATE_JOIN, context, status=409)
    context["fresh_day"], context["fresh_slots"] = _fresh_slots(page, service, start, client_timezone)
    return render(request, TEMPLATE_JOIN, context, status=400)


@csrf_exempt  # the signed form token stands in for the CSRF cookie a framed page may not get
@require_http_methods(["GET", "POST"])
@never_cache
@booking_link_view(with_service=True)
def waitlist_join(request: HttpRequest, page: BusinessBookingSettings, service: SessionCategory) -> HttpResponse:
    """Join the waitlist of a full slot: the booking form's fields, then the entry's own page."""
    if request.method == "POST":
        return _submit_join(request, page, service)
    client_timezone, _unknown = _client_timezone(request, page)
    start = plausible_instant(request.GET.get("start", ""))
    if start is None:
        return redirect(with_lang(request, reverse("public:service", args=[page.public_booking_slug, service.pk])))
    context = _base_context(page, service=service, client_timezone=client_timezone, start=start,
                            end=start + timedelta(minutes=service.duration_minutes))
    if not service.waitlist_enabled:
        return _join_refused(request, context, WaitlistError(waitlist.NO_WAITLIST), start)
    slot = _slot_now(page, service, start)
    if slot is None:
        return _join_refused(request, context, SlotNotOfferedError(), start)
    if slot.remaining > 0:
        return _join_refused(request, context, SlotHasPlacesError(), start)
    token = make_form_token(service_id=service.pk, start_utc=slot.start_utc, client_timezone=client_timezone)
    context.update(form=BookingForm(initial={"token": token}, country=page.business_profile.country))
    return render(request, TEMPLATE_JOIN, context)


def _submit_join(request: HttpRequest, page: BusinessBookingSettings, service: SessionCategory) -> HttpResponse:
    sent = read_sent_details(request, page, service, TEMPLATE_JOIN)
    if isinstance(sent, HttpResponse):
        return sent
    context, token, details = sent
    try:
        entry, created = waitlist.waitlist_join(
            service=service, start_time_utc=token.start_utc, client_timezone=token.client_timezone,
            language=request.LANGUAGE_CODE, **details
        )
    except BookingError as exc:
        return _join_refused(request, context, exc, token.start_utc)
    except Exception as exc:
        busy = as_busy_error(exc)
        if busy is None:
            raise
        return _busy_again(request, TEMPLATE_JOIN, context, busy)
    if not created:
        # Anyone may know a client's email: the link to their place goes to their mailbox, not here.
        context.update(form=None, already_in_line=details["client_email"])
        return render(request, TEMPLATE_JOIN, context)
    return redirect(with_lang(request, reverse("public:waitlist-entry", args=[page.public_booking_slug, entry.token])))


def _entry(page: BusinessBookingSettings, token: str) -> WaitlistEntry:
    """The entry behind a link, of this business only: another business's link or a made-up one is a 404."""
    return get_object_or_404(
        WaitlistEntry.objects.select_related("session_category", "booking"),
        token=token,
        business_profile_id=page.business_profile_id,
    )


def _entry_page(request: HttpRequest, page: BusinessBookingSettings, entry: WaitlistEntry, *, error: str = "",
                status: int = 200) -> HttpResponse:
    offer_live = entry.offer_live_at(timezone.now())
    lapsed = entry.status == Entry.OFFERED and not offer_live
    context = _base_context(
        page,
        service=entry.session_category,
        entry=entry,
        client_timezone=entry.client_timezone,
        start=entry.start_time_utc,
        end=entry.end_time_utc,
        position=waitlist_position(entry),
        offer_live=offer_live,
        # None while in line; an offer past its deadline that beat has not swept yet reads as lapsed.
        ended_message=waitlist.NOT_IN_LINE[Entry.LAPSED] if lapsed else waitlist.NOT_IN_LINE.get(entry.status),
        error=error,
    )
    response = render(request, TEMPLATE_ENTRY, context, status=status)
    response["Referrer-Policy"] = "no-referrer"  # the URL is the client's key to this entry
    return response


def _entry_step(request: HttpRequest, page: BusinessBookingSettings, entry: WaitlistEntry, step):
    """Run `step(entry=entry)` (claim or leave): its result, or the entry's page saying why not
    (409 for an offer that lapsed, 400 for anything else refused, 503 busy with Retry-After)."""
    try:
        return step(entry=entry)
    except BookingError as exc:
        entry.refresh_from_db()
        return _entry_page(request, page, entry, error=exc.message, status=409 if isinstance(exc, OfferLapsedError) else 400)
    except Exception as exc:
        busy = as_busy_error(exc)
        if busy is None:
            raise
        response = _entry_page(request, page, entry, error=busy.message, status=503)
        response["Retry-After"] = str(busy.retry_after_seconds)
        return response


@require_http_methods(["GET"])
@never_cache
@booking_link_view(active_only=False)
def waitlist_entry(request: HttpRequest, page: BusinessBookingSettings, token: str) -> HttpResponse:
    """The client's place in line; with an open offer, the claim; once claimed, the way to the booking."""
    return _entry_page(request, page, _entry(page, token))


@csrf_exempt  # the unguessable URL is the credential, as for a booking's manage link
@require_http_methods(["GET", "POST"])
@never_cache
@booking_link_view(active_only=False)
def waitlist_claim(request: HttpRequest, page: BusinessBookingSettings, token: str) -> HttpResponse:
    """The offer email's link. A GET only shows the offer (mail scanners open links); the POST claims."""
    entry = _entry(page, token)
    if request.method == "GET":
        return _entry_page(request, page, entry)
    if limited := _rate_limited(request, _base_context(page, service=entry.session_category)):
        return limited
    booking = _entry_step(request, page, entry, waitlist.waitlist_claim)
    if isinstance(booking, HttpResponse):
        return booking
    return redirect(with_lang(request, reverse("public:booking", args=[page.public_booking_slug, booking.manage_token])))


@csrf_exempt  # the unguessable URL is the credential
@require_http_methods(["GET", "POST"])
@never_cache
@booking_link_view(active_only=False)
def waitlist_leave(request: HttpRequest, page: BusinessBookingSettings, token: str) -> HttpResponse:
    """Leave the line, or turn down the place offered (it goes to the next in line at once)."""
    entry = _entry(page, token)
    if request.method == "GET":
        return _entry_page(request, page, entry)
    if isinstance(refused := _entry_step(request, page, entry, waitlist.waitlist_leave), HttpResponse):
        return refused
    return redirect(with_lang(request, reverse("public:waitlist-entry", args=[page.public_booking_slug, entry.token])))
