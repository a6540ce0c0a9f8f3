"""到场签到 (check_in), on SQLite and PostgreSQL: it records how far from the case's place
someone checked in, changes no status nor stage, and the first check-in within
CHECK_IN_RADIUS_M of an urgent case sets when someone was on site; who may check in."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from sqlalchemy import update

from cases.model import CaseError, Forbidden, InvalidTransition, Report, Status, UnknownCase
from cases.schema import cases
from cases.workflow import ACTIONS, CHECK_IN_RADIUS_M, Actor, Role, available

WORKER = Actor("w1", Role.WORKER)
OP = Actor("op", Role.OPERATOR)


def east_of(lon: float, lat: float, metres: float) -> tuple[float, float]:
    """A point ``metres`` east of (lon, lat)."""
    return lon + metres / (111_320.0 * math.cos(math.radians(lat))), lat


def open_case(store, grid, urgent: bool = False):  # type: ignore[no-untyped-def]
    x, y = grid.geometries[30].representative_point().coords[0]
    case, _ = store.open_case(Report("patrol", "SR01", "x", x, y, grid.codes[30], grid.names[30]))
    if urgent:
        with store.engine.begin() as conn:
            conn.execute(update(cases).where(cases.c.id == case.id).values(urgent=True))
    return store.get(case.id)


def check_in(store, case, actor, metres: float, accuracy: float | None = 6.0):  # type: ignore[no-untyped-def]
    lon, lat = east_of(case.lon, case.lat, metres)
    extra = {} if accuracy is None else {"accuracy": accuracy}
    return store.apply(case.id, "check_in", actor, lon=lon, lat=lat, **extra)


def test_records_the_distance_and_changes_no_status(store, grid) -> None:  # type: ignore[no-untyped-def]
    case = open_case(store, grid)
    ev = check_in(store, case, WORKER, 100.0)
    after = store.get(case.id)
    assert ev.kind == "case.check_in" and ev.actor == "worker:w1"
    assert ev.from_status is ev.to_status is Status.REPORTED
    assert ev.data["distance_m"] == pytest.approx(100.0, abs=1.0)
    assert ev.data["on_site"] is True and ev.data["first_on_site"] is False
    assert ev.data["accuracy_m"] == 6.0
    assert "lon" not in ev.data and "lat" not in ev.data  # a position only some may see
    assert after.status is Status.REPORTED and after.version == case.version + 1
    assert after.stage == case.stage and after.stage_due_at == case.stage_due_at
    assert after.on_site_at is None  # not urgent: no response clock


def test_first_check_in_within_the_radius_of_an_urgent_case_is_on_site(store, grid) -> None:  # type: ignore[no-untyped-def]
    case = open_case(store, grid, urgent=True)
    far = check_in(store, case, WORKER, CHECK_IN_RADIUS_M + 30)
    assert far.data["on_site"] is False and store.get(case.id).on_site_at is None
    store.now = lambda: far.at + timedelta(minutes=3)  # type: ignore[method-assign]
    near = check_in(store, case, WORKER, CHECK_IN_RADIUS_M - 30, accuracy=None)
    assert near.data["first_on_site"] is True and "accuracy_m" not in near.data
    on_site = store.get(case.id).on_site_at
    assert on_site == near.at == far.at + timedelta(minutes=3)
    store.now = lambda: far.at + timedelta(minutes=9)  # type: ignore[method-assign]
    later = check_in(store, case, OP, 5.0)
    assert later.data["on_site"] is True and later.data["first_on_site"] is False
    assert store.get(case.id).on_site_at == on_site  # the first one stays


@pytest.mark.parametrize(
    ("lon", "lat", "accuracy"),
    [
        (math.nan, 36.6, 5),
        (-0.12, 51.5, 5),
        ("117.0", 36.6, 5),
        (None, 36.6, 5),
        (117.0, 36.6, -3),
        (117.0, 36.6, 10_001),
        (10**400, 36.6, 5),
    ],
)
def test_bad_positions_are_refused(store, grid, lon, lat, accuracy) -> None:  # type: ignore[no-untyped-def]
    case = open_case(store, grid)
    with pytest.raises(CaseError) as refused:
        store.apply(case.id, "check_in", WORKER, lon=lon, lat=lat, accuracy=accuracy)
    assert refused.value.zh
    assert store.get(case.id).version == case.version


def test_who_may_check_in(store, grid) -> None:  # type: ignore[no-untyped-def]
    case = open_case(store, grid)
    for actor in (WORKER, OP, Actor("lead", Role.LEAD), Actor("li", Role.LIAISON, case.department)):
        check_in(store, case, actor, 10)
    for actor in (Actor("admin", Role.ADMIN), Actor("wall", Role.WALL)):
        with pytest.raises(Forbidden):
            check_in(store, case, actor, 10)
    with pytest.raises(UnknownCase):  # another department's case: as if there were none
        check_in(store, case, Actor("li", Role.LIAISON, "not-" + case.department), 10)


def test_only_on_open_cases_and_never_offered_as_a_desk_button(store, grid) -> None:  # type: ignore[no-untyped-def]
    case = open_case(store, grid)
    store.apply(case.id, "void", OP, "test")
    with pytest.raises(InvalidTransition):
        check_in(store, case, WORKER, 10)
    assert ACTIONS["check_in"].sources == frozenset(s for s in Status if s.is_open)
    fresh = open_case(store, grid)
    assert "check_in" not in {a.name for a in available(WORKER, fresh)}
