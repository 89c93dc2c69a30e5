"""Forms of the owner's day-to-day pages: bookings, clients and the calendar.

Every date and time an owner types or reads is a wall-clock value in the business's zone; these
forms turn them into UTC instants for the selectors and services.
"""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bookingsite.availability import engine
from bookingsite.bookings.models import Booking
from bookingsite.businesses.models import BusinessProfile, SessionCategory
from bookingsite.lib.phone import parse_phone

MAX_CALENDAR_RANGE_DAYS = 62


class TallInputsForm(forms.Form):
    """crispy-tailwind's inputs are 40px high; touch targets want 44 (selects are written out by hand)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "min-h-11"


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SessionCategory) -> str:
        return f"{obj.name} (archived)" if obj.is_archived else obj.name


class BookingFilterForm(TallInputsForm):
    """The bookings list's filters (a GET form): every field optional, dates in the business zone."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Client name or email"), "autocomplete": "off"}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *Booking.Status.choices])
    service = ServiceChoiceField(label=_("Service"), required=False, queryset=SessionCategory.objects.none(), empty_label=_("Any service"))
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
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


class AdminCancelForm(TallInputsForm):
    reason = forms.CharField(
        label=_("Reason (optional, the client sees it)"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


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


class CalendarRangeForm(forms.Form):
    """The `start` and `end` FullCalendar asks events for.

    The calendar runs in UTC as a stand-in for the business's wall clock (see static/js/calendar.js),
    so it sends e.g. `2026-11-30T00:00:00Z` meaning midnight of 30 Nov in the business: the
    wall-clock part is what counts, and any offset is ignored. A plain date works too.
    """

    start = forms.CharField(max_length=40, error_messages={"required": _("Give a start, e.g. 2026-11-30.")})
    end = forms.CharField(max_length=40, error_messages={"required": _("Give an end, e.g. 2027-01-11.")})

    def __init__(self, *args, business: BusinessProfile, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(business.timezone)

    def _wall_clock(self, field: str) -> datetime:
        raw = self.cleaned_data[field].strip().replace(" ", "+")  # an unencoded "+01:00" arrives as " 01:00"
        if raw.endswith(("Z", "z")):
            raw = raw[:-1]
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise forms.ValidationError(_("Give an ISO 8601 date or date and time, e.g. 2026-11-30T00:00:00."), code="invalid")
        wall = value.replace(tzinfo=None)
        if not 2000 <= wall.year <= 2200:
            raise forms.ValidationError(_("Give a date between the years 2000 and 2200."), code="invalid")
        return engine.to_instant(wall.date(), wall.time(), self.zone)

    def clean_start(self) -> datetime:
        return self._wall_clock("start")

    def clean_end(self) -> datetime:
        return self._wall_clock("end")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end <= start:
                self.add_error("end", _("The end must be after the start."))
            elif end - start > timedelta(days=MAX_CALENDAR_RANGE_DAYS, hours=2):  # + a DST shift or two
                self.add_error("end", _("Ask for at most %(days)d days at a time.") % {"days": MAX_CALENDAR_RANGE_DAYS})
        return data


class SessionCreateForm(TallInputsForm):
    """A session the owner adds by hand: service, date and start in the business's zone."""

    service = forms.ModelChoiceField(label=_("Service"), queryset=SessionCategory.objects.none(), empty_label=None)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start_time = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"))

    def __init__(self, *args, business: BusinessProfile, services: QuerySet[SessionCategory], **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(business.timezone)
        self.fields["service"].queryset = services
        self.fields["start_time"].help_text = _("In %(zone)s time.") % {"zone": business.timezone.replace("_", " ")}

    def clean(self):
        data = super().clean()
        day, wall = data.get("date"), data.get("start_time")
        if day and not 2000 <= day.year <= 2200:
            self.add_error("date", _("Give a date between the years 2000 and 2200."))
        elif day and wall:
            local = datetime.combine(day, wall.replace(tzinfo=None, fold=0), self.zone)
            start_utc = local.astimezone(dt_timezone.utc)
            # A time the clocks skip (spring forward) does not come back unchanged from UTC.
            if start_utc.astimezone(self.zone).replace(tzinfo=None) != local.replace(tzinfo=None):
                self.add_error(
                    "start_time",
                    _("%(time)s does not exist on %(day)s: the clocks go forward then. Pick another time.")
                    % {"time": wall.strftime("%H:%M"), "day": day.strftime("%a %d %b")},
                )
            else:
                # An ambiguous time (clocks going back) is its first occurrence, as in DESIGN.md 4.1.
                data["start_time_utc"] = start_utc
        return data
