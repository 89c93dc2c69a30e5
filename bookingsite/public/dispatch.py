"""One address, two answers: the client's manage pages and their JSON (DESIGN.md 6).

A booking's manage link (`/book/<slug>/booking/<token>/`, and its `cancel/` and `reschedule/`) is
both a page and the JSON of the same booking. A POST with a JSON body, or a GET that ranks JSON
above HTML in its Accept header, goes to the DRF view; every other request, a browser's, htmx's, a
form's, to the page's view, exactly as if it were the URL's own.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt, csrf_protect

View = Callable[..., HttpResponse]


def sends_or_wants_json(request: HttpRequest) -> bool:
    """A JSON body; or, for a request that sends none, an Accept header that ranks JSON above HTML
    ("*/*", and no header at all, mean the page)."""
    if request.content_type == "application/json":
        return True
    if request.method == "POST":
        # A form's POST is the page's, whatever it accepts: the JSON views read JSON only, and by
        # here a form body has been parsed (core.bad_input), so DRF would see an empty one.
        return False
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def page_or_json(page_view: View, json_view: View) -> View:
    """A view that hands each request to `page_view` or to the DRF view `json_view`, by sends_or_wants_json.

    It carries no `cls`, so core.middleware does not take it for a DRF view: a page's errors stay
    pages, and a JSON request is told apart by its headers there too (wants_json).
    """
    # The JSON view is csrf_exempt (DRF's are: they take no cookie), so this one must be too; the
    # page's view keeps its own CSRF check, run here as the middleware would have run it.
    checked_page_view = csrf_protect(page_view)

    @csrf_exempt
    def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        chosen = json_view if sends_or_wants_json(request) else checked_page_view
        response = chosen(request, *args, **kwargs)
        patch_vary_headers(response, ["Accept"])
        return response

    return view
