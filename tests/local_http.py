"""A real HTTP server on 127.0.0.1 for tests of outbound requests (no mock of the network).

Routes map a path to an answer: (status, headers, body), or a callable taking the handler
(to stream, to hang until an Event is set, to record a POST). The server runs in a thread and is
shut down by the context manager; `requests` lists (method, path, body) of what it received.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Answer = tuple[int, dict[str, str], bytes]
Route = Answer | Callable[[BaseHTTPRequestHandler], None]


@dataclass
class LocalServer:
    routes: dict[str, Route]
    port: int = 0
    requests: list[tuple[str, str, bytes]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


def _handler_for(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args) -> None:  # quiet test output
            pass

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            server.requests.append((self.command, self.path, body))
            route = server.routes.get(self.path.split("?", 1)[0])
            if route is None:
                route = (404, {"Content-Type": "text/plain"}, b"not found")
            if callable(route):
                route(self)
                return
            status, headers, payload = route
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = _answer
        do_POST = _answer

    return Handler


@contextmanager
def local_server(routes: dict[str, Route], *, tls: ssl.SSLContext | None = None) -> Iterator[LocalServer]:
    """Serve `routes` on 127.0.0.1 (a free port) for the block's duration; over TLS with `tls`."""
    server = LocalServer(routes=routes)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(server))
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    httpd.daemon_threads = True
    server.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(10)


def calendar(text: str, status: int = 200) -> Answer:
    """An .ics answer."""
    return (status, {"Content-Type": "text/calendar; charset=utf-8"}, text.encode())
