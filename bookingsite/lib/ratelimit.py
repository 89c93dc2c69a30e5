"""Per-client rate limits, on django-ratelimit's counters (the DRF views count through lib.throttling)."""

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
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
