"""Record the event log the browser's node tests replay (tests/js/fixtures/*.json).

The real store (SQLite), the real catalog, the real grid and the real intake write two
days of a district's work on a fixed clock; the payloads are what the hub would send
(``cases.records.event_payload``) and the snapshots what ``/api/snapshot`` would answer.
The expected state (open cases, risk at given instants, each department's open cases) is
read from the store too, so the browser's state is checked against the server's.

    .venv/bin/python -m tests.js.record_fixtures        # rewrites tests/js/fixtures/

tests/js/test_fixtures.py fails when the committed fixtures differ from a fresh recording.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cases import access, clock
from cases.catalog import load_catalog
from cases.db import make_engine
from cases.model import Status
from cases.records import event_payload
from cases.store import Store
from cases.workflow import ACTIONS, Actor, Role
from dashboard.wall import browser_rules
from feeds.intake import Intake
from geo.grid import Grid, load_default_grid

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LOG_FILE = "district-log.json"
START = datetime(2026, 11, 24, 15, 0, tzinfo=clock.LOCAL_TZ)  # a Tuesday afternoon
NEXT_MORNING = datetime(2026, 11, 25, 8, 40, tzinfo=clock.LOCAL_TZ)
CELLS = (10, 10, 200, 200, 200, 500, 800, 800, 1000, 42, 640, 10)  # grid indices, repeats meant
DEPARTMENTS = ("chengguan", "jiaojing", "huanbao", "shizheng")
OPERATOR = Actor("值班员", Role.OPERATOR)
LEAD = Actor("值班长", Role.LEAD)


class FixedClock:
    """The store's clock: moves only when told."""

    def __init__(self, start: datetime) -> None:
        self.at = start

    def __call__(self) -> datetime:
        return self.at.astimezone(UTC)


class District:
    """Two days of reports and casework, three minutes apart."""

    def __init__(self, store: Store, grid: Grid, now: FixedClock) -> None:
        self.store, self.grid, self.clock = store, grid, now
        self.intake = Intake(store, grid)
        catalog = store.catalog
        self.category = {
            d: min(c.code for c in catalog.categories.values() if c.department == d)
            for d in DEPARTMENTS
        }
        self.reports = 0
        self.snapshots: list[dict[str, Any]] = []
        # each department's own snapshot at the same moments (/api/snapshot for its liaison)
        self.department_snapshots: dict[str, list[dict[str, Any]]] = {d: [] for d in DEPARTMENTS}

    def tick(self, minutes: float = 3) -> None:
        self.clock.at += timedelta(minutes=minutes)

    def report(self, department: str) -> int:
        self.tick()
        i = self.reports
        self.reports += 1
        lon, lat = self.grid.geometries[CELLS[i % len(CELLS)]].representative_point().coords[0]
        body = {
            "category": self.category[department],
            "description": f"第{i}号 <b>报告</b>",
            "lon": lon,
            "lat": lat,
            "source": "patrol",
            "report_id": f"fixture-{i}",
        }
        return self.intake.accept(body).case.id

    def act(self, case_id: int, action: str, actor: Actor = OPERATOR, **params: Any) -> None:
        self.tick()
        reason = "fixture" if ACTIONS[action].needs_reason else ""
        if action in ("accept", "return", "handle"):
            actor = Actor("联络员", Role.LIAISON, self.store.get(case_id).department)
        self.store.apply(case_id, action, actor, reason=reason, **params)

    def snapshot(self, name: str) -> None:
        self.snapshots.append({"name": name, **self.store.snapshot()})
        for department, taken in self.department_snapshots.items():
            view = access.CaseView(department)
            taken.append({"name": name, **self.store.snapshot(view=view)})


def close(d: District, case_id: int) -> None:
    for action in ("file", "dispatch", "accept", "handle", "verify", "close"):
        d.act(case_id, action)


def work(d: District) -> None:
    d.snapshot("empty")
    day1 = [d.report(dep) for dep in ("chengguan", "jiaojing", "huanbao", "chengguan") * 3]
    d.snapshot("day1-evening")
    close(d, day1[0])  # closed yesterday: not "closed today" tomorrow
    d.act(day1[0], "rate", rating="satisfied")
    d.act(day1[1], "file")
    d.act(day1[1], "void")
    d.clock.at = NEXT_MORNING
    d.snapshot("morning")
    day2 = [d.report(dep) for dep in ("chengguan", "shizheng", "jiaojing", "huanbao") * 3]
    close(d, day1[3])  # reported yesterday, closed today
    d.act(day1[3], "rate", rating="basic")  # a rating is no second close
    for action in ("file", "dispatch", "return", "dispatch", "accept"):
        d.act(day1[4], action)
    for action in ("file", "dispatch"):
        d.act(day1[8], action)
    d.act(day1[8], "reassign", LEAD, department="shizheng")  # leaves chengguan's view
    d.snapshot("midday")
    for action in ("file", "dispatch", "accept"):
        d.act(day1[5], action)
    d.act(day1[5], "extend", LEAD, hours=24)  # its risk instants move
    d.act(day2[0], "file")
    d.act(day2[0], "void")
    day2 += [d.report(dep) for dep in ("chengguan", "jiaojing") * 8]
    for action in ("file", "dispatch", "accept", "handle", "rework"):
        d.act(day2[4], action)
    close(d, day2[2])
    d.act(day2[2], "rate", rating="unsatisfied")
    for action in ("file", "dispatch"):
        d.act(day2[5], action)
    d.act(day2[5], "reassign", LEAD, department="chengguan")  # enters chengguan's view
    for action in ("file", "dispatch", "accept", "return"):  # handed back: out of its queue
        d.act(day2[6], action)
    for action in ("file", "dispatch", "accept"):
        d.act(day2[8], action)
    d.snapshot("before-suspend")
    # 挂账: open, but its clock stands still: ok at any later instant (Case.risk), counted
    # apart; a case under 督办 keeps its risk.
    review = (d.clock.at + timedelta(days=10)).date().isoformat()
    d.act(day2[8], "suspend", LEAD, review=review)
    for action in ("file", "dispatch", "accept"):
        d.act(day2[10], action)
    d.snapshot("end")


def expected(store: Store, now: datetime) -> dict[str, Any]:
    """What the browser must arrive at, from the store: risk as time passes, departments."""
    risk = []
    for hours in (0, 1, 4, 24, 72, 240):
        at = now + timedelta(hours=hours)
        cells = store.cell_state(at)
        risk.append(
            {
                "now": int(at.timestamp()),
                "worst": {code: s["worst"] for code, s in sorted(cells.items())},
                "at_risk": sum(s["at_risk"] for s in cells.values()),
                "overdue": sum(s["overdue"] for s in cells.values()),
                "suspended": sum(c.status is Status.SUSPENDED for c in store.open_cases()),
            }
        )
    departments: dict[str, Any] = {}
    for dep in DEPARTMENTS:
        mine = [c for c in store.open_cases() if access.holds(dep, c)]
        by_cell: dict[str, int] = {}
        for c in mine:
            by_cell[c.cell_code] = by_cell.get(c.cell_code, 0) + 1
        departments[dep] = {
            "open_cases": [c.id for c in mine],
            "open_by_cell": dict(sorted(by_cell.items())),
        }
    return {"risk": risk, "departments": departments}


def record(directory: Path = FIXTURES, grid: Grid | None = None) -> Path:
    """Write the fixture into ``directory``; returns its path."""
    grid = grid or load_default_grid()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'fixture.db'}")
        now = FixedClock(START)
        store = Store(engine, load_catalog(), now=now)
        store.create_schema()
        d = District(store, grid, now)
        work(d)
        log = store.events_since(0, limit=100_000)
        payloads = [event_payload(e) for e in log]
        liaisons = {d: Actor("联络员", Role.LIAISON, d) for d in DEPARTMENTS}
        fixture = {
            "recorded_by": "tests/js/record_fixtures.py",
            "rules": browser_rules(),
            "events": payloads,
            # per department, the events its liaison may see (the server's access policy)
            "visible": {
                d: [e.seq for e in log if access.may_see_event(who, e)]
                for d, who in liaisons.items()
            },
            "snapshots": d.snapshots,
            "department_snapshots": d.department_snapshots,
            "expected": expected(store, now()),
        }
        engine.dispose()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LOG_FILE
    path.write_text(dump(fixture), encoding="utf-8")
    return path


def dump(fixture: dict[str, Any]) -> str:
    """JSON with one event per line: readable diffs when the log changes."""
    head = {k: v for k, v in fixture.items() if k != "events"}
    lines = [json.dumps(e, ensure_ascii=False, sort_keys=True) for e in fixture["events"]]
    text = json.dumps(head, ensure_ascii=False, sort_keys=True, indent=1)
    return text[:-2] + ',\n "events": [\n  ' + ",\n  ".join(lines) + "\n ]\n}\n"


if __name__ == "__main__":
    print(record(Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURES))
