"""The simulated district's people answer its urgent cases through the workflow: the cell's
grid worker acknowledges, checks in at the place and removes the hazard, each as an event by
that worker; the urgent response rates then read what they did (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from cases import clock
from cases.store import Store
from feeds.operations import run_operations
from feeds.operations.people_summary import people_lines, ready_people
from geo.grid import Grid
from tests.feeds.operations.conftest import MONDAY

ANSWER = ["case.acknowledge", "case.check_in", "case.remove_hazard"]


def test_urgent_cases_are_answered_by_the_cells_grid_worker(store: Store, grid: Grid) -> None:
    first = clock.as_utc(MONDAY).astimezone(clock.LOCAL_TZ).date()
    worker_of = ready_people(store, grid, first, 1, seed=5)
    assert worker_of is not None
    # A busy day, so that it brings several urgent cases.
    run_operations(
        store, grid, days=1, reports_per_day=150, seed=5, start=MONDAY, worker_of=worker_of
    )
    events = store.events_since(0, 1_000_000)
    opened = {e.case_id for e in events if e.kind == "case.reported"}
    reported = {i for i in opened if store.get(i).urgent}
    assert len(reported) >= 3, "a busy day brings urgent cases"
    steps: dict[int, list[tuple[str, str]]] = {}
    for e in events:
        if e.case_id in reported and e.kind in (
            "case.acknowledge",
            "case.check_in",
            "case.remove_hazard",
        ):
            steps.setdefault(e.case_id, []).append((e.kind, e.actor))
    end = clock.as_utc(MONDAY) + timedelta(days=1)
    for case_id in reported:
        case = store.get(case_id)
        kinds = [k for k, _a in steps.get(case_id, [])]
        # In order, each once, by the cell's grid worker; the run ends at midnight, so a
        # case reported in its last hours may not have got as far, and one the desk voided
        # or refused (a repeat, a mistake) ends its response there.
        assert kinds == ANSWER[: len(kinds)], case_id
        assert {a for _k, a in steps.get(case_id, [])} <= {f"worker:{worker_of(case.cell_code)}"}
        decided = case.status.value in ("void", "rejected")
        if case.created_at < end - timedelta(hours=2) and not decided:
            assert kinds == ANSWER, case_id
            assert case.acknowledged_at and case.on_site_at and case.hazard_removed_at
            assert case.acknowledged_at <= case.on_site_at <= case.hazard_removed_at
            assert case.on_site_at - case.created_at < timedelta(hours=2)
    lines = people_lines(store, grid, first, first, clock.utcnow())
    assert any("巡查覆盖率" in line for line in lines)
    on_site = [
        i
        for i in reported
        if store.get(i).on_site_at and store.get(i).status.value not in ("void", "rejected")
    ]
    assert on_site
    assert any(
        line.strip().startswith("到达现场") and f"n={len(on_site)} " in line for line in lines
    ), lines
