"""bench/fanout.py keeps working: a smoke run with 5 socket clients in 2 processes, 10
reports and a burst of 10, no timing assertions (the figures are printed beside the echo
floor, the poller and the one-frame-per-event outbox, with their ratios). Every client
must have received every report's event in each run, and the burst that waited in the log
must go out in fewer frames than events."""

from __future__ import annotations

import re

import pytest

from tests.bench.runner import require_postgres, run_bench
from tests.conftest import POSTGRES_URL

SMOKE = ("--clients", "5", "--reports", "10", "--procs", "2", "--pollers", "5")
SMOKE += ("--burst", "10", "--burst-threads", "4")
FIGURES = r" +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +"


@pytest.mark.postgres
def test_bench_fanout_smoke(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    require_postgres()
    monkeypatch.setenv("GRIDCC_BENCH_REDIS_URL", redis_url)
    monkeypatch.setenv("GRIDCC_BENCH_POSTGRES_URL", POSTGRES_URL)
    out = run_bench("fanout.py", *SMOKE, timeout=300)
    assert "== fan-out: 5 socket clients in 2 processes, 10 reports at 20/s" in out, out
    for label in ("gridcc (outbox)", "echo floor (Flask-SocketIO)", "1-s poller (5 polling)"):
        assert re.search(rf"^  {re.escape(label)}{FIGURES}50/50 ", out, re.M), (label, out)
    assert re.search(r"ratio p99 gridcc ÷ echo floor +[\d.]+×", out), out
    assert re.search(r"ratio mean poller ÷ gridcc +[\d.]+×", out), out
    assert "target p99 ≤ 100 ms:" in out, out
    per_frame = {}
    for label in ("one frame per event (batch 1)", "coalesced (outbox batches)"):
        row = re.search(rf"^  {re.escape(label)} +[\d.]+ +([\d.]+) .* received 50/50$", out, re.M)
        assert row, (label, out)
        per_frame[label] = float(row.group(1))
    # The burst waited in the log: one frame per event before, a few frames for all after.
    assert per_frame["one frame per event (batch 1)"] == 1.0, out
    assert per_frame["coalesced (outbox batches)"] > 2.0, out
    assert re.search(r"ratio CPU per event one at a time ÷ coalesced +[\d.]+×", out), out
