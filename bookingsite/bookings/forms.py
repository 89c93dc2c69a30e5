"""The client's details as the booking service takes them: one form behind the public booking
page, its JSON and the owner's phone booking, so each checks them the same way."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bookingsite.lib.phone import parse_phone


class BookingDetailsForm(forms.Form):
    """The client's details, as the booking service takes them."""

    client_name = forms.CharField(label=_("Your name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    client_email = forms.EmailField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    client_phone = forms.CharField(
        label=_("Phone"), max_length=40, widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel", "inputmode": "tel"})
    )
    notes = forms.CharField(
        label=_("Notes (optional)"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, country: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.country = country

    def clean_client_name(self) -> str:
        return " ".join(self.cleaned_data["client_name"].split())

    def clean_client_phone(self) -> str:
        return parse_phone(self.cleaned_data["client_phone"], self.country)
