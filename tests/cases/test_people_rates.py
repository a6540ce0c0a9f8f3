"""The people side's rates on a hand-counted history (SQLite and PostgreSQL): patrol
coverage by cell-day, and the urgent response clock's median, p90 and share within target."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert

from cases.model import Report
from cases.people_rates import patrol_coverage, people_definitions, percentile, urgent_response
from cases.schema import patrol_cells, patrols
from cases.store import Store
from tests.cases.history import OP, WORKER, History, at

A = "370102009001001"  # street 370102009
B = "370102009001002"
C = "370102003002001"  # street 370102003
# AQ03 电动车楼道充电 (a fire hazard, urgent from its report): acknowledged within 2 min, on
# site within 5, hazard removed within 8 (cases/data/urgent_targets.csv).


def _steps(h: History, case_id: int, **at_: str) -> None:
    """Take the response's steps through the workflow at the given local times."""
    if "acknowledged" in at_:
        h.do(at_["acknowledged"], case_id, "acknowledge", WORKER)
    if "on_site" in at_:
        h.do(at_["on_site"], case_id, "check_in", WORKER, lon=117.0, lat=36.65, accuracy=5.0)
    if "removed" in at_:
        h.do(at_["removed"], case_id, "remove_hazard", WORKER, "已断电")


def test_percentile_is_a_value_that_occurred() -> None:
    assert percentile([], 50) is None
    assert percentile([3.0], 90) == 3.0
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50) == 5
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9
    assert percentile([10, 1, 5], 90) == 10


def test_urgent_response_by_street_and_district(store: Store) -> None:
    h = History(store)
    # Three urgent cases of street 009 and one of street 003; a drill and a normal case
    # must not count.
    a = h.report("2026-11-20 10:00", A, "AQ03")
    _steps(
        h,
        a,
        acknowledged="2026-11-20 10:01",
        on_site="2026-11-20 10:04",
        removed="2026-11-20 10:07",
    )  # all within: 1, 4, 7 min
    b = h.report("2026-11-20 11:00", B, "AQ03")
    _steps(h, b, acknowledged="2026-11-20 11:03", on_site="2026-11-20 11:12")
    # b: ack 3 min (missed 2), on site 12 (missed 5), hazard not removed and 8 min long past
    c = h.report("2026-11-20 11:55", A, "AQ03")
    # c: nothing yet; at NOW (12:00) 5 minutes in: ack is missed (2), on site exactly due (5,
    # not past), removal still has time; only the ack is judged.
    d = h.report("2026-11-20 09:00", C, "AQ03")
    _steps(h, d, acknowledged="2026-11-20 09:02")
    store.now = lambda: at("2026-11-20 09:30")
    drill, _ = store.open_case(
        Report("patrol", "AQ03", "演练", 117.0, 36.65, A, external_id="drill-1", drill=True)
    )
    _steps(h, drill.id, acknowledged="2026-11-20 09:31")
    h.report("2026-11-20 09:40", A, "SR03")  # not urgent
    assert all(store.get(i).urgent for i in (a, b, c, d))
    now = at("2026-11-20 12:00")
    day = date(2026, 11, 20)
    with store.read() as conn:
        got = urgent_response(conn, day, day, store.catalog, now)
    street = got["370102009"]
    assert street["acknowledged"] == {"n": 2, "median": 1.0, "p90": 3.0, "judged": 3, "within": 1}
    assert street["on_site"] == {"n": 2, "median": 4.0, "p90": 12.0, "judged": 2, "within": 1}
    assert street["hazard_removed"] == {
        "n": 1,
        "median": 7.0,
        "p90": 7.0,
        "judged": 2,
        "within": 1,
    }
    assert street["closed"]["n"] == 0 and street["closed"]["judged"] == 0  # 8 h: not yet
    assert got["370102003"]["acknowledged"]["within"] == 1
    assert got["district"]["acknowledged"] == {
        "n": 3,
        "median": 2.0,
        "p90": 3.0,
        "judged": 4,
        "within": 2,
    }
    # Another day's window sees none of them.
    other = date(2026, 11, 21)
    with store.read() as conn:
        assert urgent_response(conn, other, other, store.catalog, now) == {}


def test_a_flagged_case_is_timed_from_its_flag(store: Store) -> None:
    h = History(store)
    a = h.report("2026-11-20 10:00", A, "SR03")  # 垃圾满溢: not urgent by its item
    h.do("2026-11-20 10:30", a, "flag_urgent", OP, "有人被困")
    _steps(h, a, acknowledged="2026-11-20 10:31")
    day = date(2026, 11, 20)
    with store.read() as conn:
        got = urgent_response(conn, day, day, store.catalog, at("2026-11-20 12:00"))
    assert got["district"]["acknowledged"]["median"] == 1.0


def test_patrol_coverage_counts_cell_days(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            insert(patrols).values(id=1, person_id="gw-1", started_at=at("2026-11-20 08:00"))
        )
        conn.execute(
            insert(patrol_cells),
            [
                {"patrol_id": 1, "cell_code": A, "first_at": at("2026-11-20 08:10")},
                {"patrol_id": 1, "cell_code": B, "first_at": at("2026-11-20 09:10")},
            ],
        )
        # the next local day, a night patrol (00:30 local is still the 20th in UTC)
        conn.execute(
            insert(patrols).values(id=3, person_id="gw-1", started_at=at("2026-11-21 00:00"))
        )
        conn.execute(
            insert(patrol_cells).values(patrol_id=3, cell_code=A, first_at=at("2026-11-21 00:30"))
        )
        conn.execute(
            insert(patrols).values(id=2, person_id="gw-2", started_at=at("2026-11-20 08:00"))
        )
        conn.execute(  # the same cell the same day by another patrol counts once
            insert(patrol_cells).values(patrol_id=2, cell_code=A, first_at=at("2026-11-20 15:00"))
        )
    cells = {"370102009": 4, "370102003": 6}
    with store.read() as conn:
        one = patrol_coverage(conn, cells, date(2026, 11, 20), date(2026, 11, 20))
        two = patrol_coverage(conn, cells, date(2026, 11, 20), date(2026, 11, 21))
    assert one["370102009"] == {"patrolled": 2, "cell_days": 4}
    assert one["370102003"] == {"patrolled": 0, "cell_days": 6}
    assert one["district"] == {"patrolled": 2, "cell_days": 10}
    assert two["370102009"] == {"patrolled": 3, "cell_days": 8}
    assert two["district"] == {"patrolled": 3, "cell_days": 20}


def test_the_definitions_speak_each_language() -> None:
    for lang in ("zh", "en"):
        defs = people_definitions(lang)
        assert {d["code"] for d in defs} == {"patrol_coverage", "urgent_response"}
        han = any("\u4e00" <= ch <= "\u9fff" for d in defs for ch in d["definition"] + d["name"])
        assert han == (lang == "zh")
