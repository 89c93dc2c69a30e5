"""The public JSON of a booking link (DESIGN.md 6): DRF views with no login, rate limited per client IP.

Errors take the API's shape, {"errors": {"field": ["message"]}}, through its exception handler
(settings.REST_FRAMEWORK); a write that does not get the business's lock in time is a 503 there.
"""

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.cache import add_never_cache_headers
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

from bookingsite.availability.types import Day, Slot
from bookingsite.bookings.selectors.actions import booking_actions
from bookingsite.bookings.selectors.availability import days_to_move_to, offered_days
from bookingsite.bookings import services as booking_services
from bookingsite.bookings.exceptions import (
    BookingError,
    OnceKeyReusedError,
    SlotHasPlacesError,
    SlotTakenError,
    WaitlistError,
)
from bookingsite.bookings.models import Booking
from bookingsite.bookings.selectors.waitlist import waitlist_position
from bookingsite.bookings.waitlist import waitlist_join
from bookingsite.businesses.models import BusinessBookingSettings, SessionCategory
from bookingsite.businesses.selectors import (
    booking_page_by_slug,
    current_slug_for_retired,
    public_service_on_active_page,
    public_services,
)
from bookingsite.lib.drf import ErrorsByField, ErrorSerializer, JSONParser
from bookingsite.lib.json_errors import ALL, form_errors
from bookingsite.lib.languages import use_client_language
from bookingsite.lib.throttling import PublicReadRateLimit, PublicWriteRateLimit

from .forms import AvailabilityQueryForm
from .links import booking_links, waitlist_entry_url
from .serializers import (
    AvailabilitySerializer,
    BookingRequestSerializer,
    ClientCancelSerializer,
    ClientMoveSerializer,
    ManagedBookingSerializer,
    PublicBookingSerializer,
    PublicServiceListSerializer,
    PublicWaitlistEntrySerializer,
    SlotTakenSerializer,
    WaitlistJoinSerializer,
)

NO_PAGE = _("No active booking page has this link.")
NO_SERVICE = _("This business has no bookable service with this number.")
NO_LINK = _("No booking page has this link.")
NO_BOOKING = _("No booking has this link.")


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


def _active_page(request: Request, slug: str) -> BusinessBookingSettings:
    """The link's booking page, the answer then in the client's language; a 404 naming `slug` if it
    is unknown or not taking bookings."""
    page = booking_page_by_slug(slug)
    if page is None or not page.is_booking_page_active:
        raise ErrorsByField(status.HTTP_404_NOT_FOUND, slug=[NO_PAGE])
    use_client_language(request, page.business_profile)
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
        "waitlist_enabled": service.waitlist_enabled,
    }


def _slot_times(slot: Slot) -> dict:
    return {
        "start_time_utc": _utc(slot.start_utc),
        "end_time_utc": _utc(slot.end_utc),
        "start_local": slot.start_local.isoformat(timespec="seconds"),
        "end_local": slot.end_local.isoformat(timespec="seconds"),
    }


def days_json(days: tuple[Day, ...], *, with_full: bool = False) -> list[dict]:
    """The days' free slots; `with_full` adds each day's full slots (a waitlist may be joined there)."""
    answer = []
    for day in days:
        free = [{**_slot_times(slot), "remaining": slot.remaining} for slot in day.slots]
        answer.append({"date": day.date.isoformat(), "slots": free})
        if with_full:
            answer[-1]["full_slots"] = [_slot_times(slot) for slot in day.full]
    return answer


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
        page = _active_page(request, slug)
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
        description="Dates are the client's, inclusive, at most 62 days. Without `client_timezone` the business's zone is used. "
        "Each day also lists its full slots (`full_slots`) when the service takes a waitlist: "
        "`POST /book/{slug}/waitlist/` joins one.",
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
            _active_page(request, slug)  # an unknown or paused link is the first reason
            if not params:
                raise exceptions.ValidationError(form_errors(query))
            raise ErrorsByField(status.HTTP_404_NOT_FOUND, session_category_id=[NO_SERVICE])
        page = service.business_profile.booking_settings
        use_client_language(request, page.business_profile)
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
                # Only a service with a waitlist lists its full slots: the others' answer stays as small as it was.
                "days": days_json(days, with_full=service.waitlist_enabled),
            }
        )


def _idempotency_once_key(business_profile_id: int, header: str) -> str | None:
    """A client's Idempotency-Key, scoped to the business so two integrators never collide."""
    if not header:
        return None
    return hashlib.sha256(f"api:{business_profile_id}:{header}".encode()).hexdigest()


def _json_body(request: Request, message: str):
    """The parsed JSON body; anything but JSON is a 415 that says what to send, not only what was wrong."""
    try:
        return request.data
    except exceptions.UnsupportedMediaType as exc:
        raise exceptions.UnsupportedMediaType(request.content_type, detail=message) from exc


def _country(page: BusinessBookingSettings) -> dict:
    return {"country": page.business_profile.country}  # reads the phone number (BookingRequestSerializer)


def _request_and_service(page: BusinessBookingSettings, fields: BookingRequestSerializer) -> tuple[dict, SessionCategory]:
    """The request's checked fields and its service, one the business offers on its link; else a 400 or a 404."""
    fields.is_valid(raise_exception=True)
    data = fields.validated_data
    service = public_services(page.business_profile_id).filter(pk=data["session_category_id"]).first()
    if service is None:
        raise ErrorsByField(status.HTTP_404_NOT_FOUND, session_category_id=[NO_SERVICE])
    return data, service


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
        body = _json_body(request, _("Send the booking as JSON with Content-Type: application/json."))
        page = _active_page(request, slug)
        data, service = _request_and_service(page, BookingRequestSerializer(data=body, context=_country(page)))
        try:
            booking = booking_services.booking_create(
                service=service,
                start_time_utc=data["start_time_utc"],
                client_name=data["client_name"],
                client_email=data["client_email"],
                client_phone=data["client_phone"],
                notes=data["notes"],
                client_timezone=data["client_timezone"],
                language=request.LANGUAGE_CODE,
                once_key=_idempotency_once_key(page.business_profile_id, request.headers.get("Idempotency-Key", "")),
            )
        except SlotTakenError as exc:
            raise ErrorsByField(status.HTTP_409_CONFLICT, start_time_utc=[str(exc.message)]) from exc
        except OnceKeyReusedError as exc:
            raise ErrorsByField(status.HTTP_422_UNPROCESSABLE_ENTITY, **{ALL: [str(exc.message)]}) from exc
        except BookingError as exc:
            raise exceptions.ValidationError({exc.field or ALL: [str(exc.message)]}) from exc
        return Response(booking_json(request, page, booking), status=status.HTTP_201_CREATED)


@method_decorator(never_cache, name="dispatch")  # the answer holds the waitlist page's link, as the booking POST's
class WaitlistJoinView(PublicJSONView):
    """JSON only, with no cookie or form token, as the booking POST (DESIGN.md 6 and 11)."""

    http_method_names = ["post"]
    throttle_classes = [PublicWriteRateLimit]

    @extend_schema(
        operation_id="public_waitlist_join",
        tags=["public"],
        summary="Join the waitlist of a full slot",
        description="JSON only (no cookie or form token needed), with the booking POST's fields, for one of the "
        "availability JSON's `full_slots` of a service with `waitlist_enabled`. When a place frees, the first in line "
        "is emailed an offer that holds it for a while. The same email again for the same slot answers its place "
        "in line (200) without its link, which is emailed to that address again, and adds nobody.",
        parameters=[SLUG],
        request=WaitlistJoinSerializer,
        responses={
            201: OpenApiResponse(PublicWaitlistEntrySerializer, description="In line: the place and the client's page."),
            200: OpenApiResponse(
                PublicWaitlistEntrySerializer,
                description="This email was already in line for the slot: `manage_url` is null, and the link was emailed again.",
            ),
            400: _errors("Invalid fields (messages by field); a slot that does not exist, is not offered, too soon or too "
                         "far ahead; a service without a waitlist; a client who already has a place at this time; "
                         "or a body that is not JSON. Nothing changed."),
            404: NOT_FOUND,
            409: _errors("The slot has a free place: book it instead (message under `start_time_utc`). Nothing changed."),
            415: _errors("The body is not `application/json`."),
            429: RATE_LIMITED,
            503: _errors("Busy: nothing was changed; `Retry-After` says how many seconds to wait before sending it again."),
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        body = _json_body(request, _("Send the request as JSON with Content-Type: application/json."))
        page = _active_page(request, slug)
        data, service = _request_and_service(page, WaitlistJoinSerializer(data=body, context=_country(page)))
        try:
            entry, created = waitlist_join(
                service=service,
                start_time_utc=data["start_time_utc"],
                client_name=data["client_name"],
                client_email=data["client_email"],
                client_phone=data["client_phone"],
                notes=data["notes"],
                client_timezone=data["client_timezone"],
                language=request.LANGUAGE_CODE,
            )
        except SlotHasPlacesError as exc:
            raise ErrorsByField(status.HTTP_409_CONFLICT, start_time_utc=[str(exc.message)]) from exc
        except WaitlistError as exc:
            # The service's own "no waitlist" belongs to the service chosen; "you already have a place" to the request.
            field = ALL if service.waitlist_enabled else "session_category_id"
            raise exceptions.ValidationError({field: [str(exc.message)]}) from exc
        except BookingError as exc:
            raise exceptions.ValidationError({exc.field or ALL: [str(exc.message)]}) from exc
        # Only the first join gets the link: anyone may know a client's email, and the link is the
        # key to their place (leave it, claim its offer). A repeat has it emailed to them again.
        manage_url = waitlist_entry_url(request, page, entry) if created else None
        answer = {"id": entry.pk, "position": waitlist_position(entry), "manage_url": manage_url}
        return Response(answer, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


# --- The manage link's JSON ------------------------------------------------------------------
# The same addresses as the client's manage pages (public.views): public.dispatch sends a request
# here when it sends or asks for JSON. The token in the address is the key to the booking.


def _managed_booking(request: Request, slug: str, token: str) -> tuple[BusinessBookingSettings, Booking]:
    """The booking of a manage link, and its business's page, the answer then in the client's
    language; a 404 naming what is unknown.

    As the pages do, this answers while the page is paused, and under a name the business has
    since changed (the links in its emails carry the old one); never another business's booking.
    """
    page = booking_page_by_slug(slug)
    if page is None and (current := current_slug_for_retired(slug)):
        page = booking_page_by_slug(current)
    if page is None:
        raise ErrorsByField(status.HTTP_404_NOT_FOUND, slug=[NO_LINK])
    use_client_language(request, page.business_profile)
    booking = (
        Booking.objects.select_related("session_category", "business_profile")
        .filter(manage_token=token, business_profile_id=page.business_profile_id)
        .first()
    )
    if booking is None:
        raise ErrorsByField(status.HTTP_404_NOT_FOUND, token=[NO_BOOKING])
    return page, booking


def managed_booking_json(request: Request, page: BusinessBookingSettings, booking: Booking) -> dict:
    """The booking POST's answer, plus what the manage page shows and whether the client may still change it."""
    actions = booking_actions(booking, timezone.now(), cutoff_hours=page.client_change_cutoff_hours)
    pending = booking.status in (Booking.Status.PENDING_APPROVAL, Booking.Status.EXPIRED_PENDING)
    # A request past its expiry holds nothing, swept or not (DESIGN.md 4.4), so it says so, as the page does.
    expired = booking.status == Booking.Status.PENDING_APPROVAL and not actions.holds_place
    return {
        **booking_json(request, page, booking),
        "status": Booking.Status.EXPIRED_PENDING if expired else booking.status,
        "can_change": actions.client_can_change,
        "change_cutoff_at": _utc(actions.change_cutoff_at),
        "service": {"id": booking.session_category_id, "name": booking.session_category.name},
        "location": booking.location,
        "client_timezone": booking.booked_in_client_timezone,
        "pending_request_expires_at": _utc(booking.pending_request_expires_at) if pending else None,
    }


def _free_that_day(page: BusinessBookingSettings, booking: Booking, start: datetime) -> list[dict]:
    """The other times the booking may move to on the client's day of `start`, computed afresh."""
    zone = booking.booked_in_client_timezone
    day = start.astimezone(ZoneInfo(zone)).date()
    return days_json(
        days_to_move_to(page=page, booking=booking, client_timezone=zone, start_date=day, end_date=day, now=timezone.now())
    )


def _refused(error: BookingError) -> exceptions.ValidationError:
    """A change the booking service refused for a reason other than a taken time: a 400."""
    return exceptions.ValidationError({error.field or ALL: [str(error.message)]})


# What the three share (no docstring, as PublicJSONView): the answers hold the manage link, so no
# cache keeps them (see public.views), and the address is the key, so no link sends it on.
class ManageLinkJSONView(PublicJSONView):
    def finalize_response(self, request: Request, response: Response, *args, **kwargs) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        response["Referrer-Policy"] = "no-referrer"
        return response


TOKEN = OpenApiParameter("token", str, OpenApiParameter.PATH, description="The booking's key, from its `manage_url`.")
NO_BOOKING_HERE = _errors("No booking page has this link (`slug`), or it has no booking with this key (`token`).")
# Why the booking service may refuse a client's change (nothing changes): DESIGN.md 5, change policy.
REFUSED = (
    "the change cut-off has passed (the client should contact the business), or the booking holds no place any "
    "more (cancelled, rejected, expired) or has started"
)


class ManagedBookingView(ManageLinkJSONView):
    http_method_names = ["get"]
    throttle_classes = [PublicReadRateLimit]

    @extend_schema(
        operation_id="public_booking_manage",
        tags=["public"],
        summary="A booking, by its manage link",
        description="Send `Accept: application/json`: the same address answers the client's page otherwise.",
        parameters=[SLUG, TOKEN],
        responses={200: ManagedBookingSerializer, 404: NO_BOOKING_HERE, 429: RATE_LIMITED, 503: TOO_SLOW},
    )
    def get(self, request: Request, slug: str, token: str) -> Response:
        page, booking = _managed_booking(request, slug, token)
        return Response(managed_booking_json(request, page, booking))


class ManagedBookingMoveView(ManageLinkJSONView):
    http_method_names = ["post"]
    throttle_classes = [PublicWriteRateLimit]

    @extend_schema(
        operation_id="public_booking_reschedule",
        tags=["public"],
        summary="Move a booking to another offered time",
        description="Send JSON (`Content-Type: application/json`): a form's POST to this address is the page's. "
        "The booking keeps its id, link and status (a pending request stays pending, its "
        "hold restarting); both sides are emailed the new time. Offered times are the availability JSON's, "
        "counting the booking's own place as free.",
        parameters=[SLUG, TOKEN],
        request=ClientMoveSerializer,
        responses={
            200: ManagedBookingSerializer,
            400: _errors("A missing or bad `start_time_utc`, a time not offered, too soon or past, or the time it has already; "
                         f"or {REFUSED}. Nothing changed."),
            404: NO_BOOKING_HERE,
            409: OpenApiResponse(SlotTakenSerializer,
                                 description="The time was just taken; the day's other free times come with the message."),
            429: RATE_LIMITED,
            503: _errors("Busy: nothing was changed; `Retry-After` says how many seconds to wait before sending it again."),
        },
    )
    def post(self, request: Request, slug: str, token: str) -> Response:
        page, booking = _managed_booking(request, slug, token)
        fields = ClientMoveSerializer(data=request.data)  # JSON: public.dispatch sends nothing else here
        fields.is_valid(raise_exception=True)
        start = fields.validated_data["start_time_utc"]
        try:
            moved = booking_services.booking_reschedule(booking=booking, start_time_utc=start)
        except SlotTakenError as exc:
            taken = {"errors": {"start_time_utc": [str(exc.message)]}, "days": _free_that_day(page, booking, start)}
            return Response(taken, status=status.HTTP_409_CONFLICT)
        except BookingError as exc:
            raise _refused(exc) from exc
        return Response(managed_booking_json(request, page, moved))


class ManagedBookingCancelView(ManageLinkJSONView):
    http_method_names = ["post"]
    throttle_classes = [PublicWriteRateLimit]

    @extend_schema(
        operation_id="public_booking_cancel",
        tags=["public"],
        summary="Cancel a booking, or withdraw a pending request",
        description="Send JSON (`Content-Type: application/json`; the body may be empty): a form's POST to this "
        "address is the page's. Its place is free at once; both sides are emailed.",
        parameters=[SLUG, TOKEN],
        request=ClientCancelSerializer,
        responses={
            200: ManagedBookingSerializer,
            400: _errors(f"A reason that is too long or not a string, or {REFUSED}. Nothing changed."),
            404: NO_BOOKING_HERE,
            429: RATE_LIMITED,
            503: _errors("Busy: nothing was changed; `Retry-After` says how many seconds to wait before sending it again."),
        },
    )
    def post(self, request: Request, slug: str, token: str) -> Response:
        page, booking = _managed_booking(request, slug, token)
        fields = ClientCancelSerializer(data=request.data)  # JSON: public.dispatch sends nothing else here
        fields.is_valid(raise_exception=True)
        try:
            cancelled = booking_services.booking_cancel_by_client(booking=booking, reason=fields.validated_data["reason"])
        except BookingError as exc:
            raise _refused(exc) from exc
        return Response(managed_booking_json(request, page, cancelled))
