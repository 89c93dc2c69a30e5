"""The bookings list's filters, and the owner's cancel and move forms.

Dates the owner types are the business's; the filters turn them into UTC instants by the
engine's day rule.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bookingsite.availability import engine
from bookingsite.bookings.models import Booking
from bookingsite.businesses.models import BusinessProfile, SessionCategory
from bookingsite.businesses.zone_names import zone_time_name

from .calendar_pages import add_start_time_utc, occurrence_field
from .inputs import TallInputsForm


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SessionCategory) -> str:
        return _("%(name)s (archived)") % {"name": obj.name} if obj.is_archived else obj.name


class BookingFilterForm(TallInputsForm):
    """The bookings list's filters (a GET form): every field optional, dates in the business zone."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Client name or email"), "autocomplete": "off"}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *Booking.Status.choices])
    service = ServiceChoiceField(
        label=_("Service"), required=False, queryset=SessionCategory.objects.none(), empty_label=_("Any service"),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, business: BusinessProfile, services: QuerySet[SessionCategory], **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(business.timezone)
        self.fields["service"].queryset = services

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data

    def search_arguments(self) -> dict:
        """The keyword arguments of `bookings.selectors.bookings.booking_search`; `date_to` is inclusive."""
        data = self.cleaned_data
        service = data.get("service")
        return {
            "status": data.get("status") or "",
            "service_id": service.pk if service else None,
            "start": engine.day_start(data["date_from"], self.zone) if data.get("date_from") else None,
            "end": engine.day_start(data["date_to"] + timedelta(days=1), self.zone) if data.get("date_to") else None,
            "text": " ".join(data.get("q", "").split()),
        }


class BookingListForm(BookingFilterForm):
    """The bookings page's filters and its tab: "upcoming" or "past". Without one it is "upcoming",
    unless the dates asked for are all over (a link to a past day's list opens on what it holds)."""

    when = forms.ChoiceField(
        label=_("Show"), required=False, choices=[("upcoming", _("Upcoming")), ("past", _("Past"))], widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Choose Upcoming or Past.")},
    )

    def tab(self, now: datetime) -> str:
        if when := self.cleaned_data.get("when"):
            return when
        end = self.search_arguments()["end"]
        return "past" if end is not None and end <= now else "upcoming"


class AdminCancelForm(TallInputsForm):
    reason = forms.CharField(
        label=_("Reason (optional, the client sees it)"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MoveForm(TallInputsForm):
    """A new time for a booking: a date and start in the business's zone, typed or picked from the
    free times; `allow_clash` once the owner has seen the clash and chosen to move it anyway."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start_time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")
    )
    allow_clash = forms.BooleanField(required=False, widget=forms.HiddenInput)
    occurrence = occurrence_field()
    occurrences: tuple[str, ...] = ()  # both readings of an ambiguous start, once clean() met one

    def __init__(self, *args, business: BusinessProfile, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(business.timezone)
        self.fields["start_time"].help_text = _("In %(zone)s.") % {"zone": zone_time_name(business.timezone)}

    def clean(self):
        data = super().clean()
        add_start_time_utc(self, data)
        return data
