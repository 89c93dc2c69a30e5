"""The owner's services as the services page lists them."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from bookingsite.businesses.models import SessionCategory

from ..models import Booking, Session


@dataclass(frozen=True)
class ServiceListing:
    active: list[SessionCategory]  # in the order clients see them
    archived: list[SessionCategory]


def service_listing(business_profile_id: int) -> ServiceListing:
    """The owner's services, active and archived; each has `in_use` (it has bookings or sessions)."""
    rows = (
        SessionCategory.objects.filter(business_profile_id=business_profile_id)
        .annotate(
            in_use=Exists(Booking.objects.filter(session_category=OuterRef("pk")))
            | Exists(Session.objects.filter(session_category=OuterRef("pk")))
        )
        .order_by("position", "name", "pk")
    )
    active, archived = [], []
    for row in rows:
        (archived if row.is_archived else active).append(row)
    return ServiceListing(active=active, archived=archived)
