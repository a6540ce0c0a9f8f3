"""Patrols in the store, on SQLite and PostgreSQL: one open patrol per person, positions
located to their cells and put into the positions book, the cells a patrol passed (first
time only; not from outside the grid nor from a coarse fix), who is on patrol, the cells
patrolled on a local day; absurd positions refused. And a grid worker's own work: the
cases they reported and the tasks in their cells, nearest first."""

from __future__ import annotations

import math
import threading
from datetime import UTC, datetime, timedelta

import pytest

from cases.model import Report, Status
from cases.patrol_work import TASK_STATES, reported_by, tasks_in
from cases.patrols import COVERAGE_ACCURACY_M, NotOnPatrol, PatrolError, Patrols
from cases.people import Person, Roster
from cases.positions import LocalPositions
from cases.workflow import Actor, Role
from geo.grid import Grid

WORKER = Person("gw-1", "王网格", "grid_worker", username="w1")
OTHER = Person("gw-2", "李网格", "grid_worker", username="w2")


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def inside(grid: Grid, index: int) -> tuple[float, float]:
    x, y = grid.geometries[index].representative_point().coords[0]
    return float(x), float(y)


@pytest.fixture
def setup(store, grid):  # type: ignore[no-untyped-def]
    Roster(store.engine).put_people([WORKER, OTHER])
    clock = Clock(datetime(2026, 11, 30, 2, 0, tzinfo=UTC))  # 10:00 in Shanghai
    book = LocalPositions(now=lambda: clock().timestamp())
    patrols = Patrols(store.engine, lambda x, y: grid.locate(x, y).cell_code, book, clock)
    return patrols, book, clock


def test_one_open_patrol_per_person(setup) -> None:  # type: ignore[no-untyped-def]
    patrols, _book, clock = setup
    first, started = patrols.start(WORKER.id)
    assert started and first.is_open
    again, started_again = patrols.start(WORKER.id)
    assert (again.id, started_again) == (first.id, False)
    other, _ = patrols.start(OTHER.id)
    assert other.id != first.id
    assert patrols.on_patrol() == {WORKER.id, OTHER.id}
    clock.at += timedelta(hours=2)
    ended = patrols.end(WORKER.id)
    assert ended is not None and ended.id == first.id and ended.ended_at == clock.at
    assert patrols.on_patrol() == {OTHER.id}
    assert patrols.end(WORKER.id) is None  # nothing open: nothing to end
    fresh, started = patrols.start(WORKER.id)
    assert started and fresh.id != first.id


def test_starting_together_makes_one_patrol(setup) -> None:  # type: ignore[no-untyped-def]
    patrols, _book, _clock = setup
    ids: list[int] = []
    errors: list[BaseException] = []

    def go() -> None:
        try:
            ids.append(patrols.start(WORKER.id)[0].id)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=go) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(ids)) == 1
    assert patrols.on_patrol() == {WORKER.id}


def test_positions_go_into_the_book_and_add_each_cell_once(setup, grid) -> None:  # type: ignore[no-untyped-def]
    patrols, book, clock = setup
    patrol, _ = patrols.start(WORKER.id)
    a, b = inside(grid, 10), inside(grid, 200)
    first = patrols.record(WORKER.id, WORKER.name, *a, accuracy=8)
    assert first.new_cell and first.position.cell_code == grid.codes[10]
    clock.at += timedelta(seconds=15)
    assert not patrols.record(WORKER.id, WORKER.name, *a, accuracy=8).new_cell
    clock.at += timedelta(seconds=15)
    assert patrols.record(WORKER.id, WORKER.name, *b, accuracy=8).new_cell
    clock.at += timedelta(seconds=15)
    # Back in the first cell: already passed; its first time stays the first.
    assert not patrols.record(WORKER.id, WORKER.name, *a, accuracy=8).new_cell
    cells = patrols.cells_of(patrol.id)
    assert set(cells) == {grid.codes[10], grid.codes[200]}
    assert cells[grid.codes[10]] == datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    held = book.all()
    assert [(p.person_id, p.cell_code, p.patrol_id) for p in held] == [
        (WORKER.id, grid.codes[10], patrol.id)
    ]
    assert held[0].at == clock.at.timestamp() and held[0].accuracy_m == 8


def test_a_new_patrols_cells_are_its_own(setup, grid) -> None:  # type: ignore[no-untyped-def]
    patrols, _book, _clock = setup
    first, _ = patrols.start(WORKER.id)
    patrols.record(WORKER.id, WORKER.name, *inside(grid, 10))
    patrols.end(WORKER.id)
    second, _ = patrols.start(WORKER.id)
    assert second.id != first.id
    assert patrols.record(WORKER.id, WORKER.name, *inside(grid, 10)).new_cell
    assert set(patrols.cells_of(second.id)) == {grid.codes[10]}


def test_outside_the_grid_is_kept_but_adds_no_cell(setup, grid) -> None:  # type: ignore[no-untyped-def]
    patrols, book, _clock = setup
    patrol, _ = patrols.start(WORKER.id)
    west, south, _e, _n = grid.bounds
    recorded = patrols.record(WORKER.id, WORKER.name, west - 0.05, south - 0.05, 5)
    assert recorded.position.cell_code == "" and not recorded.new_cell
    assert [p.person_id for p in book.all()] == [WORKER.id]
    assert patrols.cells_of(patrol.id) == {}


def test_a_coarse_fix_adds_no_cell(setup, grid) -> None:  # type: ignore[no-untyped-def]
    patrols, book, _clock = setup
    patrol, _ = patrols.start(WORKER.id)
    assert book.all() == []
    coarse = patrols.record(WORKER.id, WORKER.name, *inside(grid, 10), COVERAGE_ACCURACY_M + 1)
    assert coarse.position.cell_code == grid.codes[10] and not coarse.new_cell
    assert [p.accuracy_m for p in book.all()] == [COVERAGE_ACCURACY_M + 1]  # still where one is
    assert patrols.cells_of(patrol.id) == {}
    assert patrols.record(WORKER.id, WORKER.name, *inside(grid, 10), COVERAGE_ACCURACY_M).new_cell


@pytest.mark.parametrize(
    ("lon", "lat", "accuracy"),
    [
        (math.nan, 36.6, 5),
        (117.0, math.inf, 5),
        (-0.1, 51.5, 5),  # London
        (0.0, 0.0, 5),
        ("117.0", 36.6, 5),
        (True, 36.6, 5),
        (None, 36.6, 5),
        (117.0, 36.6, -1),
        (117.0, 36.6, math.nan),
        (117.0, 36.6, 1e9),
        (117.0, 36.6, "5"),
        (10**400, 36.6, 5),
        (117.0, 36.6, -(10**400)),
    ],
)
def test_absurd_positions_are_refused(setup, lon, lat, accuracy) -> None:  # type: ignore[no-untyped-def]
    patrols, book, _clock = setup
    patrols.start(WORKER.id)
    with pytest.raises(PatrolError) as refused:
        patrols.record(WORKER.id, WORKER.name, lon, lat, accuracy)
    assert str(refused.value) and refused.value.zh
    assert book.all() == []


def test_a_position_needs_a_patrol_and_ending_takes_one_off_the_book(setup, grid) -> None:  # type: ignore[no-untyped-def]
    patrols, book, _clock = setup
    with pytest.raises(NotOnPatrol):
        patrols.record(WORKER.id, WORKER.name, *inside(grid, 10))
    patrols.start(WORKER.id)
    patrols.record(WORKER.id, WORKER.name, *inside(grid, 10))
    assert book.all()
    patrols.end(WORKER.id)
    assert book.all() == []


def test_cells_patrolled_on_a_local_day(setup, grid) -> None:  # type: ignore[no-untyped-def]
    patrols, _book, clock = setup
    clock.at = datetime(2026, 11, 29, 15, 30, tzinfo=UTC)  # 23:30 on the 29th, local
    patrols.start(WORKER.id)
    patrols.record(WORKER.id, WORKER.name, *inside(grid, 10))
    clock.at = datetime(2026, 11, 29, 16, 30, tzinfo=UTC)  # 00:30 on the 30th, local
    patrols.record(WORKER.id, WORKER.name, *inside(grid, 20))
    patrols.start(OTHER.id)
    patrols.record(OTHER.id, OTHER.name, *inside(grid, 20))
    day29 = patrols.cells_on(datetime(2026, 11, 29).date())
    day30 = patrols.cells_on(datetime(2026, 11, 30).date())
    assert set(day29) == {grid.codes[10]}
    assert set(day30) == {grid.codes[20]}
    assert day30[grid.codes[20]] == datetime(2026, 11, 29, 16, 30, tzinfo=UTC)
    assert patrols.today() == datetime(2026, 11, 30).date()


def test_own_cases_and_tasks_nearest_first(store, grid) -> None:  # type: ignore[no-untyped-def]
    def report(index: int, sender: str, text: str) -> int:
        x, y = inside(grid, index)
        actor = "intake:patrol" + (f" via {sender}" if sender else "")
        case, _ = store.open_case(
            Report("patrol", "SR01", text, x, y, grid.codes[index], grid.names[index]),
            actor=actor,
        )
        return case.id

    mine = report(10, "worker:w1", "mine")
    report(10, "worker:w10", "not mine: another worker's name ends alike")
    report(10, "", "the public's")
    far = report(12, "", "far")
    near = report(11, "", "near")
    handled = report(11, "", "handled")
    op = Actor("op", Role.OPERATOR)
    for step in ("file", "dispatch"):
        store.apply(handled, step, op)
    liaison = Actor("li", Role.LIAISON, store.get(handled).department)
    store.apply(handled, "accept", liaison)
    store.apply(handled, "handle", liaison)
    filed = report(11, "", "filed: no task")
    store.apply(filed, "file", op)
    since = store.now() - timedelta(days=1)
    assert [c.id for c in reported_by(store.engine, "worker:w1", since)] == [mine]
    assert reported_by(store.engine, "worker:w1", store.now() + timedelta(minutes=1)) == []
    cells = {grid.codes[11], grid.codes[12]}
    here = inside(grid, 11)
    tasks = tasks_in(store.engine, cells, here)
    assert {t.case.id for t in tasks} == {far, near, handled}
    assert tasks[-1].case.id == far  # the cell further away comes last
    assert all(t.distance_m is not None for t in tasks)
    assert {t.case.id: t.action for t in tasks}[handled] == "verify"
    assert {t.case.id: t.action for t in tasks}[near] == "confirm"
    assert tasks_in(store.engine, [], here) == []
    # A worker's own report is not a task of theirs.
    theirs = report(11, "worker:w1", "reported by the worker of the cell")
    assert theirs in {t.case.id for t in tasks_in(store.engine, cells, here)}
    assert theirs not in {
        t.case.id for t in tasks_in(store.engine, cells, here, sender="worker:w1")
    }
    assert theirs in {t.case.id for t in tasks_in(store.engine, cells, here, sender="worker:w")}
    unplaced = tasks_in(store.engine, cells)
    assert [t.case.id for t in unplaced] == sorted(t.case.id for t in unplaced)  # oldest first
    assert TASK_STATES == {Status.REPORTED: "confirm", Status.HANDLED: "verify"}
