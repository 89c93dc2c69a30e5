"""A booking the owner takes by phone: pick or add the client, then a free time, any time (with a
warning to confirm), or a place in a session on the calendar. One page of plain forms; every step
is a GET or a POST that renders it again with what was typed.
"""

import secrets
from datetime import date
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bookingsite.bookings.exceptions import BookingError, ConfirmationNeededError, SlotTakenError
from bookingsite.bookings.models import Client, Session
from bookingsite.bookings.selectors import availability
from bookingsite.bookings.selectors.clients import owner_clients
from bookingsite.bookings.services import booking_create_by_owner
from bookingsite.businesses.models import SessionCategory
from bookingsite.businesses.selectors import business_for_settings, service_choices
from bookingsite.lib.instants import plausible_instant
from bookingsite.lib.locale_formats import format_date, format_time

from ..access import OwnerRequest, owner_required
from ..forms.inputs import asked_date
from ..forms.phone_bookings import NewClientForm, PhoneBookingForm

BIGGEST_ID = 2**63 - 1
CLIENT_MATCHES = 8  # the search's first few clients: the owner narrows it by typing more


def _one_of(queryset, value: str | None):
    """The row of `queryset` whose pk is `value`; None when no value is given; 404 for any other
    value (another business's row, or not a number), so nothing else happens."""
    if not value:
        return None
    if not value.isdecimal() or int(value) > BIGGEST_ID:  # PostgreSQL would fail on a bigger one, not answer
        raise Http404
    return get_object_or_404(queryset, pk=int(value))


def _owner_sessions(business_profile_id: int):
    return Session.objects.select_related("session_category").filter(business_profile_id=business_profile_id)


@require_http_methods(["GET", "POST"])
@owner_required
def phone_booking(request: OwnerRequest) -> HttpResponse:
    """The owner books a client: `client` (one of theirs) or a new client's details, and a time;
    `session` fixes the time to a session of the calendar ("Add a client")."""
    business = request.business
    params = request.POST if request.method == "POST" else request.GET
    client = _one_of(owner_clients(business.pk), params.get("client"))
    session = _one_of(_owner_sessions(business.pk), params.get("session"))
    services = service_choices(business.pk)
    service = session.session_category if session else _one_of(services, params.get("service"))
    zone = ZoneInfo(business.timezone)
    if request.method == "GET":
        day = asked_date(params.get("date")) or timezone.now().astimezone(zone).date()
        form = PhoneBookingForm(initial={"date": day, "once_key": secrets.token_urlsafe(24)}, business=business)
        return _page(request, form=form, client_form=NewClientForm(country=business.country), client=client,
                     session=session, service=service or services.first(), day=day)

    action = request.POST.get("action", "")
    form = PhoneBookingForm(request.POST, business=business, any_time=action == "any")
    form_ok = form.is_valid()
    start, confirmed = _asked_start(request, form, session)
    client_form = _client_form(request, client, booking=start is not None or action == "any")
    day = form.cleaned_data.get("date")  # the typed day's free times, even beside an error
    context = {"form": form, "client_form": client_form, "client": client, "session": session, "service": service,
               "day": day or timezone.now().astimezone(zone).date()}
    if start is None:
        # "Show free times", or a time that is not one yet: the page again, as typed.
        return _page(request, **context, status=200 if action == "show" and form_ok else 400)
    if service is None:
        raise Http404  # a start without a service is no request this page sends
    if not form_ok or (client is None and not client_form.is_valid()):
        return _page(request, **context, status=400)
    details = {} if client else client_form.cleaned_data
    try:
        booking = booking_create_by_owner(
            service=service, start_time_utc=start, client=client, **details, notes=form.cleaned_data["notes"],
            by=request.user, email_client=form.cleaned_data["email_client"], confirmed=confirmed,
            once_key=form.cleaned_data["once_key"] or None,
        )
    except ConfirmationNeededError as exc:
        return _page(request, **context, warnings=exc.warnings, warned_start=start, status=409)
    except BookingError as exc:
        form.add_error(None, exc.message)
        return _page(request, **context, status=409 if isinstance(exc, SlotTakenError) else 400)
    when = booking.start_time_utc.astimezone(zone)
    text = _("Booked %(service)s for %(client)s on %(day)s at %(time)s.") % {
        "service": service.name, "client": booking.client_name, "day": format_date(when, "short_date"),
        "time": format_time(when),
    }
    if form.cleaned_data["email_client"]:
        text += " " + _("We’ve emailed them a confirmation.")
    messages.success(request, text)
    return redirect("owner:booking", pk=booking.pk)


def _client_form(request: OwnerRequest, client: Client | None, *, booking: bool) -> NewClientForm:
    """The new client's details as typed: checked when the owner books, else only shown again
    (showing the free times is no reason to point at empty fields)."""
    country = request.business.country
    if client is None and booking:
        return NewClientForm(request.POST, country=country)
    return NewClientForm(initial={name: request.POST.get(name, "") for name in NewClientForm.base_fields}, country=country)


def _asked_start(request: OwnerRequest, form: PhoneBookingForm, session: Session | None):
    """The instant the POST asks to book and whether the owner already confirmed it: a free time
    picked (`start`), a time typed ("any"), the session's own, or one the warnings showed (`confirm`)."""
    action = request.POST.get("action", "")
    if confirm := plausible_instant(request.POST.get("confirm", "")):
        return confirm, True
    if start := plausible_instant(request.POST.get("start", "")):
        return start, False
    if action == "session" and session is not None:
        return session.start_time_utc, False
    if action == "any" and form.is_valid():
        return form.cleaned_data["start_time_utc"], False
    return None, False


def _page(
    request: OwnerRequest, *, form: PhoneBookingForm, client_form: NewClientForm, client: Client | None,
    session: Session | None, service: SessionCategory | None, day: date, warnings=(), warned_start=None,
    status: int = 200,
) -> HttpResponse:
    business = request.business
    now = timezone.now()
    free = ()
    if service is not None and session is None:
        page = business_for_settings(business.pk).booking_settings
        days = availability.availability_days(
            page=page, service=service, client_timezone=business.timezone, start_date=day, end_date=day, now=now,
        )
        free = days[0].slots if days else ()
    query = request.GET.get("q", "").strip()[:100] if request.method == "GET" else ""
    keep = {"service": service.pk if service else "", "date": day.isoformat(), "session": session.pk if session else ""}
    context = {
        "form": form,
        "client_form": client_form,
        "client": client,
        "session": session,
        "service": service,
        "services": service_choices(business.pk),
        "day": day,
        "free": free,
        "query": query,
        "matches": list(owner_clients(business.pk, query)[:CLIENT_MATCHES]) if query else [],
        "keep": {name: value for name, value in keep.items() if value},
        "keep_query": urlencode({name: value for name, value in keep.items() if value}),
        "warnings": warnings,
        "warned_start": warned_start,
        "past": session is not None and session.start_time_utc < now,
    }
    return render(request, "owner/phone_booking.html", context, status=status)
