"""Reads of businesses and their services. Views and the API call these, never the ORM directly."""

from dataclasses import dataclass
from datetime import date as date_type
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils.html import escape
from django.utils.translation import gettext as _

from .models import (
    BusinessBookingSettings,
    BusinessProfile,
    BusyCalendar,
    ExceptionDate,
    RetiredSlug,
    SessionCategory,
    WorkingHours,
)


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


def public_services_of_any_business() -> QuerySet[SessionCategory]:
    return SessionCategory.objects.filter(is_publicly_bookable=True, is_archived=False).order_by("position", "name", "pk")


def public_services(business_profile_id: int) -> QuerySet[SessionCategory]:
    """The services a client may book on the business's link, in the owner's order."""
    return public_services_of_any_business().filter(business_profile_id=business_profile_id)


def public_service_on_active_page(slug: str, service_id: int) -> SessionCategory | None:
    """A bookable service of the active booking link `slug`, with its business and link settings
    (`service.business_profile.booking_settings`) in the same query; else None."""
    return (
        public_services_of_any_business()
        .select_related("business_profile__booking_settings")
        .filter(
            pk=service_id,
            business_profile__booking_settings__public_booking_slug=slug.lower(),
            business_profile__booking_settings__is_booking_page_active=True,
        )
        .first()
    )


# --- The owner's setup pages: link settings, services, working hours, exception dates. ---------


@dataclass(frozen=True)
class BookingLinkAddresses:
    """Where a business's booking page lives, and the snippets that put it on another site."""

    public_url: str
    subdomain_url: str
    embed_script: str
    embed_iframe: str


def booking_link_addresses(slug: str) -> BookingLinkAddresses:
    """The link, the subdomain link and the embed snippets for a slug, from SITE_URL and BOOKING_ROOT_DOMAIN."""
    site = urlsplit(settings.SITE_URL)
    scheme = site.scheme or "https"
    port = f":{site.port}" if site.port and site.port != {"http": 80, "https": 443}.get(scheme) else ""
    public_url = f"{settings.SITE_URL}/book/{slug}/"
    return BookingLinkAddresses(
        public_url=public_url,
        subdomain_url=f"{scheme}://{slug}.{settings.BOOKING_ROOT_DOMAIN}{port}/",
        embed_script=f'<script src="{settings.SITE_URL}/static/embed.js" data-slug="{slug}" async></script>',
        embed_iframe=(
            f'<iframe src="{public_url}" loading="lazy" style="width:100%;min-height:700px;border:0" '
            f'title="{escape(_("Book online"))}"></iframe>'
        ),
    )


def business_for_settings(business_profile_id: int) -> BusinessProfile:
    """A fresh copy of the business with its link settings, for the settings forms to edit.

    A fresh copy, not `request.business`: a ModelForm writes the submitted values onto its instance
    even when they are invalid, and the page's header must keep showing the saved name.
    """
    return BusinessProfile.objects.select_related("booking_settings").get(pk=business_profile_id)


def owner_services(business_profile_id: int) -> QuerySet[SessionCategory]:
    """All the business's services, archived too; the scope for an owner's get_object_or_404."""
    return SessionCategory.objects.filter(business_profile_id=business_profile_id)


def service_choices(business_profile_id: int, *, include_archived: bool = False) -> QuerySet[SessionCategory]:
    """The business's services in their page order: the choices of the bookings filter and the session form."""
    services = owner_services(business_profile_id)
    if not include_archived:
        services = services.filter(is_archived=False)
    return services.order_by("is_archived", "position", "name")


def working_hours_list(business_profile_id: int) -> list[WorkingHours]:
    """The weekly blocks, Monday first, each day's blocks in time order."""
    return list(WorkingHours.objects.filter(business_profile_id=business_profile_id).order_by("weekday", "start_time"))


def owner_exception_dates(business_profile_id: int) -> QuerySet[ExceptionDate]:
    """All the business's exception rows; the scope for an owner's get_object_or_404."""
    return ExceptionDate.objects.filter(business_profile_id=business_profile_id)


@dataclass(frozen=True)
class ExceptionDay:
    date: date_type
    closed: bool
    rows: list[ExceptionDate]  # the closing row, or the day's blocks in time order


def coming_exception_days(business_profile_id: int, *, today: date_type, limit: int | None = None) -> list[ExceptionDay]:
    """Exception dates from `today` (the business's today) on, one entry per date; past ones are left out."""
    rows = owner_exception_dates(business_profile_id).filter(date__gte=today).order_by("date", "start_time", "pk")
    days: dict[date_type, list[ExceptionDate]] = {}
    for row in rows:
        if limit is not None and row.date not in days and len(days) >= limit:
            break
        days.setdefault(row.date, []).append(row)
    return [ExceptionDay(date=day, closed=any(r.is_closed for r in items), rows=items) for day, items in days.items()]


def owner_busy_calendars(business_profile_id: int) -> QuerySet[BusyCalendar]:
    """The business's busy calendars, oldest first, each with `busy_count` (its intervals stored)."""
    return (
        BusyCalendar.objects.filter(business_profile_id=business_profile_id)
        .annotate(busy_count=Count("intervals"))
        .order_by("created_at", "pk")
    )

