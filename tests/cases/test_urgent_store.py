"""The urgent fast path in the store (SQLite and PostgreSQL): urgent from the report by the
catalog, the flag, acknowledge and remove_hazard (each an event, each refused where it
does not belong), the response clock's steps, and a drill that changes no KPI or counter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from cases import kpi, urgent
from cases.catalog import load_catalog
from cases.model import Forbidden, InvalidTransition, OutOfView, Report, Status
from cases.schema import events
from cases.store import Store
from cases.workflow import Actor, Role

OPERATOR = Actor("op-1", Role.OPERATOR)
LEAD = Actor("lead-a", Role.LEAD)
WORKER = Actor("gw", Role.WORKER)
WALL = Actor("wall", Role.WALL)
CELL = "370102009001001"


def report(category: str, n: int = 0, drill: bool = False) -> Report:
    return Report(
        source="patrol",
        category_code=category,
        description=f"{category} {n}",
        lon=117.05,
        lat=36.66,
        cell_code=CELL,
        external_id=f"u-{category}-{n}-{drill}",
        drill=drill,
    )


class Ticking:
    """A clock the test moves by hand (the store asks it for now)."""

    def __init__(self) -> None:
        self.at = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, minutes: float) -> None:
        self.at += timedelta(minutes=minutes)


def kinds(store: Store, case_id: int) -> list[str]:
    with store.engine.connect() as conn:
        return list(
            conn.execute(
                select(events.c.kind).where(events.c.case_id == case_id).order_by(events.c.seq)
            ).scalars()
        )


def test_the_store_keeps_the_urgent_targets_as_shipped(store: Store) -> None:
    assert store.catalog.urgent_targets == load_catalog().urgent_targets
    fire = store.catalog.urgent_target("AQ03")  # 电动车楼道充电
    assert fire.hazard_removed == 8 and fire.at_report  # the article's 8 minutes
    assert store.catalog.urgent_target("SR01").category == "*"  # a flagged item: the default


def test_a_fire_hazard_is_urgent_from_its_report_and_a_bicycle_is_not(store: Store) -> None:
    fire, _ = store.open_case(report("AQ03"))
    gas, _ = store.open_case(report("AQ15"))
    bikes, _ = store.open_case(report("CG02"))
    lane, _ = store.open_case(report("AQ01"))  # a blocked fire lane: flagged when it must be
    assert fire.urgent and gas.urgent and fire.urgent_at == fire.created_at
    assert not bikes.urgent and not lane.urgent and bikes.urgent_at is None
    stored = store.get(fire.id)
    assert stored.urgent and stored.urgent_at == fire.created_at and not stored.drill


def test_the_whole_response_clock_step_by_step(store: Store) -> None:
    ticking = Ticking()
    store.now = ticking
    case, _ = store.open_case(report("AQ03"))
    target = store.catalog.urgent_target("AQ03")
    ticking.advance(1)
    store.apply(case.id, "acknowledge", WORKER)
    ticking.advance(1)
    store.apply(case.id, "acknowledge", LEAD)  # a second acknowledgement: logged, no change
    after = store.get(case.id)
    assert after.acknowledged_at == case.created_at + timedelta(minutes=1)
    ticking.advance(10)  # 12 minutes in: the 8 minutes to hazard removed are gone
    clock = urgent.response_clock(after, target, ticking())
    assert clock is not None and clock.started_by == "report"
    assert clock.step("acknowledged").met is True
    assert clock.step("hazard_removed").met is False  # late, not yet done
    assert clock.step("closed").met is None  # not due yet
    store.apply(case.id, "remove_hazard", WORKER, "关闭电磁炉")
    with pytest.raises(InvalidTransition, match="already removed"):
        store.apply(case.id, "remove_hazard", WORKER)
    for name in ("file", "dispatch"):
        store.apply(case.id, name, OPERATOR)
    liaison = Actor("li-xf", Role.LIAISON, department=store.get(case.id).department)
    for name, who in (("accept", liaison), ("handle", liaison), ("verify", OPERATOR)):
        store.apply(case.id, name, who)
    store.apply(case.id, "close", OPERATOR)
    done = store.get(case.id)
    clock = urgent.response_clock(done, target, ticking())
    assert clock is not None
    # never on site (helper B's check_in sets it): past its 5 minutes, so missed
    assert [s.met for s in clock.steps] == [True, False, False, True]
    assert clock.step("on_site").at is None
    assert clock.step("hazard_removed").at == case.created_at + timedelta(minutes=12)
    assert kinds(store, case.id)[:4] == [
        "case.reported",
        "case.acknowledge",
        "case.acknowledge",
        "case.remove_hazard",
    ]


def test_a_flag_makes_an_open_case_urgent_and_starts_its_clock(store: Store) -> None:
    ticking = Ticking()
    store.now = ticking
    case, _ = store.open_case(report("SR01"))
    with pytest.raises(InvalidTransition, match="only on an urgent case"):
        store.apply(case.id, "acknowledge", WORKER)
    with pytest.raises(InvalidTransition, match="only on an urgent case"):
        store.apply(case.id, "remove_hazard", WORKER)
    with pytest.raises(Forbidden):
        store.apply(case.id, "flag_urgent", WORKER, "冒烟")
    with pytest.raises(Forbidden):
        store.apply(case.id, "flag_urgent", WALL, "冒烟")
    with pytest.raises(Exception, match="reason"):
        store.apply(case.id, "flag_urgent", OPERATOR)
    ticking.advance(30)
    ev = store.apply(case.id, "flag_urgent", OPERATOR, "门内冒白烟，有焦糊味")
    flagged = store.get(case.id)
    assert flagged.urgent and flagged.urgent_at == ticking()
    assert ev.kind == "case.flag_urgent" and ev.data["urgent"] is True
    with pytest.raises(InvalidTransition, match="already urgent"):
        store.apply(case.id, "flag_urgent", LEAD, "again")
    clock = urgent.response_clock(flagged, store.catalog.urgent_target("SR01"), ticking())
    assert clock is not None and clock.started_by == "flag" and clock.start == ticking()


def test_a_liaison_acknowledges_only_their_own_departments_case(store: Store) -> None:
    case, _ = store.open_case(report("AQ04"))  # gas: 燃气
    with pytest.raises(OutOfView):
        store.apply(case.id, "acknowledge", Actor("li-cg", Role.LIAISON, department="chengguan"))
    own = Actor("li-rq", Role.LIAISON, department=case.department)
    store.apply(case.id, "acknowledge", own)
    assert store.get(case.id).acknowledged_at is not None


def test_a_closed_case_takes_no_urgent_step(store: Store) -> None:
    case, _ = store.open_case(report("AQ03", 1))
    store.apply(case.id, "void", OPERATOR, "重复")
    assert store.get(case.id).status is Status.VOID
    for name, who in (("acknowledge", WORKER), ("remove_hazard", WORKER)):
        with pytest.raises(InvalidTransition):
            store.apply(case.id, name, who)
    with pytest.raises(InvalidTransition):
        store.apply(case.id, "flag_urgent", OPERATOR, "x")


def test_a_drill_runs_the_same_path_and_changes_no_kpi(store: Store) -> None:
    ticking = Ticking()
    store.now = ticking
    store.open_case(report("SR01", 1))  # a real case, so the KPIs are not all empty
    day = ticking().date()

    def figures() -> tuple[object, ...]:
        snap = store.snapshot()
        return (
            kpi.compute_kpis(store, "district", day, day, ticking()),
            kpi.compute_kpis(store, "department", day, day, ticking()),
            kpi.settled_totals(store),
            kpi.daily(store, day, day, ticking()),
            kpi.closure_hours(store, day, day),
            snap["counters"],
            snap["open_by_cell"],
            snap["open_cases"],
        )

    before = figures()
    drill, created = store.open_case(report("SR01", 2, drill=True))
    assert created and drill.drill and drill.urgent  # a drill is urgent, whatever its item
    assert figures() == before
    dept = Actor("li", Role.LIAISON, department=drill.department)
    store.apply(drill.id, "acknowledge", WORKER)
    store.apply(drill.id, "remove_hazard", WORKER)
    for name, who in (
        ("file", OPERATOR),
        ("dispatch", OPERATOR),
        ("accept", dept),
        ("handle", dept),
        ("verify", OPERATOR),
        ("close", OPERATOR),
        ("rate", OPERATOR),
    ):
        store.apply(drill.id, name, who, **({"rating": "satisfied"} if name == "rate" else {}))
    assert store.get(drill.id).status is Status.CLOSED
    assert figures() == before
    store.rebuild_rollup()
    assert figures() == before  # the rebuild agrees: the drill counts nowhere
    assert kinds(store, drill.id)[:3] == ["case.reported", "case.acknowledge", "case.remove_hazard"]
