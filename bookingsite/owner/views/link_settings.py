"""Placeholder: being written now."""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404("Not built yet")


settings_page = _todo
