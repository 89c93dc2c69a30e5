from django.contrib import admin

from .models import Booking, BookingStatusChange, Client, Session


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "phone", "business_profile"]
    search_fields = ["name", "email", "phone"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["session_category", "business_profile", "start_time_utc", "end_time_utc", "created_by_owner"]
    date_hierarchy = "start_time_utc"
    filter_horizontal = ["attendees"]


class StatusChangeInline(admin.TabularInline):
    model = BookingStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "changed_by", "note", "changed_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read-only: every booking write goes through bookings.services, which keeps the rules."""

    list_display = ["client_name", "session_category", "start_time_utc", "status", "business_profile"]
    list_filter = ["status"]
    search_fields = ["client_name", "client_email"]
    date_hierarchy = "start_time_utc"
    inlines = [StatusChangeInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
