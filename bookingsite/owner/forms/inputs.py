"""What the owner's forms share: touch-sized inputs, numbers with a sentence per limit, the zone choices,
and the date a page is asked to show."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from bookingsite.businesses.validators import timezone_names

INPUT = {"class": "min-h-11"}  # crispy-tailwind adds its own classes; this keeps touch targets 44 px
# The years an owner's date may fall in; far ones would overflow the time zone arithmetic.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2200


def asked_date(value: str | None) -> date | None:
    """The YYYY-MM-DD date a page's query asks to show, or None when it is not one or not plausible."""
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return None
    return day if EARLIEST_YEAR <= day.year <= LATEST_YEAR else None


class TallInputsForm(forms.Form):
    """crispy-tailwind's inputs are 40px high; touch targets want 44 (selects are written out by hand)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field.widget, forms.Select):
                field.widget.attrs.update(INPUT)


def number(label, *, min_value: int, max_value: int, too_small, too_big, help_text="") -> forms.IntegerField:
    """A whole-number field that says each of its limits in its own sentence."""
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


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(timezone_names())]
