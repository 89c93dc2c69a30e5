"""The benchmark's own arithmetic: what it reads from wrk and how it takes percentiles.

The benchmark itself runs with `make bench`, never in the test suite; these check only that
the figures it prints are read and computed right.
"""

from bench import cache_counts
from bench.cache_counts import Counts, CountedCache, read_counts
from bench.environment import scratch_database_url
from bench.load import parse_wrk, wrk_script
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
Latency P95: 25311us
"""


def test_wrk_figures_are_read_with_their_units_and_every_error_counted():
    figures = parse_wrk(WRK_OUTPUT)
    assert figures["requests"] == 8217
    assert figures["per_second"] == 547.09
    assert figures["latency_p50"] == 21.71
    assert figures["latency_p95"] == 25.311  # printed by the script's done() in microseconds
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


def test_the_wrk_script_prints_the_p95_that_is_read_back():
    script = wrk_script(["/a", "/b"], {"HX-Request": "true"})
    assert 'paths = {"/a","/b"}' in script and 'wrk.headers["HX-Request"] = "true"' in script
    assert 'io.write(string.format("Latency P95: %dus\\n", latency:percentile(95.0)))' in script
    assert parse_wrk(WRK_OUTPUT.replace("Latency P95: 25311us\n", ""))["latency_p95"] is None


def test_the_counted_cache_counts_every_read_of_every_process(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_CACHE_COUNTS", str(tmp_path))
    monkeypatch.setattr(cache_counts, "_counts", None)  # this process opens its file under tmp_path
    cache = CountedCache("", {"COUNTED": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                          "LOCATION": "counted-test"}})
    assert cache.get("month") is None
    cache.set("month", [1, 2])
    assert cache.get("month") == [1, 2] and cache.get("month", "default") == [1, 2]
    assert cache.get("other", "default") == "default"
    (tmp_path / "4242").write_bytes(b"")  # a worker that opened its file and has not written yet

    counts = read_counts(tmp_path)

    assert counts == Counts(hits=2, misses=2) and counts.hit_rate == 0.5
    assert counts - Counts(hits=1, misses=2) == Counts(hits=1, misses=0)
    assert Counts().hit_rate is None
