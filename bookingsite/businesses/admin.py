from django.contrib import admin

from .models import BusinessBookingSettings, BusinessProfile, ExceptionDate, SessionCategory, WorkingHours


class BookingSettingsInline(admin.StackedInline):
    model = BusinessBookingSettings
    can_delete = False


@admin.register(BusinessProfile)
class BusinessProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "timezone", "created_at"]
    search_fields = ["name", "owner__email", "booking_settings__public_booking_slug"]
    inlines = [BookingSettingsInline]
    raw_id_fields = ["owner"]


@admin.register(SessionCategory)
class SessionCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "business_profile", "duration_minutes", "capacity", "is_publicly_bookable", "is_archived"]
    list_filter = ["is_publicly_bookable", "is_archived"]
    search_fields = ["name", "business_profile__name"]


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ["business_profile", "weekday", "start_time", "end_time"]
    list_filter = ["weekday"]


@admin.register(ExceptionDate)
class ExceptionDateAdmin(admin.ModelAdmin):
    list_display = ["business_profile", "date", "start_time", "end_time", "note"]
    date_hierarchy = "date"
