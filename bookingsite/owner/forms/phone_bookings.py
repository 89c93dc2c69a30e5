"""The owner's phone booking: a new client's details, and the time, notes and email choice.

The client's details are checked by the public booking form's own rules (bookings.forms); the
time the owner types is the business's wall clock, read as the calendar's session form reads it.
"""

from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from bookingsite.bookings.forms import BookingDetailsForm
from bookingsite.businesses.models import BusinessProfile
from bookingsite.businesses.zone_names import zone_time_name

from .calendar_pages import add_start_time_utc, occurrence_field
from .inputs import TallInputsForm


class NewClientForm(TallInputsForm, BookingDetailsForm):
    """A client the owner books for the first time: name, email and phone as a client types them
    on the booking page (the notes are the booking's, in PhoneBookingForm)."""

    notes = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client_name"].label = _("Client’s name")
        self.fields["client_email"].widget.attrs["autocomplete"] = "off"
        self.fields["client_name"].widget.attrs["autocomplete"] = "off"
        self.fields["client_phone"].widget.attrs["autocomplete"] = "off"


class PhoneBookingForm(TallInputsForm):
    """The day to show free times for, or to book at `start_time` on ("any time", in the business's
    zone, asking which one when the clocks go back); the booking's notes, whether to email the
    client, and the form's one-time key."""

    date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start_time = forms.TimeField(
        label=_("Starts at"), required=False, widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")
    )
    occurrence = occurrence_field()
    notes = forms.CharField(
        label=_("Notes (optional)"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    email_client = forms.BooleanField(
        label=_("Email the client a confirmation"), required=False,
        help_text=_("With the time, a calendar file and their link to cancel."),
    )
    once_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    occurrences: tuple[str, ...] = ()  # both readings of an ambiguous start, once clean() met one

    def __init__(self, *args, business: BusinessProfile, any_time: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(business.timezone)
        self.any_time = any_time
        self.fields["start_time"].help_text = _("In %(zone)s.") % {"zone": zone_time_name(business.timezone)}

    def clean(self):
        data = super().clean()
        if self.any_time:
            if not data.get("date") and "date" not in self.errors:
                self.add_error("date", _("Pick the date to book."))
            if not data.get("start_time") and "start_time" not in self.errors:
                self.add_error("start_time", _("Give the time the booking starts."))
            add_start_time_utc(self, data)
        return data
