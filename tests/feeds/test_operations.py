"""The simulator of operations: deterministic, complete, faithful to the store's rollup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select

from cases import clock
from cases.catalog import Catalog
from cases.db import make_engine
from cases.model import Event, Status
from cases.schema import cases, kpi_rollup
from cases.store import Store
from cases.workflow import Actor, Role
from feeds.operations import (
    OpsParams,
    OpsSummary,
    arrival_times,
    default_start,
    district_kpis,
    load_department_ops,
    run_operations,
)
from feeds.simulator import Simulator
from geo.grid import Grid

# A Monday at local midnight, so short runs see a working day's rhythm.
MONDAY = datetime(2026, 11, 2, tzinfo=clock.LOCAL_TZ)
LEAD = Actor("测试值班长", Role.LEAD)
LIFECYCLE = {
    "case.reported",
    "case.file",
    "case.dispatch",
    "case.accept",
    "case.return",
    "case.handle",
    "case.verify",
    "case.rework",
    "case.close",
    "case.void",
    "case.extend",
    "case.rate",
}


def fresh_store(path: Path, catalog: Catalog) -> Store:
    store = Store(make_engine(f"sqlite:///{path / 'ops.db'}"), catalog)
    store.create_schema()
    return store


def event_log(store: Store) -> list[tuple[Any, ...]]:
    return [
        (e.seq, e.kind, e.case_id, e.at, e.actor, e.reason)
        for e in store.events_since(0, limit=1_000_000)
    ]


def rollup_rows(store: Store) -> list[tuple[Any, ...]]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(kpi_rollup)).all()
    return sorted(tuple(r) for r in rows)


@pytest.fixture(scope="module")
def busy(
    tmp_path_factory: pytest.TempPathFactory, grid: Grid, catalog: Catalog
) -> tuple[Store, OpsSummary]:
    """Two days at a raised rate, thin staff and raised side-path probabilities."""
    store = fresh_store(tmp_path_factory.mktemp("busy"), catalog)
    params = OpsParams(
        capacity_scale=0.5,
        void_p=0.05,
        return_scale=4.0,
        rework_scale=4.0,
        extend_scale=3.0,
    )
    summary = run_operations(
        store, grid, days=2, reports_per_day=80, seed=11, start=MONDAY, params=params
    )
    return store, summary


def test_same_seed_same_run(tmp_path: Path, grid: Grid, catalog: Catalog) -> None:
    runs = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        store = fresh_store(tmp_path / name, catalog)
        summary = run_operations(
            store, grid, days=1, reports_per_day=40, seed=5, start=MONDAY + timedelta(days=1)
        )
        runs.append((summary.counts(), event_log(store)))
    assert runs[0] == runs[1]
    counts, log = runs[0]
    assert counts["reports"] > 10 and counts["events"] == len(log)
    assert [kind for _, kind, *_ in log].count("case.reported") == counts["reports"]


def test_every_kind_of_event_happens(busy: tuple[Store, OpsSummary]) -> None:
    store, summary = busy
    log = store.events_since(0, limit=1_000_000)
    assert {e.kind for e in log} >= LIFECYCLE
    assert summary.conflicts == 0
    assert (
        min(summary.returned, summary.reworked, summary.extended, summary.rated, summary.voided) > 0
    )
    assert summary.events == len(log) == log[-1].seq
    # Simulated time: in order, inside the run, and the store's clock is given back.
    times = [clock.as_utc(e.at) for e in log]
    assert times == sorted(times)
    assert summary.start <= times[0] and times[-1] <= summary.end
    assert abs(store.now() - datetime.now(UTC)) < timedelta(minutes=1)
    # Plausible actors: departments act through their liaisons, leads extend.
    by_kind: dict[str, set[str]] = {}
    for e in log:
        by_kind.setdefault(e.kind, set()).add(e.actor.split(":")[0])
    assert by_kind["case.accept"] == by_kind["case.return"] == {"liaison"}
    assert by_kind["case.handle"] == {"liaison"}
    assert by_kind["case.extend"] == {"lead"}
    assert by_kind["case.verify"] <= {"worker", "operator"}
    assert by_kind["case.close"] == by_kind["case.file"] == {"operator"}
    assert all(e.reason for e in log if e.kind in ("case.return", "case.rework", "case.void"))
    # A returned case sometimes goes to another department.
    assert any(
        e.kind == "case.dispatch" and e.data.get("from_department") != e.data["department"]
        for e in log
    )


def test_counts_agree_with_the_store(busy: tuple[Store, OpsSummary]) -> None:
    store, summary = busy
    with store.engine.connect() as conn:
        statuses = [Status(s) for (s,) in conn.execute(select(cases.c.status))]
    assert len(statuses) == summary.reports
    assert statuses.count(Status.CLOSED) == summary.closed
    assert statuses.count(Status.VOID) == summary.voided
    assert sum(s.is_open for s in statuses) == summary.open_at_end
    kpis = district_kpis(store)
    assert kpis["collected"] == summary.reports
    assert kpis["rated"] == summary.rated and kpis["satisfied"] == summary.satisfied


def test_rollup_equals_a_rebuild(busy: tuple[Store, OpsSummary]) -> None:
    store, _ = busy
    before = rollup_rows(store)
    assert before
    store.rebuild_rollup()
    assert rollup_rows(store) == before


def test_rate_is_a_parameter(grid: Grid, catalog: Catalog, busy: Any) -> None:
    rhythm = Simulator(grid, catalog).rhythm
    start = MONDAY.timestamp()

    def arrivals(rate: float, seed: int = 0) -> np.ndarray:
        return arrival_times(start, 28, rate, rhythm, np.random.default_rng(seed))

    low, high = arrivals(45), arrivals(450)
    assert 45 * 28 * 0.9 < len(low) < 45 * 28 * 1.1
    assert 9.0 < len(high) / len(low) < 11.0
    assert np.all(np.diff(high) >= 0) and start <= high[0] and high[-1] < start + 28 * 86400
    assert not np.array_equal(arrivals(45, 1), low)
    # Weekends are quieter, days busier than nights (local time).
    local = [datetime.fromtimestamp(t, clock.LOCAL_TZ) for t in high]
    weekday = sum(d.weekday() < 5 for d in local) / 20
    weekend = sum(d.weekday() >= 5 for d in local) / 8
    assert 0.5 < weekend / weekday < 0.7
    assert sum(9 <= d.hour < 17 for d in local) > 5 * sum(d.hour < 6 for d in local)
    # And the full run follows the rate it was given (80/day over 2 days).
    _, summary = busy
    assert 110 < summary.reports < 210


def test_a_person_acting_meanwhile_is_left_alone(
    tmp_path: Path, grid: Grid, catalog: Catalog
) -> None:
    store = fresh_store(tmp_path, catalog)
    taken: list[int] = []

    def lead_reassigns_the_first(event: Event) -> None:
        if event.kind == "case.dispatch" and not taken:
            taken.append(event.case_id)
            other = "shequ" if event.data["department"] != "shequ" else "chengguan"
            store.apply(event.case_id, "reassign", LEAD, "值班长改派", department=other)

    store.publish = lead_reassigns_the_first
    summary = run_operations(store, grid, days=0.5, reports_per_day=30, seed=2, start=MONDAY)
    assert taken and summary.conflicts == 1
    assert summary.closed > 0  # the rest went on
    later = [e for e in store.events_since(0, 100_000) if e.case_id == taken[0]]
    assert [e.kind for e in later][-1] == "case.reassign"


def test_the_same_run_twice_on_one_store_adds_nothing(
    tmp_path: Path, grid: Grid, catalog: Catalog
) -> None:
    store = fresh_store(tmp_path, catalog)
    first = run_operations(store, grid, days=0.25, reports_per_day=40, seed=4, start=MONDAY)
    again = run_operations(store, grid, days=0.25, reports_per_day=40, seed=4, start=MONDAY)
    assert first.reports > 0 and first.events > 0
    assert again.reports == again.events == 0


def test_parameters_are_data() -> None:
    table = load_department_ops()
    assert len(table) == 12
    assert all(0 < d.return_p < 0.1 and 0 < d.rework_p < 0.1 for d in table.values())
    assert all(set(d.alternates) <= set(table) - {d.code} for d in table.values())


def test_default_start_is_local_midnight_days_ago() -> None:
    now = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai
    start = default_start(30, now)
    assert start.astimezone(clock.LOCAL_TZ) == datetime(2026, 10, 26, tzinfo=clock.LOCAL_TZ)
    assert start + timedelta(days=30) <= now
