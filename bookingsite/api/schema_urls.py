"""The URLs the OpenAPI schema describes: the API under /api/v1/ and the public booking JSON
under /book/<slug>/. Only the schema generator reads this; requests are routed by config.urls."""

from django.urls import include, path

from . import public_schema
from .urls import v1_urlpatterns

urlpatterns = [
    path("api/v1/", include((v1_urlpatterns, "api"))),
    path("book/<str:slug>/services/", public_schema.PublicServicesDoc.as_view()),
    path("book/<str:slug>/availability/", public_schema.PublicAvailabilityDoc.as_view()),
    path("book/<str:slug>/bookings/", public_schema.PublicBookingCreateDoc.as_view()),
]
