from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def owner_nav(request: HttpRequest) -> dict:
    """The counts on the owner's nav badges; each counted only when a template shows it."""
    business = getattr(request, "business", None)
    if business is None:
        return {}
    from bookingsite.bookings.selectors.bookings import pending_count
    from bookingsite.notifications.selectors import unread_count

    return {
        "pending_count": SimpleLazyObject(lambda: pending_count(business.pk)),
        "unread_count": SimpleLazyObject(lambda: unread_count(business.pk)),
    }
