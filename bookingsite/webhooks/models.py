"""Webhook endpoints and their deliveries: the webhook outbox (DESIGN.md 9, 13).

A delivery is written by `webhooks.outbox`, inside the transaction of the booking or waitlist
change it tells of, with its event id (`webhook-id`) and its JSON body fixed there: every try,
and every resend, sends exactly these bytes under this id, so a receiver can drop a repeat.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from bookingsite.businesses.models import BusinessProfile


class WebhookEndpoint(models.Model):
    """An address of the owner's that receives every booking event, signed with `secret`."""

    business_profile = models.ForeignKey(BusinessProfile, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    # Standard Webhooks form: "whsec_" + base64 of the key's bytes.
    secret = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)
    # The first failure since the last success: a run of failures this long switches it off.
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint: its fixed id and body, and how sending it went."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")  # claimed by a worker; a stale claim is picked up again
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    business_profile = models.ForeignKey(BusinessProfile, on_delete=models.CASCADE, related_name="webhook_deliveries")
    event_id = models.CharField(max_length=40)  # the `webhook-id` header, "msg_...": one per event
    event_type = models.CharField(max_length=40)
    payload = models.TextField()  # the JSON body exactly as signed and sent
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When this run of tries began (creation, or the owner's resend): it gives up 3 days later.
    tries_since = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_one_delivery_per_event"),
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sending", "delivered", "failed"]), name="webhook_status_known"
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=models.Q(status__in=["queued", "sending"]),
                name="webhook_unfinished",
            ),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_endpoint_created"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} ({self.status})"
