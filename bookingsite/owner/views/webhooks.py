"""Webhooks: the owner's endpoints (add, edit, delete, rotate the secret, send a test event) and
each endpoint's delivery log with resend. Every query is scoped to the owner's business."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bookingsite.webhooks import selectors, services
from bookingsite.webhooks.models import WebhookDelivery, WebhookEndpoint

from ..access import OwnerRequest, owner_required
from ..forms.errors import add_model_errors
from ..forms.webhooks import WebhookEndpointForm

DELIVERIES_PER_PAGE = 25


def _endpoint(request: OwnerRequest, pk: int) -> WebhookEndpoint:
    return get_object_or_404(WebhookEndpoint, business_profile=request.business, pk=pk)


def _saved(form: WebhookEndpointForm, write: Callable[..., WebhookEndpoint]) -> WebhookEndpoint | None:
    """The endpoint `write` saved from the form's data, or None with the refusal shown on the form."""
    if not form.is_valid():
        return None
    try:
        return write(**form.cleaned_data)
    except ValidationError as exc:
        add_model_errors(form, exc)
        return None


@require_http_methods(["GET", "POST"])
@owner_required
def webhook_list(request: OwnerRequest) -> HttpResponse:
    """The endpoints, and the form that adds one."""
    status = 200
    if request.method == "POST":
        form = WebhookEndpointForm(request.POST)
        endpoint = _saved(
            form,
            lambda url, description, is_active: services.endpoint_create(
                business_profile_id=request.business.pk, url=url, description=description
            ),
        )
        if endpoint is not None:
            messages.success(request, _("Endpoint added. Use its secret to check each request's signature."))
            return redirect("owner:webhook", endpoint.pk)
        status = 400
    else:
        form = WebhookEndpointForm()
    endpoints = selectors.owner_endpoints(request.business.pk)
    return render(request, "owner/webhooks.html", {"form": form, "endpoints": endpoints}, status=status)


@require_http_methods(["GET", "POST"])
@owner_required
def webhook_detail(request: OwnerRequest, pk: int) -> HttpResponse:
    """One endpoint: its secret, its settings form, and its delivery log."""
    endpoint = _endpoint(request, pk)
    status = 200
    if request.method == "POST":
        form = WebhookEndpointForm(request.POST)
        if _saved(form, lambda **cleaned: services.endpoint_update(endpoint=endpoint, **cleaned)) is not None:
            messages.success(request, _("Endpoint saved."))
            return redirect("owner:webhook", endpoint.pk)
        status = 400
    else:
        form = WebhookEndpointForm(
            initial={"url": endpoint.url, "description": endpoint.description, "is_active": endpoint.is_active}
        )
    deliveries = selectors.endpoint_deliveries(endpoint)
    context = {
        "endpoint": endpoint,
        "form": form,
        "page_obj": Paginator(deliveries, DELIVERIES_PER_PAGE).get_page(request.GET.get("page")),
        "query": "",
    }
    return render(request, "owner/webhook.html", context, status=status)


@require_POST
@owner_required
def webhook_rotate_secret(request: OwnerRequest, pk: int) -> HttpResponse:
    services.endpoint_rotate_secret(endpoint=_endpoint(request, pk))
    messages.success(request, _("New secret made. Requests from now on are signed with it: update your receiver."))
    return redirect("owner:webhook", pk)


@require_POST
@owner_required
def webhook_delete(request: OwnerRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    services.endpoint_delete(endpoint=endpoint)
    messages.success(request, _("Endpoint %(url)s deleted; nothing more is sent to it.") % {"url": endpoint.url})
    return redirect("owner:webhooks")


@require_POST
@owner_required
def webhook_test(request: OwnerRequest, pk: int) -> HttpResponse:
    try:
        services.endpoint_send_test(endpoint=_endpoint(request, pk), now=timezone.now())
    except services.ResendRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Test event queued. It shows in the log below once sent."))
    return redirect("owner:webhook", pk)


@require_POST
@owner_required
def webhook_resend(request: OwnerRequest, pk: int, delivery_id: int) -> HttpResponse:
    delivery = get_object_or_404(WebhookDelivery, business_profile=request.business, endpoint_id=pk, pk=delivery_id)
    try:
        services.delivery_resend(delivery=delivery, now=timezone.now())
    except services.ResendRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Sending %(event)s again, with the same webhook-id.") % {"event": delivery.event_type})
    return redirect("owner:webhook", pk)
