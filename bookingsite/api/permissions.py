from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from bookingsite.businesses.models import BusinessProfile


class IsBusinessOwner(BasePermission):
    """A valid token of a user who owns a business; `request.business` is then the scope of every query.

    No token (or a bad one) is 401, a user without a business 403.
    """

    message = _("This account has no business.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            return False
        business = BusinessProfile.objects.select_related("booking_settings").filter(owner=user).first()
        if business is None:
            return False
        request.business = business
        return True
