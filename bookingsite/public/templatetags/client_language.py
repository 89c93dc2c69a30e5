"""The client's language in the public pages' links (DESIGN.md 12): no cookie carries it, so every
link and form a client follows carries `?lang=` on, when they asked for one; and the switcher."""

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

register = template.Library()


def _asked(context) -> str:
    """The `?lang=` code this page was asked in ("" if none): the request's, or, for a fragment
    rendered without one (the cached picker), the context's `lang_param`."""
    request = context.get("request")
    return getattr(request, "lang_param", "") or context.get("lang_param", "")


@register.simple_tag(takes_context=True)
def lang_query(context, joiner: str = "?") -> str:
    """`?lang=de` (or `&lang=de` with "&") to end a link with; "" when no language was asked for."""
    code = _asked(context)
    return f"{joiner}lang={code}" if code else ""


@register.inclusion_tag("public/partials/_lang_input.html", takes_context=True)
def lang_input(context) -> dict:
    """The hidden `lang` field of a GET form, so what it sends keeps the language."""
    return {"code": _asked(context)}


def switcher_links(request: HttpRequest) -> list[dict]:
    """Each language by its own name, linking to this page in it: the same address and query
    (zone, month, day...) with only `lang` changed."""
    current = translation.get_language()
    links = []
    for code, name in settings.LANGUAGES:
        query = request.GET.copy()
        query["lang"] = code
        links.append({"code": code, "name": name, "url": f"{request.path}?{query.urlencode()}", "current": code == current})
    return links


@register.inclusion_tag("public/partials/_language_switcher.html", takes_context=True)
def language_switcher(context) -> dict:
    return {"links": switcher_links(context["request"])}
