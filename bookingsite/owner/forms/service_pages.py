"""A service's page: create and edit."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bookingsite.businesses.models import MAX_DURATION_MINUTES, MIN_DURATION_MINUTES
from bookingsite.lib.locale_formats import currency_symbol_label

from .inputs import INPUT, number


class ServiceForm(forms.Form):
    """A service's fields, named as businesses.services.service_create/service_update take them."""

    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        widget=forms.TextInput(attrs=INPUT),
        error_messages={"required": _("Give the service a name."), "max_length": _("Keep the name under 120 characters.")},
    )
    description = forms.CharField(
        label=_("Description (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Clients read it on your booking page."),
        error_messages={"max_length": _("Keep the description under 2000 characters (it has %(show_value)d).")},
    )
    duration_minutes = number(
        _("Length (minutes)"),
        min_value=MIN_DURATION_MINUTES, max_value=MAX_DURATION_MINUTES,
        too_small=_("A session lasts at least 5 minutes."),
        too_big=_("A session lasts at most 24 hours (1440 minutes)."),
    )
    capacity = number(
        _("Places per session"),
        min_value=1, max_value=1000,
        too_small=_("A service needs at least one place."),
        too_big=_("Keep it under 1000 places."),
        help_text=_("1 for a private session; more for a group."),
    )
    price = forms.DecimalField(
        label=_("Price (optional)"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        widget=forms.NumberInput(attrs={**INPUT, "inputmode": "decimal", "step": "0.01"}),
        error_messages={
            "invalid": _("Enter a price like 35 or 35.50."),
            "min_value": _("The price can’t be negative."),
            "max_digits": _("Keep the price under 1,000,000."),
            "max_whole_digits": _("Keep the price under 1,000,000."),
            "max_decimal_places": _("Use at most 2 decimals."),
        },
    )
    location = forms.CharField(
        label=_("Location (optional)"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs=INPUT),
        help_text=_("Where this service takes place, or its meeting link; empty: your business address."),
        error_messages={"max_length": _("Keep the location under 300 characters.")},
    )
    is_publicly_bookable = forms.BooleanField(
        label=_("Clients can book it on my link"),
        required=False,
        initial=True,
        help_text=_("Off: it stays off your booking page; you can still add sessions of it in the calendar."),
    )
    waitlist_enabled = forms.BooleanField(
        label=_("Waitlist for full sessions"),
        required=False,
        help_text=_(
            "When a session is full, clients can join a waitlist. A freed place is offered to the first in line "
            "and held for them for the time to claim set on your Booking link page."
        ),
    )

    def __init__(self, *args, currency: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if currency:
            # "Price in £ (GBP) (optional)": the symbol the clients will see, and the code to be sure.
            self.fields["price"].label = _("Price in %(currency)s (optional)") % {"currency": currency_symbol_label(currency)}
