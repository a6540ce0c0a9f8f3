"""Streets, communities and utilities as responsible units, in the store (SQLite and
PostgreSQL): a case goes to its unit when reported, is dispatched, accepted and handled
there, and no other unit's liaison sees it; a hazard's clock does not wait for Monday."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cases import access, clock
from cases.lists import CaseQuery
from cases.model import CaseError, OutOfView, Report, Status
from cases.routing import place_units
from cases.store import Store
from cases.workflow import Actor, Role
from geo.grid import Grid

OPERATOR = Actor("op-1", Role.OPERATOR)
LEAD = Actor("lead-a", Role.LEAD)
YAOJIA = "street_370102009"  # 姚家街道's office
DAMINGHU = "street_370102001"
FRIDAY_5PM = datetime(2026, 11, 27, 17, 0, tzinfo=clock.LOCAL_TZ)  # an ordinary Friday


def register_grid(store: Store, grid: Grid) -> int:
    cells = zip(grid.codes, grid.street_names, grid.community_names, strict=True)
    return store.register_units(place_units(cells))


def cell_of(grid: Grid, prefix: str) -> str:
    return next(code for code in grid.codes if code.startswith(prefix))


def report(category: str, cell: str, n: int = 0) -> Report:
    return Report("patrol", category, f"报告 {n}", 117.09, 36.66, cell, "某小区")


def test_the_grids_units_are_registered_once_and_an_admins_name_stays(
    store: Store, grid: Grid
) -> None:
    assert YAOJIA not in store.catalog.departments
    assert register_grid(store, grid) == 14 + 88
    assert store.catalog.departments[YAOJIA].name_zh == "姚家街道"
    store.save_department(
        {"code": YAOJIA, "name_zh": "姚家街道办事处", "name_en": "Yaojia"}, Actor("a", Role.ADMIN)
    )
    assert register_grid(store, grid) == 0  # a restart adds nothing and renames nothing
    assert store.catalog.departments[YAOJIA].name_zh == "姚家街道办事处"
    units = [d.code for d in store.catalog.units()]
    assert units.index("zhujian") < units.index(YAOJIA) < units.index("community_370102001001")


def test_a_case_routed_to_a_street_is_that_streets_alone(store: Store, grid: Grid) -> None:
    register_grid(store, grid)
    cell = cell_of(grid, "370102009")
    community = f"community_{cell[:12]}"
    case, _ = store.open_case(report("DJ04", cell))  # grid Party branch coordination
    assert case.department == YAOJIA
    mine = Actor("li-yj", Role.LIAISON, YAOJIA)
    others = [
        Actor("li-dm", Role.LIAISON, DAMINGHU),
        Actor("li-sq", Role.LIAISON, community),  # the community inside the same street
        Actor("li-dj", Role.LIAISON, "dangjian"),  # the department the item used to go to
    ]
    store.apply(case.id, "file", OPERATOR)
    store.apply(case.id, "dispatch", OPERATOR, department=YAOJIA)
    for other in others:
        with pytest.raises(OutOfView):
            store.apply(case.id, "accept", other)
    store.apply(case.id, "accept", mine)
    store.apply(case.id, "handle", mine, reason="已协调")
    done = store.get(case.id)
    assert done.status is Status.HANDLED and done.department == YAOJIA

    query = CaseQuery(open_only=False)
    assert [c.id for c in store.list_cases(access.CaseView(YAOJIA), query).cases] == [case.id]
    assert access.may_see_case(mine, done)
    own, _, _ = store.events_page(0, audience=access.department_audience(YAOJIA))
    assert [e.kind for e in own] == [
        "case.reported",
        "case.file",
        "case.dispatch",
        "case.accept",
        "case.handle",
    ]
    for other in others:
        assert not access.may_see_case(other, done)
        assert store.list_cases(access.case_view(other), query).cases == []  # type: ignore[arg-type]
        seen, _, _ = store.events_page(0, audience=access.audience_of(other))  # type: ignore[arg-type]
        assert seen == []


def test_a_lead_reassigns_to_a_community_and_an_unknown_unit_is_refused(
    store: Store, grid: Grid
) -> None:
    register_grid(store, grid)
    cell = cell_of(grid, "370102009")
    community = f"community_{cell[:12]}"
    case, _ = store.open_case(report("SR01", cell))
    assert case.department == "chengguan"
    store.apply(case.id, "file", OPERATOR)
    with pytest.raises(CaseError, match="unknown department"):
        store.apply(case.id, "dispatch", OPERATOR, department="community_370102999999")
    store.apply(case.id, "dispatch", OPERATOR)
    store.apply(case.id, "reassign", LEAD, reason="小区内部事务", department=community)
    assert store.get(case.id).department == community
    store.apply(case.id, "accept", Actor("li-sq", Role.LIAISON, community))
    assert store.get(case.id).status is Status.ACCEPTED


def test_a_gas_leak_reported_on_friday_at_five_is_due_that_night(store: Store) -> None:
    store.now = lambda: FRIDAY_5PM.astimezone(UTC)
    cell = "370102009002003"
    leak, _ = store.open_case(report("AQ15", cell))  # 燃气泄漏
    assert leak.department == "ranqi" and leak.priority == "urgent"
    assert not leak.working_hours
    due = clock.as_utc(leak.deadline).astimezone(clock.LOCAL_TZ)
    assert FRIDAY_5PM < due < FRIDAY_5PM.replace(hour=23, minute=59)  # that night, not Monday
    assert due - FRIDAY_5PM == timedelta(hours=leak.allowed_hours)  # hours of the clock

    # The same moment, an item on working time waits for the working week: the test tells.
    garbage, _ = store.open_case(report("SR01", cell, 1))
    monday = FRIDAY_5PM.date() + timedelta(days=3)
    assert clock.as_utc(garbage.deadline).astimezone(clock.LOCAL_TZ).date() >= monday

    # and the gas company takes it that night
    store.now = lambda: (FRIDAY_5PM + timedelta(minutes=10)).astimezone(UTC)
    store.apply(leak.id, "file", OPERATOR)
    store.apply(leak.id, "dispatch", OPERATOR)
    store.apply(leak.id, "accept", Actor("li-rq", Role.LIAISON, "ranqi"))
    taken = store.get(leak.id)
    assert taken.status is Status.ACCEPTED and taken.risk(store.now()) == "ok"
