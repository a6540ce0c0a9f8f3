"""Exports: the store's batched read, the desk's filters as SQL, and the rows — on SQLite and
on PostgreSQL (the ``store`` fixture runs each store test on both)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cases import access
from cases.catalog import Catalog
from cases.export import FilterError, Sheet, neutralise, parse_filter
from cases.model import Report
from cases.store import Store
from cases.workflow import Actor, Role

OPERATOR = Actor("op-1", Role.OPERATOR)
CELLS = ("370102001001001", "370102001002001", "370102002001001")
# 2026-03-01 00:00 in Asia/Shanghai is 2026-02-28 16:00 UTC.
LOCAL_MIDNIGHT = datetime(2026, 2, 28, 16, 0, tzinfo=UTC)


def open_cases(store: Store, plan: list[tuple[str, str, datetime]]) -> list[int]:
    """Cases of (category, cell) reported at the given times."""
    ids = []
    for n, (category, cell, at) in enumerate(plan):
        store.now = lambda at=at: at  # type: ignore[misc]
        report = Report("patrol", category, f"case {n}", 117.05, 36.66, cell, "p", reporter="王")
        ids.append(store.open_case(report)[0].id)
    return ids


def ids_of(store: Store, view: access.CaseView, **query: str) -> list[int]:
    wanted = parse_filter({k: [v] for k, v in query.items()}, store.catalog)
    return [
        c.id for batch in store.case_batches(view, *wanted.conditions(store.now())) for c in batch
    ]


def test_batches_hold_every_case_once_in_id_order(store: Store) -> None:
    ids = open_cases(store, [("SR01", CELLS[0], LOCAL_MIDNIGHT)] * 7)
    batches = list(store.case_batches(access.CaseView(), batch=3))
    assert [len(b) for b in batches] == [3, 3, 1]
    assert [c.id for b in batches for c in b] == ids
    # A count that fills the last batch exactly ends without an empty batch.
    assert [len(b) for b in store.case_batches(access.CaseView(), batch=7)] == [7]
    assert list(store.case_batches(access.CaseView("nobody"), batch=3)) == []


def test_a_department_view_reads_only_its_own_cases(store: Store) -> None:
    # SR01 is chengguan's, AQ05 shizheng's, MS11 jiaojing's.
    ids = open_cases(
        store, [(c, CELLS[0], LOCAL_MIDNIGHT) for c in ("SR01", "AQ05", "SR01", "MS11")]
    )
    chengguan = [c for b in store.case_batches(access.CaseView("chengguan"), batch=1) for c in b]
    assert [c.id for c in chengguan] == [ids[0], ids[2]]
    liaison = Actor("li", Role.LIAISON, department="chengguan")
    assert all(access.may_see_case(liaison, c) for c in chengguan)
    assert access.case_view(liaison) == access.CaseView("chengguan")


def test_each_filter_selects_in_the_store(store: Store) -> None:
    minute = timedelta(minutes=1)
    plan = [
        ("SR01", CELLS[0], LOCAL_MIDNIGHT - minute),  # 2026-02-28 23:59 local
        ("AQ05", CELLS[1], LOCAL_MIDNIGHT + minute),  # 2026-03-01 00:01 local
        ("SR01", CELLS[2], LOCAL_MIDNIGHT + timedelta(days=1, hours=23, minutes=59)),
        ("MS11", CELLS[0], LOCAL_MIDNIGHT + timedelta(days=2)),  # 2026-03-03 00:00 local
    ]
    a, b, c, d = open_cases(store, plan)
    store.apply(b, "file", OPERATOR)
    every = access.CaseView()
    assert ids_of(store, every) == [a, b, c, d]
    assert ids_of(store, every, status="filed") == [b]
    assert ids_of(store, every, status="reported,void") == [a, c, d]
    assert ids_of(store, every, category="SR01") == [a, c]
    assert ids_of(store, every, department="shizheng,jiaojing") == [b, d]
    assert ids_of(store, every, cell=CELLS[0]) == [a, d]
    assert ids_of(store, every, community=CELLS[0][:12]) == [a, d]
    assert ids_of(store, every, street="370102001") == [a, b, d]
    assert ids_of(store, every, reported_from="2026-03-01") == [b, c, d]
    assert ids_of(store, every, reported_to="2026-03-02") == [a, b, c]
    assert ids_of(store, every, reported_from="2026-03-01", reported_to="2026-03-02") == [b, c]
    assert ids_of(store, every, category="SR01", reported_from="2026-03-01") == [c]
    assert ids_of(store, access.CaseView("chengguan"), department="shizheng") == []


@pytest.mark.parametrize("hours_later", [0, 1.0, 1.7, 2.5, 3.5, 100])
def test_the_risk_filter_agrees_with_each_cases_risk(store: Store, hours_later: float) -> None:
    # SR03 and AQ05 have 4 calendar hours, SR11 2: watch (50%), at risk (80%) and overdue
    # come at different times for each; a voided case is always ok.
    ids = open_cases(
        store, [(c, CELLS[0], LOCAL_MIDNIGHT) for c in ("SR03", "AQ05", "SR11", "SR03")]
    )
    store.apply(ids[3], "void", OPERATOR, "duplicate")
    store.now = lambda: LOCAL_MIDNIGHT + timedelta(hours=hours_later)  # type: ignore[misc]
    now = store.now()
    cases = [c for b in store.case_batches(access.CaseView()) for c in b]
    for level in ("ok", "watch", "at_risk", "overdue"):
        expected = [c.id for c in cases if c.risk(now) == level]
        assert ids_of(store, access.CaseView(), risk=level) == expected, level


BAD = {
    "status": ["nope", "filed\x00", "\ud800"],
    "category": ["SR01\x00", "X" * 10_000, ",".join(f"C{i}" for i in range(101))],
    "cell": [
        "37010200100100",
        "3701020010010011",
        "３７０１０２００１００１００１",
        "37010200100100x",
    ],
    "street": ["9" * 400, "-370102001"],
    "risk": ["late"],
    "reported_from": [
        "2026-13-01",
        "99999-01-01",
        "1999-12-31",
        "2026-1-1",
        "today",
        "2026-03-01T00",
    ],
    "reported_to": ["9" * 5000, "2026-02-30"],
    "lang_of_the_wall": ["zh"],
}


@pytest.mark.parametrize(("name", "value"), [(k, v) for k, vs in BAD.items() for v in vs])
def test_a_filter_it_cannot_take_is_refused(catalog: Catalog, name: str, value: str) -> None:
    with pytest.raises(FilterError):
        parse_filter({name: [value]}, catalog)


def test_filters_take_lists_and_ignore_empty_values(catalog: Catalog) -> None:
    wanted = parse_filter({"status": ["filed, dispatched", "", "filed"], "cell": [""]}, catalog)
    assert wanted.status == {"filed", "dispatched"} and not wanted.cell
    with pytest.raises(FilterError, match="after"):
        parse_filter({"reported_from": ["2026-03-02"], "reported_to": ["2026-03-01"]}, catalog)
    with pytest.raises(FilterError, match="one date"):
        parse_filter({"reported_from": ["2026-03-02", "2026-03-03"]}, catalog)


def test_a_row_in_each_language_with_the_reporter_only_when_personal(store: Store) -> None:
    (case_id,) = open_cases(store, [("SR01", CELLS[0], LOCAL_MIDNIGHT)])
    case = store.get(case_id)
    zh = Sheet(store.catalog, LOCAL_MIDNIGHT, "zh", personal=False)
    en = Sheet(store.catalog, LOCAL_MIDNIGHT, "en", personal=True)
    assert zh.header()[:2] == ["案件编号", "状态"] and "上报人" not in zh.header()
    assert en.header()[:2] == ["Case ID", "Status"] and en.header()[-1] == "Reporter"
    row = dict(zip(zh.header(), zh.values(case), strict=True))
    assert row["状态"] == "上报" and row["处置部门"] == "城管" and "王" not in zh.values(case)
    assert row["上报时间"].isoformat() == "2026-03-01T00:00:00+08:00"
    assert row["结案时间"] is None
    assert en.values(case)[-1] == "王"
    feature = en.feature(case)
    assert feature["geometry"] == {"type": "Point", "coordinates": [117.05, 36.66]}
    assert feature["properties"]["reported_at"] == "2026-03-01T00:00:00+08:00"
    assert feature["properties"]["status"] == "reported"


def test_formulas_are_neutralised() -> None:
    for text in ("=1+1", "+86", "-2", "@SUM(A1)", "\t=x", "\r=x"):
        assert neutralise(text) == "'" + text
    for text in ("", "垃圾 =1", "<b>x</b>", "'=x"):
        assert neutralise(text) == text
