"""Small display filters: dates, times, durations, prices and time zones as people write them in
the reader's locale (bookingsite.lib.locale_formats), and a session's location.

Dates and times, in place of Django's `date`/`time` filters with an English format (machine
formats such as 'Y-m-d' and 'c' stay with those):
  weekday_date        "l j F"    Monday 7 December · Monday, December 7 · Montag, 7. Dezember
  weekday_date_year   "l j F Y"  Monday, 7 December 2026
  short_date          "D j M"    Mon 7 Dec
  short_date_year     "D j M Y"  Mon, 7 Dec 2026
  day_month           "j M"      7 Dec
  day_month_year      "j M Y"    7 Dec 2026
  month_year          "F Y"      December 2026
  month_name          "F"        December
  clock               "H:i"      09:00 · 9:00 AM (a date, datetime or time)
  weekday_date_time, short_date_time, short_date_year_time, day_month_time: the date and its time,
                      "l j F, H:i", "D j M, H:i", "D j M Y, H:i", "j M, H:i".
Like Django's, they show an aware datetime in the current time zone ({% timezone %} sets it).
"""

from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.translation import pgettext

from bookingsite.businesses.zone_names import zone_label, zone_time_name
from bookingsite.lib import locations
from bookingsite.lib.locale_formats import DATE_SKELETONS, format_date, format_date_time, format_money, format_time

register = template.Library()

# The date styles that also come with the time, as "<style>_time".
WITH_TIME = ("weekday_date", "short_date", "short_date_year", "day_month")


def _date_filter(write, style: str):
    """A filter writing a date with `write` in `style`; nothing for no date, as Django's `date`."""
    return lambda value: write(value, style) if value not in (None, "") else ""


for _style in DATE_SKELETONS:
    register.filter(_style, _date_filter(format_date, _style), expects_localtime=True)
for _style in WITH_TIME:
    register.filter(f"{_style}_time", _date_filter(format_date_time, _style), expects_localtime=True)


@register.filter(expects_localtime=True)
def clock(value) -> str:
    """The time of day on the reader's clock: "09:00", "9:00 AM"."""
    return format_time(value) if value not in (None, "") else ""


@register.filter
def duration(minutes: int) -> str:
    """45 -> '45 min', 60 -> '1 h', 90 -> '1 h 30 min'."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    """A price in the business's currency as the reader's locale writes it: £20, 12,50 €."""
    return "" if amount is None else format_money(Decimal(amount), currency)


@register.filter
def label(text: str) -> str:
    """A label before its value, punctuated as its language writes it: "Date:", French "Date :"."""
    return pgettext("a label before its value", "%(label)s:") % {"label": text}


@register.filter
def meeting_link(location: str) -> str:
    """The location when it is one http(s) address, to show as a link; else ""."""
    return locations.meeting_link(location)


@register.filter
def one_line(location: str) -> str:
    """An address on one line, its lines joined by commas."""
    return locations.one_line(location)


@register.filter
def hanging_indent(text: str, width: int) -> str:
    """Plain text: the lines after the first start `width` spaces in, under the first in a column."""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return ("\n" + " " * int(width)).join(lines)


@register.filter
def zone_time(name: str) -> str:
    """Asia/Tokyo as "Tokyo time"."""
    return zone_time_name(name) if name else ""


@register.filter
def zone_now(name: str) -> str:
    """Asia/Tokyo as "Tokyo — Japan Time, UTC+9, now 21:04"."""
    return zone_label(name, timezone.now()) if name else ""
