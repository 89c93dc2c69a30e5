"""Which language a page is in (DESIGN.md 12), chosen afresh on every request: no cookie and no
session, so a booking page framed on another site (where cookies may not come back) keeps it.

A client's language is `?lang=` (a code we have; "de-AT" is "de"), then the browser's
Accept-Language, then the business's `language`, then English: `client_language` is that rule.
The middleware (core.languages) applies it as far as it can before the business is known; the
public views (`use_client_language`) and the owner's (`use_language`) finish it once it is.
"""

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation.trans_real import language_code_re, parse_accept_lang_header

from .locale_formats import business_formats, formats_for, use_formats

# A language code longer than any real one is not looked up.
CODE_MAX = 20


def supported_language(code: str) -> str | None:
    """The language of ours a code names ("de", "de-AT", "DE" are "de"), or None."""
    code = code.strip().lower()
    if not code or len(code) > CODE_MAX or not language_code_re.search(code):
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def accepted_language(header: str) -> str | None:
    """The first language of ours in an Accept-Language header, by the browser's preference."""
    for code, _quality in parse_accept_lang_header(header[:500]):
        if code == "*":
            break
        if language := supported_language(code):
            return language
    return None


def client_language(request: HttpRequest, business=None) -> str:
    """The language of a client's page: `?lang=`, then Accept-Language, then the business's, then English."""
    return (
        requested_language(request)
        or accepted_language(request.headers.get("Accept-Language", ""))
        or (business.language if business is not None else "")
        or settings.LANGUAGE_CODE
    )


def requested_language(request: HttpRequest) -> str:
    """The language `?lang=` asks for, as our code; "" when it names none of ours."""
    try:
        asked = request.GET.get("lang", "")
    except SuspiciousOperation:  # too many fields: core.bad_input answers 400 before any view
        return ""
    return supported_language(asked) or ""


def recorded_language(record) -> str:
    """The language of a booking's or waitlist entry's client: its own, or its business's when it
    has none (rows made before languages were stored)."""
    return record.language or record.business_profile.language


def url_in_language(url: str, language: str) -> str:
    """`url` with `lang=<language>` added to its query: the page it opens is in that language."""
    return f"{url}{'&' if '?' in url else '?'}lang={language}"


def use_language(request: HttpRequest, language: str, business=None) -> None:
    """Render the rest of this request in `language`, its dates, times and prices in that
    language's locale with the region the browser names, else the business's zone's, and the
    business's clock (lib.locale_formats)."""
    translation.activate(language)
    request.LANGUAGE_CODE = language
    accepted = request.headers.get("Accept-Language", "")
    if business is None:
        use_formats(formats_for(language, accept_language=accepted))
    else:
        use_formats(business_formats(language, business, accept_language=accepted))


def use_client_language(request: HttpRequest, business) -> None:
    """Once a public view knows the business: the client's language by the whole rule."""
    use_language(request, client_language(request, business), business)
