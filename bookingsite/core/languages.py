"""Every request in its language, chosen afresh (bookingsite.lib.languages has the rule)."""

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from bookingsite.lib.languages import client_language, requested_language, use_language
from bookingsite.lib.locale_formats import use_formats

from .middleware import on_booking_link


def language_per_request(get_response):
    """Every request starts in the language its `?lang=` or browser asks for (what error, sign-up
    and log-in pages show) and ends in none, so no thread carries one into the next request.

    `request.lang_param` is the `?lang=` code ("" if none), for public links to carry on. A public
    page says its language, and that it differs by Accept-Language, to caches and screen readers.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        request.lang_param = requested_language(request)
        use_language(request, client_language(request))
        try:
            response = get_response(request)
            if on_booking_link(request):
                response.headers.setdefault("Content-Language", translation.get_language())
                patch_vary_headers(response, ["Accept-Language"])
            return response
        finally:
            translation.deactivate()
            use_formats(None)

    return middleware
