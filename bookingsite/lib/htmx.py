"""Small helpers for views that answer htmx and plain requests alike."""

from django.http import HttpRequest


def wants_partial(request: HttpRequest) -> bool:
    """An htmx swap gets the fragment; a plain visit or htmx's history restore gets the page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request
