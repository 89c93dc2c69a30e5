"""The API's webhook endpoints (DESIGN.md 13): list, add, change, delete, rotate the secret, send a
test event, read the delivery log and resend. Validated by the webhooks page's form, written by
the webhooks services, scoped to `request.business` (another owner's ids are 404)."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from bookingsite.owner.forms.webhooks import WebhookEndpointForm
from bookingsite.webhooks import payloads, selectors, services
from bookingsite.webhooks.models import WebhookDelivery, WebhookEndpoint

from .errors import Conflict, owner_responses
from .formfields import from_form
from .serializers import FormSerializer
from .views import BookingPages, OwnerView, validation_error

PAYLOAD_DESCRIPTION = (
    "Each booking event is POSTed as JSON to every active endpoint, signed per the Standard Webhooks spec "
    "(headers `webhook-id`, `webhook-timestamp`, `webhook-signature`; verify with the endpoint's `secret`). "
    "The body is `{\"type\": ..., \"timestamp\": ..., \"data\": {...}}`; `type` is one of "
    + ", ".join(f"`{name}`" for name in payloads.EVENT_TYPES)
    + ". For a booking, `data` has `booking_id`, `status`, `service` {`id`, `name`}, `start` and `end` (UTC ISO 8601), "
    "`client` {`name`, `email`} and `business` (the link's slug), plus `previous_start` for `booking.rescheduled`; "
    "for `waitlist.offered`, the entry (`waitlist_entry_id`, `offer_expires_at`, and the same fields). "
    "An event keeps its `webhook-id` on every try and resend. A failed try is retried after 1 minute, doubling up to "
    "6 hours; after 3 days of failures the endpoint is switched off (`is_active` false) and its owner emailed."
)


class WebhookEndpointSerializer(FormSerializer):
    form_class = WebhookEndpointForm

    id = serializers.IntegerField(read_only=True)
    url = from_form(WebhookEndpointForm, "url", help_text="An https:// address that accepts POST requests.")
    description = from_form(WebhookEndpointForm, "description", default="")
    is_active = from_form(WebhookEndpointForm, "is_active", default=True)
    secret = serializers.CharField(read_only=True, help_text="whsec_…: verify each request's signature with it.")
    failing_since = serializers.DateTimeField(read_only=True, allow_null=True)
    disabled_reason = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id", "event_id", "event_type", "status", "attempts", "last_status_code", "last_error",
            "next_attempt_at", "created_at", "delivered_at",
        ]
        read_only_fields = fields


class WebhookView(OwnerView):
    def endpoint(self, pk: int) -> WebhookEndpoint:
        return get_object_or_404(WebhookEndpoint, business_profile=self.business, pk=pk)

    def write(self, action, data) -> WebhookEndpoint:
        cleaned = self.validated(WebhookEndpointSerializer, data)
        try:
            return action(**cleaned)
        except ValidationError as exc:
            raise validation_error(exc) from exc


@extend_schema(tags=["webhooks"])
class WebhookEndpointListView(WebhookView):
    @extend_schema(
        summary="The webhook endpoints, oldest first",
        description=PAYLOAD_DESCRIPTION,
        responses=owner_responses({200: WebhookEndpointSerializer(many=True)}),
    )
    def get(self, request):
        endpoints = selectors.owner_endpoints(self.business.pk)
        return Response(WebhookEndpointSerializer(endpoints, many=True).data)

    @extend_schema(
        summary="Add a webhook endpoint (a new secret is made for it)",
        description="The address must be https:// and reach a public address (redirects are not followed).",
        request=WebhookEndpointSerializer,
        responses=owner_responses({201: WebhookEndpointSerializer}, 400, 415),
    )
    def post(self, request):
        def create(*, url: str, description: str, is_active: bool) -> WebhookEndpoint:
            endpoint = services.endpoint_create(business_profile_id=self.business.pk, url=url, description=description)
            if not is_active:
                endpoint = services.endpoint_update(endpoint=endpoint, url=url, description=description, is_active=False)
            return endpoint

        endpoint = self.write(create, request.data)
        return Response(WebhookEndpointSerializer(endpoint).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["webhooks"])
class WebhookEndpointDetailView(WebhookView):
    @extend_schema(summary="One webhook endpoint", responses=owner_responses({200: WebhookEndpointSerializer}, 404))
    def get(self, request, pk):
        return Response(WebhookEndpointSerializer(self.endpoint(pk)).data)

    @extend_schema(
        summary="Change an endpoint's address, note, or whether it receives events",
        description="Switching it back on (`is_active` true) starts its count of failing days afresh.",
        request=WebhookEndpointSerializer(partial=True),
        responses=owner_responses({200: WebhookEndpointSerializer}, 400, 404, 415),
    )
    def patch(self, request, pk):
        endpoint = self.endpoint(pk)
        data = self.merged(WebhookEndpointSerializer, endpoint)
        endpoint = self.write(lambda **cleaned: services.endpoint_update(endpoint=endpoint, **cleaned), data)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        summary="Delete an endpoint and its delivery log",
        responses=owner_responses({204: OpenApiResponse(description="Deleted.")}, 404),
    )
    def delete(self, request, pk):
        services.endpoint_delete(endpoint=self.endpoint(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["webhooks"])
class WebhookRotateSecretView(WebhookView):
    @extend_schema(
        summary="Replace the endpoint's secret (tries from now on are signed with the new one)",
        request=None,
        responses=owner_responses({200: WebhookEndpointSerializer}, 404),
    )
    def post(self, request, pk):
        return Response(WebhookEndpointSerializer(services.endpoint_rotate_secret(endpoint=self.endpoint(pk))).data)


@extend_schema(tags=["webhooks"])
class WebhookTestView(WebhookView):
    @extend_schema(
        summary="Send a `webhook.test` event to this endpoint",
        request=None,
        responses=owner_responses({202: WebhookDeliverySerializer}, 404, 409),
    )
    def post(self, request, pk):
        try:
            delivery = services.endpoint_send_test(endpoint=self.endpoint(pk), now=timezone.now())
        except services.ResendRefused as exc:
            raise Conflict(str(exc)) from exc
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["webhooks"])
class WebhookDeliveryListView(WebhookView, generics.ListAPIView):
    serializer_class = WebhookDeliverySerializer
    pagination_class = BookingPages

    def get_queryset(self):
        return selectors.endpoint_deliveries(self.endpoint(self.kwargs["pk"]))

    @extend_schema(
        summary="The endpoint's delivery log, newest first (25 a page)",
        responses=owner_responses({200: WebhookDeliverySerializer(many=True)}, 400, 404),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["webhooks"])
class WebhookResendView(WebhookView):
    @extend_schema(
        summary="Send a delivered or failed event again, with the same `webhook-id` and body",
        request=None,
        responses=owner_responses({202: WebhookDeliverySerializer}, 404, 409),
    )
    def post(self, request, pk, delivery_id):
        delivery = get_object_or_404(WebhookDelivery, business_profile=self.business, endpoint_id=pk, pk=delivery_id)
        try:
            delivery = services.delivery_resend(delivery=delivery, now=timezone.now())
        except services.ResendRefused as exc:
            raise Conflict(str(exc)) from exc
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
