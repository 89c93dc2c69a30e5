"""The busy calendars page: the iCal address of one of the owner's own calendars."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bookingsite.businesses.models import BusyCalendar
from bookingsite.lib.outbound_http import url_refusal

from .inputs import INPUT


class BusyCalendarForm(forms.ModelForm):
    """Checks the address as the import will (http/https, a host whose every address is public), so
    a bad one is refused here rather than failing every ten minutes. webcal:// (Apple's links) is https://."""

    class Meta:
        model = BusyCalendar
        fields = ["url", "name", "show_details"]
        widgets = {
            "url": forms.URLInput(attrs={**INPUT, "placeholder": "https://calendar.example.com/private-….ics"}),
            "name": forms.TextInput(attrs=INPUT),
        }
        help_texts = {
            "url": _("The private iCal (.ics) address your calendar app gives you to share it."),
            "show_details": _("Off: your calendar here shows these times as “Busy” only."),
        }
        error_messages = {"url": {"required": _("Paste the calendar’s iCal address.")}}

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        if url.lower().startswith("webcal://"):
            url = "https://" + url[len("webcal://"):]
        if refusal := url_refusal(url):
            raise forms.ValidationError(refusal)
        return url
