"""The exception dates page: close a date, or give it blocks of special hours."""

from datetime import date as calendar_date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bookingsite.businesses.models import ExceptionDate

from .inputs import INPUT

TIME_INPUT = forms.TimeInput(attrs={**INPUT, "type": "time"}, format="%H:%M")


class ExceptionDateForm(forms.ModelForm):
    """Close a date (or every date to `last_date`), or give it one block of special hours;
    ExceptionDate.clean() checks the date's other rows.

    The submit button says which: `kind=closed` takes no times, `kind=hours` needs both.
    """

    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={**INPUT, "type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Choose a date."), "invalid": _("Enter a date like 2026-12-24.")},
    )
    last_date = forms.DateField(
        label=_("Last day (to close several days in a row)"),
        required=False,
        widget=forms.DateInput(attrs={**INPUT, "type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date like 2027-01-02.")},
    )
    start_time = forms.TimeField(
        label=_("From"),
        required=False,
        widget=TIME_INPUT,
        error_messages={"invalid": _("Enter a time like 09:00.")},
    )
    end_time = forms.TimeField(
        label=_("To"),
        required=False,
        widget=TIME_INPUT,
        error_messages={"invalid": _("Enter a time like 13:00.")},
    )
    note = forms.CharField(
        label=_("Note (only you see it)"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={**INPUT, "placeholder": _("e.g. Bank holiday")}),
        error_messages={"max_length": _("Keep the note under 120 characters.")},
    )

    class Meta:
        model = ExceptionDate
        fields = ["date", "start_time", "end_time", "note"]

    def __init__(self, *args, today: calendar_date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["date"].widget.attrs["min"] = today.isoformat()
        self.fields["last_date"].widget.attrs["min"] = today.isoformat()

    def clean_date(self) -> calendar_date:
        day = self.cleaned_data["date"]
        if day < self.today:
            raise ValidationError(_("Choose today or a later date."))
        return day

    def closes_a_range(self) -> bool:
        data = self.cleaned_data
        return self.data.get("kind") == "closed" and bool(data.get("last_date")) and data["last_date"] != data.get("date")

    def _post_clean(self):
        # The model's clean() reads the date's other rows; with a field already wrong its
        # verdict would only repeat or confuse the field's own message, so it waits. A range is
        # checked as a whole by the service (a day in it already closed is no mistake).
        if not self._errors and not self.closes_a_range():
            super()._post_clean()

    def clean(self):
        data = super().clean()
        kind = self.data.get("kind", "")
        if kind == "closed":
            # Times typed and then "Close" (or Enter, which presses the first button) is more
            # likely a slip than a wish to throw them away: ask rather than close the day.
            if self.data.get("start_time") or self.data.get("end_time"):
                self.errors.pop("start_time", None)
                self.errors.pop("end_time", None)
                self.add_error("start_time", _("Clear the times to close the whole day, or choose “Open only these hours”."))
            data["start_time"] = data["end_time"] = None
            first, last = data.get("date"), data.get("last_date")
            if first and last and last < first:
                self.add_error("last_date", _("The last day must be on or after the first."))
        elif kind == "hours":
            if data.get("last_date") and data["last_date"] != data.get("date"):
                self.add_error("last_date", _("Special hours are for one date at a time; clear the last day."))
            for field, message in (
                ("start_time", _("Give the start of the special hours.")),
                ("end_time", _("Give the end of the special hours.")),
            ):
                if data.get(field) is None and field not in self.errors:
                    self.add_error(field, message)
        return data
