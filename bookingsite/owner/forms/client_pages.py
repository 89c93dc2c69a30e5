"""The clients list's search and one client's details."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bookingsite.lib.phone import parse_phone

from .inputs import TallInputsForm


class ClientSearchForm(TallInputsForm):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, email or phone"), "autocomplete": "off"}),
    )


class ClientForm(TallInputsForm):
    """A client's details as `services.client_update` takes them; the phone is read as E.164."""

    name = forms.CharField(label=_("Name"), max_length=120)
    email = forms.EmailField(label=_("Email"), max_length=254)
    phone = forms.CharField(
        label=_("Phone"), required=False, max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
        help_text=_("Leave empty if you don't have it."),
    )

    def __init__(self, *args, country: str = "", current_phone: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.country = country
        self.current_phone = current_phone

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter the client's name."), code="required")
        return name

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        if raw and raw == self.current_phone:
            return raw  # unchanged: editing the name must not trip over a number saved under older rules
        return parse_phone(raw, self.country) if raw else ""
