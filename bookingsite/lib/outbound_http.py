"""HTTP requests to addresses an owner typed (busy-calendar import, webhooks): the guard of DESIGN.md 13.

An owner's URL must not reach into our own network: only http(s), and every address its host
resolves to must be public (not private, loopback, link-local, reserved, multicast or
unspecified, IPv4-mapped IPv6 included) unless `settings.CALENDAR_IMPORT_ALLOW_PRIVATE` is on.
`settings.OUTBOUND_PRIVATE_ALLOWLIST` names single `ip:port` socket addresses allowed even so
(an intranet calendar server; the tests use it to let a first hop on 127.0.0.1 through and
prove the redirect's hop is checked again).

The connection goes to the address that was checked, never to a second DNS answer (DNS
rebinding): http.client connects to the IP, and sends the host name as Host and, for https, as
SNI and the name the certificate must match. Every redirect hop is checked the same way. The
timeout is one budget for the whole exchange (connects, redirects, reading), and the body is
cut off while streaming once it passes the cap, whatever Content-Length claimed.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

MAX_REDIRECTS = 5
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024
USER_AGENT = "FlowkeyBookingLinks/1.0"


class OutboundRefused(Exception):
    """The URL or the address it leads to is not allowed; str() is a message for the owner."""


class OutboundFailed(Exception):
    """The request was allowed but did not succeed (timeout, too large, connection error, too many
    redirects); str() is a message for the owner."""


@dataclass(frozen=True)
class OutboundResponse:
    status: int
    body: bytes
    headers: dict[str, str]  # names in lower case
    url: str  # the URL that answered (after redirects)


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, for the request line
    addresses: tuple[str, ...]  # every address the host resolved to, all allowed


def address_refusal(ip: str, port: int) -> str | None:
    """Why a connection to (ip, port) is refused, or None when it is allowed."""
    address = ipaddress.ip_address(ip.split("%", 1)[0])  # a scope id (fe80::1%eth0) is link-local anyway
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if getattr(settings, "CALENDAR_IMPORT_ALLOW_PRIVATE", False):
        return None
    if _socket_address(str(address), port) in _allowlist():
        return None
    if (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    ):
        return _("It points at a private or local network address (%(address)s), which is not allowed.") % {
            "address": address
        }
    return None


def _socket_address(ip: str, port: int) -> str:
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def _allowlist() -> set[str]:
    entries = getattr(settings, "OUTBOUND_PRIVATE_ALLOWLIST", ())
    return {entry.strip().lower() for entry in entries}


def _check(url: str, *, https_only: bool, deadline: float | None = None) -> _Target:
    """The URL's target with its resolved, allowed addresses; OutboundRefused otherwise."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise OutboundRefused(_("This is not a valid web address.")) from None
    schemes = ("https",) if https_only else ("http", "https")
    if parts.scheme.lower() not in schemes:
        raise OutboundRefused(
            _("The address must start with https://.") if https_only
            else _("The address must start with http:// or https://.")
        )
    host = parts.hostname
    if not host:
        raise OutboundRefused(_("The address has no host name."))
    scheme = parts.scheme.lower()
    port = port or (443 if scheme == "https" else 80)
    try:
        if deadline is not None:
            # getaddrinfo has no timeout of its own; the socket default bounds only what follows.
            _remaining(deadline)
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise OutboundRefused(_("The host name %(host)s could not be found.") % {"host": host}) from None
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise OutboundRefused(_("The host name %(host)s could not be found.") % {"host": host})
    for ip in addresses:
        if refusal := address_refusal(ip, port):
            raise OutboundRefused(refusal)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return _Target(scheme=scheme, host=host, port=port, path=path, addresses=addresses)


def url_refusal(url: str, *, https_only: bool = False) -> str | None:
    """Why `url` may not be fetched (scheme, host, or an address it resolves to), or None when it may.

    For form validation: it resolves the host name (DNS) but opens no connection. Passing it
    does not make a later fetch safe on its own: fetch() and post() check again.
    """
    try:
        _check(url, https_only=https_only)
    except OutboundRefused as exc:
        return str(exc)
    return None


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise OutboundFailed(_("The server took too long to answer."))
    return left


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to a checked IP; `host` stays the name (the Host header)."""

    def __init__(self, host: str, port: int, *, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to a checked IP; SNI and the certificate check use the host name."""

    def __init__(self, host: str, port: int, *, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _connect(target: _Target, deadline: float) -> http.client.HTTPConnection:
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    last_error: OSError | None = None
    for ip in target.addresses:
        connection = kind(target.host, target.port, ip=ip, timeout=_remaining(deadline))
        try:
            connection.connect()
        except TimeoutError:
            connection.close()
            raise OutboundFailed(_("The server took too long to answer.")) from None
        except ssl.SSLError as exc:
            connection.close()
            raise OutboundFailed(_("The secure connection failed: %(reason)s") % {"reason": exc.reason or exc}) from None
        except OSError as exc:
            connection.close()
            last_error = exc
            continue
        return connection
    raise OutboundFailed(
        _("Could not connect to %(host)s: %(reason)s") % {"host": target.host, "reason": _reason(last_error)}
    )


def _reason(error: OSError | None) -> str:
    if error is None:
        return _("no address")
    return error.strerror or str(error) or error.__class__.__name__


def _size_text(max_bytes: int) -> str:
    if max_bytes >= 1024 * 1024 and max_bytes % (1024 * 1024) == 0:
        return f"{max_bytes // (1024 * 1024)} MB"
    if max_bytes >= 1024:
        return f"{max_bytes // 1024} KB"
    return f"{max_bytes} bytes"


def _exchange(
    target: _Target, *, method: str, body: bytes | None, headers: dict[str, str], max_bytes: int, deadline: float,
    url: str,
) -> OutboundResponse:
    """One request and its answer, read within the deadline and the size cap."""
    connection = _connect(target, deadline)
    # http.client drops connection.sock once a "Connection: close" answer arrives (the response
    # owns the socket then); keep it to go on setting the time left.
    sock = connection.sock
    try:
        sock.settimeout(_remaining(deadline))
        connection.request(method, target.path, body=body, headers={"User-Agent": USER_AGENT, **headers})
        sock.settimeout(_remaining(deadline))
        response = connection.getresponse()
        answer_headers = {name.lower(): value for name, value in response.getheaders()}
        too_large = OutboundFailed(_("The answer is larger than %(size)s.") % {"size": _size_text(max_bytes)})
        declared = answer_headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise too_large
        chunks: list[bytes] = []
        size = 0
        while True:
            sock.settimeout(_remaining(deadline))
            chunk = response.read1(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise too_large  # stop reading: a server may send without end
            chunks.append(chunk)
        return OutboundResponse(status=response.status, body=b"".join(chunks), headers=answer_headers, url=url)
    except TimeoutError:
        raise OutboundFailed(_("The server took too long to answer.")) from None
    except (http.client.HTTPException, OSError) as exc:
        raise OutboundFailed(
            _("The connection to %(host)s failed: %(reason)s") % {"host": target.host, "reason": exc.__class__.__name__}
        ) from None
    finally:
        connection.close()


def fetch(url: str, *, max_bytes: int, timeout: float, https_only: bool = False) -> OutboundResponse:
    """GET `url` through the guard, following up to MAX_REDIRECTS redirects, each hop checked again.

    `timeout` (seconds) bounds the whole exchange; the body is at most `max_bytes`. Any status is
    returned (the caller judges a 404); raises OutboundRefused for a URL or address not allowed
    and OutboundFailed for a timeout, a body too large, a connection error or too many redirects.
    """
    deadline = time.monotonic() + timeout
    for _hop in range(MAX_REDIRECTS + 1):
        target = _check(url, https_only=https_only, deadline=deadline)
        response = _exchange(
            target, method="GET", body=None, headers={"Accept": "text/calendar, */*;q=0.5"}, max_bytes=max_bytes,
            deadline=deadline, url=url,
        )
        location = response.headers.get("location")
        if response.status not in REDIRECT_STATUSES or not location:
            return response
        url = urljoin(url, location)
    raise OutboundFailed(_("Too many redirects (more than %(count)s).") % {"count": MAX_REDIRECTS})


def post(
    url: str, *, body: bytes, headers: dict[str, str], timeout: float, https_only: bool = False,
    max_response_bytes: int = 64 * 1024,
) -> OutboundResponse:
    """POST `body` to `url` through the guard. A redirect is never followed: a 3xx comes back as it is.

    Raises as fetch() does; `timeout` bounds the whole exchange.
    """
    deadline = time.monotonic() + timeout
    target = _check(url, https_only=https_only, deadline=deadline)
    return _exchange(
        target, method="POST", body=body, headers=headers, max_bytes=max_response_bytes, deadline=deadline, url=url
    )
