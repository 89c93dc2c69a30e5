from django.urls import path

from . import api, views, waitlist_pages
from .dispatch import page_or_json

app_name = "public"


def manage_link(route: str, page_view, json_view, name: str) -> list:
    """A manage page and its JSON at one address (public.dispatch). The second pattern is never
    reached (Django takes the first that matches): it is there so the schema (drf-spectacular reads
    the patterns for DRF views) describes the JSON at its address."""
    return [path(route, page_or_json(page_view, json_view), name=name), path(route, json_view)]


urlpatterns = [
    path("<str:slug>/", views.service_list, name="services"),
    path("<str:slug>/services/", api.ServicesView.as_view(), name="services-json"),
    path("<str:slug>/availability/", api.AvailabilityView.as_view(), name="availability-json"),
    path("<str:slug>/bookings/", api.BookingCreateView.as_view(), name="bookings-json"),
    path("<str:slug>/waitlist/", api.WaitlistJoinView.as_view(), name="waitlist-json"),
    path("<str:slug>/zones/", views.zone_matches, name="zones"),
    path("<str:slug>/<int:service_id>/", views.service_page, name="service"),
    path("<str:slug>/<int:service_id>/book/", views.booking_form, name="book"),
    *manage_link("<str:slug>/booking/<str:token>/", views.booking_detail, api.ManagedBookingView.as_view(), "booking"),
    *manage_link("<str:slug>/booking/<str:token>/cancel/", views.booking_cancel, api.ManagedBookingCancelView.as_view(),
                 "cancel"),
    *manage_link("<str:slug>/booking/<str:token>/reschedule/", views.booking_reschedule,
                 api.ManagedBookingMoveView.as_view(), "reschedule"),
    path("<str:slug>/booking/<str:token>/calendar.ics", views.booking_ics, name="ics"),
    path("<str:slug>/<int:service_id>/waitlist/", waitlist_pages.waitlist_join, name="waitlist-join"),
    path("<str:slug>/waitlist/<str:token>/", waitlist_pages.waitlist_entry, name="waitlist-entry"),
    path("<str:slug>/waitlist/<str:token>/claim/", waitlist_pages.waitlist_claim, name="waitlist-claim"),
    path("<str:slug>/waitlist/<str:token>/leave/", waitlist_pages.waitlist_leave, name="waitlist-leave"),
]
