"""bench/map.py keeps working: a smoke run at its smallest size, no timing assertions.

Both map paths (the Plotly baseline and MapLibre) run in headless Chromium on 300 cells at
2 s per event rate; the run must print both paths' figures and apply and paint every event.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.bench.runner import run_bench
from tests.conftest import missing_service

CHROMIUM = os.environ.get("GRIDCC_CHROMIUM", "/usr/bin/chromium")  # as tests/e2e/conftest.py
pytestmark = pytest.mark.browser

FIGURES = (
    "one recolour to paint, median",
    "bytes per recolour to the engine",
    "page load to first map",
    "at 10 ev/s: recolours per second",
    "at 50 ev/s: arrived → painted p95",
)


def test_bench_map_quick() -> None:
    if not Path(CHROMIUM).exists():
        missing_service("Chromium", f"{CHROMIUM} not found (apt-get install -y chromium)")
    out = run_bench("map.py", "--quick", timeout=180)
    assert re.search(r"^\s+baseline\s+maplibre\s+base/maplibre$", out, re.M), out
    for figure in FIGURES:
        row = re.search(rf"^  {re.escape(figure)}.*$", out, re.M)
        assert row, (figure, out)
        assert row.group(0).count("—") <= 1, row.group(0)  # both paths have the figure
    for rate, events in (("10", 20), ("50", 100)):
        row = re.search(rf"^  at {rate} ev/s: events applied & painted\s+(\S+)\s+(\S+)", out, re.M)
        assert row and row.groups() == (f"{events}/{events}",) * 2, out
    assert re.search(r"painted state vs the stream\s+matches\s+matches", out), out
    assert "every event applied and painted on both paths" in out, out
    assert "targets (maplibre)" in out, out
