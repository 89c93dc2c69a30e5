from django.contrib import admin

from bookingsite.lib.admin import ReadOnlyAdmin

from .models import WebhookDelivery, WebhookEndpoint


# Read-only: the owner manages endpoints from their pages and the API; the secret is theirs alone.
@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ["url", "business_profile", "is_active", "failing_since", "created_at"]
    list_filter = ["is_active"]
    exclude = ["secret"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["event_type", "event_id", "endpoint", "status", "attempts", "last_status_code", "created_at"]
    list_filter = ["status", "event_type"]
