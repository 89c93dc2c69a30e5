"""JSON fields made from the owner pages' forms, so the API applies the same rules as the pages.

A serializer field made by `from_form` only reads the JSON type (a number, a string, true/false)
and documents the form field's limits in the schema; the form itself then validates, with its own
messages, and its cleaned_data goes to the same service the page calls. Each rule stays in one
place: the form (and the model and service behind it).
"""

import re
from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

PLACEHOLDER = re.compile(r"%\(\w+\)")


class DocumentsLimits:
    """The form field's validators stay on the field for the schema, but the form runs them."""

    def run_validators(self, value: Any) -> None:
        return None


# JSON types are taken as the schema says, not coerced: 0 is not false, 12 is not "12".


class IntegerField(DocumentsLimits, serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class DecimalField(DocumentsLimits, serializers.DecimalField):
    """A JSON number or a string like "35.50" (answers always carry the string)."""

    def to_internal_value(self, data: Any):
        if isinstance(data, bool) or not isinstance(data, (str, int, float)):
            self.fail("invalid")
        return super().to_internal_value(data)


class BooleanField(DocumentsLimits, serializers.BooleanField):
    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class CharField(DocumentsLimits, serializers.CharField):
    def run_validation(self, data: Any = empty) -> Any:
        # A blank text is the form's to refuse, with its own message and together with every other mistake.
        if isinstance(data, str) and not data.strip():
            return ""
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class EmailField(CharField, serializers.EmailField):
    pass


class ChoiceField(DocumentsLimits, serializers.ChoiceField):
    def to_internal_value(self, data: Any):
        if isinstance(data, bool) or type(data) not in {type(key) for key in self.choices}:
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class _TextForTheForm(DocumentsLimits):
    """Dates and times go to the form as the text that came, so it parses them exactly as the page does."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid", format=self.expected_format)
        return data.strip()


class DateField(_TextForTheForm, serializers.DateField):
    expected_format = "YYYY-MM-DD"


class DateTimeField(_TextForTheForm, serializers.DateTimeField):
    expected_format = "YYYY-MM-DDThh:mm:ssZ"


# OpenAPI's format "time" is RFC 3339's full-time, which needs an offset; these are wall-clock
# times of the business, with none.
@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$", "example": "09:00"})
class TimeField(_TextForTheForm, serializers.TimeField):
    expected_format = "hh:mm"


def _decimal_field(form_field: forms.DecimalField) -> type[DecimalField]:
    """DecimalField documented as the form's number: a string of its digits, or a JSON number, in range."""
    whole, places = form_field.max_digits - form_field.decimal_places, form_field.decimal_places
    minimum = next((v.limit_value for v in form_field.validators if isinstance(v, MinValueValidator)), None)
    sign = "" if minimum is not None and minimum >= 0 else "-?"
    number: dict[str, Any] = {"type": "number", "exclusiveMaximum": True, "maximum": 10**whole}
    if minimum is not None:
        number["minimum"] = minimum
    text = {"type": "string", "format": "decimal", "pattern": rf"^{sign}\d{{0,{whole}}}(?:\.\d{{0,{places}}})?$"}
    return extend_schema_field({"oneOf": [text, number]})(type("FormDecimalField", (DecimalField,), {}))


KINDS: list[tuple[type[forms.Field], type[serializers.Field]]] = [
    # Most specific first: DecimalField is an IntegerField, EmailField a CharField, TypedChoiceField a ChoiceField.
    (forms.BooleanField, BooleanField),
    (forms.DecimalField, DecimalField),
    (forms.IntegerField, IntegerField),
    (forms.EmailField, EmailField),
    (forms.ChoiceField, ChoiceField),
    (forms.DateTimeField, DateTimeField),
    (forms.DateField, DateField),
    (forms.TimeField, TimeField),
    (forms.CharField, CharField),
]


def _messages(form_field: forms.Field, field_class: type[serializers.Field]) -> dict[str, str]:
    """The form's own messages for the same mistakes (those without %-placeholders, which DRF can't fill)."""
    known: dict[str, Any] = {}
    for klass in reversed(field_class.__mro__):
        known.update(getattr(klass, "default_error_messages", {}))
    messages = {key: message for key, message in form_field.error_messages.items()
                if key in known and not PLACEHOLDER.search(str(message))}
    if "required" in messages:
        messages.setdefault("null", messages["required"])
        if "blank" in known:
            messages.setdefault("blank", messages["required"])
    return messages


def from_form(form_class: type[forms.BaseForm], name: str, *, required: bool | None = None, default: Any = empty,
              help_text: str | None = None, source: str | None = None) -> serializers.Field:
    """A serializer field typed and documented like `form_class`'s field `name`.

    `required` defaults to the form field's; `default` is used when the key is left out; `source`
    is where an answer reads it (DRF's), when not an attribute of the same name.
    """
    form_field = form_class.base_fields[name]
    field_class = next(drf for form_kind, drf in KINDS if isinstance(form_field, form_kind))
    if field_class is DecimalField:
        field_class = _decimal_field(form_field)
    optional = not form_field.required
    kwargs: dict[str, Any] = {
        "validators": list(form_field.validators),
        "error_messages": _messages(form_field, field_class),
        "help_text": help_text if help_text is not None else (str(form_field.help_text) or None),
    }
    if source is not None:
        kwargs["source"] = source
    if default is not empty:
        kwargs["default"] = default
    else:
        kwargs["required"] = form_field.required if required is None else required
    if issubclass(field_class, DecimalField):
        kwargs.update(max_digits=form_field.max_digits, decimal_places=form_field.decimal_places, allow_null=optional)
    elif field_class is ChoiceField:
        choices = [(value, label) for value, label in form_field.choices if value != ""]
        kwargs.update(choices=choices, allow_blank=optional)
    elif issubclass(field_class, CharField):
        kwargs.update(allow_blank=optional)  # for the schema: CharField lets the form refuse a blank
    elif field_class is not BooleanField:
        kwargs.update(allow_null=optional)  # dates and times: null for "none", as an empty input on the page
    return field_class(**kwargs)
