from django.urls import path, register_converter

from .converters import InstantConverter

from .views import (
    booking_pages,
    calendar_pages,
    client_pages,
    dashboard,
    exception_dates,
    hours,
    inbox,
    link_settings,
    pending,
    service_pages,
    waitlist_pages,
)

register_converter(InstantConverter, "instant")

app_name = "owner"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("badge/", pending.badge, name="pending-badge"),
    path("pending/", pending.pending_list, name="pending"),
    path("pending/answer/", pending.answer_selected, name="pending-answer"),
    path("bookings/<uuid:pk>/approve/", pending.approve, name="booking-approve"),
    path("bookings/<uuid:pk>/reject/", pending.reject, name="booking-reject"),
    path("settings/", link_settings.settings_page, name="settings"),
    path("services/", service_pages.service_list, name="services"),
    path("services/new/", service_pages.service_create, name="service-create"),
    path("services/<int:pk>/", service_pages.service_edit, name="service-edit"),
    path("services/<int:pk>/archive/", service_pages.service_archive, name="service-archive"),
    path("services/<int:pk>/move/", service_pages.service_move, name="service-move"),
    path("hours/", hours.week_editor, name="hours"),
    path("hours/row/", hours.block_row, name="hours-row"),
    path("exceptions/", exception_dates.exceptions, name="exceptions"),
    path("exceptions/<int:pk>/delete/", exception_dates.exception_delete, name="exception-delete"),
    path("bookings/", booking_pages.booking_list, name="bookings"),
    path("bookings/export.csv", booking_pages.booking_export, name="bookings-export"),
    path("bookings/<uuid:pk>/", booking_pages.booking_detail, name="booking"),
    path("bookings/<uuid:pk>/cancel/", booking_pages.booking_cancel, name="booking-cancel"),
    path("bookings/<uuid:pk>/move/", booking_pages.booking_move, name="booking-move"),
    path("bookings/<uuid:pk>/no-show/", booking_pages.booking_no_show, name="booking-no-show"),
    path("bookings/<uuid:pk>/complete/", booking_pages.booking_complete, name="booking-complete"),
    path("clients/", client_pages.client_list, name="clients"),
    path("clients/export.csv", client_pages.client_export, name="clients-export"),
    path("clients/<int:pk>/", client_pages.client_detail, name="client"),
    path("calendar/", calendar_pages.calendar_page, name="calendar"),
    path("calendar/events/", calendar_pages.events, name="calendar-events"),
    path("calendar/sessions/new/", calendar_pages.session_create, name="session-create"),
    path("waitlist/<int:service_id>/<instant:start>/", waitlist_pages.slot_waitlist, name="slot-waitlist"),
    path("waitlist/entries/<int:pk>/remove/", waitlist_pages.waitlist_remove, name="waitlist-remove"),
    path("waitlist/entries/<int:pk>/offer/", waitlist_pages.waitlist_offer, name="waitlist-offer"),
    path("notifications/", inbox.notifications_page, name="notifications"),
    path("emails/", inbox.emails_page, name="emails"),
]
