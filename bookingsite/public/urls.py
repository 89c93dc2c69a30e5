from django.urls import path

from . import api, views

app_name = "public"

urlpatterns = [
    path("<str:slug>/", views.service_list, name="services"),
    path("<str:slug>/services/", api.services, name="services-json"),
    path("<str:slug>/availability/", api.availability, name="availability-json"),
]
