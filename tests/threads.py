"""Run calls at the same moment in real threads: the race and the sweeps-at-once tests."""

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connection

T = TypeVar("T")
JOIN_TIMEOUT = 120  # seconds; only reached when something hangs, and then the test fails


def run_together(calls: list[Callable[[], T]]) -> list[T | BaseException]:
    """Run every call in its own thread, released at once by a barrier; the result or the error of each."""
    barrier = threading.Barrier(len(calls))
    results: list[T | BaseException | None] = [None] * len(calls)

    def worker(index: int, call: Callable[[], T]) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT)
            results[index] = call()
        except BaseException as exc:  # collected and asserted on by the test
            results[index] = exc
        finally:
            connection.close()  # this thread's own connection; leaving it open blocks the flush

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert all(result is not None for result in results)
    return results  # type: ignore[return-value]


def run_together_without_errors(call: Callable[[], T], times: int) -> list[T]:
    """`call` run `times` times at once; fails the test on any error, else the results."""
    results = run_together([call] * times)
    errors = [result for result in results if isinstance(result, BaseException)]
    assert errors == [], f"errors: {errors[:3]!r}"
    return results  # type: ignore[return-value]
