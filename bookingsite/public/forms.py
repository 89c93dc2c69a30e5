"""Forms that read what a client sends: query strings of the availability pages and JSON."""

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from bookingsite.businesses.validators import validate_timezone

MAX_RANGE_DAYS = 62
DATE_FORMAT = "%Y-%m-%d"


class AvailabilityQueryForm(forms.Form):
    """`session_category_id`, the client's `start_date`..`end_date` (inclusive) and time zone."""

    session_category_id = forms.IntegerField(
        min_value=1, max_value=2**63 - 1, error_messages={"required": _("Choose a service."), "invalid": _("Give the service's number.")}
    )
    start_date = forms.DateField(input_formats=[DATE_FORMAT], error_messages={"invalid": _("Give a real date as YYYY-MM-DD.")})
    end_date = forms.DateField(input_formats=[DATE_FORMAT], error_messages={"invalid": _("Give a real date as YYYY-MM-DD.")})
    client_timezone = forms.CharField(required=False, max_length=64, validators=[validate_timezone])

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end:
            if start > end:
                self.add_error("end_date", _("The end date must not be before the start date."))
            elif end - start >= timedelta(days=MAX_RANGE_DAYS):
                self.add_error("end_date", _("Ask for at most %(days)d days at a time.") % {"days": MAX_RANGE_DAYS})
        return data


def error_messages(form: forms.Form) -> dict[str, list[str]]:
    """A form's errors as {"field": ["message", ...]}, the shape of every JSON error here."""
    return {field: [str(message) for message in messages] for field, messages in form.errors.items()}
