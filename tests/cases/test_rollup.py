"""The rebuild of kpi_rollup counts exactly what the per-change upkeep counts (both stores)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from cases import clock
from cases.model import Report
from cases.schema import KPI_COUNTERS, kpi_rollup
from cases.store import Store
from cases.workflow import Actor, Role

OP = Actor("op", Role.OPERATOR)
LEAD = Actor("lead", Role.LEAD)
WORKER = Actor("gw", Role.WORKER)
CG = Actor("li-cg", Role.LIAISON, "chengguan")
YL = Actor("li-yl", Role.LIAISON, "yuanlin")
CELL = "370102003002001"
OTHER_CELL = "370102001001002"  # another street and community
MICROSECOND = timedelta(microseconds=1)


def at(text: str) -> datetime:
    """A local (Asia/Shanghai) time as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=clock.LOCAL_TZ).astimezone(clock.UTC)


class History:
    """Drives the store through time: every step happens at the moment given."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.n = 0

    def report(self, when: datetime, cell: str = CELL, category: str = "SR03") -> int:
        self.store.now = lambda: when
        self.n += 1
        case, _ = self.store.open_case(
            Report(
                "patrol", category, f"案件 {self.n}", 117.0, 36.65, cell, external_id=str(self.n)
            )
        )
        return case.id

    def do(self, when: datetime, case_id: int, name: str, actor: Actor, **kw: Any) -> None:
        self.store.now = lambda: when
        reason = "测试" if name in ("return", "rework", "void", "extend", "reassign") else ""
        self.store.apply(case_id, name, actor, reason, **kw)

    def handle(self, case_id: int, when: datetime, liaison: Actor = CG) -> None:
        self.do(when, case_id, "accept", liaison)
        self.do(when, case_id, "handle", liaison)

    def close(self, case_id: int, when: datetime) -> None:
        self.do(when, case_id, "verify", WORKER)
        self.do(when, case_id, "close", OP)

    def settle(self, reported: datetime, took: timedelta, rating: str | None = None) -> int:
        """A case reported, dispatched, handled and closed ``took`` after the report."""
        case_id = self.report(reported)
        self.do(reported, case_id, "file", OP)
        self.do(reported, case_id, "dispatch", OP)
        self.handle(case_id, reported + took / 2)
        self.close(case_id, reported + took)
        if rating is not None:
            self.do(reported + took, case_id, "rate", OP, rating=rating)
        return case_id


def rollup_table(store: Store) -> list[tuple[Any, ...]]:
    """kpi_rollup without the all-zero rows a case leaves behind when it moves away."""
    with store.engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(select(kpi_rollup)) if any(r[3:]))


def make_history(store: Store) -> int:
    """A varied history; returns the number of cases."""
    h = History(store)
    t = at("2026-11-10 09:00")
    # SR03 allows 4 calendar hours: within 3 days, exactly 3 and 7 days, a microsecond over.
    h.settle(t, timedelta(hours=3), "satisfied")
    h.settle(t, timedelta(days=3), "basic")
    h.settle(t, timedelta(days=3) + MICROSECOND, "unsatisfied")
    h.settle(t, timedelta(days=7))
    h.settle(t, timedelta(days=7) + MICROSECOND, "satisfied")
    h.settle(t, timedelta(days=12))  # late on every count

    void = h.report(t, OTHER_CELL)
    h.do(t, void, "void", OP)

    # Returned by 园林, re-dispatched, extended, reassigned to 园林, reworked, closed in 5 days.
    moved = h.report(t, OTHER_CELL)
    h.do(t, moved, "file", OP)
    h.do(t, moved, "dispatch", OP, department="yuanlin")
    h.do(t + timedelta(hours=1), moved, "return", YL)
    h.do(t + timedelta(hours=2), moved, "dispatch", OP, department="chengguan")
    h.do(t + timedelta(hours=3), moved, "extend", LEAD, hours=24)
    h.do(t + timedelta(hours=4), moved, "reassign", LEAD, department="yuanlin")
    h.handle(moved, t + timedelta(days=2), YL)
    h.do(t + timedelta(days=3), moved, "rework", WORKER)
    h.do(t + timedelta(days=4), moved, "handle", YL)
    h.close(moved, t + timedelta(days=5))
    h.do(t + timedelta(days=5), moved, "rate", OP, rating="basic")

    # Accepted exactly when 签收 falls due (on time) and a microsecond after it (late),
    # handled at once; both still open.
    for late in (timedelta(0), MICROSECOND):
        open_id = h.report(t, category="SR01")
        h.do(t, open_id, "file", OP)
        h.do(t, open_id, "dispatch", OP)
        due = store.get(open_id).stage_due_at
        assert due is not None
        h.handle(open_id, due + late)

    # Around local midnight: the day a case counts in is the local day it was reported.
    for moment in ("2026-11-11 23:59", "2026-11-11 23:59:59.999999", "2026-11-12 00:00"):
        h.report(at(moment))
    quick = h.report(at("2026-11-12 00:01"))
    h.do(at("2026-11-12 00:01"), quick, "file", OP)
    h.do(at("2026-11-12 00:01"), quick, "dispatch", OP)
    h.handle(quick, at("2026-11-12 01:00"))
    h.close(quick, at("2026-11-12 02:00"))
    return h.n


def test_a_rebuild_equals_the_counters_kept_per_change(store: Store) -> None:
    n = make_history(store)
    kept = rollup_table(store)
    assert store.rebuild_rollup() == n
    assert rollup_table(store) == kept

    # The boundaries the history pins, as counted (the same either way, as just checked).
    district = {
        day: dict(zip(KPI_COUNTERS, counters, strict=True))
        for dim, _key, day, *counters in kept
        if dim == "district"
    }
    cohort = district["2026-11-10"]
    assert (cohort["collected"], cohort["void"], cohort["closed"]) == (10, 1, 7)
    assert (cohort["closed_3d"], cohort["closed_7d"]) == (2, 5)
    # Handling: 6 settled and the 2 open ones at once; the moved case's first handling came
    # back and its second took a day against 4 h.
    assert (cohort["handled"], cohort["handle_counted"], cohort["handle_on_time"]) == (9, 10, 8)
    # Acceptance: the settled ones accept at half their time (late against 0.5 h), the
    # moved case was late with 园林, with 城管 (reassigned after its due: still counted)
    # and with 园林 again; of the open pair, the one exactly at its due is on time.
    assert (cohort["accept_counted"], cohort["accept_on_time"]) == (11, 1)
    assert (cohort["rated"], cohort["satisfied"], cohort["satisfied_basic"]) == (5, 2, 4)
    assert (cohort["reworked"], cohort["extended"], cohort["returns"]) == (1, 1, 1)
    assert (cohort["dispatch_counted"], cohort["dispatch_inaccurate"]) == (11, 2)
    assert district["2026-11-11"]["collected"] == 2  # 23:59 and 23:59:59.999999
    assert district["2026-11-12"]["collected"] == 2  # 00:00 and 00:01


def test_rebuild_restores_a_wiped_rollup(store: Store) -> None:
    n = make_history(store)
    kept = rollup_table(store)
    with store.engine.begin() as conn:
        conn.execute(delete(kpi_rollup))
    assert rollup_table(store) == []
    assert store.rebuild_rollup() == n
    assert rollup_table(store) == kept


def test_rebuild_of_an_empty_store(store: Store) -> None:
    assert store.rebuild_rollup() == 0
    assert rollup_table(store) == []
