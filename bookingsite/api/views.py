"""The owner's JSON API (PRD 4.4 and beyond). Each view reads with the owner pages' selectors and
writes through the same forms and services as the pages, scoped to `request.business`."""

from datetime import date
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from bookingsite.bookings.exceptions import BookingError, SessionConflictError, SlotTakenError
from bookingsite.bookings.models import Booking
from bookingsite.bookings.selectors.bookings import booking_history, booking_search, owner_booking, pending_requests
from bookingsite.bookings.selectors.service_listing import service_listing
from bookingsite.bookings.services import (
    booking_approve,
    booking_cancel_by_admin,
    booking_mark_attendance,
    booking_reject,
    booking_reschedule,
)
from bookingsite.businesses import selectors as business_selectors
from bookingsite.businesses import services as business_services
from bookingsite.businesses.models import BusinessProfile, ExceptionDate, SessionCategory
from bookingsite.lib.drf import ErrorsByField
from bookingsite.lib.json_errors import ALL, form_errors
from bookingsite.owner.forms.booking_pages import BookingFilterForm

from .errors import Conflict, owner_responses
from .permissions import IsBusinessOwner
from .serializers import (
    BookingDetailSerializer,
    BookingSerializer,
    BookingSettingsSerializer,
    ExceptionDateSerializer,
    OwnerMoveSerializer,
    ReasonSerializer,
    ServiceSerializer,
    WorkingHoursSerializer,
)


class OwnerView(APIView):
    permission_classes = [IsBusinessOwner]

    def perform_authentication(self, request) -> None:
        """Authenticate, then count the request, before the permission check may refuse it.

        DRF checks permissions before throttles (APIView.initial), so a request refused for a
        missing or bad token (401) or a user without a business (403) was never counted. Here every
        request counts first: one without a valid token per client IP (AnonRateLimit; after a bad
        token DRF has made the user anonymous), one with a token per user.
        """
        try:
            super().perform_authentication(request)
        finally:
            super().check_throttles(request)

    def check_throttles(self, request) -> None:
        """Done in perform_authentication, before the permission check."""

    @property
    def business(self) -> BusinessProfile:
        return self.request.business

    def business_today(self) -> date:
        """Today where the business is: exception dates are the business's dates."""
        return timezone.now().astimezone(ZoneInfo(self.business.timezone)).date()

    def validated(self, serializer_class: type[serializers.Serializer], data, **form_kwargs) -> dict:
        """The body read by `serializer_class` and checked by its form; a 400 with every message otherwise."""
        serializer = serializer_class(data=data, context={"request": self.request, "form_kwargs": form_kwargs})
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def merged(self, serializer_class: type[serializers.Serializer], instance) -> dict:
        """PATCH: the saved values with the sent ones on top, validated as a whole like PUT."""
        if not isinstance(self.request.data, dict):
            raise serializers.ValidationError({"__all__": [_("Send a JSON object.")]})
        return {**serializer_class(instance).data, **self.request.data}


def validation_error(error: ValidationError) -> serializers.ValidationError:
    """A service's ValidationError (the backstop behind the forms) as a 400, by field."""
    if hasattr(error, "error_dict"):
        return serializers.ValidationError({field: [str(m) for m in messages] for field, messages in error.message_dict.items()})
    return serializers.ValidationError({"__all__": [str(m) for m in error.messages]})


# --- Booking-link settings ------------------------------------------------------------------


@extend_schema(tags=["settings"])
class BookingSettingsView(OwnerView):
    def _page(self):
        # A fresh copy: the settings form writes what was sent onto its instance, even when invalid.
        return business_selectors.business_for_settings(self.business.pk).booking_settings

    @extend_schema(summary="The booking link's settings", responses=owner_responses({200: BookingSettingsSerializer}))
    def get(self, request):
        return Response(BookingSettingsSerializer(self._page()).data)

    @extend_schema(
        summary="Replace the booking link's settings",
        description=(
            "Validated like the settings page. A new `public_booking_slug` keeps the old link redirecting to the new one."
        ),
        request=BookingSettingsSerializer,
        responses=owner_responses({200: BookingSettingsSerializer}, 400, 415),
    )
    def put(self, request):
        return self._update(request.data)

    @extend_schema(
        summary="Change some of the booking link's settings",
        request=BookingSettingsSerializer(partial=True),
        responses=owner_responses({200: BookingSettingsSerializer}, 400, 415),
    )
    def patch(self, request):
        return self._update(self.merged(BookingSettingsSerializer, self._page()))

    def _update(self, data) -> Response:
        page = self._page()
        cleaned = self.validated(BookingSettingsSerializer, data, instance=page)
        profile = page.business_profile
        try:
            page = business_services.business_settings_update(
                business_profile_id=profile.pk, name=profile.name, timezone=profile.timezone, country=profile.country,
                address=profile.address, logo=None, **cleaned,
            )
        except business_services.LinkNameTakenError as exc:
            raise serializers.ValidationError({"public_booking_slug": [str(exc.message)]}) from exc
        except ValidationError as exc:
            raise validation_error(exc) from exc
        return Response(BookingSettingsSerializer(page).data)


# --- Bookings -------------------------------------------------------------------------------


class BookingPages(PageNumberPagination):
    """25 bookings a page (`page_size` up to 100); a `page` past the end is a 404, a malformed one a 400."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        # DRF quietly falls back to page 1 or the default size on a bad value; a client should hear about it.
        limits = {self.page_query_param: None, self.page_size_query_param: self.max_page_size}
        for name, most in limits.items():
            raw = request.query_params.get(name)
            if raw is not None and not (raw.isdigit() and raw.isascii() and 1 <= int(raw) <= (most or int(raw))):
                limit = (
                    _("Give a whole number from 1 to %(most)d.") % {"most": most}
                    if most
                    else _("Give a whole number, 1 or more.")
                )
                raise serializers.ValidationError({name: [limit]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters


FILTER_NAMES = {"date_from": "from", "date_to": "to"}  # the filter form's names → the query's


@extend_schema(tags=["bookings"])
class BookingListView(OwnerView, generics.ListAPIView):
    serializer_class = BookingSerializer
    pagination_class = BookingPages

    def get_queryset(self):
        business = self.business
        query = self.request.query_params
        # On the page an empty filter means "any"; here a filter is left out for that, so an empty one is a mistake.
        if empty := [name for name in ("status", "service", "from", "to") if name in query and not query[name].strip()]:
            raise serializers.ValidationError({name: [_("Leave the filter out, or give it a value.")] for name in empty})
        form = BookingFilterForm(
            {name: query.get(FILTER_NAMES.get(name, name), "") for name in BookingFilterForm.base_fields},
            business=business, services=business_selectors.service_choices(business.pk, include_archived=True),
        )
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form, rename=FILTER_NAMES))
        return booking_search(business.pk, **form.search_arguments())

    @extend_schema(
        summary="Bookings, newest start first, with the bookings page's filters",
        parameters=[
            OpenApiParameter("status", str, enum=Booking.Status.values, description="Only bookings in this status."),
            OpenApiParameter("service", int, description="Only bookings of this service (archived ones too)."),
            OpenApiParameter("from", OpenApiTypes.DATE, description="Starting on or after this date (the business's zone)."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Starting on or before this date (the business's zone)."),
            OpenApiParameter("q", str, description="Part of the client's name or email."),
        ],
        responses=owner_responses({200: BookingSerializer(many=True)}, 400, 404),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["bookings"])
class PendingListView(OwnerView, generics.ListAPIView):
    serializer_class = BookingSerializer
    pagination_class = BookingPages

    def get_queryset(self):
        return pending_requests(self.business.pk)

    @extend_schema(
        summary="Requests waiting for approval, soonest expiry first",
        responses=owner_responses({200: BookingSerializer(many=True)}, 400, 404),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class BookingView(OwnerView):
    def booking(self, pk) -> Booking:
        return get_object_or_404(owner_booking(self.business.pk), pk=pk)

    def detail(self, booking: Booking) -> Response:
        booking = self.booking(booking.pk)  # re-read: the service changed its own copy
        booking.history = list(booking_history(booking.pk))
        return Response(BookingDetailSerializer(booking).data)

    def answer(self, pk, action) -> Response:
        """Apply a booking service action to this business's booking; a refused one is a 409."""
        booking = self.booking(pk)
        try:
            action(booking)
        except BookingError as exc:
            raise Conflict.from_booking_error(exc) from exc
        return self.detail(booking)


@extend_schema(tags=["bookings"])
class BookingDetailView(BookingView):
    @extend_schema(summary="One booking with its history", responses=owner_responses({200: BookingDetailSerializer}, 404))
    def get(self, request, pk):
        return self.detail(self.booking(pk))


@extend_schema(tags=["bookings"])
class BookingApproveView(BookingView):
    @extend_schema(
        summary="Approve a pending request",
        description="Re-checks under the business's lock that its time is still free. 409 when it is not pending any more, "
        "expired, or its time was taken meanwhile.",
        request=None,
        responses=owner_responses({200: BookingDetailSerializer}, 404, 409),
    )
    def post(self, request, pk):
        return self.answer(pk, lambda booking: booking_approve(booking=booking, by=request.user))


@extend_schema(tags=["bookings"])
class BookingRejectView(BookingView):
    @extend_schema(
        summary="Reject a pending request",
        description="Its place is free at once; the client is told, with the reason if one is given.",
        request=ReasonSerializer,
        responses=owner_responses({200: BookingDetailSerializer}, 400, 404, 409, 415),
    )
    def post(self, request, pk):
        return self.answer(pk, lambda booking: booking_reject(
            booking=booking, by=request.user, reason=self.validated(ReasonSerializer, request.data)["reason"]))


@extend_schema(tags=["bookings"])
class BookingCancelView(BookingView):
    @extend_schema(
        summary="Cancel a confirmed booking",
        description="Its place is free at once; the client is told, with the reason if one is given.",
        request=ReasonSerializer,
        responses=owner_responses({200: BookingDetailSerializer}, 400, 404, 409, 415),
    )
    def post(self, request, pk):
        return self.answer(pk, lambda booking: booking_cancel_by_admin(
            booking=booking, by=request.user, reason=self.validated(ReasonSerializer, request.data)["reason"]))


@extend_schema(tags=["bookings"])
class BookingRescheduleView(BookingView):
    @extend_schema(
        summary="Move a booking to another time",
        description="Any future time with a place left, free of other sessions unless `allow_clash`; the owner is "
        "never held by the client's change cut-off or the working hours. It keeps its id, link and status (a pending "
        "request's hold restarts); the client is emailed the new time. 409: a clash (message under `allow_clash`: "
        "send again with `allow_clash: true` to move it anyway) or a full session (under `start_time_utc`). 400: a "
        "past time, the time it has already, or a booking that holds no place or has started.",
        request=OwnerMoveSerializer,
        responses=owner_responses({200: BookingDetailSerializer}, 400, 404, 409, 415),
    )
    def post(self, request, pk):
        booking = self.booking(pk)
        data = self.validated(OwnerMoveSerializer, request.data)
        try:
            booking_reschedule(booking=booking, start_time_utc=data["start_time_utc"], by=request.user,
                               allow_clash=data["allow_clash"])
        except SessionConflictError as exc:
            raise ErrorsByField(status.HTTP_409_CONFLICT, allow_clash=[str(exc.message)]) from exc
        except SlotTakenError as exc:
            raise ErrorsByField(status.HTTP_409_CONFLICT, start_time_utc=[str(exc.message)]) from exc
        except BookingError as exc:
            raise serializers.ValidationError({exc.field or ALL: [str(exc.message)]}) from exc
        return self.detail(booking)


ATTENDANCE_RULES = (
    "Only a confirmed booking that has started; its place stays taken and nobody is emailed. Marking it again the "
    "same way changes nothing and answers 200. 409 before its start, or when it is not confirmed (cancelled, or "
    "already marked the other way: the completion sweep marks confirmed bookings completed 12 hours after their end)."
)


@extend_schema(tags=["bookings"])
class BookingNoShowView(BookingView):
    @extend_schema(
        summary="Mark that the client did not come (no_show)",
        description=ATTENDANCE_RULES,
        request=None,
        responses=owner_responses({200: BookingDetailSerializer}, 404, 409),
    )
    def post(self, request, pk):
        return self.answer(pk, lambda booking: booking_mark_attendance(
            booking=booking, status=Booking.Status.NO_SHOW, by=request.user))


@extend_schema(tags=["bookings"])
class BookingCompleteView(BookingView):
    @extend_schema(
        summary="Mark that the session took place (completed)",
        description=ATTENDANCE_RULES,
        request=None,
        responses=owner_responses({200: BookingDetailSerializer}, 404, 409),
    )
    def post(self, request, pk):
        return self.answer(pk, lambda booking: booking_mark_attendance(
            booking=booking, status=Booking.Status.COMPLETED, by=request.user))


# --- Services -------------------------------------------------------------------------------


def _with_in_use(business_profile_id: int) -> list[SessionCategory]:
    listing = service_listing(business_profile_id)
    return [*listing.active, *listing.archived]


class ServiceView(OwnerView):
    def service_data(self, pk: int) -> dict:
        """The service as the services page lists it (with `in_use`); 404 for another business's."""
        service = next((s for s in _with_in_use(self.business.pk) if s.pk == pk), None)
        if service is None:
            raise exceptions.NotFound()
        return ServiceSerializer(service).data

    def service(self, pk: int) -> SessionCategory:
        return get_object_or_404(business_selectors.owner_services(self.business.pk), pk=pk)

    def write(self, action, data) -> SessionCategory:
        cleaned = self.validated(ServiceSerializer, data, currency=self.business.currency)
        try:
            return action(**cleaned)
        except ValidationError as exc:
            raise validation_error(exc) from exc


@extend_schema(tags=["services"])
class ServiceListView(ServiceView):
    @extend_schema(
        summary="Every service: active ones in the clients' order, then archived ones",
        responses=owner_responses({200: ServiceSerializer(many=True)}),
    )
    def get(self, request):
        return Response(ServiceSerializer(_with_in_use(self.business.pk), many=True).data)

    @extend_schema(
        summary="Add a service (listed last)",
        request=ServiceSerializer,
        responses=owner_responses({201: ServiceSerializer}, 400, 415),
    )
    def post(self, request):
        service = self.write(
            lambda **data: business_services.service_create(business_profile_id=self.business.pk, **data), request.data
        )
        return Response(self.service_data(service.pk), status=status.HTTP_201_CREATED)


@extend_schema(tags=["services"])
class ServiceDetailView(ServiceView):
    @extend_schema(summary="One service", responses=owner_responses({200: ServiceSerializer}, 404))
    def get(self, request, pk):
        return Response(self.service_data(pk))

    @extend_schema(
        summary="Replace a service's details",
        description="Bookings already made keep their times; new slots use the new length.",
        request=ServiceSerializer,
        responses=owner_responses({200: ServiceSerializer}, 400, 404, 415),
    )
    def put(self, request, pk):
        service = self.service(pk)
        self.write(lambda **data: business_services.service_update(service=service, **data), request.data)
        return Response(self.service_data(pk))

    @extend_schema(
        summary="Change some of a service's details",
        request=ServiceSerializer(partial=True),
        responses=owner_responses({200: ServiceSerializer}, 400, 404, 415),
    )
    def patch(self, request, pk):
        service = self.service(pk)
        data = self.merged(ServiceSerializer, service)
        self.write(lambda **cleaned: business_services.service_update(service=service, **cleaned), data)
        return Response(self.service_data(pk))

    @extend_schema(
        summary="Delete a service, or archive it if it has bookings or sessions",
        description="As on the services page: a service nobody booked is deleted (204); one with bookings or sessions "
        "is archived instead (200, with the archived service), so their history keeps it. "
        "Restore it with POST …/restore/.",
        responses=owner_responses(
            {204: OpenApiResponse(description="Deleted."), 200: OpenApiResponse(ServiceSerializer, description="Archived.")}, 404
        ),
    )
    def delete(self, request, pk):
        if business_services.service_archive(service=self.service(pk)):
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(self.service_data(pk))


@extend_schema(tags=["services"])
class ServiceRestoreView(ServiceView):
    @extend_schema(
        summary="Bring an archived service back, at the end of the list",
        request=None,
        responses=owner_responses({200: ServiceSerializer}, 404),
    )
    def post(self, request, pk):
        business_services.service_restore(service=self.service(pk))
        return Response(self.service_data(pk))


# --- Working hours and exception dates ----------------------------------------------------------


@extend_schema(tags=["hours"])
class WorkingHoursView(OwnerView):
    @extend_schema(summary="The weekly working hours", responses=owner_responses({200: WorkingHoursSerializer}))
    def get(self, request):
        return Response(WorkingHoursSerializer(business_selectors.working_hours_list(self.business.pk)).data)

    @extend_schema(
        summary="Replace the whole week",
        description="Validated like the week editor: each block ends after it starts, and blocks of one day do not overlap.",
        request=WorkingHoursSerializer,
        responses=owner_responses({200: WorkingHoursSerializer}, 400, 415),
    )
    def put(self, request):
        blocks = self.validated(WorkingHoursSerializer, request.data)["blocks"]
        try:
            business_services.working_hours_replace(business_profile_id=self.business.pk, blocks=blocks)
        except ValidationError as exc:
            raise serializers.ValidationError({"blocks": [str(m) for m in exc.messages]}) from exc
        return Response(WorkingHoursSerializer(business_selectors.working_hours_list(self.business.pk)).data)


class ExceptionDateView(OwnerView):
    def row(self, pk: int) -> ExceptionDate:
        return get_object_or_404(business_selectors.owner_exception_dates(self.business.pk), pk=pk)


@extend_schema(tags=["hours"])
class ExceptionDateListView(ExceptionDateView):
    @extend_schema(
        summary="Coming exception dates (from the business's today), by date and time",
        responses=owner_responses({200: ExceptionDateSerializer(many=True)}),
    )
    def get(self, request):
        days = business_selectors.coming_exception_days(self.business.pk, today=self.business_today())
        return Response(ExceptionDateSerializer([row for day in days for row in day.rows], many=True).data)

    @extend_schema(
        summary="Close a date, or open it only in one block of hours",
        description="Without times the date is closed. With both times it gets this block of special hours "
        "(post again for another block). Refused when the date is already closed, or the block overlaps another.",
        request=ExceptionDateSerializer,
        responses=owner_responses({201: ExceptionDateSerializer}, 400, 415),
    )
    def post(self, request):
        blank = ExceptionDate(business_profile=self.business)
        cleaned = self.validated(ExceptionDateSerializer, request.data, instance=blank, today=self.business_today())
        try:
            row = business_services.exception_date_add(
                business_profile_id=self.business.pk, date=cleaned["date"], start_time=cleaned["start_time"],
                end_time=cleaned["end_time"], note=cleaned["note"],
            )
        except ValidationError as exc:
            raise validation_error(exc) from exc
        return Response(ExceptionDateSerializer(row).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["hours"])
class ExceptionDateDetailView(ExceptionDateView):
    @extend_schema(summary="One exception date row", responses=owner_responses({200: ExceptionDateSerializer}, 404))
    def get(self, request, pk):
        return Response(ExceptionDateSerializer(self.row(pk)).data)

    @extend_schema(
        summary="Remove an exception row: reopen a closed date, or drop one special block",
        responses=owner_responses({204: OpenApiResponse(description="Removed.")}, 404),
    )
    def delete(self, request, pk):
        business_services.exception_date_delete(exception=self.row(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
