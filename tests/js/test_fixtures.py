"""The node tests' event log is what the server writes today (re-record when this fails)."""

from __future__ import annotations

from pathlib import Path

from geo.grid import Grid
from tests.js.record_fixtures import FIXTURES, LOG_FILE, record


def test_recorded_log_is_current(tmp_path: Path, grid: Grid) -> None:
    fresh = record(tmp_path, grid).read_text(encoding="utf-8")
    committed = (FIXTURES / LOG_FILE).read_text(encoding="utf-8")
    assert fresh == committed, "run: .venv/bin/python -m tests.js.record_fixtures"
