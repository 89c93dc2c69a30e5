from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("<str:slug>/", views.service_list, name="services"),
]
