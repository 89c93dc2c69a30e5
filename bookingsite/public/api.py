"""The public JSON of a booking link (DESIGN.md 6). No login, rate limited per client."""

from datetime import datetime

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bookingsite.availability.types import Day
from bookingsite.bookings import selectors as booking_selectors
from bookingsite.businesses.models import BusinessBookingSettings, SessionCategory
from bookingsite.businesses.selectors import booking_page_by_slug, public_services
from bookingsite.core.ratelimit import rate_limited

from .forms import AvailabilityQueryForm, error_messages


def json_errors(status: int, **errors: list[str]) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=status)


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


@require_GET
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


@require_GET
@rate_limited("public-read", "RATELIMIT_PUBLIC_READ")
def availability(request: HttpRequest, slug: str) -> JsonResponse:
    page = _active_page_or_none(slug)
    if page is None:
        return json_errors(404, slug=[_("No active booking page has this link.")])
    query = AvailabilityQueryForm(request.GET)
    if not query.is_valid():
        return json_errors(400, **error_messages(query))
    params = query.cleaned_data
    service = public_services(page.business_profile_id).filter(pk=params["session_category_id"]).first()
    if service is None:
        return json_errors(404, session_category_id=[_("This business has no bookable service with this number.")])
    client_timezone = params["client_timezone"] or page.business_profile.timezone
    days = booking_selectors.availability_days(
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
