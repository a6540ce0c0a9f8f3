"""Record what the desks' node tests read (tests/js/fixtures/desk.json): the case view's
config, sheets, every action's JSON, queue rows and a real 409, as the server makes them.

The real store (SQLite), catalog and grid on a fixed clock: a report seen by an operator,
a filed one in English, a returned one with a reason, and a conflict from a stale version.

    .venv/bin/python -m tests.js.record_desk_fixtures     # rewrites tests/js/fixtures/desk.json

tests/js/test_fixtures.py fails when the committed fixture differs from a fresh recording.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cases import clock
from cases.db import make_engine
from cases.model import Conflict, Report
from cases.store import Store
from cases.users import UserDirectory
from cases.workflow import ACTIONS, Actor, Role
from dashboard.case_rows import case_row, case_sheet, conflict_detail
from dashboard.case_view import case_view_config
from dashboard.desk_page import ACTION_KEYS
from geo.grid import Grid, load_default_grid
from tests.js.record_fixtures import FIXTURES, FixedClock

DESK_FILE = "desk.json"
START = datetime(2026, 11, 24, 9, 0, tzinfo=clock.LOCAL_TZ)  # a Tuesday morning
PASSWORD = "fixture-password-7-long"


def record(tmp: Path, grid: Grid) -> Path:
    now = FixedClock(START)
    engine = make_engine(f"sqlite:///{tmp / 'desk.db'}")
    store = Store(engine, now=now)
    store.create_schema()
    users = UserDirectory(engine)
    users.add("zhang", Role.OPERATOR, PASSWORD, display_name="张三")
    zhang = Actor("zhang", Role.OPERATOR)
    li = Actor("li-cg", Role.LIAISON, "chengguan")
    lon, lat = grid.geometries[120].representative_point().coords[0]

    def report(said: str, category: str = "SR01", reporter: str = "") -> int:
        now.at += timedelta(minutes=7)
        r = Report(
            "hotline", category, said, lon, lat, grid.codes[120], "历山路 1 号", None, reporter
        )
        return store.open_case(r, actor="intake:hotline")[0].id

    reported = report('<img src=x onerror="alert(1)">井盖缺失', "AQ05", "王女士 138****2041")
    filed = report("垃圾满溢", "SR03")
    store.apply(filed, "file", zhang, expected_version=1)
    returned = report("占道经营")
    store.apply(returned, "file", zhang, expected_version=1)
    store.apply(returned, "dispatch", zhang, expected_version=2)
    now.at += timedelta(minutes=30)
    store.apply(returned, "return", li, "<b>不属于</b>本部门", expected_version=3)
    try:  # a stale version: what the 409 says
        store.apply(returned, "dispatch", zhang, expected_version=3)
        raise AssertionError("a stale version was accepted")
    except Conflict as exc:
        conflict = {
            "status": 409,
            "error": "conflict",
            "message": str(exc),
            **conflict_detail(store, users, returned, "zh"),
        }
    now.at += timedelta(minutes=20)
    at = store.now()

    def config(lang: str) -> dict[str, Any]:
        cfg = case_view_config(store, grid, lang)
        cfg["map"] = {"modes": {"risk": cfg["map"]["modes"]["risk"]}}  # only what the tests read
        return {k: v for k, v in cfg.items() if k not in ("ids", "timing")}

    out = {
        "now": clock.epoch(at),
        "config": {"zh": config("zh"), "en": config("en")},
        "actionKeys": ACTION_KEYS,
        "actions": {lang: [a.as_json(lang) for a in ACTIONS.values()] for lang in ("zh", "en")},
        "sheets": {
            "reported": case_sheet(store, grid, store.get(reported), zhang, at, "zh"),
            "filed_en": case_sheet(store, grid, store.get(filed), zhang, at, "en"),
            "returned": case_sheet(store, grid, store.get(returned), zhang, at, "zh"),
        },
        "queue": [case_row(store, grid, c, at, "zh") for c in store.desk_queue().cases],
        "conflict": conflict,
    }
    engine.dispose()
    path = tmp / DESK_FILE
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = record(Path(tmp), load_default_grid())
        (FIXTURES / DESK_FILE).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    print(f"wrote {FIXTURES / DESK_FILE}", file=sys.stderr)


if __name__ == "__main__":
    main()
