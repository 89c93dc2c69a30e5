"""The schema of the public booking JSON (DESIGN.md 6), which plain Django views in
bookingsite/public/api.py serve under /book/<slug>/.

Those views are not DRF views (no token, their own rate limit, no CSRF cookie), so the schema
describes them through the thin APIView wrappers below. The wrappers are routed only in
`schema_urls` (for the schema generator), and each hands the request to the real view, so the
description and the behaviour cannot drift apart unnoticed: the schemathesis run in
tests/api/test_schemathesis.py calls the real URLs and validates every answer against this.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from bookingsite.bookings.models import Booking
from bookingsite.lib.drf import ErrorSerializer
from bookingsite.public import api as public_api
from bookingsite.public.forms import BookingRequestForm

from .formfields import from_form

SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The business's booking link name (any case).")


def _errors(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


NOT_FOUND = _errors("No active booking page has this link (`slug`), or no bookable service has this id (`session_category_id`).")
RATE_LIMITED = _errors("Too many requests from this address; `Retry-After` says how many seconds to wait.")


class PublicBusinessSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class PublicBusinessWithZoneSerializer(PublicBusinessSerializer):
    timezone = serializers.CharField(help_text="The business's IANA time zone; working hours are in it.")


class PublicServiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    duration_minutes = serializers.IntegerField()
    capacity = serializers.IntegerField(help_text="Places per session.")
    price = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    currency = serializers.CharField(help_text="ISO 4217 code of the price.")


class PublicServiceListSerializer(serializers.Serializer):
    business = PublicBusinessWithZoneSerializer()
    services = PublicServiceSerializer(many=True)


class AvailabilityServiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    duration_minutes = serializers.IntegerField()
    capacity = serializers.IntegerField()


class SlotSerializer(serializers.Serializer):
    start_time_utc = serializers.DateTimeField()
    end_time_utc = serializers.DateTimeField()
    start_local = serializers.DateTimeField(help_text="The start in the client's time zone, with its offset.")
    end_local = serializers.DateTimeField()
    remaining = serializers.IntegerField(help_text="Places still free.")


class AvailabilityDaySerializer(serializers.Serializer):
    date = serializers.DateField(help_text="A date in the client's time zone.")
    slots = SlotSerializer(many=True)


class AvailabilitySerializer(serializers.Serializer):
    business = PublicBusinessSerializer()
    service = AvailabilityServiceSerializer()
    client_timezone = serializers.CharField()
    days = AvailabilityDaySerializer(many=True, help_text="Every date asked for, in order, with its free slots (maybe none).")


class BookingRequestSerializer(serializers.Serializer):
    """The booking form's fields (bookingsite/public/forms.py BookingRequestForm)."""

    session_category_id = from_form(BookingRequestForm, "session_category_id")
    start_time_utc = from_form(BookingRequestForm, "start_time_utc", help_text="One of the slots' start_time_utc.")
    client_name = from_form(BookingRequestForm, "client_name")
    client_email = from_form(BookingRequestForm, "client_email")
    client_phone = from_form(BookingRequestForm, "client_phone", help_text="E.164, or a number of the business's country.")
    notes = from_form(BookingRequestForm, "notes")
    client_timezone = from_form(BookingRequestForm, "client_timezone", help_text="IANA time zone, e.g. Asia/Tokyo.")


class PublicBookingSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=[Booking.Status.CONFIRMED, Booking.Status.PENDING_APPROVAL])
    start_time_utc = serializers.DateTimeField()
    end_time_utc = serializers.DateTimeField()
    manage_url = serializers.URLField(help_text="The client's own page for the booking (cancel there).")
    ics_url = serializers.URLField(allow_null=True, help_text="Only for a confirmed booking.")
    google_calendar_url = serializers.URLField(allow_null=True, help_text="Only for a confirmed booking.")


class PublicView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]


class PublicServicesDoc(PublicView):
    @extend_schema(
        operation_id="public_services",
        tags=["public"],
        summary="A booking link's bookable services",
        parameters=[SLUG],
        responses={200: PublicServiceListSerializer, 404: NOT_FOUND, 429: RATE_LIMITED},
    )
    def get(self, request, slug):
        return public_api.services(request._request, slug)


class PublicAvailabilityDoc(PublicView):
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
        },
    )
    def get(self, request, slug):
        return public_api.availability(request._request, slug)


class PublicBookingCreateDoc(PublicView):
    @extend_schema(
        operation_id="public_booking_create",
        tags=["public"],
        summary="Book a slot",
        description="JSON only (no cookie or form token needed). A repeat with the same `Idempotency-Key` answers "
        "with the booking already made. The booking is `confirmed`, or `pending_approval` when the business approves each one.",
        parameters=[
            SLUG,
            OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER,
                             description="Any unique text per booking attempt; a retry with it never books twice."),
        ],
        request=BookingRequestSerializer,
        responses={
            201: PublicBookingSerializer,
            400: _errors("Invalid fields (messages by field), a slot not offered or too soon, or a body that is not JSON."),
            404: NOT_FOUND,
            409: _errors("The slot was just taken (message under `start_time_utc`)."),
            415: _errors("The body is not `application/json`."),
            429: RATE_LIMITED,
        },
    )
    def post(self, request, slug):
        return public_api.create_booking(request._request, slug)
