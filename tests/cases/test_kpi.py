"""KPI formulas on a small hand-computed history (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from cases import clock
from cases.kpi import KPIS, compute_kpis, definitions
from cases.model import Report
from cases.schema import kpi_rollup
from cases.store import Store
from cases.workflow import Actor, Role

OP = Actor("op", Role.OPERATOR)
LEAD = Actor("lead", Role.LEAD)
WORKER = Actor("gw", Role.WORKER)
CG = Actor("li-cg", Role.LIAISON, "chengguan")
YL = Actor("li-yl", Role.LIAISON, "yuanlin")


def at(text: str) -> datetime:
    """A local (Asia/Shanghai) time as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=clock.LOCAL_TZ).astimezone(clock.UTC)


class History:
    """Drives the store through time: every step happens at the moment given."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.n = 0

    def report(self, when: str, cell: str = "370102003002001") -> int:
        self.store.now = lambda: at(when)
        self.n += 1
        case, _ = self.store.open_case(
            Report(
                "patrol", "SR03", f"垃圾满溢 {self.n}", 117.0, 36.65, cell, external_id=f"k{self.n}"
            )
        )
        return case.id

    def do(
        self, when: str, case_id: int, name: str, actor: Actor, reason: str = "", **kw: Any
    ) -> None:
        self.store.now = lambda: at(when)
        self.store.apply(case_id, name, actor, reason, **kw)

    def close(self, case_id: int, reported: str, handled: str, closed: str) -> None:
        self.do(reported, case_id, "file", OP)
        self.do(reported, case_id, "dispatch", OP)
        self.do(handled, case_id, "accept", CG)
        self.do(handled, case_id, "handle", CG)
        self.do(closed, case_id, "verify", WORKER)
        self.do(closed, case_id, "close", OP)


@pytest.fixture
def history(store: Store) -> History:
    h = History(store)
    # SR03 (垃圾满溢) allows 4 calendar hours: deadline = report + 4 h.
    a = h.report("2026-11-10 09:00")
    h.close(a, "2026-11-10 09:05", "2026-11-10 11:00", "2026-11-10 12:00")  # on time, 3 h
    h.do("2026-11-10 12:30", a, "rate", OP, rating="satisfied")

    b = h.report("2026-11-10 09:00")
    h.do("2026-11-10 09:05", b, "file", OP)
    h.do("2026-11-10 09:05", b, "dispatch", OP)
    h.do("2026-11-11 08:00", b, "accept", CG)
    h.do("2026-11-11 08:00", b, "handle", CG)
    h.do("2026-11-11 10:00", b, "rework", WORKER, "未清理干净")
    h.do("2026-11-12 08:00", b, "handle", CG)
    h.do("2026-11-12 09:00", b, "verify", WORKER)
    h.do("2026-11-12 09:00", b, "close", OP)  # 2 days: within 3 days, late against 4 h
    h.do("2026-11-12 10:00", b, "rate", OP, rating="unsatisfied")

    c = h.report("2026-11-10 09:00")
    h.do("2026-11-10 09:05", c, "file", OP)
    h.do("2026-11-10 09:05", c, "dispatch", OP, department="yuanlin")
    h.do("2026-11-10 10:00", c, "return", YL, "不属于园林")
    h.do("2026-11-10 10:30", c, "dispatch", OP, department="chengguan")
    h.do("2026-11-15 08:00", c, "accept", CG)
    h.do("2026-11-15 08:00", c, "handle", CG)
    h.do("2026-11-15 09:00", c, "verify", WORKER)
    h.do("2026-11-15 09:00", c, "close", OP)  # 5 days: not within 3, within 7

    d = h.report("2026-11-10 09:00")  # still open at "now", 10 days old, never handled
    h.do("2026-11-10 09:05", d, "file", OP)
    h.do("2026-11-10 09:05", d, "dispatch", OP)
    h.do("2026-11-10 10:00", d, "extend", LEAD, "需协调", hours=8)

    e = h.report("2026-11-19 09:00")  # open, overdue since 13:00 yesterday, 1 day old
    h.do("2026-11-19 09:10", e, "file", OP)
    h.report("2026-11-20 09:30")  # open, not yet due
    g = h.report("2026-11-10 09:00")
    h.do("2026-11-10 09:10", g, "void", OP, "重复上报")

    old = h.report("2026-10-20 09:00")  # before the period: must not count
    h.close(old, "2026-10-20 09:05", "2026-10-20 10:00", "2026-10-20 11:00")
    return h


NOW = "2026-11-20 10:00"
EXPECTED = {
    "collected": (7, 7, None),
    "closed_3d": (0.5, 2, 4),
    "closed_7d": (0.75, 3, 4),
    "satisfaction": (0.5, 1, 2),
    "handled_on_time": (0.2, 1, 5),
    "close_rate": (0.5, 3, 6),
    "closed_on_time": (0.2, 1, 5),
    "accurate_dispatch": (0.8, 4, 5),
    "rework_rate": (1 / 3, 1, 3),
    "overdue_open": (2 / 3, 2, 3),
    "extension_rate": (1 / 6, 1, 6),
}


def test_district_kpis_match_the_hand_count(history: History) -> None:
    result = compute_kpis(history.store, "district", date(2026, 11, 1), date(2026, 11, 20), at(NOW))
    assert set(result) == {"370102"}
    got = {code: (v["value"], v["n"], v["d"]) for code, v in result["370102"].items()}
    assert got.keys() == EXPECTED.keys()
    for code, (value, n, d) in EXPECTED.items():
        assert got[code][1:] == (n, d), code
        assert got[code][0] == pytest.approx(value), code


def test_other_dimensions_split_the_same_counts(history: History) -> None:
    period = (date(2026, 11, 1), date(2026, 11, 20), at(NOW))
    by_dept = compute_kpis(history.store, "department", *period)
    # C was returned by 园林 and re-dispatched: it counts (with its return) under 城管.
    assert set(by_dept) == {"chengguan"}
    assert by_dept["chengguan"]["accurate_dispatch"]["n"] == 4
    assert compute_kpis(history.store, "street", *period)["370102003"]["collected"]["value"] == 7
    assert compute_kpis(history.store, "category", *period)["SR03"]["closed_3d"]["d"] == 4
    with pytest.raises(ValueError):
        compute_kpis(history.store, "planet", *period)


def test_open_overdue_counts_as_late_as_time_passes(history: History) -> None:
    # Earlier, on the 19th at 12:00, E was not yet due and D not yet 7 days old... D was 9 days.
    early = compute_kpis(
        history.store, "district", date(2026, 11, 1), date(2026, 11, 20), at("2026-11-19 12:00")
    )
    assert early["370102"]["overdue_open"]["n"] == 1  # only D; E falls due at 13:00
    later = compute_kpis(
        history.store, "district", date(2026, 11, 1), date(2026, 11, 20), at("2026-11-19 14:00")
    )
    assert later["370102"]["overdue_open"]["n"] == 2


def test_rollup_equals_a_rebuild_from_the_cases(history: History) -> None:
    def table() -> list[tuple[Any, ...]]:
        with history.store.engine.connect() as conn:
            return sorted(tuple(r) for r in conn.execute(select(kpi_rollup)) if any(r[3:]))

    kept = table()
    assert history.store.rebuild_rollup() == 8
    assert table() == kept


def test_every_kpi_has_a_definition_in_both_languages() -> None:
    for lang in ("zh", "en"):
        defs = definitions(lang)
        assert [d["code"] for d in defs] == [k.code for k in KPIS]
        assert all(len(d["definition"]) > 10 for d in defs)
    targets = {d["code"]: d["target"] for d in definitions()}
    assert targets["closed_3d"] == 0.95 and targets["closed_7d"] == 0.99
    assert targets["satisfaction"] == 0.995
