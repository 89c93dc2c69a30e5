"""Reads of webhook endpoints and deliveries, scoped by business, and the beat pickup's scan."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from .models import WebhookDelivery, WebhookEndpoint

Status = WebhookDelivery.Status


def owner_endpoints(business_profile_id: int) -> QuerySet[WebhookEndpoint]:
    """The business's endpoints, oldest first, each with its count of failed deliveries."""
    return WebhookEndpoint.objects.filter(business_profile_id=business_profile_id).annotate(
        failed_count=Count("deliveries", filter=Q(deliveries__status=Status.FAILED))
    ).order_by("created_at", "pk")


def endpoint_deliveries(endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """An endpoint's delivery log, newest first (the bodies deferred: the log shows the rest)."""
    return endpoint.deliveries.defer("payload").order_by("-created_at", "-pk")


def due_delivery_ids(*, now: datetime, limit: int = 500) -> list[int]:
    """Deliveries the beat pickup should queue: due for longer than the grace period (the commit's
    task or the worker's own retry had their chance), or claimed by a worker that must have died."""
    grace = timedelta(seconds=settings.WEBHOOK_GRACE_SECONDS)
    lost_claim = timedelta(seconds=settings.WEBHOOK_CLAIM_TIMEOUT_SECONDS)
    due = Q(status=Status.QUEUED, next_attempt_at__lte=now - grace) | Q(
        status=Status.SENDING, claimed_at__lte=now - lost_claim
    )
    return list(WebhookDelivery.objects.filter(due).order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
