"""What the owner's forms share: touch-sized inputs, numbers with a sentence per limit, the zone choices."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bookingsite.businesses.validators import timezone_names

INPUT = {"class": "min-h-11"}  # crispy-tailwind adds its own classes; this keeps touch targets 44 px


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
