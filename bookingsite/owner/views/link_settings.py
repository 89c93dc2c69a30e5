"""The booking link's settings: the link to share, the embed snippet, the rules and the business's details."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bookingsite.businesses.selectors import booking_link_addresses, business_for_settings
from bookingsite.businesses.services import LinkNameTakenError, business_settings_update

from ..access import OwnerRequest, owner_required
from ..forms.errors import add_model_errors
from ..forms.link_settings import BookingLinkSettingsForm, BusinessProfileForm


@require_http_methods(["GET", "POST"])
@owner_required
def settings_page(request: OwnerRequest) -> HttpResponse:
    # Fresh copies: a ModelForm writes what was typed onto its instance even when it is invalid.
    profile = business_for_settings(request.business.pk)
    page = profile.booking_settings
    saved_slug = page.public_booking_slug
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    settings_form = BookingLinkSettingsForm(data, instance=page)
    profile_form = BusinessProfileForm(data, files, instance=profile)
    status = 200
    if request.method == "POST":
        status = 400
        if all([settings_form.is_valid(), profile_form.is_valid()]):
            try:
                business_settings_update(
                    business_profile_id=profile.pk, **profile_form.cleaned_data, **settings_form.cleaned_data
                )
            except LinkNameTakenError as exc:
                settings_form.add_error("public_booking_slug", exc.message)
            except ValidationError as exc:  # the forms check the same rules; this is the backstop
                add_model_errors(settings_form, exc)
            else:
                if settings_form.cleaned_data["public_booking_slug"] != saved_slug:
                    messages.success(
                        request,
                        _("Saved. Your link is now /book/%(slug)s/; the old one redirects to it.")
                        % {"slug": settings_form.cleaned_data["public_booking_slug"]},
                    )
                else:
                    messages.success(request, _("Settings saved."))
                return redirect("owner:settings")
    return render(
        request,
        "owner/settings.html",
        {
            "settings_form": settings_form,
            "profile_form": profile_form,
            "saved_slug": saved_slug,
            "links": booking_link_addresses(saved_slug),
            "feed_url": settings.SITE_URL + reverse("calendar-feed", args=[page.calendar_feed_token]),
            "has_errors": status == 400,
        },
        status=status,
    )
