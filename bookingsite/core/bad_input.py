"""Refuse, before any view, the input no page can take (DESIGN.md 8, input hardening).

A NUL anywhere in the address, the query string or a form field answers 400, and so do bytes of
the query string or a form that are not UTF-8; a body over DATA_UPLOAD_MAX_MEMORY_SIZE answers
413, and too many fields 400. Each is answered in the API's error shape to JSON requests and as a
page to the rest, so no view meets such input and none can forget it. JSON bodies are checked
where they are decoded (lib.drf.JSONParser), since "\\u0000" is only a NUL once parsed.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from bookingsite.lib.json_errors import ALL, json_errors
from bookingsite.lib.storable_text import (
    NOT_STORABLE,
    is_storable,
    unstorable_fields,
    unstorable_query_fields,
)

from .middleware import leads_to_drf_view, on_booking_link, start_again_url, wants_json


def refuse_bad_input(get_response):
    def middleware(request: HttpRequest) -> HttpResponse:
        _drop_unstorable_cookies(request)  # before SessionMiddleware reads its cookie
        return get_response(request)

    def process_view(request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        # Once the URL is resolved and before any view, CSRF's check included: a refusal goes out through
        # every middleware like any page (security headers, framing, the Content-Security-Policy). An
        # address that names no page is the 404 it would be anyway, and no view reads its input.
        return _refusal(request)

    middleware.process_view = process_view
    return middleware


def _refusal(request: HttpRequest) -> HttpResponse | None:
    # Django has already re-percent-encoded what in the address is not UTF-8 ("%FF" stays the text
    # "%FF", which no route or slug matches), so only a NUL is left to refuse there.
    if not is_storable(request.path_info):
        message = _("This address holds a character that is not allowed: a NUL, or text that is not valid UTF-8. "
                    "Check the link and try again.")
        return _refuse(request, 400, {ALL: [message]}, back_url="/")
    try:
        fields = _unstorable_request_fields(request)
    except RequestDataTooBig:
        size = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return _refuse(request, 413, {ALL: [_("This is too much to send at once: at most %(size)s.") % {"size": size}]})
    except (TooManyFieldsSent, TooManyFilesSent):
        return _refuse(request, 400, {ALL: [_("This sends too many fields at once.")]})
    if fields:
        return _refuse(request, 400, {name: [str(NOT_STORABLE)] for name in fields})
    return None


def _drop_unstorable_cookies(request: HttpRequest) -> None:
    """A cookie with a NUL (Django unquotes "\\000" in a cookie) would reach the session table. Such a
    cookie was never ours, and a visitor cannot easily clear it, so it is ignored rather than refused."""
    for name, value in list(request.COOKIES.items()):
        if not (is_storable(name) and is_storable(value)):
            del request.COOKIES[name]


def _unstorable_request_fields(request: HttpRequest) -> list[str]:
    """The fields of the query string and of a form body that are not storable text.

    Both are parsed here, and any other body read, so Django's limits on their size and field
    count (RequestDataTooBig, TooManyFieldsSent) are answered here too, for every page. A JSON
    body's text is checked by its parser (lib.drf.JSONParser).
    """
    _parsed = request.GET  # parsing applies the field count limit
    fields = unstorable_query_fields(get_bytes_from_wsgi(request.META, "QUERY_STRING", ""))
    if request.content_type == "multipart/form-data":
        # Django parses only a POST's form; and DRF could not read a multipart body parsed here (its
        # views take JSON only: such a body is their 415 to answer).
        if request.method == "POST" and not leads_to_drf_view(request):
            # Decoded already, what is not UTF-8 replaced; Django drops unprintable characters from file names.
            fields += unstorable_fields(request.POST.lists())
        return fields
    body = request.body  # the size limit, for JSON and every other body alike
    if request.content_type == "application/x-www-form-urlencoded":
        _parsed = request.POST  # the field count limit
        fields += unstorable_query_fields(body)
    return fields


def _refuse(request: HttpRequest, status: int, errors: dict[str, list[str]], back_url: str | None = None) -> HttpResponse:
    if wants_json(request):
        return json_errors(status, **errors)
    problems = [message if name == ALL else f"“{name}”: {message}" for name, messages in errors.items() for message in messages]
    context = {"status": status, "problems": problems, "back_url": back_url or start_again_url(request.path_info)}
    response = render(request, "bad_request.html", context, status=status)
    # A booking page inside the owner's website shows it in the frame, like the page itself; an
    # htmx request shows it as the page, not inside the form that sent it.
    response.xframe_options_exempt = on_booking_link(request)
    if request.headers.get("HX-Request"):
        response["HX-Retarget"], response["HX-Reswap"] = "body", "innerHTML"
    return response
