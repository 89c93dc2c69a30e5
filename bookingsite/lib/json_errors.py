"""The one error shape of every JSON answer here: {"errors": {"field": ["message", ...]}}.

Messages about no single field go under "__all__".
"""

from django import forms
from django.http import JsonResponse

ALL = "__all__"


def form_errors(form: forms.BaseForm, rename: dict[str, str] | None = None) -> dict[str, list[str]]:
    """A form's errors as {"field": ["message"]}, non-field ones under "__all__"; `rename` maps form names to the JSON's."""
    rename = rename or {}
    return {rename.get(field, field): [str(message) for message in messages] for field, messages in form.errors.items()}


def json_errors(status: int, /, **errors: list[str]) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=status)
