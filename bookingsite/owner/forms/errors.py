"""A service's refusal shown on the form that asked for the write."""

from django import forms
from django.core.exceptions import ValidationError


def add_model_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where the form has it, else on top."""
    by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, messages in by_field.items():
        form.add_error(field if field in form.fields else None, messages)
