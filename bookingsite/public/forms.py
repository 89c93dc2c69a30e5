"""Forms that read what a client sends: query strings of the availability pages and JSON."""

from datetime import UTC, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from bookingsite.bookings.forms import BookingDetailsForm
from bookingsite.businesses.validators import validate_timezone

MAX_RANGE_DAYS = 62
DATE_FORMAT = "%Y-%m-%d"


EARLIEST_YEAR, LATEST_YEAR = 1970, 2200


def _plausible(day):
    """Calendar dates a booking could concern; year 1 or 9999 would overflow time zone maths."""
    if day is not None and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise forms.ValidationError(
            _("Give a date between %(first)d and %(last)d.") % {"first": EARLIEST_YEAR, "last": LATEST_YEAR}
        )
    return day


class AvailabilityQueryForm(forms.Form):
    """`session_category_id`, the client's `start_date`..`end_date` (inclusive) and time zone."""

    session_category_id = forms.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        error_messages={"required": _("Choose a service."), "invalid": _("Give the service's number.")},
    )
    start_date = forms.DateField(input_formats=[DATE_FORMAT], error_messages={"invalid": _("Give a real date as YYYY-MM-DD.")})
    end_date = forms.DateField(input_formats=[DATE_FORMAT], error_messages={"invalid": _("Give a real date as YYYY-MM-DD.")})
    client_timezone = forms.CharField(required=False, max_length=64, validators=[validate_timezone])

    def clean_start_date(self):
        return _plausible(self.cleaned_data["start_date"])

    def clean_end_date(self):
        return _plausible(self.cleaned_data["end_date"])

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end:
            if start > end:
                self.add_error("end_date", _("The end date must not be before the start date."))
            elif end - start >= timedelta(days=MAX_RANGE_DAYS):
                self.add_error("end_date", _("Ask for at most %(days)d days at a time.") % {"days": MAX_RANGE_DAYS})
        return data


class BookingForm(BookingDetailsForm):
    """The page's form: the details plus the signed token and a honeypot for bots."""

    token = forms.CharField(widget=forms.HiddenInput)
    # People never see this field; a bot that fills every input gives itself away.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("This booking could not be sent."), code="honeypot")
        return ""


START_TIME_UTC_INVALID = _("Give the start as an ISO 8601 time in UTC, e.g. 2027-02-01T22:00:00Z.")


class BookingRequestForm(BookingDetailsForm):
    """The JSON booking request (DESIGN.md 6): the details plus the service, the slot and the zone."""

    session_category_id = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    # ISO 8601; a time without an offset is read as UTC, as the field's name says.
    start_time_utc = forms.DateTimeField(error_messages={"invalid": START_TIME_UTC_INVALID})
    client_timezone = forms.CharField(max_length=64, validators=[validate_timezone])


class MoveRequestForm(forms.Form):
    """A booking's new start, as the JSON sends it: the manage link's move and the owner API's."""

    # ISO 8601; a time without an offset is read as UTC, as the field's name says.
    start_time_utc = forms.DateTimeField(
        error_messages={"required": _("Give the new start time."), "invalid": START_TIME_UTC_INVALID}
    )

    def clean_start_time_utc(self):
        # The year before the conversion: 9999-12-31T23:59-05:00 is past what a datetime holds in UTC.
        return _plausible(self.cleaned_data["start_time_utc"]).astimezone(UTC)
