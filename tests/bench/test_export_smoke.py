"""bench/export.py keeps working: a smoke run at 2,000 cases, no timing assertions.

Every format must be exported whole (the bench counts the CSV rows and GeoJSON features it
received) and print its time, peak memory and ratio to the baseline."""

from __future__ import annotations

import re

from tests.bench.runner import run_bench

ROW = re.compile(
    r"^  (baseline|csv|xlsx|geojson) +[\d.]+ +[\d,]+ +(\d+|—) +\d+ +-?[\d.]+ +\d+ +[\d.]+×$", re.M
)


def test_bench_export_smallest() -> None:
    out = run_bench("export.py", "--cases", "2000", timeout=240)
    assert "== sqlite: 2,000 cases (and 200 for the memory check)" in out, out
    written = dict(ROW.findall(out))  # format → MB written ("—": the baseline's /dev/null)
    assert set(written) == {"baseline", "csv", "xlsx", "geojson"}, out
    assert written["baseline"] == "—", out
    for fmt in ("csv", "geojson"):
        assert f"rows {fmt:<8} at     2,000: 2,000 of 2,000" in out, out
        assert f"rows {fmt:<8} at       200: 200 of 200" in out, out
    assert "MISSING" not in out, out
    assert re.search(r"peak at N ÷ peak at N/10: csv [\d.]+, xlsx [\d.]+, geojson [\d.]+", out)
