"""The calendar's event range and the session the owner adds by hand.

Every date and time an owner types or reads is a wall-clock value in the business's zone; these
forms turn them into UTC instants.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bookingsite.availability import engine
from bookingsite.businesses.models import BusinessProfile, SessionCategory
from bookingsite.businesses.zone_names import zone_time_name
from bookingsite.lib.locale_formats import format_date, format_time

from .inputs import EARLIEST_YEAR, LATEST_YEAR, TallInputsForm

MAX_CALENDAR_RANGE_DAYS = 62


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
            raise forms.ValidationError(
                _("Give an ISO 8601 date or date and time, e.g. 2026-11-30T00:00:00."), code="invalid"
            ) from None
        wall = value.replace(tzinfo=None)
        if not EARLIEST_YEAR <= wall.year <= LATEST_YEAR:
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


def occurrence_field() -> forms.ChoiceField:
    """Which of the two wall-clock times an ambiguous start means (the hour the clocks go back):
    asked only then, and shown by the form's template from `form.occurrences`."""
    return forms.ChoiceField(
        label=_("Which one?"), required=False, widget=forms.RadioSelect,
        choices=[("first", _("The first")), ("second", _("The second"))],
    )


class SessionCreateForm(TallInputsForm):
    """A session the owner adds by hand: service, date and start in the business's zone."""

    service = forms.ModelChoiceField(label=_("Service"), queryset=SessionCategory.objects.none(), empty_label=None)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start_time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")
    )
    occurrence = occurrence_field()
    occurrences: tuple[str, ...] = ()  # both readings of an ambiguous start, once clean() met one

    def __init__(self, *args, business: BusinessProfile, services: QuerySet[SessionCategory], **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(business.timezone)
        self.fields["service"].queryset = services
        self.fields["start_time"].help_text = _("In %(zone)s.") % {"zone": zone_time_name(business.timezone)}

    def clean(self):
        data = super().clean()
        add_start_time_utc(self, data)
        return data


def add_start_time_utc(form: forms.Form, data: dict) -> None:
    """Turn the form's `date` and `start_time` (wall clock in `form.zone`) into data["start_time_utc"],
    or add the error that says why that time does not exist or which of two it is asked to be.

    A time the clocks skip is refused. A time that happens twice (clocks going back) needs the
    form's `occurrence` answer: until it has one, `form.occurrences` names both for the template.
    """
    day, wall = data.get("date"), data.get("start_time")
    form.occurrences = ()
    if day and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        form.add_error("date", _("Give a date between the years 2000 and 2200."))
    elif day and wall:
        first = datetime.combine(day, wall.replace(tzinfo=None, fold=0), form.zone)
        second = first.replace(fold=1)
        start_utc = first.astimezone(UTC)
        # A time the clocks skip (spring forward) does not come back unchanged from UTC.
        if start_utc.astimezone(form.zone).replace(tzinfo=None) != first.replace(tzinfo=None):
            form.add_error(
                "start_time",
                _("%(time)s does not exist on %(day)s: the clocks go forward then. Pick another time.")
                % {"time": format_time(wall), "day": format_date(day, "short_date")},
            )
        elif first.utcoffset() == second.utcoffset():
            data["start_time_utc"] = start_utc
        elif data.get("occurrence") in ("first", "second"):
            data["start_time_utc"] = (first if data["occurrence"] == "first" else second).astimezone(UTC)
        else:
            form.occurrences = tuple(
                f"{format_time(moment)} {moment.tzname()} (UTC{_offset(moment)})" for moment in (first, second)
            )
            form.add_error(
                "start_time",
                _("%(time)s happens twice on %(day)s: the clocks go back an hour. Choose which one below.")
                % {"time": format_time(wall), "day": format_date(day, "short_date")},
            )


def _offset(moment: datetime) -> str:
    minutes = int(moment.utcoffset().total_seconds()) // 60
    return f"{'+' if minutes >= 0 else '−'}{abs(minutes) // 60}" + (f":{abs(minutes) % 60:02d}" if minutes % 60 else "")
