"""/api/: the owner's JSON API v1, its OpenAPI schema and the docs page (assets served from static/, no CDN)."""

from django.urls import include, path, re_path
from csp.constants import SELF
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import auth, views, webhooks
from .errors import not_found

app_name = "api"

v1_urlpatterns = [
    path("token/", auth.TokenObtainView.as_view(), name="token"),
    path("token/refresh/", auth.TokenRefreshView.as_view(), name="token-refresh"),
    path("business-booking-settings/", views.BookingSettingsView.as_view(), name="settings"),
    path("bookings/", views.BookingListView.as_view(), name="bookings"),
    path("bookings/pending-approval/", views.PendingListView.as_view(), name="pending"),
    path("bookings/<uuid:pk>/", views.BookingDetailView.as_view(), name="booking"),
    path("bookings/<uuid:pk>/approve/", views.BookingApproveView.as_view(), name="approve"),
    path("bookings/<uuid:pk>/reject/", views.BookingRejectView.as_view(), name="reject"),
    path("bookings/<uuid:pk>/cancel/", views.BookingCancelView.as_view(), name="cancel"),
    path("bookings/<uuid:pk>/reschedule/", views.BookingRescheduleView.as_view(), name="reschedule"),
    path("bookings/<uuid:pk>/no-show/", views.BookingNoShowView.as_view(), name="no-show"),
    path("bookings/<uuid:pk>/complete/", views.BookingCompleteView.as_view(), name="complete"),
    path("services/", views.ServiceListView.as_view(), name="services"),
    path("services/<int:pk>/", views.ServiceDetailView.as_view(), name="service"),
    path("services/<int:pk>/restore/", views.ServiceRestoreView.as_view(), name="service-restore"),
    path("working-hours/", views.WorkingHoursView.as_view(), name="working-hours"),
    path("exception-dates/", views.ExceptionDateListView.as_view(), name="exception-dates"),
    path("exception-dates/<int:pk>/", views.ExceptionDateDetailView.as_view(), name="exception-date"),
    path("webhooks/", webhooks.WebhookEndpointListView.as_view(), name="webhooks"),
    path("webhooks/<int:pk>/", webhooks.WebhookEndpointDetailView.as_view(), name="webhook"),
    path("webhooks/<int:pk>/rotate-secret/", webhooks.WebhookRotateSecretView.as_view(), name="webhook-rotate"),
    path("webhooks/<int:pk>/test/", webhooks.WebhookTestView.as_view(), name="webhook-test"),
    path("webhooks/<int:pk>/deliveries/", webhooks.WebhookDeliveryListView.as_view(), name="webhook-deliveries"),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery_id>/resend/",
        webhooks.WebhookResendView.as_view(),
        name="webhook-resend",
    ),
]

urlpatterns = [
    path("v1/", include(v1_urlpatterns)),
    # The schema covers every DRF view of the site: this API and the public booking JSON under /book/.
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file (the CSP allows no inline script);
    # Swagger UI's stylesheet draws its icons from data: URLs.
    path("docs/", csp_update({"img-src": [SELF, "data:"]})(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
         name="docs"),
    re_path(r"", not_found),  # anything else under /api/: a JSON 404, not the HTML page
]
