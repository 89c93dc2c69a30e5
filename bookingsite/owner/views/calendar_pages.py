"""Placeholder: being written now."""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404("Not built yet")


calendar_page = events = session_create = _todo
