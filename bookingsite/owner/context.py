from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def owner_nav(request: HttpRequest) -> dict:
    """The pending count for the owner's nav badge; counted only when a template shows it."""
    business = getattr(request, "business", None)
    if business is None:
        return {}
    from bookingsite.bookings.lists import pending_count

    return {"pending_count": SimpleLazyObject(lambda: pending_count(business.pk))}
