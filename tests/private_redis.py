"""A redis-server of the test's own on a free port, to stop and start again: the shared Redis on
6379 is never stopped or flushed by a test (its other databases belong to other runs)."""

import shutil
import signal
import socket
import subprocess
import threading

import pytest

READY = "Ready to accept connections"
START_LIMIT = 20  # seconds; only reached if redis-server is broken, and then the test fails


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """`redis-server` on 127.0.0.1:<port>, in memory only (no dump, no append-only file)."""

    def __init__(self) -> None:
        if not shutil.which("redis-server"):
            pytest.fail("redis-server is missing: apt-get install -y redis-server")
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start it (again, on the same port) and return once it accepts connections."""
        assert self._process is None, "already running"
        process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        seen = []
        try:
            # redis-server prints READY once it listens: read its log until then (or until it exits).
            for line in process.stdout:
                seen.append(line)
                if READY in line:
                    break
            else:
                raise RuntimeError("".join(seen[-5:]))
        except BaseException:
            process.kill()
            process.wait(START_LIMIT)
            raise
        # Keep reading its log, so that a chatty server never blocks on a full pipe.
        threading.Thread(target=process.stdout.read, daemon=True).start()
        self._process = process

    def pause(self) -> None:
        """Freeze it (SIGSTOP), as a Redis that hangs: connections are accepted, nothing is answered."""
        self._process.send_signal(signal.SIGSTOP)

    def stop(self) -> None:
        """Stop it and return once it has exited: from then on its port refuses connections."""
        if self._process is None:
            return
        self._process.send_signal(signal.SIGCONT)  # a paused process would hold the SIGTERM
        self._process.terminate()
        self._process.wait(START_LIMIT)
        self._process = None
