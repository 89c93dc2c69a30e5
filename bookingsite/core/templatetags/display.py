"""Small display filters: durations, prices and time zones as people write them, and a session's location."""

from decimal import Decimal

from django import template
from django.utils import timezone

from bookingsite.businesses.zone_names import zone_label, zone_time_name
from bookingsite.lib import locations

register = template.Library()

CURRENCY_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "AUD": "A$", "CAD": "C$", "NZD": "NZ$", "JPY": "¥", "INR": "₹"}


@register.filter
def duration(minutes: int) -> str:
    """45 -> '45 min', 60 -> '1 h', 90 -> '1 h 30 min'."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return ""
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


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
