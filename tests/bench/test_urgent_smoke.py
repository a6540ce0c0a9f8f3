"""bench/urgent.py keeps working: a smoke run with 6 screens and 2 reports, no timing
assertions (the figures are printed, with their baseline and ratio)."""

from __future__ import annotations

import re

from tests.bench.runner import run_bench


def test_bench_urgent_smoke() -> None:
    out = run_bench("urgent.py", "--screens", "6", "--addressed", "2", "--rounds", "2")
    assert "== urgent alerts: 6 screens connected (2 addressed workers, 4 desks), 2 reports" in out
    for label, n in (("alert → addressed workers", 4), ("alert → desks (center)", 8)):
        assert re.search(rf"{re.escape(label)} +median +[\d.]+ ms +p95 +[\d.]+ ms +n={n}", out), out
    assert re.search(r"ratio p95 alert ÷ p95 event +[\d.]+×", out), out
    assert "within 1 s at p95:" in out, out
