"""An outage is remembered for a few seconds and logged once a minute (no database, a clock of the test's)."""

import logging

import pytest

from bookingsite.lib.outage import Outage


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def outage(clock) -> Outage:
    return Outage("cache", retry_after=5.0, log_every=60.0, clock=clock)


def lines(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "bookingsite.outage"]


def test_a_dependency_that_never_failed_is_used(outage):
    assert not outage.skip()
    assert not outage.is_down


def test_after_a_failure_it_is_skipped_until_retry_after_has_passed(outage, clock):
    outage.failed(ConnectionError("refused"))

    assert outage.skip()
    clock.now += 4.9
    assert outage.skip()
    clock.now += 0.1
    assert not outage.skip()  # time to try it again
    assert outage.is_down  # ... which does not mean it is back

    outage.failed(ConnectionError("refused"))
    assert outage.skip()


def test_it_is_used_again_as_soon_as_it_answers(outage):
    outage.failed(ConnectionError("refused"))
    outage.answered()

    assert not outage.skip()
    assert not outage.is_down


def test_logs_once_a_minute_not_once_a_use(outage, clock, caplog):
    caplog.set_level(logging.INFO, logger="bookingsite.outage")
    outage.failed(ConnectionError("refused"))
    for _ in range(11):  # a minute of failures every 5 s, each followed by uses done without it
        for _ in range(100):
            outage.skip()
        clock.now += 5
        outage.failed(ConnectionError("refused"))

    assert len(lines(caplog)) == 1
    assert lines(caplog)[0].startswith("cache.down error=ConnectionError('refused'): carrying on without it")

    outage.skip()
    clock.now += 5
    outage.failed(ConnectionError("still refused"))

    assert len(lines(caplog)) == 2
    assert lines(caplog)[1] == "cache.still_down for=60s missed=1113 error=ConnectionError('still refused')"


def test_logs_when_it_is_back_and_not_while_it_is_fine(outage, clock, caplog):
    caplog.set_level(logging.INFO, logger="bookingsite.outage")
    outage.answered()
    assert lines(caplog) == []

    outage.failed(ConnectionError("refused"))
    outage.skip()
    clock.now += 7
    outage.answered()
    outage.answered()

    assert lines(caplog)[1:] == ["cache.back after=7s missed=1"]
