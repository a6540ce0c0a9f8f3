"""bench/soak.py keeps working: two windows of two seconds, 5 socket clients in 2 processes,
10 reports/s, no timing assertions. Every client must have received every report's event
in each window, and the summary compares the last window with the first."""

from __future__ import annotations

import re

import pytest

from tests.bench.runner import require_postgres, run_bench
from tests.conftest import POSTGRES_URL

SMOKE = ("--minutes", "0.05", "--window", "2", "--clients", "5", "--procs", "2")
SMOKE += ("--rate", "10", "--posters", "2")
WINDOW = r"^ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +0 +\d+ +\d+% +\d+$"


@pytest.mark.postgres
def test_bench_soak_smoke(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    require_postgres()
    monkeypatch.setenv("GRIDCC_BENCH_REDIS_URL", redis_url)
    monkeypatch.setenv("GRIDCC_BENCH_POSTGRES_URL", POSTGRES_URL)
    out = run_bench("soak.py", *SMOKE, timeout=300)
    assert "== soak: 5 socket clients in 2 processes" in out, out
    windows = re.findall(WINDOW, out, re.M)
    assert len(windows) >= 2, out  # each window: nothing missing, the outbox's lag read
    assert re.search(r"windows, 0 events missing$", out, re.M), out
    assert re.search(r"ratio last ÷ first [\d.]+×$", out, re.M), out
    assert re.search(r"memory first \d+ MB, last \d+ MB: ratio last ÷ first [\d.]+×", out), out
