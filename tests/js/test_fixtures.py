"""The node tests' event log is what the server writes today (re-record when this fails)."""

from __future__ import annotations

import json
from pathlib import Path

from geo.grid import Grid
from tests.js.record_fixtures import FIXTURES, LOG_FILE, record


def test_recorded_log_is_current(tmp_path: Path, grid: Grid) -> None:
    fresh = record(tmp_path, grid).read_text(encoding="utf-8")
    committed = (FIXTURES / LOG_FILE).read_text(encoding="utf-8")
    assert fresh == committed, "run: .venv/bin/python -m tests.js.record_fixtures"


def test_browser_rules_name_what_the_server_sends() -> None:
    """Each counter the wall shows is a snapshot counter, a risk level or the open cases 挂账
    (state.js counts them from the rows' status); risk names agree."""
    from dashboard.wall import browser_rules

    rules = browser_rules()
    fixture = json.loads((FIXTURES / LOG_FILE).read_text(encoding="utf-8"))
    with_counters = set(fixture["snapshots"][-1]["counters"])
    levels = rules["riskLevels"]
    assert set(rules["ids"]["counters"]) <= with_counters | set(levels) | {"suspended"}
    assert rules["suspendedStatus"] not in rules["closedStates"]  # open, its clock stopped
    # The snapshot's rows end with the status the browser counts 挂账 from.
    rows = fixture["snapshots"][-1]["open_cases"]
    assert rules["suspendedStatus"] in {row[-1] for row in rows}
    assert [rules["riskOpen"], *rules["riskAt"]] == levels[1:]
    assert rules["closedStatus"] in rules["closedStates"]


def test_recorded_desk_fixture_is_current(tmp_path: Path, grid: Grid) -> None:
    from tests.js.record_desk_fixtures import DESK_FILE
    from tests.js.record_desk_fixtures import record as record_desk

    fresh = record_desk(tmp_path, grid).read_text(encoding="utf-8")
    committed = (FIXTURES / DESK_FILE).read_text(encoding="utf-8")
    assert fresh == committed, "run: .venv/bin/python -m tests.js.record_desk_fixtures"
