"""KPI formulas on a small hand-computed history (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from cases.kpi import KPIS, compute_kpis, definitions
from cases.schema import kpi_rollup
from cases.store import Store
from tests.cases.history import CG, LEAD, OP, WORKER, YL, History, at


@pytest.fixture
def history(store: Store) -> History:
    h = History(store)
    # SR03 (垃圾满溢), a normal item on calendar time: 立案 1 h, 派遣 0.5 h, 签收 0.5 h,
    # 处置 4 h (the item's own), 核查 4 h, 结案 2 h, each from the moment its stage began;
    # the case's own deadline is the sum, report + 12 h.
    a = h.report("2026-11-10 09:00")
    # 签收 late (09:05 → 11:00 against 0.5 h), every other stage on time; closed in 3 h.
    h.close(a, "2026-11-10 09:05", "2026-11-10 11:00", "2026-11-10 12:00")
    h.do("2026-11-10 12:30", a, "rate", OP, rating="satisfied")

    b = h.report("2026-11-10 09:00")
    h.do("2026-11-10 09:05", b, "file", OP)
    h.do("2026-11-10 09:05", b, "dispatch", OP)
    h.do("2026-11-11 08:00", b, "accept", CG)
    h.do("2026-11-11 08:00", b, "handle", CG)
    h.do("2026-11-11 10:00", b, "rework", WORKER, "未清理干净")
    h.do("2026-11-12 08:00", b, "handle", CG)
    h.do("2026-11-12 09:00", b, "verify", WORKER)
    h.do("2026-11-12 09:00", b, "close", OP)  # 2 days: within 3 days
    # 签收 late; the first 处置 came back (late, whatever its time), the second late too
    # (11-11 10:00 + 4 h); both 核查 on time.
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

    # The first dispatch (to 园林) is charged as inaccurate; 园林 returned it after its 签收
    # was due (late, though returned); the second dispatch on time (10:00 → 10:30 exactly).

    d = h.report("2026-11-10 09:00")  # still open at "now", 10 days old, never handled
    h.do("2026-11-10 09:05", d, "file", OP)
    h.do("2026-11-10 09:05", d, "dispatch", OP)
    h.do("2026-11-10 10:00", d, "extend", LEAD, "需协调", hours=8)
    # The extension came after 签收 was due (09:35): that stage stays late from 09:35.

    e = h.report(
        "2026-11-19 09:00", source="hotline"
    )  # open, past its case deadline (21:00), 1 day old
    h.do("2026-11-19 09:10", e, "file", OP)  # its 派遣 is due 09:40 and still open
    h.report("2026-11-20 09:30", source="citizen")  # open, not yet due
    g = h.report("2026-11-10 09:00")
    h.do("2026-11-10 09:10", g, "void", OP, "重复上报")  # a 立案 decision, on time

    # The center's desk sat on it (立案 late), dispatched it to 园林, and a lead reassigned
    # it to 城管 before 园林's handling was due: the first dispatch is charged as inaccurate,
    # 园林's handling is withdrawn (not counted), the reassignment itself is a dispatch.
    r = h.report("2026-11-10 09:00")
    h.do("2026-11-10 11:30", r, "file", OP)
    h.do("2026-11-10 11:35", r, "dispatch", OP, department="yuanlin")
    h.do("2026-11-10 11:40", r, "accept", YL)
    h.do("2026-11-10 12:00", r, "reassign", LEAD, "属于城管", department="chengguan")
    h.do("2026-11-10 12:10", r, "accept", CG)
    h.do("2026-11-10 13:00", r, "handle", CG)
    h.do("2026-11-10 14:00", r, "verify", WORKER)
    h.do("2026-11-10 14:00", r, "close", OP)
    h.do("2026-11-10 15:00", r, "rate", OP, rating="basic")  # 基本满意: not 满意

    old = h.report("2026-10-20 09:00")  # before the period: must not count
    h.close(old, "2026-10-20 09:05", "2026-10-20 10:00", "2026-10-20 11:00")
    return h


NOW = "2026-11-20 10:00"
EXPECTED = {
    "collected": (8, 8, None),
    "active_discovery": (0.75, 6, 8),  # all but E (the hotline) and the citizen's
    "file_on_time": (6 / 7, 6, 7),  # R waited 2.5 h at the desk
    "dispatch_on_time": (7 / 8, 7, 8),  # E's 派遣 open and late
    "accept_on_time": (2 / 7, 2, 7),  # A, B, C twice late; D open and late; R twice on time
    "handle_on_time": (3 / 5, 3, 5),  # B's first came back, B's second late; R's 园林 withdrawn
    "verify_on_time": (1.0, 5, 5),
    "close_on_time": (1.0, 4, 4),
    "accurate_dispatch": (5 / 7, 5, 7),  # C's return and R's reassignment charged
    "closed_3d": (0.6, 3, 5),
    "closed_7d": (0.8, 4, 5),
    "close_rate": (4 / 7, 4, 7),
    "satisfaction_strict": (1 / 3, 1, 3),
    "satisfaction": (2 / 3, 2, 3),
    "followup_rate": (0.75, 3, 4),
    "rework_rate": (0.25, 1, 4),
    "redo_rate": (0.0, 0, 3),
    "overdue_open": (2 / 3, 2, 3),
    "extension_rate": (1 / 7, 1, 7),
    "suspended": (0, 0, None),
    "returns": (1, 1, None),
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
    # C was returned by 园林 and re-dispatched to 城管: it counts for both departments that
    # held it; the inaccurate dispatch is the center's, the return 园林's.
    assert set(by_dept) == {"center", "chengguan", "yuanlin"}
    assert by_dept["yuanlin"]["returns"]["n"] == 1
    # 园林 held C (returned late: counted, late) and R (accepted in time, then reassigned).
    assert (
        by_dept["yuanlin"]["accept_on_time"]["n"],
        by_dept["yuanlin"]["accept_on_time"]["d"],
    ) == (1, 2)
    assert by_dept["yuanlin"]["handle_on_time"]["d"] == 0  # R's handling withdrawn in time
    assert by_dept["yuanlin"]["collected"]["n"] == 2
    assert by_dept["chengguan"]["collected"]["n"] == 5  # A, B, C, D, R
    assert by_dept["chengguan"]["returns"]["n"] == 0
    assert by_dept["center"]["accurate_dispatch"]["n"] == 5
    assert by_dept["center"]["accurate_dispatch"]["d"] == 7
    assert by_dept["center"]["file_on_time"]["d"] == 7
    assert by_dept["chengguan"]["handle_on_time"]["d"] == 5
    assert compute_kpis(history.store, "street", *period)["370102003"]["collected"]["value"] == 8
    assert compute_kpis(history.store, "category", *period)["SR03"]["closed_3d"]["d"] == 5
    with pytest.raises(ValueError):
        compute_kpis(history.store, "planet", *period)


def test_open_overdue_counts_as_late_as_time_passes(history: History) -> None:
    # On the 19th at 09:30, E's 派遣 (due 09:40) was not yet late; at 09:45 it was. E's
    # case deadline (21:00) passes later in the evening.
    period = (date(2026, 11, 1), date(2026, 11, 20))
    early = compute_kpis(history.store, "district", *period, at("2026-11-19 09:30"))["370102"]
    later = compute_kpis(history.store, "district", *period, at("2026-11-19 09:45"))["370102"]
    assert (early["dispatch_on_time"]["d"], later["dispatch_on_time"]["d"]) == (7, 8)
    assert early["overdue_open"]["n"] == 1  # only D
    night = compute_kpis(history.store, "district", *period, at("2026-11-19 21:01"))["370102"]
    assert night["overdue_open"]["n"] == 2


def test_rollup_equals_a_rebuild_from_the_cases(history: History) -> None:
    def table() -> list[tuple[Any, ...]]:
        with history.store.engine.connect() as conn:
            return sorted(tuple(r) for r in conn.execute(select(kpi_rollup)) if any(r[3:]))

    kept = table()
    assert history.store.rebuild_rollup() == 9
    assert table() == kept


def test_every_kpi_has_a_definition_in_both_languages() -> None:
    for lang in ("zh", "en"):
        defs = definitions(lang)
        assert [d["code"] for d in defs] == [k.code for k in KPIS]
        assert all(len(d["definition"]) > 10 for d in defs)
    targets = {d["code"]: d["target"] for d in definitions()}
    assert targets["closed_3d"] == 0.95 and targets["closed_7d"] == 0.99
    assert targets["satisfaction"] == 0.995
    formulas = {d["code"]: d["formula"] for d in definitions()}
    assert formulas["handle_on_time"] == (
        "按时完成的处置环节数 ÷ (已完成并判定的处置环节数 + 已超时仍未完成的处置环节数)"
    )
    assert "基本满意" not in formulas["satisfaction_strict"]
    assert "基本满意" in formulas["satisfaction"]


def test_each_day_of_the_trend_is_that_days_kpis(history: History) -> None:
    """The trend's days (one query, grouped by the local day of report) count exactly what
    the KPIs of that single day count, open and late stages included."""
    from cases.kpi import daily

    now = at(NOW)
    trend = daily(history.store, date(2026, 11, 1), date(2026, 11, 20), now)
    assert set(trend) == {"2026-11-10", "2026-11-19", "2026-11-20"}
    for day, kpis in trend.items():
        one = date.fromisoformat(day)
        alone = compute_kpis(history.store, "district", one, one, now)["370102"]
        assert {c: (v["n"], v["d"]) for c, v in kpis.items()} == {
            c: (v["n"], v["d"]) for c, v in alone.items()
        }, day
