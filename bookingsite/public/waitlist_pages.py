"""The client's waitlist pages (DESIGN.md 11): join a full slot, see the place in line, claim or leave."""

from django.http import HttpRequest, HttpResponse


def waitlist_join(request: HttpRequest, slug: str, service_id: int) -> HttpResponse:
    raise NotImplementedError


def waitlist_entry(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    raise NotImplementedError


def waitlist_claim(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    raise NotImplementedError


def waitlist_leave(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    raise NotImplementedError
