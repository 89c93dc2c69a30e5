"""The benchmark's own arithmetic: what it reads from wrk and how it takes percentiles.

The benchmark itself runs with `make bench`, never in the test suite; these check only that
the figures it prints are read and computed right.
"""

from bench.environment import scratch_database_url
from bench.load import parse_wrk
from bench.stats import percentile, summary

WRK_OUTPUT = """Running 15s test @ http://127.0.0.1:8765/book/x/availability/
  1 threads and 12 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.90ms    2.10ms  40.11ms   80.00%
    Req/Sec   547.00     30.00   600.00     70.00%
  Latency Distribution
     50%   21.71ms
     75%   22.90ms
     90%   24.00ms
     99%    1.02s
  8217 requests in 15.02s, 20.10MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:    547.09
Transfer/sec:      1.34MB
"""


def test_wrk_figures_are_read_with_their_units_and_every_error_counted():
    figures = parse_wrk(WRK_OUTPUT)
    assert figures["requests"] == 8217
    assert figures["per_second"] == 547.09
    assert figures["latency_p50"] == 21.71
    assert figures["latency_p99"] == 1020.0
    assert figures["errors"] == 4 + 2 + 1


def test_a_latency_in_minutes_is_read_too():
    assert parse_wrk(WRK_OUTPUT.replace("1.02s", "1.50m"))["latency_p99"] == 90_000.0


def test_a_clean_wrk_run_has_no_errors():
    clean = WRK_OUTPUT.replace("  Socket errors: connect 0, read 2, write 0, timeout 1\n", "").replace(
        "  Non-2xx or 3xx responses: 4\n", "")
    assert parse_wrk(clean)["errors"] == 0


def test_percentiles_are_measured_values_by_nearest_rank():
    timings = [float(n) for n in range(100, 0, -1)]  # 1..100, in any order
    assert percentile(timings, 0.50) == 50.0
    assert percentile(timings, 0.95) == 95.0
    assert summary(timings) == {"p50": 50.0, "p95": 95.0, "p99": 99.0}
    assert percentile([7.0], 0.99) == 7.0


def test_the_scratch_database_keeps_the_server_and_login_but_not_the_name():
    assert scratch_database_url("postgres://app:secret@db.internal:6543/production") == (
        "postgres://app:secret@db.internal:6543/bookinglinks_bench"
    )
    assert scratch_database_url(None) == "postgres://postgres@127.0.0.1:5432/bookinglinks_bench"
