"""Rate limits of the DRF views, on the same django-ratelimit counters as the pages (lib.ratelimit).

The API counts per user for a valid token (API_THROTTLE_USER), per client IP without one
(API_THROTTLE_ANON), and the token endpoint also counts on the login page's counter
(RATELIMIT_LOGIN), so guessing a password is no faster here than there. The public JSON counts
per client IP (RATELIMIT_PUBLIC_READ, RATELIMIT_PUBLIC_WRITE; the booking form shares the write
counter). Rates are read at request time, and RATELIMIT_ENABLE=false switches all of them off
(django-ratelimit's get_usage answers None then).
"""

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from bookingsite.lib.ratelimit import seconds_until_allowed


def _authenticated(request: Request) -> bool:
    return request.user is not None and request.user.is_authenticated


class RateLimit(BaseThrottle):
    group: str
    rate_setting: str
    wait_seconds: int | None = None

    def applies(self, request: Request) -> bool:
        return True

    def key(self, request: Request):
        """django-ratelimit's key: "ip" (the site's client_ip) or a callable."""
        return "ip"

    def allow_request(self, request: Request, view) -> bool:
        if not self.applies(request):
            return True
        self.wait_seconds = seconds_until_allowed(
            request._request, group=self.group, rate=getattr(settings, self.rate_setting), key=self.key(request)
        )
        return self.wait_seconds is None

    def wait(self) -> float | None:
        return self.wait_seconds


class UserRateLimit(RateLimit):
    """Requests with a valid token, per user (all of a user's tokens share it)."""

    group, rate_setting = "api-user", "API_THROTTLE_USER"

    def applies(self, request: Request) -> bool:
        return _authenticated(request)

    def key(self, request: Request):
        user_key = f"user:{request.user.pk}"
        return lambda _group, _request: user_key


class AnonRateLimit(RateLimit):
    """Requests without a valid token (the token endpoints, the schema and docs), per client IP."""

    group, rate_setting = "api-anon", "API_THROTTLE_ANON"

    def applies(self, request: Request) -> bool:
        return not _authenticated(request)


class LoginRateLimit(RateLimit):
    """Password attempts per client IP, on the login page's own counter."""

    group, rate_setting = "login", "RATELIMIT_LOGIN"


class PublicReadRateLimit(RateLimit):
    """Reads of the public JSON, per client IP."""

    group, rate_setting = "public-read", "RATELIMIT_PUBLIC_READ"


class PublicWriteRateLimit(RateLimit):
    """Bookings through the public JSON, per client IP, on the booking form's counter."""

    group, rate_setting = "public-write", "RATELIMIT_PUBLIC_WRITE"
