"""bench/positions.py keeps working: 20 workers every 3 s for 6 s a phase, with the lead's
page in Chromium; no timing assertions, only that every figure is printed and the positions
reached the socket and the page."""

from __future__ import annotations

import re

import pytest

from tests.bench.runner import run_bench

pytestmark = [pytest.mark.redis, pytest.mark.browser]


def test_bench_positions_smoke(redis_url: str) -> None:
    smoke = ("--workers", "20", "--period", "3", "--seconds", "6", "--redis-url", redis_url)
    out = run_bench("positions.py", *smoke, timeout=240)
    for label in (
        "case event lag p50 (ms)",
        "case event lag p95 (ms)",
        "map case repaints/s",
        "page animation frames/s",
        "page frame gap p95 (ms)",
    ):
        assert re.search(rf"^  {re.escape(label)} +[\d.]+ +[\d.]+ +[\d.]+×$", out, re.M), (
            label,
            out,
        )
    for label in ("put → socket", "put → page", "put → next frame"):
        assert re.search(rf"^  {re.escape(label)} +p50 +\d+ ms  p95 +\d+ ms$", out, re.M), out
    rows = re.search(r"^positions: ([\d,]+) rows at the socket, ([\d.]+) frames/s", out, re.M)
    assert rows and int(rows.group(1).replace(",", "")) > 0 and float(rows.group(2)) > 0, out
    assert re.search(r"^  dots on the map: 20$", out, re.M), out
    assert re.search(r"^  people layer on the page's main thread: [\d.]+ ms a second$", out, re.M)
    assert re.search(r"case events arrived: (\d+)/\1, (\d+)/\2", out), out
