"""The roster (cases/people.py) and the synthetic teams (cases/team_synthetic.py), on SQLite
and PostgreSQL: people, each cell's 1+6 team, duty shifts and who is on duty."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from cases import clock
from cases.people import Person, Roster, RosterError
from cases.team_synthetic import (
    PHONE_BASE,
    keep_rolling,
    patrol_turn,
    roll_shifts,
    seed_synthetic,
    synthetic_teams,
)

DAY = date(2026, 11, 30)  # a Monday


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=clock.LOCAL_TZ)


@pytest.fixture
def roster(store: Any) -> Roster:
    return Roster(store.engine)


def cells_of(grid: Any, n: int) -> list[tuple[str, str, str]]:
    return list(zip(grid.codes, grid.street_names, grid.community_names, strict=True))[:n]


def test_people_are_put_replaced_linked_and_deactivated(roster: Roster) -> None:
    roster.put_people([Person("a", "王伟", "grid_worker", "13800000001", "c1")])
    roster.put_people([Person("a", "王伟伟", "grid_worker"), Person("b", "李娜", "dept_member")])
    assert roster.count() == 2
    assert roster.person("a") == Person("a", "王伟伟", "grid_worker")
    roster.link("a", "worker")
    roster.link("b", "worker")  # an account is one person's
    assert roster.person("a").username is None and roster.by_username("worker").id == "b"
    with pytest.raises(RosterError):
        roster.link("nobody", "x")
    roster.deactivate("b")
    assert [p.id for p in roster.people()] == ["a"]
    assert [p.id for p in roster.people(with_inactive=True)] == ["a", "b"]
    assert roster.by_username("worker") is None
    assert roster.known_ids(["a", "b", "z"]) == {"a", "b"}


@pytest.mark.parametrize(
    "person",
    [
        Person("", "x", "grid_worker"),
        Person("a", " ", "grid_worker"),
        Person("a", "x", "mayor"),
        Person("a", "x", "grid_worker", phone="call me"),
        Person("a", "x" * 65, "grid_worker"),
        Person("a", "x\x00y", "grid_worker"),
        Person("a", "x", "grid_worker", unit="u" * 65),
    ],
)
def test_a_bad_person_is_refused_and_nothing_written(roster: Roster, person: Person) -> None:
    with pytest.raises(RosterError):
        roster.put_people([Person("ok", "好人", "grid_worker"), person])
    assert roster.count() == 0


def test_a_team_is_replaced_whole_and_ranked_secretary_first(roster: Roster) -> None:
    roster.put_people(
        [Person(p, p.upper(), "grid_worker") for p in ("s", "w", "m1", "m2")]
        + [Person("x", "X", "street_staff")]
    )
    roster.put_team(
        "370102001001", "一支部", [("m1", "member"), ("w", "worker"), ("s", "secretary")]
    )
    team = roster.team("370102001001")
    assert team is not None and team.branch == "一支部"
    assert [part for _p, part in team.members] == ["secretary", "worker", "member"]
    assert team.secretary is not None and team.secretary.id == "s"
    roster.put_team("370102001001", "", [("m2", "member")])
    team = roster.team("370102001001")
    assert team is not None and team.branch == "" and [p.id for p in team.people] == ["m2"]
    assert roster.cells_of("m2") == ["370102001001"] and roster.cells_of("s") == []
    for bad in ([("s", "secretary"), ("w", "secretary")], [("s", "boss")], [("ghost", "member")]):
        with pytest.raises(RosterError):
            roster.put_team("370102001001", "x", bad)
    assert [p.id for p in roster.team("370102001001").people] == ["m2"]  # type: ignore[union-attr]
    roster.deactivate("m2")
    assert roster.teams(["370102001001", "370102001002"]) == {}


def test_shifts_say_who_is_on_duty_and_are_never_doubled(roster: Roster) -> None:
    roster.put_people([Person("a", "A", "grid_worker"), Person("b", "B", "street_staff")])
    shifts = [("a", local(DAY, 8), local(DAY, 18)), ("b", local(DAY, 20), local(DAY, 23, 59))]
    assert roster.add_shifts(shifts) == 2
    assert roster.add_shifts(shifts) == 0  # the same shifts again: nothing new
    assert roster.on_duty(local(DAY, 9)) == {"a"}
    assert roster.on_duty(local(DAY, 18)) == set()  # a shift ends at its end
    assert roster.on_duty(local(DAY, 21), ["a"]) == set()
    assert roster.on_duty(local(DAY, 21), ["a", "b"]) == {"b"}
    found = roster.shifts(local(DAY, 0), local(DAY, 12))
    assert found == [("a", local(DAY, 8).astimezone(UTC), local(DAY, 18).astimezone(UTC))]
    with pytest.raises(RosterError):
        roster.add_shifts([("a", local(DAY, 9), local(DAY, 8))])
    assert roster.clear_shifts(local(DAY, 19)) == 1
    assert roster.on_duty(local(DAY, 9)) == set()


def test_import_all_writes_everything_or_nothing(roster: Roster) -> None:
    with pytest.raises(RosterError):
        roster.import_all(
            [Person("a", "A", "grid_worker")],
            {"370102001001": ("b", [("ghost", "member")])},
            [("a", local(DAY, 8), local(DAY, 9))],
        )
    assert roster.count() == 0 and roster.on_duty(local(DAY, 8, 30)) == set()
    done = roster.import_all(
        [Person("a", "A", "grid_worker")],
        {"370102001001": ("b", [("a", "worker")])},
        [("a", local(DAY, 8), local(DAY, 9))],
    )
    assert done == (1, 1, 1) and roster.on_duty(local(DAY, 8, 30)) == {"a"}


def test_synthetic_teams_are_one_plus_six_labelled_and_reproducible(grid: Any) -> None:
    cells = cells_of(grid, 40)
    made = synthetic_teams(cells)
    assert made == synthetic_teams(cells)  # the same grid and seed: the same people
    assert all(p.synthetic for p in made.people)
    assert all(int(p.phone) > PHONE_BASE for p in made.people)  # no operator issues them
    assert len({p.name for p in made.people}) == len(made.people)
    for code, (branch, members) in made.teams.items():
        assert branch.endswith("网格党支部")
        assert len(members) == 7, code
        assert [part for _p, part in members].count("secretary") == 1
    workers = {p.id for p in made.people if p.kind == "grid_worker"}
    assert len(workers) < len(cells)  # every eleventh cell shares its neighbour's worker


def day_worker(roster: Roster) -> str:
    """The first grid worker on the roster who walks the day shift."""
    return next(p.id for p in roster.people(kind="grid_worker") if patrol_turn(p.id) == "day")


def test_seeding_fills_an_empty_roster_once(roster: Roster, grid: Any) -> None:
    cells = cells_of(grid, 12)
    made = seed_synthetic(roster, cells, [(DAY, True)])
    assert made == roster.count() > 0
    assert seed_synthetic(roster, cells, [(DAY, True)]) == 0
    team = roster.team(cells[0][0])
    assert team is not None and len(team.members) == 7
    turn = {p.id: patrol_turn(p.id) for p in team.people if p.kind == "grid_worker"}
    on_duty = roster.on_duty(local(DAY, 10), [p.id for p in team.people])
    # A working day's morning: the whole team, but a grid worker on the late or night turn.
    assert on_duty == {p.id for p in team.people if turn.get(p.id, "day") == "day"}
    night = roster.on_duty(local(DAY, 22, 30), [p.id for p in team.people])
    # The day's street staff is the team's (the night's is apart); a night-turn worker walks.
    assert night == {pid for pid, t in turn.items() if t == "night"}
    street = cells[0][0][:9]
    assert roster.on_duty(local(DAY, 22), [f"ss-night-{street}"]) == {f"ss-night-{street}"}


def test_rolling_adds_each_new_days_shifts_once_and_forgets_old_ones(
    roster: Roster, grid: Any
) -> None:
    cells = cells_of(grid, 5)
    seed_synthetic(roster, cells, [(DAY, True), (DAY + timedelta(days=1), True)])
    worker = day_worker(roster)
    later = DAY + timedelta(days=3)
    assert roster.on_duty(local(later, 10), [worker]) == set()
    added = roll_shifts(roster, later, lambda d: d.weekday() < 5)
    assert added > 0 and roster.on_duty(local(later, 10), [worker]) == {worker}
    assert roll_shifts(roster, later, lambda d: d.weekday() < 5) == 0  # idempotent
    tomorrow = later + timedelta(days=1)
    assert roster.on_duty(local(tomorrow, 10), [worker]) == {worker}
    # A rest day: the department members stay home, the grid workers still patrol.
    saturday = date(2026, 12, 5)
    roll_shifts(roster, saturday, lambda d: d.weekday() < 5, ahead=0)
    dept = f"dm-chengguan-{cells[0][0][:12]}"
    assert roster.on_duty(local(saturday, 10), [worker, dept]) == {worker}
    roll_shifts(roster, DAY + timedelta(days=30), lambda d: True, ahead=0)
    assert roster.shifts(local(DAY, 0), local(DAY + timedelta(days=10), 0)) == []


def test_rolling_skips_a_roster_without_synthetic_people(roster: Roster) -> None:
    roster.put_people([Person("a", "A", "grid_worker")])
    assert roll_shifts(roster, DAY, lambda d: True) == 0


def test_keep_rolling_rolls_at_once_and_on_until_stopped(roster: Roster, grid: Any) -> None:
    cells = cells_of(grid, 3)
    seed_synthetic(roster, cells, [])
    worker = day_worker(roster)
    now = [local(DAY, 7)]
    stop = threading.Event()
    thread = threading.Thread(
        target=keep_rolling,
        args=(roster, lambda: now[0], lambda d: True, stop),
        kwargs={"every_s": 0.05},
    )
    thread.start()
    try:
        wait_for(lambda: roster.on_duty(local(DAY, 10), [worker]) == {worker})
        now[0] = local(DAY + timedelta(days=5), 7)  # the demo ran on for days
        later = DAY + timedelta(days=6)
        wait_for(lambda: roster.on_duty(local(later, 10), [worker]) == {worker})
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def wait_for(condition: Any, timeout: float = 20.0) -> None:
    deadline = datetime.now(UTC) + timedelta(seconds=timeout)
    stop = threading.Event()
    while not condition():
        if datetime.now(UTC) > deadline:
            raise AssertionError("condition not met in time")
        stop.wait(0.05)
