"""Who may see an owner page: a logged-in user with a business, and only that business's rows."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from bookingsite.businesses.models import BusinessProfile
from bookingsite.lib.languages import use_language


class OwnerRequest(HttpRequest):
    business: BusinessProfile


def owner_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Log in first; then `request.business` is the user's business, the scope of every query,
    and the page is in the business's language (DESIGN.md 12).

    The pages show clients' names, emails and phones: never_cache, so no shared cache keeps them."""

    @never_cache
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        business = BusinessProfile.objects.select_related("booking_settings").filter(owner=request.user).first()
        if business is None:
            return render(request, "owner/no_business.html", status=403)
        request.business = business
        # The owner's pages in the language they chose (DESIGN.md 12), formatted with the business's zone and clock.
        use_language(request, business.language, business)
        return view(request, *args, **kwargs)

    return wrapped
