"""The public JSON of a booking link (DESIGN.md 6). No login, rate limited per client."""

import hashlib
import json
from datetime import datetime

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_POST

from bookingsite.availability.types import Day
from bookingsite.bookings import selectors as booking_selectors
from bookingsite.bookings import services as booking_services
from bookingsite.bookings.exceptions import BookingError, SlotTakenError
from bookingsite.bookings.models import Booking
from bookingsite.businesses.models import BusinessBookingSettings, SessionCategory
from bookingsite.businesses.selectors import booking_page_by_slug, public_service_on_active_page, public_services
from bookingsite.lib.json_errors import form_errors, json_errors
from bookingsite.lib.ratelimit import rate_limited

from .forms import AvailabilityQueryForm, BookingRequestForm
from .links import booking_links


def _active_page_or_none(slug: str) -> BusinessBookingSettings | None:
    page = booking_page_by_slug(slug)
    return page if page is not None and page.is_booking_page_active else None


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def service_json(service: SessionCategory, currency: str) -> dict:
    return {
        "id": service.pk,
        "name": service.name,
        "description": service.description,
        "duration_minutes": service.duration_minutes,
        "capacity": service.capacity,
        "price": None if service.price is None else str(service.price),
        "currency": currency,
    }


def days_json(days: tuple[Day, ...]) -> list[dict]:
    return [
        {
            "date": day.date.isoformat(),
            "slots": [
                {
                    "start_time_utc": _utc(slot.start_utc),
                    "end_time_utc": _utc(slot.end_utc),
                    "start_local": slot.start_local.isoformat(timespec="seconds"),
                    "end_local": slot.end_local.isoformat(timespec="seconds"),
                    "remaining": slot.remaining,
                }
                for slot in day.slots
            ],
        }
        for day in days
    ]


@csrf_exempt  # reads only; other methods get require_GET's 405, not the CSRF failure page
@require_GET
@gzip_page  # public facts only (see public.views)
@rate_limited("public-read", "RATELIMIT_PUBLIC_READ")
def services(request: HttpRequest, slug: str) -> JsonResponse:
    page = _active_page_or_none(slug)
    if page is None:
        return json_errors(404, slug=[_("No active booking page has this link.")])
    business = page.business_profile
    return JsonResponse(
        {
            "business": {"name": business.name, "slug": page.public_booking_slug, "timezone": business.timezone},
            "services": [service_json(service, business.currency) for service in public_services(business.pk)],
        }
    )


@csrf_exempt  # reads only; other methods get require_GET's 405, not the CSRF failure page
@require_GET
@gzip_page  # public facts only (see public.views)
@rate_limited("public-read", "RATELIMIT_PUBLIC_READ")
def availability(request: HttpRequest, slug: str) -> JsonResponse:
    query = AvailabilityQueryForm(request.GET)
    params = query.cleaned_data if query.is_valid() else {}
    # One query when all is well: the service with its link; the reasons for a miss only after.
    service = public_service_on_active_page(slug, params["session_category_id"]) if params else None
    if service is None:
        if _active_page_or_none(slug) is None:
            return json_errors(404, slug=[_("No active booking page has this link.")])
        if not params:
            return json_errors(400, **form_errors(query))
        return json_errors(404, session_category_id=[_("This business has no bookable service with this number.")])
    page = service.business_profile.booking_settings
    client_timezone = params["client_timezone"] or page.business_profile.timezone
    days = booking_selectors.offered_days(
        page=page,
        service=service,
        client_timezone=client_timezone,
        start_date=params["start_date"],
        end_date=params["end_date"],
        now=timezone.now(),
    )
    return JsonResponse(
        {
            "business": {"name": page.business_profile.name, "slug": page.public_booking_slug},
            "service": {
                "id": service.pk,
                "name": service.name,
                "duration_minutes": service.duration_minutes,
                "capacity": service.capacity,
            },
            "client_timezone": client_timezone,
            "days": days_json(days),
        }
    )


def booking_json(request: HttpRequest, page: BusinessBookingSettings, booking: Booking) -> dict:
    links = booking_links(request, page, booking)
    return {
        "id": str(booking.pk),
        "status": booking.status,
        "start_time_utc": _utc(booking.start_time_utc),
        "end_time_utc": _utc(booking.end_time_utc),
        "manage_url": links.manage_url,
        "ics_url": links.ics_url,
        "google_calendar_url": links.google_calendar_url,
    }


def _json_type_fits(key: str, value) -> bool:
    """Text fields take strings (or null); the service id may also be a JSON integer."""
    if value is None or isinstance(value, str):
        return True
    return key == "session_category_id" and isinstance(value, int) and not isinstance(value, bool)


def _idempotency_once_key(business_profile_id: int, header: str) -> str | None:
    """A client's Idempotency-Key, scoped to the business so two integrators never collide."""
    if not header:
        return None
    return hashlib.sha256(f"api:{business_profile_id}:{header}".encode()).hexdigest()


@csrf_exempt  # JSON only: a cross-site HTML form cannot send application/json, so it cannot forge this
@require_POST
@rate_limited("public-write", "RATELIMIT_PUBLIC_WRITE")
def create_booking(request: HttpRequest, slug: str) -> JsonResponse:
    if request.content_type != "application/json":
        return json_errors(415, __all__=[_("Send the booking as JSON with Content-Type: application/json.")])
    page = _active_page_or_none(slug)
    if page is None:
        return json_errors(404, slug=[_("No active booking page has this link.")])
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return json_errors(400, __all__=[_("The body is not valid JSON.")])
    if not isinstance(body, dict):
        return json_errors(400, __all__=[_("The body must be a JSON object.")])
    wrong_types = {
        key: [_("Give this as a string.") if key != "session_category_id" else _("Give the service's number.")]
        for key, value in body.items()
        if key in BookingRequestForm.base_fields and not _json_type_fits(key, value)
    }
    if wrong_types:
        return json_errors(400, **wrong_types)
    form = BookingRequestForm({key: "" if value is None else str(value) for key, value in body.items()},
                              country=page.business_profile.country)
    if not form.is_valid():
        return json_errors(400, **form_errors(form))
    data = form.cleaned_data
    service = public_services(page.business_profile_id).filter(pk=data["session_category_id"]).first()
    if service is None:
        return json_errors(404, session_category_id=[_("This business has no bookable service with this number.")])
    try:
        booking = booking_services.booking_create(
            service=service,
            start_time_utc=data["start_time_utc"],
            client_name=data["client_name"],
            client_email=data["client_email"],
            client_phone=data["client_phone"],
            notes=data["notes"],
            client_timezone=data["client_timezone"],
            once_key=_idempotency_once_key(page.business_profile_id, request.headers.get("Idempotency-Key", "")),
        )
    except SlotTakenError as exc:
        return json_errors(409, start_time_utc=[str(exc.message)])
    except BookingError as exc:
        return json_errors(400, **{exc.field or "__all__": [str(exc.message)]})
    return JsonResponse(booking_json(request, page, booking), status=201)
