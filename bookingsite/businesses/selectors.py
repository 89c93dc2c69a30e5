"""Reads of businesses and their services. Views and the API call these, never the ORM directly."""

from django.db.models import QuerySet

from .models import BusinessBookingSettings, RetiredSlug, SessionCategory


def booking_pages() -> QuerySet[BusinessBookingSettings]:
    """Every booking link with its business, active or not; the caller picks one by slug."""
    return BusinessBookingSettings.objects.select_related("business_profile")


def booking_page_by_slug(slug: str) -> BusinessBookingSettings | None:
    """The booking link for a slug in any case, or None."""
    return booking_pages().filter(public_booking_slug=slug.lower()).first()


def current_slug_for_retired(slug: str) -> str | None:
    """The current link name of the business that once used this one, or None."""
    return (
        RetiredSlug.objects.filter(slug=slug.lower())
        .values_list("business_profile__booking_settings__public_booking_slug", flat=True)
        .first()
    )


def public_services(business_profile_id: int) -> QuerySet[SessionCategory]:
    """The services a client may book on the business's link, in the owner's order."""
    return SessionCategory.objects.filter(
        business_profile_id=business_profile_id, is_publicly_bookable=True, is_archived=False
    ).order_by("position", "name", "pk")
