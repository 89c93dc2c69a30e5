"""The public JSON of a booking link (DESIGN.md 6): DRF views with no login, rate limited per client IP.

Errors take the API's shape, {"errors": {"field": ["message"]}}, through its exception handler
(settings.REST_FRAMEWORK); a write that does not get the business's lock in time is a 503 there.
"""

import hashlib
from datetime import datetime

from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.gzip import gzip_page
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookingsite.availability.types import Day
from bookingsite.bookings.selectors.availability import offered_days
from bookingsite.bookings import services as booking_services
from bookingsite.bookings.exceptions import BookingError, OnceKeyReusedError, SlotTakenError
from bookingsite.bookings.models import Booking
from bookingsite.businesses.models import BusinessBookingSettings, SessionCategory
from bookingsite.businesses.selectors import booking_page_by_slug, public_service_on_active_page, public_services
from bookingsite.lib.drf import ErrorsByField, ErrorSerializer, JSONParser
from bookingsite.lib.json_errors import ALL, form_errors
from bookingsite.lib.throttling import PublicReadRateLimit, PublicWriteRateLimit

from .forms import AvailabilityQueryForm
from .links import booking_links
from .serializers import AvailabilitySerializer, BookingRequestSerializer, PublicBookingSerializer, PublicServiceListSerializer

NO_PAGE = _("No active booking page has this link.")
NO_SERVICE = _("This business has no bookable service with this number.")


class TooManyRequests(exceptions.APIException):
    """The public JSON's 429; Retry-After says how long to wait."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _("Too many requests. Please wait a moment and try again.")
    default_code = "throttled"

    def __init__(self, wait: int):
        super().__init__()
        self.wait = wait  # DRF's handler sends it as Retry-After


# What the public JSON views share (no docstring: the schema would show it as each one's description).
# No token and no session (so no CSRF cookie either), JSON in and out, and nothing more per request
# than that: these are the site's hot paths. Each view serves only its own method (http_method_names):
# any other, HEAD and OPTIONS included, is a 405.
class PublicJSONView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]

    def perform_content_negotiation(self, request: Request, force: bool = False):
        # JSON whatever the Accept header names (never a 406), so there is nothing to negotiate.
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    def throttled(self, request: Request, wait: float | None):
        raise TooManyRequests(wait)


def _active_page(slug: str) -> BusinessBookingSettings:
    """The link's booking page; a 404 naming `slug` if it is unknown or not taking bookings."""
    page = booking_page_by_slug(slug)
    if page is None or not page.is_booking_page_active:
        raise ErrorsByField(status.HTTP_404_NOT_FOUND, slug=[NO_PAGE])
    return page


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


def booking_json(request: Request, page: BusinessBookingSettings, booking: Booking) -> dict:
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


# --- The schema's parts ----------------------------------------------------------------------

SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The business's booking link name (any case).")


def _errors(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


NOT_FOUND = _errors("No active booking page has this link (`slug`), or no bookable service has this id (`session_category_id`).")
RATE_LIMITED = _errors("Too many requests from this address; `Retry-After` says how many seconds to wait.")
TOO_SLOW = _errors("The database took too long to answer (it is busy); `Retry-After` says how many seconds to wait.")


# --- The views -------------------------------------------------------------------------------

# Their answers hold public facts only, so they go out gzipped (see public.views); the booking POST's do not.
gzipped = method_decorator(gzip_page, name="dispatch")


@gzipped
class ServicesView(PublicJSONView):
    http_method_names = ["get"]
    throttle_classes = [PublicReadRateLimit]

    @extend_schema(
        operation_id="public_services",
        tags=["public"],
        summary="A booking link's bookable services",
        parameters=[SLUG],
        responses={200: PublicServiceListSerializer, 404: NOT_FOUND, 429: RATE_LIMITED, 503: TOO_SLOW},
    )
    def get(self, request: Request, slug: str) -> Response:
        page = _active_page(slug)
        business = page.business_profile
        return Response(
            {
                "business": {"name": business.name, "slug": page.public_booking_slug, "timezone": business.timezone},
                "services": [service_json(service, business.currency) for service in public_services(business.pk)],
            }
        )


@gzipped
class AvailabilityView(PublicJSONView):
    http_method_names = ["get"]
    throttle_classes = [PublicReadRateLimit]

    @extend_schema(
        operation_id="public_availability",
        tags=["public"],
        summary="Free slots of a service between two dates",
        description="Dates are the client's, inclusive, at most 62 days. Without `client_timezone` the business's zone is used.",
        parameters=[
            SLUG,
            OpenApiParameter("session_category_id", int, required=True, description="The service's id."),
            OpenApiParameter("start_date", OpenApiTypes.DATE, required=True),
            OpenApiParameter("end_date", OpenApiTypes.DATE, required=True),
            OpenApiParameter("client_timezone", str, description="IANA time zone of the client, e.g. Asia/Tokyo."),
        ],
        responses={
            200: AvailabilitySerializer,
            400: _errors("A missing or invalid parameter; messages by parameter."),
            404: NOT_FOUND,
            429: RATE_LIMITED,
            503: TOO_SLOW,
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        query = AvailabilityQueryForm(request.query_params)
        params = query.cleaned_data if query.is_valid() else {}
        # One query when all is well: the service with its link; the reasons for a miss only after.
        service = public_service_on_active_page(slug, params["session_category_id"]) if params else None
        if service is None:
            _active_page(slug)  # an unknown or paused link is the first reason
            if not params:
                raise exceptions.ValidationError(form_errors(query))
            raise ErrorsByField(status.HTTP_404_NOT_FOUND, session_category_id=[NO_SERVICE])
        page = service.business_profile.booking_settings
        client_timezone = params["client_timezone"] or page.business_profile.timezone
        days = offered_days(
            page=page,
            service=service,
            client_timezone=client_timezone,
            start_date=params["start_date"],
            end_date=params["end_date"],
            now=timezone.now(),
        )
        return Response(
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


def _idempotency_once_key(business_profile_id: int, header: str) -> str | None:
    """A client's Idempotency-Key, scoped to the business so two integrators never collide."""
    if not header:
        return None
    return hashlib.sha256(f"api:{business_profile_id}:{header}".encode()).hexdigest()


@method_decorator(never_cache, name="dispatch")  # the answer holds the manage link (see public.views)
class BookingCreateView(PublicJSONView):
    """No cookie or form token: it takes only application/json, which a cross-site HTML form cannot
    send, so a form cannot forge it (DESIGN.md 6)."""

    http_method_names = ["post"]
    throttle_classes = [PublicWriteRateLimit]

    @extend_schema(
        operation_id="public_booking_create",
        tags=["public"],
        summary="Book a slot",
        description="JSON only (no cookie or form token needed). A repeat with the same `Idempotency-Key` answers "
        "with the booking already made. The booking is `confirmed`, or `pending_approval` when the business approves each one.",
        parameters=[
            SLUG,
            OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER,
                             description="Any unique text per booking attempt; a retry with it never books twice, "
                             "and the same key with other details is refused (422)."),
        ],
        request=BookingRequestSerializer,
        responses={
            201: PublicBookingSerializer,
            400: _errors("Invalid fields (messages by field), a slot not offered or too soon, or a body that is not JSON."),
            404: NOT_FOUND,
            409: _errors("The slot was just taken (message under `start_time_utc`)."),
            422: _errors("This `Idempotency-Key` already booked with other details; nothing was booked or changed."),
            415: _errors("The body is not `application/json`."),
            429: RATE_LIMITED,
            503: _errors("Busy: the business's other changes held it for too long, and nothing was booked; "
                         "`Retry-After` says how many seconds to wait before sending the same request again."),
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        try:
            body = request.data
        except exceptions.UnsupportedMediaType as exc:
            # Say what to send, not only what was wrong.
            message = _("Send the booking as JSON with Content-Type: application/json.")
            raise exceptions.UnsupportedMediaType(request.content_type, detail=message) from exc
        page = _active_page(slug)
        fields = BookingRequestSerializer(data=body, context={"country": page.business_profile.country})
        fields.is_valid(raise_exception=True)
        data = fields.validated_data
        service = public_services(page.business_profile_id).filter(pk=data["session_category_id"]).first()
        if service is None:
            raise ErrorsByField(status.HTTP_404_NOT_FOUND, session_category_id=[NO_SERVICE])
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
            raise ErrorsByField(status.HTTP_409_CONFLICT, start_time_utc=[str(exc.message)]) from exc
        except OnceKeyReusedError as exc:
            raise ErrorsByField(status.HTTP_422_UNPROCESSABLE_ENTITY, **{ALL: [str(exc.message)]}) from exc
        except BookingError as exc:
            raise exceptions.ValidationError({exc.field or ALL: [str(exc.message)]}) from exc
        return Response(booking_json(request, page, booking), status=status.HTTP_201_CREATED)
