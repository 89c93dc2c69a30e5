"""The month grid of the service page: weeks of days, marked with what a client can do on each."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext, ngettext

from bookingsite.availability.types import Day
from bookingsite.lib.locale_formats import format_date


@dataclass(frozen=True)
class CalendarDay:
    date: date
    in_month: bool
    free_slots: int
    is_past: bool
    is_today: bool
    is_selected: bool
    full_slots: int = 0  # full, with a waitlist to join (DESIGN.md 11)

    @property
    def is_bookable(self) -> bool:
        """A link: free times to book, or full ones with a waitlist."""
        return self.in_month and (self.free_slots > 0 or self.full_slots > 0)

    # Text for the template, made here: 42 cells through the date filter cost more than the month's slots.
    @property
    def iso(self) -> str:
        return self.date.isoformat()

    @property
    def number(self) -> str:
        return str(self.date.day)

    @property
    def long_name(self) -> str:
        """Like "Monday 7 December", "Montag, 7. Dezember", in the reader's locale."""
        return format_date(self.date, "weekday_date")

    @property
    def accessible_name(self) -> str:
        """What a screen reader says of the cell: "Monday 7 December, 3 times free" (a catalogue
        lookup here rather than a blocktranslate per cell in the template: a third of its time)."""
        name = {"name": self.long_name, "times": self.free_slots}
        if self.is_bookable:
            if self.free_slots:
                return ngettext("%(name)s, %(times)s time free", "%(name)s, %(times)s times free", self.free_slots) % name
            return gettext("%(name)s, full, waitlist open") % name
        if self.is_past:
            return gettext("%(name)s, past") % name
        return gettext("%(name)s, no free times") % name


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def last_of_month(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_weeks(
    month: date, days: tuple[Day, ...], *, today: date, selected: date | None, first_weekday: int = 0
) -> list[list[CalendarDay]]:
    """Weeks covering the month, each from `first_weekday` (0 Monday … 6 Sunday, as the reader's
    locale starts them); days outside the month are placeholders."""
    free = {day.date: len(day.slots) for day in days}
    full = {day.date: len(day.full) for day in days}
    start = month - timedelta(days=(month.weekday() - first_weekday) % 7)
    end = last_of_month(month)
    end += timedelta(days=(first_weekday - 1 - end.weekday()) % 7)
    weeks: list[list[CalendarDay]] = []
    current = start
    while current <= end:
        weeks.append(
            [
                CalendarDay(
                    date=day,
                    in_month=day.month == month.month,
                    free_slots=free.get(day, 0),
                    full_slots=full.get(day, 0),
                    is_past=day < today,
                    is_today=day == today,
                    is_selected=day == selected,
                )
                for day in (current + timedelta(days=n) for n in range(7))
            ]
        )
        current += timedelta(days=7)
    return weeks
