"""Placeholder: being written now."""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404("Not built yet")


client_list = client_detail = _todo
