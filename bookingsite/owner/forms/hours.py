"""The week editor: every block of every weekday, in one form."""

import re
import secrets
from datetime import time

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from bookingsite.businesses.models import WorkingHours
from bookingsite.businesses.services import blocks_problems

# The week editor lays its rows out by hand (two times on one line), so its inputs carry the whole look.
# On a phone the two times and "Remove" share one line: the inputs shrink, and drop the desktop
# picker icon that touch browsers don't draw anyway.
ROW_TIME_INPUT = forms.TimeInput(
    attrs={
        "type": "time",
        "class": "input min-w-0 px-2 tabular-nums aria-[invalid=true]:border-red-500"
        " max-sm:[&::-webkit-calendar-picker-indicator]:hidden sm:w-36 sm:px-3",
    },
    format="%H:%M",
)

ROW_KEY = re.compile(r"[a-z0-9]{1,24}")
MAX_ROWS = 7 * 24  # more blocks than any week can hold


def new_row_key() -> str:
    return "n" + secrets.token_hex(4)


class BlockRowForm(forms.Form):
    """One row of the week editor: a block of one weekday. A row left empty, or ticked remove, is no block."""

    weekday = forms.TypedChoiceField(choices=WorkingHours.WEEKDAYS, coerce=int, widget=forms.HiddenInput)
    start_time = forms.TimeField(
        label=_("From"), required=False, widget=ROW_TIME_INPUT, error_messages={"invalid": _("Enter a time like 09:00.")}
    )
    end_time = forms.TimeField(
        label=_("To"), required=False, widget=ROW_TIME_INPUT, error_messages={"invalid": _("Enter a time like 17:30.")}
    )
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
                BlockRowForm(
                    initial={"weekday": b.weekday, "start_time": b.start_time, "end_time": b.end_time}, key=f"s{i}", saved=True
                )
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


class CopyHoursForm(forms.Form):
    """Copy one weekday's saved blocks to other weekdays ("the same hours Monday to Friday")."""

    from_weekday = forms.TypedChoiceField(
        label=_("Copy the saved hours of"), choices=WorkingHours.WEEKDAYS, coerce=int,
        error_messages={"required": _("Choose the day to copy."), "invalid_choice": _("Choose a day from Monday to Sunday.")},
    )
    to_weekdays = forms.TypedMultipleChoiceField(
        label=_("to"), choices=WorkingHours.WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Tick the days to copy them to."), "invalid_choice": _("Choose days from Monday to Sunday."),
        },
    )

    def clean(self):
        data = super().clean()
        if data.get("to_weekdays") and set(data["to_weekdays"]) == {data.get("from_weekday")}:
            self.add_error("to_weekdays", _("Tick a day other than the one you copy."))
        return data
