"""A real webhook receiver on 127.0.0.1 that checks every request with the standardwebhooks library.

It runs http.server in a thread. Each POST is verified with `standardwebhooks.Webhook(secret)
.verify`, exactly as an owner's receiver would, and recorded; it then answers with the next
planned answer: a status code, REDIRECT (a 302 elsewhere) or HANG (no answer until the test sets
`release`, so the sender's timeout is what ends the try). With nothing planned it answers 200.
"""

import json
import threading
from collections import deque
from contextlib import suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

HANG = "hang"
REDIRECT = "redirect"
HANG_AT_MOST = 30.0  # seconds: only reached when a test forgot to release, and the sender gave up long before


@dataclass(frozen=True)
class Received:
    event_id: str
    timestamp: str
    signature: str
    body: bytes
    verified: bool  # the signature and timestamp passed standardwebhooks' verify
    payload: dict | None  # what verify returned


class Receiver:
    def __init__(self) -> None:
        self.secret = ""  # the endpoint's, set by the test once the endpoint exists
        self.received: list[Received] = []
        self.answers: deque = deque()
        self.release = threading.Event()
        self.arrived = threading.Event()  # set once a request has been received
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks"

    def plan(self, *answers) -> None:
        self.answers.extend(answers)

    @property
    def verified(self) -> list[dict]:
        return [r.payload for r in self.received if r.verified]

    def start(self) -> "Receiver":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)

    def _record(self, headers: dict[str, str], body: bytes) -> None:
        try:
            payload, verified = Webhook(self.secret).verify(body, headers), True
        except WebhookVerificationError:
            payload, verified = None, False
        with self._lock:
            self.received.append(
                Received(
                    event_id=headers.get("webhook-id", ""),
                    timestamp=headers.get("webhook-timestamp", ""),
                    signature=headers.get("webhook-signature", ""),
                    body=body,
                    verified=verified,
                    payload=payload,
                )
            )
        self.arrived.set()

    def _next_answer(self):
        with self._lock:
            return self.answers.popleft() if self.answers else 200

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver._record({name.lower(): value for name, value in self.headers.items()}, body)
                answer = receiver._next_answer()
                if answer == HANG:
                    receiver.release.wait(HANG_AT_MOST)
                    answer = 200
                headers = {"Location": "https://elsewhere.example/hooks"} if answer == REDIRECT else {}
                status = 302 if answer == REDIRECT else answer
                text = json.dumps({"answer": status}).encode()
                with suppress(OSError):  # the sender may have given up (timeout) and gone
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(text)))
                    self.end_headers()
                    self.wfile.write(text)

        return Handler
