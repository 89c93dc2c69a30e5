"""Throughput through gunicorn, driven by wrk from a separate process over loopback."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time as clock
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from .environment import ROOT, scaled

# What the Procfile runs by default (WEB_CONCURRENCY=3): on 2 cores, one worker can wait on
# the database while the others compute.
WORKERS = 3
WRK_THREADS = 1
WRK_CONNECTIONS = 12
WRK_SECONDS = scaled(15, 3)
READY_TIMEOUT = 30.0


@contextmanager
def gunicorn(port: int, workers: int = WORKERS, settings_module: str = "config.settings", env: dict | None = None):
    """A gunicorn of the app on 127.0.0.1:port with the process's environment (plus `env`), until the block ends."""
    command = [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--log-level", "warning"]
    server = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **(env or {}), "DJANGO_SETTINGS_MODULE": settings_module}
    )
    try:
        _wait_until_ready(f"http://127.0.0.1:{port}/healthz", server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_ready(url: str, server: subprocess.Popen) -> None:
    deadline = clock.monotonic() + READY_TIMEOUT
    while clock.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            clock.sleep(0.1)  # polling a starting server, not synchronising a test
    raise RuntimeError(f"gunicorn did not answer {url} within {READY_TIMEOUT:.0f} s")


def wrk_script(paths: list[str], headers: dict[str, str]) -> str:
    """A wrk script that cycles through the paths, asking for gzip as browsers do, and prints the
    latency's P95 at the end (wrk's --latency stops at 50, 75, 90 and 99)."""
    quoted = ",".join(f'"{path}"' for path in paths)
    all_headers = {"Accept-Encoding": "gzip", **headers}
    header_lines = "".join(f'wrk.headers["{name}"] = "{value}"\n' for name, value in all_headers.items())
    return (
        f"paths = {{{quoted}}}\n"
        "index = 0\n"
        f"{header_lines}"
        "request = function()\n"
        "  index = index % #paths + 1\n"
        '  return wrk.format("GET", paths[index])\n'
        "end\n"
        "done = function(summary, latency, requests)\n"
        '  io.write(string.format("Latency P95: %dus\\n", latency:percentile(95.0)))\n'
        "end\n"
    )


def _latency_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def parse_wrk(output: str) -> dict:
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    latency = {share: _latency_ms(value) for share, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)$", output, re.M)}
    p95 = re.search(r"^Latency P95: (\S+)$", output, re.M)
    return {
        "requests": requests,
        "per_second": rate,
        "errors": (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, sockets.groups())) if sockets else 0),
        "latency_p50": latency.get("50"),
        "latency_p95": _latency_ms(p95.group(1)) if p95 else None,
        "latency_p99": latency.get("99"),
    }


def _wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is missing: apt-get install -y wrk (make bench does this as root)")
    return wrk


def warm_up(url: str, script: str) -> None:
    """A short run first: each worker imports and connects on its first requests."""
    subprocess.run([_wrk(), "-t1", "-c4", "-d2s", "-s", script, url], check=True, capture_output=True)


def wrk_command(url: str, script: str) -> list[str]:
    return [_wrk(), f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s", "--latency", "-s", script, url]


def throughput(base_url: str, paths: list[str], headers: dict[str, str] | None = None) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(wrk_script(paths, headers or {}))
        script.flush()
        warm_up(base_url + paths[0], script.name)
        result = subprocess.run(wrk_command(base_url + paths[0], script.name), check=True, capture_output=True, text=True)
    return parse_wrk(result.stdout)
