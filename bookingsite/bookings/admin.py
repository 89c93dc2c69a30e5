from django.contrib import admin

from bookingsite.lib.admin import ReadOnlyAdmin

from .models import Booking, BookingStatusChange, Client, Session, WaitlistEntry


# Read-only: a client's or a session's rows take places (attendees), so they change only through
# the booking service, under the business's lock.
@admin.register(Client)
class ClientAdmin(ReadOnlyAdmin):
    list_display = ["name", "email", "phone", "business_profile"]
    search_fields = ["name", "email", "phone"]


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ["session_category", "business_profile", "start_time_utc", "end_time_utc", "created_by_owner"]
    date_hierarchy = "start_time_utc"


class StatusChangeInline(admin.TabularInline):
    model = BookingStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "changed_by", "note", "changed_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    """Read-only: every booking write goes through bookings.services, which keeps the rules."""

    list_display = ["client_name", "session_category", "start_time_utc", "status", "business_profile"]
    list_filter = ["status"]
    search_fields = ["client_name", "client_email"]
    date_hierarchy = "start_time_utc"
    inlines = [StatusChangeInline]


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ReadOnlyAdmin):
    """Read-only: a live offer holds a place, so entries change only through bookings.waitlist."""

    list_display = ["client_name", "session_category", "start_time_utc", "status", "offer_expires_at", "business_profile"]
    list_filter = ["status"]
    search_fields = ["client_name", "client_email"]
    date_hierarchy = "start_time_utc"
