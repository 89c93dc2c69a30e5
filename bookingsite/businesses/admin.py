"""Staff admin: businesses and their availability rows, read-only (the owner's pages and the API
change them through the services, under the business's lock). A whole business may be deleted:
its services, sessions and bookings go with it."""

from django.contrib import admin

from bookingsite.lib.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import BusinessBookingSettings, BusinessProfile, ExceptionDate, SessionCategory, WorkingHours


class BookingSettingsInline(ReadOnlyInline):
    model = BusinessBookingSettings


@admin.register(BusinessProfile)
class BusinessProfileAdmin(admin.ModelAdmin):
    """View and delete only: the owner edits the business on their settings page."""

    list_display = ["name", "owner", "timezone", "created_at"]
    search_fields = ["name", "owner__email", "booking_settings__public_booking_slug"]
    inlines = [BookingSettingsInline]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SessionCategory)
class SessionCategoryAdmin(ReadOnlyAdmin):
    list_display = ["name", "business_profile", "duration_minutes", "capacity", "is_publicly_bookable", "is_archived"]
    list_filter = ["is_publicly_bookable", "is_archived"]
    search_fields = ["name", "business_profile__name"]


@admin.register(WorkingHours)
class WorkingHoursAdmin(ReadOnlyAdmin):
    list_display = ["business_profile", "weekday", "start_time", "end_time"]
    list_filter = ["weekday"]


@admin.register(ExceptionDate)
class ExceptionDateAdmin(ReadOnlyAdmin):
    list_display = ["business_profile", "date", "start_time", "end_time", "note"]
    date_hierarchy = "date"
