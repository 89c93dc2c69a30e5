"""What this process knows about a dependency that stopped answering (the shared cache, the broker).

After a failure the callers skip the dependency for `retry_after` seconds instead of each waiting
for its timeout, and the log says so once a minute, not once a request. Each process learns on
its own: there is nowhere to share it, since the thing that is down is what they would share it
through.
"""

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("bookingsite.outage")


class Outage:
    """One dependency, up or down in this process. Thread-safe.

    Around each use: `if outage.skip()` do without it; else try it, then `outage.answered()`, or
    `outage.failed(exc)` on its error. The log lines count as `missed` the uses done without it
    since the line before.
    """

    def __init__(
        self,
        name: str,
        *,
        where: str = "",
        retry_after: float,
        log_every: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.where = where
        self.retry_after = retry_after
        self.log_every = log_every
        self.clock = clock
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._retry_at = 0.0
        self._logged_at = 0.0
        self._missed = 0  # uses done without the dependency since the last log line
        self._error: Exception | None = None

    @property
    def is_down(self) -> bool:
        return self._down_since is not None

    def skip(self) -> bool:
        """True while the last failure is under `retry_after` seconds old: do without it this time."""
        if self._down_since is None:  # the usual case, without the lock
            return False
        with self._lock:
            now = self.clock()
            if self._down_since is None or now >= self._retry_at:
                return False  # time to try it again
            self._missed += 1
            self._log_if_due(now)
            return True

    def failed(self, exc: Exception) -> None:
        """It did not answer: skip it for the next `retry_after` seconds."""
        with self._lock:
            now = self.clock()
            self._retry_at = now + self.retry_after
            self._missed += 1
            self._error = exc
            if self._down_since is None:
                self._down_since = now
                self._logged_at = now
                self._missed = 0
                log.warning(
                    "%s.down%s error=%s: carrying on without it, trying again every %gs",
                    self.name, self._where(), _describe(exc), self.retry_after,
                )
            else:
                self._log_if_due(now)

    def answered(self) -> None:
        """It answered: the outage, if there was one, is over."""
        if self._down_since is None:
            return
        with self._lock:
            if self._down_since is None:
                return
            log.info(
                "%s.back%s after=%ds missed=%d", self.name, self._where(), self.clock() - self._down_since, self._missed
            )
            self._down_since, self._error, self._missed = None, None, 0

    def _where(self) -> str:
        return f" where={self.where}" if self.where else ""

    def _log_if_due(self, now: float) -> None:
        if now - self._logged_at >= self.log_every:
            log.warning(
                "%s.still_down%s for=%ds missed=%d error=%s",
                self.name, self._where(), now - self._down_since, self._missed, _describe(self._error),
            )
            self._logged_at = now
            self._missed = 0


def _describe(exc: Exception | None) -> str:
    return f"{type(exc).__name__}({str(exc)!r})"
