"""The district engine on the real stores (SQLite and PostgreSQL): every report goes
through the intake, the same seed writes the same log, a case is where the store says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from cases.catalog import Catalog
from cases.schema import rejected_reports
from cases.store import Store
from feeds.intake import Accepted, Intake
from feeds.operations import OpsParams, run_operations
from feeds.operations.district import District
from geo.grid import Grid
from tests.feeds.operations.conftest import MONDAY, event_log, fresh_store


class CountingIntake(Intake):
    """The real intake, counting what it is given."""

    def __init__(self, store: Store, grid: Grid) -> None:
        super().__init__(store, grid)
        self.bodies: list[dict[str, Any]] = []

    def accept(self, body: Any, raw: str = "") -> Accepted:
        self.bodies.append(body)
        return super().accept(body, raw)


class CarelessReporters(CountingIntake):
    """Every 5th report's point is far outside the district; every 7th has no text."""

    def accept(self, body: Any, raw: str = "") -> Accepted:
        n = len(self.bodies) + 1
        if n % 5 == 0:
            body = {**body, "lon": body["lon"] + 1.0}
        elif n % 7 == 0:
            body = {**body, "description": "   "}
        return super().accept(body, raw)


def test_every_report_goes_through_the_intake(store: Store, grid: Grid) -> None:
    intake = CountingIntake(store, grid)
    summary = run_operations(
        store, grid, days=0.5, reports_per_day=60, seed=3, start=MONDAY, intake=intake
    )
    assert summary.reports > 5
    assert len(intake.bodies) == summary.sent == summary.reports
    reported = [e for e in store.events_since(0, 100_000) if e.kind == "case.reported"]
    assert len(reported) == summary.reports
    # Each report as the intake takes it: its own id, a source, a point, a text.
    ids = {b["report_id"] for b in intake.bodies}
    assert len(ids) == len(intake.bodies)
    assert {e.actor for e in reported} <= {f"intake:{b['source']}" for b in intake.bodies}


def test_a_report_the_intake_refuses_is_kept_and_never_a_case(store: Store, grid: Grid) -> None:
    intake = CarelessReporters(store, grid)
    summary = run_operations(
        store, grid, days=0.5, reports_per_day=80, seed=6, start=MONDAY, intake=intake
    )
    outside = [b for i, b in enumerate(intake.bodies, 1) if i % 5 == 0]
    blank = [b for i, b in enumerate(intake.bodies, 1) if i % 5 and i % 7 == 0]
    assert outside and blank
    assert summary.rejected == len(outside) + len(blank)
    assert summary.reports == summary.sent - summary.rejected
    with store.read() as conn:
        kept = conn.execute(select(rejected_reports.c.reason)).scalars().all()
    assert sorted(kept) == sorted(["outside_grid"] * len(outside) + ["invalid_report"] * len(blank))
    refused = {b["report_id"] for b in outside + blank}
    opened = {
        store.get(e.case_id).external_id
        for e in store.events_since(0, 100_000)
        if e.kind == "case.reported"
    }
    assert len(opened) == summary.reports and not opened & refused
    assert summary.closed > 0  # the district went on with the rest


def test_same_seed_same_log_on_every_store(
    store: Store, grid: Grid, catalog: Catalog, tmp_path: Path
) -> None:
    """The engine is deterministic: one seed on an empty SQLite file or PostgreSQL schema
    writes the same events (same cases, times, people, reasons)."""
    params = OpsParams(return_scale=3.0, rework_scale=3.0, extend_scale=3.0)
    reference = fresh_store(tmp_path, catalog)
    runs = [
        run_operations(s, grid, days=1, reports_per_day=60, seed=9, start=MONDAY, params=params)
        for s in (store, reference)
    ]
    assert runs[0].counts() == runs[1].counts()
    assert runs[0].events > 300
    assert event_log(store) == event_log(reference)


def test_a_case_is_where_the_store_says(store: Store, grid: Grid) -> None:
    start = MONDAY.timestamp()
    district = District(store, grid, OpsParams(capacity_scale=0.5), 8, start, start + 86400)
    store.now = lambda: district.moment
    district.begin(60)
    district.step_until(start + 86400)
    assert len(district.cases) > 10
    for case in district.cases.values():
        assert case.status is store.get(case.id).status
