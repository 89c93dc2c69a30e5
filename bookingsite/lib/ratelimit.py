"""Per-client rate limits, on django-ratelimit's counters (the DRF views count through lib.throttling)."""

import ipaddress
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django_ratelimit.core import get_usage


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address: the first X-Forwarded-For entry behind a trusted proxy, else the peer.

    Always an IP address: django-ratelimit parses it, and a header like `X-Forwarded-For: junk`
    (or a server that sets no REMOTE_ADDR) must not turn every rate-limited request into a 500.
    """
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded and (ip := _valid_ip(forwarded.split(",")[0])):
            return ip
    return _valid_ip(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"


def seconds_until_allowed(request: HttpRequest, *, group: str, rate: str, key: str | Callable = "ip") -> int | None:
    """Count this request; None while under the limit, else the seconds until the window resets.

    `key` is django-ratelimit's: "ip" (client_ip, by RATELIMIT_IP_META_KEY) or a callable.
    """
    usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return max(usage["time_left"], 1)


def too_many_requests(retry_after: int) -> HttpResponse:
    response = JsonResponse({"errors": {"__all__": ["Too many requests. Please wait a moment and try again."]}}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(group: str, rate_setting: str) -> Callable:
    """Answer 429 with Retry-After once a client passes the rate named by a setting."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            wait = seconds_until_allowed(request, group=group, rate=getattr(settings, rate_setting))
            if wait is not None:
                return too_many_requests(wait)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
