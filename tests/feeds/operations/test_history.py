"""Simulated days written fast: deterministic, complete, faithful to the store's rollup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from cases import clock
from cases.catalog import Catalog
from cases.model import Event, Status
from cases.schema import cases
from cases.store import Store
from cases.workflow import Actor, Role
from feeds.operations import OpsSummary, default_start, district_kpis, run_operations
from geo.grid import Grid
from tests.feeds.operations.conftest import MONDAY, event_log, fresh_store, rollup_rows

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
    # Plausible actors: reports come in through the intake, departments act through their
    # liaisons, leads extend.
    by_kind: dict[str, set[str]] = {}
    for e in log:
        by_kind.setdefault(e.kind, set()).add(e.actor.split(":")[0])
    assert by_kind["case.reported"] == {"intake"}
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
    assert len(statuses) == summary.reports == summary.sent - summary.rejected
    assert statuses.count(Status.CLOSED) == summary.closed
    assert statuses.count(Status.VOID) == summary.voided
    assert sum(s.is_open for s in statuses) == summary.open_at_end
    kpis = district_kpis(store)
    assert kpis["collected"] == summary.reports
    assert kpis["rated"] == summary.rated and kpis["satisfied"] == summary.satisfied
    assert kpis["satisfaction"] == summary.satisfied / summary.rated
    assert kpis["closed_3d_rate"] == kpis["closed_3d"] / kpis["closed"]


def test_the_run_follows_the_rate_it_was_given(busy: tuple[Store, OpsSummary]) -> None:
    _, summary = busy  # 80 reports a day over 2 days
    assert 110 < summary.reports < 210
    assert summary.days == 2 and summary.reports_per_day == 80


def test_rollup_equals_a_rebuild(busy: tuple[Store, OpsSummary]) -> None:
    store, _ = busy
    before = rollup_rows(store)
    assert before
    store.rebuild_rollup()
    assert rollup_rows(store) == before


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
    assert again.sent == first.sent  # the intake saw them again, and knew them


def test_default_start_is_local_midnight_days_ago() -> None:
    now = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai
    start = default_start(30, now)
    assert start.astimezone(clock.LOCAL_TZ) == datetime(2026, 10, 26, tzinfo=clock.LOCAL_TZ)
    assert start + timedelta(days=30) <= now
