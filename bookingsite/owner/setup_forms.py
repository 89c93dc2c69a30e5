"""Forms of the owner's setup pages: link settings, services, working hours, exception dates.

Every limit has its own sentence, shown next to its field; the models' validators say the same
numbers and the services run them again (full_clean) before they save.
"""

import re
import secrets
from datetime import date as calendar_date, time
from functools import cache

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from phonenumbers.geocoder import country_name_for_number

from bookingsite.businesses.models import (
    MAX_BUFFER_MINUTES,
    MAX_DURATION_MINUTES,
    MAX_EXPIRY_HOURS,
    MAX_HORIZON_DAYS,
    MAX_NOTICE_MINUTES,
    MIN_DURATION_MINUTES,
    BusinessBookingSettings,
    BusinessProfile,
    ExceptionDate,
    WorkingHours,
)
from bookingsite.businesses.services import blocks_problems, slug_is_free
from bookingsite.businesses.validators import validate_not_reserved_slug, validate_timezone

from .forms import timezone_choices

INPUT = {"class": "min-h-11"}  # crispy-tailwind adds its own classes; this keeps touch targets 44 px
TIME_INPUT = forms.TimeInput(attrs={**INPUT, "type": "time"}, format="%H:%M")
# The week editor lays its rows out by hand (two times on one line), so its inputs carry the whole look.
# On a phone the two times and "Remove" share one line: the inputs shrink, and drop the desktop
# picker icon that touch browsers don't draw anyway.
ROW_TIME_INPUT = forms.TimeInput(
    attrs={"type": "time", "class": "input min-w-0 px-2 tabular-nums aria-[invalid=true]:border-red-500 max-sm:[&::-webkit-calendar-picker-indicator]:hidden sm:w-36 sm:px-3"},
    format="%H:%M",
)
MAX_LOGO_BYTES = 2 * 1024 * 1024


def number(label, *, min_value: int, max_value: int, too_small, too_big, help_text="") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=min_value,
        max_value=max_value,
        help_text=help_text,
        widget=forms.NumberInput(attrs={**INPUT, "inputmode": "numeric"}),
        error_messages={
            "required": _("Enter a number."),
            "invalid": _("Enter a whole number."),
            "min_value": too_small,
            "max_value": too_big,
        },
    )


UNNAMED_REGIONS = {"AC": "Ascension Island", "TA": "Tristan da Cunha", "XK": "Kosovo"}  # phonenumbers has no English name


@cache
def country_choices() -> list[tuple[str, str]]:
    """Countries phonenumbers knows, by English name, with their calling code."""
    named = []
    for region in phonenumbers.SUPPORTED_REGIONS:
        example = phonenumbers.example_number(region)
        name = (country_name_for_number(example, "en") if example else "") or UNNAMED_REGIONS.get(region, region)
        named.append((region, f"{name} (+{phonenumbers.country_code_for_region(region)})"))
    named.sort(key=lambda choice: choice[1])
    return [("", _("Not set: clients type their country code")), *named]


def add_model_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where the form has it, else on top."""
    by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, messages in by_field.items():
        form.add_error(field if field in form.fields else None, messages)


# --- Booking-link settings ------------------------------------------------------------------


class BookingLinkSettingsForm(forms.ModelForm):
    """The link's name and its rules. Edits a fresh copy of the row; never saved directly:
    the view hands `cleaned_data` to businesses.services.business_settings_update."""

    public_booking_slug = forms.CharField(
        label=_("Link name"),
        max_length=60,
        widget=forms.TextInput(attrs={**INPUT, "autocapitalize": "none", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": _("Give your link a name."),
            "max_length": _("Keep the link name under 60 characters."),
        },
    )
    requires_approval = forms.BooleanField(
        label=_("I approve each booking"),
        required=False,
        help_text=_("Clients see “Booking pending approval” until you approve or reject the request."),
    )
    pending_booking_expiry_hours = number(
        _("A request waits for my answer for (hours)"),
        min_value=1, max_value=MAX_EXPIRY_HOURS,
        too_small=_("A request waits at least 1 hour."),
        too_big=_("Keep the wait under 30 days (720 hours)."),
        help_text=_("After that it expires and its place is free again."),
    )
    global_buffer_time_minutes_between_sessions = number(
        _("Buffer between sessions (minutes)"),
        min_value=0, max_value=MAX_BUFFER_MINUTES,
        too_small=_("The buffer can’t be negative; use 0 for none."),
        too_big=_("Keep the buffer under 24 hours (1440 minutes)."),
        help_text=_("Free time kept between two sessions, whatever the service."),
    )
    minimum_notice_minutes = number(
        _("Minimum notice (minutes)"),
        min_value=0, max_value=MAX_NOTICE_MINUTES,
        too_small=_("The notice can’t be negative; use 0 for none."),
        too_big=_("Keep the notice under 60 days (86400 minutes)."),
        help_text=_("How soon a client may book: 60 means nothing in the next hour."),
    )
    booking_horizon_days = number(
        _("Clients may book up to (days ahead)"),
        min_value=1, max_value=MAX_HORIZON_DAYS,
        too_small=_("Let clients book at least 1 day ahead."),
        too_big=_("Keep it under two years (730 days)."),
    )
    custom_message_client = forms.CharField(
        label=_("Message to clients (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on your booking page, as plain text."),
        error_messages={"max_length": _("Keep the message under 1000 characters (it has %(show_value)d).")},
    )
    is_booking_page_active = forms.BooleanField(
        label=_("My booking page takes bookings"),
        required=False,
        help_text=_("When off, your link shows a friendly “not taking bookings” page."),
    )

    class Meta:
        model = BusinessBookingSettings
        fields = [
            "public_booking_slug",
            "is_booking_page_active",
            "requires_approval",
            "pending_booking_expiry_hours",
            "global_buffer_time_minutes_between_sessions",
            "minimum_notice_minutes",
            "booking_horizon_days",
            "custom_message_client",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["public_booking_slug"].help_text = format_html(
            _("Your link is {site}/book/<strong>name</strong>/. Letters, digits and hyphens. Change it and the old link keeps working: it sends clients to the new one."),
            site=settings.SITE_URL,
        )

    def clean_public_booking_slug(self) -> str:
        slug = self.cleaned_data["public_booking_slug"].strip().lower()
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
            raise ValidationError(
                _("Use letters, digits and single hyphens, starting and ending with a letter or digit (like sarahs-swim).")
            )
        validate_not_reserved_slug(slug)
        # Case folds (URLs, subdomains), and another business's old name still redirects there.
        if not slug_is_free(slug, exclude_business_id=self.instance.pk):
            raise ValidationError(_("This link name is already taken."))
        return slug


class BusinessProfileForm(forms.ModelForm):
    """The business's name, zone, country and logo, edited with the link settings on one page."""

    name = forms.CharField(
        label=_("Business name"),
        max_length=120,
        widget=forms.TextInput(attrs={**INPUT, "autocomplete": "organization"}),
        error_messages={"required": _("Give your business a name."), "max_length": _("Keep the name under 120 characters.")},
    )
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=timezone_choices,
        validators=[validate_timezone],
        help_text=_("Your working hours are in this zone."),
        error_messages={"required": _("Choose your time zone."), "invalid_choice": _("Choose a time zone from the list.")},
    )
    country = forms.ChoiceField(
        label=_("Country for phone numbers"),
        choices=country_choices,
        required=False,
        help_text=_("A phone number typed without +country code is read as a number of this country."),
        error_messages={"invalid_choice": _("Choose a country from the list.")},
    )
    logo = forms.ImageField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG, GIF or WebP, under 2 MB. Square works best."),
        error_messages={
            "invalid_image": _("That file is not an image we can read. Use PNG, JPEG, GIF or WebP."),
            "invalid_extension": _("Use a PNG, JPEG, GIF or WebP image."),
        },
    )

    class Meta:
        model = BusinessProfile
        fields = ["name", "timezone", "country", "logo"]

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):  # not the logo already saved, nor False (remove it)
            if logo.size > MAX_LOGO_BYTES:
                raise ValidationError(_("Use an image under 2 MB."))
            if getattr(logo, "image", None) is None or logo.image.format not in {"PNG", "JPEG", "GIF", "WEBP"}:
                raise ValidationError(_("Use a PNG, JPEG, GIF or WebP image."))
        return logo


# --- Services -------------------------------------------------------------------------------


class ServiceForm(forms.Form):
    """A service's fields, named as businesses.services.service_create/service_update take them."""

    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        widget=forms.TextInput(attrs=INPUT),
        error_messages={"required": _("Give the service a name."), "max_length": _("Keep the name under 120 characters.")},
    )
    description = forms.CharField(
        label=_("Description (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Clients read it on your booking page."),
        error_messages={"max_length": _("Keep the description under 2000 characters (it has %(show_value)d).")},
    )
    duration_minutes = number(
        _("Length (minutes)"),
        min_value=MIN_DURATION_MINUTES, max_value=MAX_DURATION_MINUTES,
        too_small=_("A session lasts at least 5 minutes."),
        too_big=_("A session lasts at most 24 hours (1440 minutes)."),
    )
    capacity = number(
        _("Places per session"),
        min_value=1, max_value=1000,
        too_small=_("A service needs at least one place."),
        too_big=_("Keep it under 1000 places."),
        help_text=_("1 for a private session; more for a group."),
    )
    price = forms.DecimalField(
        label=_("Price (optional)"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        widget=forms.NumberInput(attrs={**INPUT, "inputmode": "decimal", "step": "0.01"}),
        error_messages={
            "invalid": _("Enter a price like 35 or 35.50."),
            "min_value": _("The price can’t be negative."),
            "max_digits": _("Keep the price under 1,000,000."),
            "max_whole_digits": _("Keep the price under 1,000,000."),
            "max_decimal_places": _("Use at most 2 decimals."),
        },
    )
    is_publicly_bookable = forms.BooleanField(
        label=_("Clients can book it on my link"),
        required=False,
        initial=True,
        help_text=_("Off: it stays off your booking page; you can still add sessions of it in the calendar."),
    )

    def __init__(self, *args, currency: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if currency:
            self.fields["price"].label = _("Price in %(currency)s (optional)") % {"currency": currency}


# --- Working hours --------------------------------------------------------------------------

ROW_KEY = re.compile(r"[a-z0-9]{1,24}")
MAX_ROWS = 7 * 24  # more blocks than any week can hold


def new_row_key() -> str:
    return "n" + secrets.token_hex(4)


class BlockRowForm(forms.Form):
    """One row of the week editor: a block of one weekday. A row left empty, or ticked remove, is no block."""

    weekday = forms.TypedChoiceField(choices=WorkingHours.WEEKDAYS, coerce=int, widget=forms.HiddenInput)
    start_time = forms.TimeField(label=_("From"), required=False, widget=ROW_TIME_INPUT, error_messages={"invalid": _("Enter a time like 09:00.")})
    end_time = forms.TimeField(label=_("To"), required=False, widget=ROW_TIME_INPUT, error_messages={"invalid": _("Enter a time like 17:30.")})
    remove = forms.BooleanField(label=_("Remove"), required=False)

    def __init__(self, *args, key: str, saved: bool = False, **kwargs):
        super().__init__(*args, prefix=key, **kwargs)
        self.key = key
        self.saved = saved  # a block already stored: it gets a remove box; a blank row needs none
        self.added = key.startswith("n")  # added in the browser ("Add a block"): removable in place

    def clean(self):
        data = super().clean()
        if data.get("remove"):
            return data
        start, end = data.get("start_time"), data.get("end_time")
        if "start_time" in self.errors or "end_time" in self.errors:
            return data
        if start is None and end is not None:
            self.add_error("start_time", _("Give the start too, or clear both times to leave this row out."))
        elif end is None and start is not None:
            self.add_error("end_time", _("Give the end too, or clear both times to leave this row out."))
        elif start is not None and start >= end:
            self.add_error("end_time", _("End after the start. A block can’t pass midnight: split it into two days."))
        return data

    @property
    def day_label(self) -> str:
        return str(dict(WorkingHours.WEEKDAYS).get(_weekday_of(self), ""))

    @property
    def has_times(self) -> bool:
        """Typed times that are not ticked for removal: the day is (or will be) open."""
        return bool(self["start_time"].value() or self["end_time"].value()) and not self["remove"].value()

    def mark_errors(self) -> None:
        """Point each wrong input at its message, for screen readers."""
        for name in ("start_time", "end_time"):
            if name in self.errors:
                self.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"{self.key}-error"})

    @property
    def block(self) -> tuple[int, time, time] | None:
        data = self.cleaned_data
        if data.get("remove") or data.get("start_time") is None or data.get("end_time") is None:
            return None
        return data["weekday"], data["start_time"], data["end_time"]


class WeekHoursForm:
    """The whole week at once: one BlockRowForm per submitted row (a hand-rolled formset).

    Each row posts its key in `row` and its fields under that prefix, so rows added in the browser
    need no counter. Valid when every row is, and no two blocks of a day overlap.
    """

    def __init__(self, data: QueryDict | None = None, *, saved: list[WorkingHours] = ()):
        self.is_bound = data is not None
        self.errors: list[str] = []
        if data is None:
            self.rows = [
                BlockRowForm(initial={"weekday": b.weekday, "start_time": b.start_time, "end_time": b.end_time}, key=f"s{i}", saved=True)
                for i, b in enumerate(saved)
            ]
            self.rows += [BlockRowForm(initial={"weekday": day}, key=f"w{day}") for day, _label in WorkingHours.WEEKDAYS]
            return
        keys = list(dict.fromkeys(k for k in data.getlist("row") if ROW_KEY.fullmatch(k)))
        if len(keys) > MAX_ROWS:
            self.errors.append(_("That is more blocks than a week can hold."))
            keys = keys[:MAX_ROWS]
        self.rows = [BlockRowForm(data, key=key, saved=f"{key}-remove" in data or key.startswith("s")) for key in keys]

    def is_valid(self) -> bool:
        if not self.is_bound:
            return False
        all_rows_valid = all([row.is_valid() for row in self.rows])
        if any("weekday" in row.errors for row in self.rows):
            self.errors.append(_("A row came without its day; add that block again."))
        # Overlaps among the rows that are right on their own, so every problem shows at once.
        rows = [row for row in self.rows if not row.errors and row.block]
        for index, reason in blocks_problems([row.block for row in rows]):
            rows[index].add_error("start_time", reason)
        self.mark_errors()
        return all_rows_valid and not self.errors and not any(row.errors for row in self.rows)

    def mark_errors(self) -> None:
        for row in self.rows:
            if row.is_bound:
                row.mark_errors()

    @property
    def blocks(self) -> list[tuple[int, time, time]]:
        return [row.block for row in self.rows if row.block]

    def days(self) -> list[dict]:
        """The rows by weekday, Monday first, for the template."""
        by_day = {day: [] for day, _label in WorkingHours.WEEKDAYS}
        for row in self.rows:
            weekday = _weekday_of(row)
            if weekday in by_day:
                by_day[weekday].append(row)
        return [
            {"weekday": day, "label": label, "rows": by_day[day], "open": any(row.has_times for row in by_day[day])}
            for day, label in WorkingHours.WEEKDAYS
        ]


def _weekday_of(row: BlockRowForm) -> int | None:
    raw = row["weekday"].value()
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


# --- Exception dates ------------------------------------------------------------------------


class ExceptionDateForm(forms.ModelForm):
    """Close a date, or give it one block of special hours; ExceptionDate.clean() checks the date's other rows.

    The submit button says which: `kind=closed` takes no times, `kind=hours` needs both.
    """

    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={**INPUT, "type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Choose a date."), "invalid": _("Enter a date like 2026-12-24.")},
    )
    start_time = forms.TimeField(label=_("From"), required=False, widget=TIME_INPUT, error_messages={"invalid": _("Enter a time like 09:00.")})
    end_time = forms.TimeField(label=_("To"), required=False, widget=TIME_INPUT, error_messages={"invalid": _("Enter a time like 13:00.")})
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

    def clean_date(self) -> date:
        day = self.cleaned_data["date"]
        if day < self.today:
            raise ValidationError(_("Choose today or a later date."))
        return day

    def _post_clean(self):
        # The model's clean() reads the date's other rows; with a field already wrong its
        # verdict would only repeat or confuse the field's own message, so it waits.
        if not self._errors:
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
        elif kind == "hours":
            for field, message in (("start_time", _("Give the start of the special hours.")), ("end_time", _("Give the end of the special hours."))):
                if data.get(field) is None and field not in self.errors:
                    self.add_error(field, message)
        return data
