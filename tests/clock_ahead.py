"""Run a Python module with the clock moved ahead: `python -m tests.clock_ahead SECONDS MODULE ARGS...`.

For a subprocess that must live "later" than the test, as the worker that takes over once a dead
worker's claim has timed out (tests/notifications/test_worker_killed.py), without the test
waiting for it. time-machine moves time.time() and datetime.now(), so Django's timezone.now();
time.monotonic(), which socket and broker timeouts use, stays real; the clock keeps ticking.
"""

import runpy
import sys
from datetime import timedelta

import time_machine


def main() -> None:
    seconds, module, *arguments = sys.argv[1:]
    time_machine.travel(timedelta(seconds=float(seconds))).start()
    sys.argv = [module, *arguments]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
