"""The outbound address guard against real servers on 127.0.0.1 (DESIGN.md 13).

Every test server listens on loopback, which the guard refuses. Tests that need a server to be
reached either switch CALENDAR_IMPORT_ALLOW_PRIVATE on, or allow one exact socket address through
OUTBOUND_PRIVATE_ALLOWLIST (a real setting an operator may use for an intranet server): then a
second server on 127.0.0.1 at another port is still refused, which proves each redirect hop is
checked again.
"""

import ssl
import subprocess
import threading

import pytest

from bookingsite.lib.outbound_http import (
    OutboundFailed,
    OutboundRefused,
    OutboundResponse,
    address_refusal,
    fetch,
    post,
    url_refusal,
)

from ..local_http import local_server

MB = 1024 * 1024
ICS = (200, {"Content-Type": "text/calendar"}, b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")


@pytest.fixture
def allow_private(settings):
    settings.CALENDAR_IMPORT_ALLOW_PRIVATE = True


@pytest.fixture
def refuse_private(settings):
    settings.CALENDAR_IMPORT_ALLOW_PRIVATE = False
    settings.OUTBOUND_PRIVATE_ALLOWLIST = []


def test_a_loopback_server_is_refused_without_the_switch(refuse_private):
    with local_server({"/cal.ics": ICS}) as server:
        with pytest.raises(OutboundRefused, match="private or local network address"):
            fetch(server.url("/cal.ics"), max_bytes=MB, timeout=5)
        assert server.requests == []  # refused before connecting
        assert "private or local" in url_refusal(server.url("/cal.ics"))


def test_a_loopback_server_is_fetched_with_the_switch(allow_private):
    with local_server({"/cal.ics": ICS}) as server:
        response = fetch(server.url("/cal.ics"), max_bytes=MB, timeout=5)
    assert response == OutboundResponse(
        status=200, body=ICS[2], headers=response.headers, url=server.url("/cal.ics")
    )
    assert response.headers["content-type"] == "text/calendar"
    assert url_refusal(server.url("/cal.ics")) is None


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0", "224.0.0.1",
        "240.0.0.1", "::1", "::", "fe80::1", "fc00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
    ],
)
def test_private_local_and_special_addresses_are_refused(refuse_private, ip):
    assert address_refusal(ip, 443) is not None


@pytest.mark.parametrize("ip", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_are_allowed(refuse_private, ip):
    assert address_refusal(ip, 443) is None


@pytest.mark.parametrize(
    "url, message",
    [
        ("ftp://example.com/cal.ics", "http:// or https://"),
        ("file:///etc/passwd", "http:// or https://"),
        ("webcal://example.com/cal.ics", "http:// or https://"),
        ("http:///cal.ics", "no host name"),
        ("https://[::1/cal.ics", "not a valid web address"),
        ("http://0x7f.1/cal.ics", "private or local"),
        ("http://[::ffff:127.0.0.1]:8000/", "private or local"),
        ("https://no-such-host.invalid/cal.ics", "could not be found"),
    ],
)
def test_urls_that_are_not_http_or_lead_nowhere_are_refused(refuse_private, url, message):
    refusal = url_refusal(url)
    assert refusal is not None and message in refusal
    with pytest.raises(OutboundRefused, match=message.replace("/", "/")):
        fetch(url, max_bytes=MB, timeout=5)


def test_https_only_refuses_plain_http(allow_private):
    assert "https://" in url_refusal("http://127.0.0.1/hook", https_only=True)
    with pytest.raises(OutboundRefused):
        post("http://127.0.0.1/hook", body=b"{}", headers={}, timeout=5, https_only=True)


def test_a_redirect_to_a_loopback_address_is_refused(settings):
    settings.CALENDAR_IMPORT_ALLOW_PRIVATE = False
    with local_server({"/private.ics": ICS}) as inside:
        moved = (302, {"Location": inside.url("/private.ics")}, b"")
        with local_server({"/cal.ics": moved}) as first:
            settings.OUTBOUND_PRIVATE_ALLOWLIST = [first.address]  # only the first hop's exact socket
            with pytest.raises(OutboundRefused, match="private or local"):
                fetch(first.url("/cal.ics"), max_bytes=MB, timeout=5)
            assert [path for _method, path, _body in first.requests] == ["/cal.ics"]
        assert inside.requests == []


def test_redirects_are_followed_and_each_hop_reported(allow_private):
    with local_server({"/final.ics": ICS}) as server:
        server.routes["/old.ics"] = (301, {"Location": "/final.ics"}, b"")
        response = fetch(server.url("/old.ics"), max_bytes=MB, timeout=5)
    assert response.status == 200
    assert response.url == server.url("/final.ics")


def test_too_many_redirects_fail(allow_private):
    with local_server({}) as server:
        server.routes["/loop"] = (302, {"Location": "/loop"}, b"")
        with pytest.raises(OutboundFailed, match="Too many redirects"):
            fetch(server.url("/loop"), max_bytes=MB, timeout=5)
        assert len(server.requests) == 6  # the first request and five redirects


def test_a_body_over_the_cap_stops_the_read(allow_private):
    sent = []

    def endless(handler):
        # No Content-Length: the body ends when the connection closes, which a hostile server never does.
        handler.send_response(200)
        handler.send_header("Content-Type", "text/calendar")
        handler.send_header("Connection", "close")
        handler.end_headers()
        try:
            for _ in range(10_000):
                handler.wfile.write(b"x" * 16384)
                sent.append(1)
        except OSError:
            pass  # the client hung up, as it should

    with local_server({"/huge.ics": endless}) as server:
        with pytest.raises(OutboundFailed, match="larger than 1 MB"):
            fetch(server.url("/huge.ics"), max_bytes=MB, timeout=10)
    assert len(sent) < 10_000


def test_a_declared_length_over_the_cap_fails_at_once(allow_private):
    big = (200, {"Content-Type": "text/calendar"}, b"x" * (5 * MB + 1))
    with local_server({"/big.ics": big}) as server:
        with pytest.raises(OutboundFailed, match="larger than 5 MB"):
            fetch(server.url("/big.ics"), max_bytes=5 * MB, timeout=10)


def test_a_server_that_hangs_times_out(allow_private):
    release = threading.Event()

    def hang(handler):
        release.wait(30)  # held until the test has seen the timeout

    with local_server({"/slow.ics": hang}) as server:
        try:
            with pytest.raises(OutboundFailed, match="too long"):
                fetch(server.url("/slow.ics"), max_bytes=MB, timeout=0.5)
        finally:
            release.set()


def test_a_closed_port_fails_clearly(allow_private):
    with local_server({}) as server:
        url = server.url("/cal.ics")
    with pytest.raises(OutboundFailed, match="Could not connect to 127.0.0.1"):
        fetch(url, max_bytes=MB, timeout=5)


def test_post_sends_the_body_and_headers_and_never_follows_a_redirect(allow_private):
    with local_server({"/hook": (307, {"Location": "/elsewhere"}, b"moved")}) as server:
        response = post(server.url("/hook"), body=b'{"a": 1}', headers={"Content-Type": "application/json"}, timeout=5)
        assert response.status == 307
        assert response.headers["location"] == "/elsewhere"
        assert response.body == b"moved"
        assert server.requests == [("POST", "/hook", b'{"a": 1}')]


def test_post_caps_the_answer(allow_private):
    with local_server({"/hook": (200, {}, b"y" * 2048)}) as server:
        with pytest.raises(OutboundFailed, match="larger than 1 KB"):
            post(server.url("/hook"), body=b"{}", headers={}, timeout=5, max_response_bytes=1024)


def test_post_to_a_loopback_address_is_refused_without_the_switch(refuse_private):
    with local_server({"/hook": (200, {}, b"")}) as server:
        with pytest.raises(OutboundRefused):
            post(server.url("/hook"), body=b"{}", headers={}, timeout=5)
        assert server.requests == []


@pytest.fixture
def localhost_tls(tmp_path):
    """A server TLS context with a self-signed certificate for the name "localhost" (not for 127.0.0.1), and its file."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
        check=True, capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context, cert


def test_https_checks_the_certificate_against_the_host_name_while_connecting_to_the_checked_address(
    allow_private, localhost_tls, monkeypatch
):
    context, cert = localhost_tls
    with local_server({"/cal.ics": ICS}, tls=context) as server:
        url = f"https://localhost:{server.port}/cal.ics"
        # A certificate nobody trusts is refused, clearly.
        with pytest.raises(OutboundFailed, match="secure connection failed"):
            fetch(url, max_bytes=MB, timeout=5)
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # now trusted, as a public CA's would be
        # The name in the URL goes as SNI and is checked against the certificate, though the
        # connection goes to the resolved address (localhost may also resolve to ::1, where nothing listens).
        assert fetch(url, max_bytes=MB, timeout=5).body == ICS[2]
        with pytest.raises(OutboundFailed, match="secure connection failed"):
            fetch(f"https://127.0.0.1:{server.port}/cal.ics", max_bytes=MB, timeout=5)  # the certificate names localhost only
