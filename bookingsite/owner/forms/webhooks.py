"""The webhooks page: an endpoint's address, its note, and whether it receives events."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bookingsite.webhooks.services import webhook_url_refusal

from .inputs import TallInputsForm


class WebhookEndpointForm(TallInputsForm):
    url = forms.URLField(
        label=_("Endpoint URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An https:// address of yours that accepts POST requests."),
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/hooks/bookings", "inputmode": "url"}),
        error_messages={
            "required": _("Enter the address that receives the events."),
            "invalid": _("Enter a full web address, like https://example.com/hooks."),
            "max_length": _("Keep the address under 500 characters."),
        },
    )
    description = forms.CharField(
        label=_("Note (only you see it)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Zapier")}),
        error_messages={"max_length": _("Keep the note under 200 characters.")},
    )
    is_active = forms.BooleanField(
        label=_("Send events to this endpoint"),
        required=False,
        initial=True,
        help_text=_("Switched off after 3 days of failed deliveries; switch it back on here."),
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if refusal := webhook_url_refusal(url):
            raise ValidationError(refusal)
        return url
