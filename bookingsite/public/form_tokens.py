"""The booking form's signed token: which slot it books, and a one-time key.

The public form cannot rely on a CSRF cookie (inside a cross-site iframe the browser may send no
cookies at all), so the page signs what it offered. A tampered or stale token is refused, and
the one-time key makes a repeated submission answer with the booking already made.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.core import signing
from django.utils.translation import gettext_lazy as _

SALT = "bookingsite.public.booking-form"
MAX_AGE_SECONDS = 2 * 60 * 60


class FormTokenError(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class FormToken:
    service_id: int
    start_utc: datetime
    client_timezone: str
    once_key: str


def make_form_token(*, service_id: int, start_utc: datetime, client_timezone: str) -> str:
    payload = {"s": service_id, "t": start_utc.isoformat(), "z": client_timezone, "k": secrets.token_hex(16)}
    return signing.dumps(payload, salt=SALT, compress=True)


def read_form_token(token: str, *, service_id: int) -> FormToken:
    """The token's content; FormTokenError when it is expired, tampered with, or for another service."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise FormTokenError(_("This form has expired. Please pick your time again.")) from None
    except signing.BadSignature:
        raise FormTokenError(_("This form could not be verified. Please pick your time again.")) from None
    try:
        token_service, start, zone, key = payload["s"], datetime.fromisoformat(payload["t"]), payload["z"], payload["k"]
    except (KeyError, TypeError, ValueError):
        raise FormTokenError(_("This form could not be verified. Please pick your time again.")) from None
    if token_service != service_id:
        raise FormTokenError(_("This form could not be verified. Please pick your time again."))
    return FormToken(service_id=token_service, start_utc=start, client_timezone=zone, once_key=key)
