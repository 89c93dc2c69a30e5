from django.urls import path

from . import api, views

app_name = "public"

urlpatterns = [
    path("<str:slug>/", views.service_list, name="services"),
    path("<str:slug>/services/", api.ServicesView.as_view(), name="services-json"),
    path("<str:slug>/availability/", api.AvailabilityView.as_view(), name="availability-json"),
    path("<str:slug>/bookings/", api.BookingCreateView.as_view(), name="bookings-json"),
    path("<str:slug>/<int:service_id>/", views.service_page, name="service"),
    path("<str:slug>/<int:service_id>/book/", views.booking_form, name="book"),
    path("<str:slug>/booking/<str:token>/", views.booking_detail, name="booking"),
    path("<str:slug>/booking/<str:token>/cancel/", views.booking_cancel, name="cancel"),
    path("<str:slug>/booking/<str:token>/reschedule/", views.booking_reschedule, name="reschedule"),
    path("<str:slug>/booking/<str:token>/calendar.ics", views.booking_ics, name="ics"),
]
