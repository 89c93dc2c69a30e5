"""Phone numbers as the booking service stores them: E.164."""

import phonenumbers
from django import forms
from django.utils.translation import gettext_lazy as _


def parse_phone(raw: str, country: str) -> str:
    """A phone number in E.164; a national number is read in the business's country.

    Raises forms.ValidationError (code "invalid_phone") for anything that is not a valid number.
    """
    try:
        number = phonenumbers.parse(raw, country or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise forms.ValidationError(
            _("Enter a valid phone number, with the country code if it is not a %(country)s number.")
            % {"country": country or "local"},
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
