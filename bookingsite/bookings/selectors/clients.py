"""The owner's clients. Always scoped to one business."""

from django.db.models import Count, Q, QuerySet

from ..models import Client


def owner_clients(business_profile_id: int, text: str = "") -> QuerySet[Client]:
    """The business's clients by name, those whose name, email or phone holds `text` if given;
    the scope for an owner's get_object_or_404."""
    clients = Client.objects.filter(business_profile_id=business_profile_id)
    if text:
        clients = clients.filter(Q(name__icontains=text) | Q(email__icontains=text) | Q(phone__icontains=text))
    return clients.order_by("name")


def client_search(business_profile_id: int, text: str = "") -> QuerySet[Client]:
    """The clients list: `owner_clients` with `booking_count` on each row."""
    return owner_clients(business_profile_id, text).annotate(booking_count=Count("bookings"))
