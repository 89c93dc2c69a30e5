"""Placeholder: being written now."""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404("Not built yet")


service_list = service_create = service_edit = service_archive = service_move = _todo
