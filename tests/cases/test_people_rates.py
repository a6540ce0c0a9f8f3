"""The people side's rates on a hand-counted history (SQLite and PostgreSQL): patrol
coverage by cell-day, and the urgent response clock's median, p90 and share within target."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, update

from cases.people_rates import patrol_coverage, people_definitions, percentile, urgent_response
from cases.schema import cases, events, patrol_cells, patrols
from cases.store import Store
from tests.cases.history import OP, History, at

A = "370102009001001"  # street 370102009
B = "370102009001002"
C = "370102003002001"  # street 370102003
TARGETS = {"acknowledged": 2.0, "on_site": 5.0, "removed": 8.0}


def _targets(category: str) -> dict[str, float]:
    return TARGETS if category == "AQ03" else {}


def _urgent(store: Store, case_id: int, **steps: str) -> None:
    """Mark a case urgent with its response steps at the given local times."""
    values = {f"{k}": at(v) for k, v in steps.items()}
    with store.engine.begin() as conn:
        conn.execute(update(cases).where(cases.c.id == case_id).values(urgent=True, **values))


def test_percentile_is_a_value_that_occurred() -> None:
    assert percentile([], 50) is None
    assert percentile([3.0], 90) == 3.0
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50) == 5
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9
    assert percentile([10, 1, 5], 90) == 10


def test_urgent_response_by_street_and_district(store: Store) -> None:
    h = History(store)
    # Three urgent cases of street 009 and one of street 003; one drill and one normal case
    # must not count.
    a = h.report("2026-11-20 10:00", A, "AQ03")
    _urgent(
        store,
        a,
        acknowledged_at="2026-11-20 10:01",
        on_site_at="2026-11-20 10:04",
        hazard_removed_at="2026-11-20 10:07",
    )  # all within: 1, 4, 7 min
    b = h.report("2026-11-20 11:00", B, "AQ03")
    _urgent(store, b, acknowledged_at="2026-11-20 11:03", on_site_at="2026-11-20 11:12")
    # b: ack 3 min (missed 2), on site 12 (missed 5), hazard not removed and 8 min long past
    c = h.report("2026-11-20 11:55", A, "AQ03")
    # c: nothing yet; at NOW (12:00) 5 minutes in: ack is missed (2), on site exactly due (5,
    # not past), removal still has time; only the ack is judged.
    d = h.report("2026-11-20 09:00", C, "AQ03")
    _urgent(store, d, acknowledged_at="2026-11-20 09:02")
    drill = h.report("2026-11-20 09:30", A, "AQ03")
    _urgent(store, drill, acknowledged_at="2026-11-20 10:30")
    with store.engine.begin() as conn:
        conn.execute(update(cases).where(cases.c.id == drill).values(drill=True))
    h.report("2026-11-20 09:40", A, "SR03")  # not urgent
    _urgent(store, c)
    now = at("2026-11-20 12:00")
    with store.read() as conn:
        got = urgent_response(conn, date(2026, 11, 20), date(2026, 11, 20), _targets, now)
    street = got["370102009"]
    assert street["acknowledged"] == {"n": 2, "median": 1.0, "p90": 3.0, "judged": 3, "within": 1}
    assert street["on_site"] == {"n": 2, "median": 4.0, "p90": 12.0, "judged": 2, "within": 1}
    assert street["removed"] == {"n": 1, "median": 7.0, "p90": 7.0, "judged": 2, "within": 1}
    assert street["closed"]["n"] == 0 and street["closed"]["judged"] == 0  # no target
    assert got["370102003"]["acknowledged"]["within"] == 1
    assert got["district"]["acknowledged"] == {
        "n": 3,
        "median": 2.0,
        "p90": 3.0,
        "judged": 4,
        "within": 2,
    }
    # Another day's window sees none of them.
    with store.read() as conn:
        assert urgent_response(conn, date(2026, 11, 21), date(2026, 11, 21), _targets, now) == {}


def test_a_flagged_case_is_timed_from_its_flag(store: Store) -> None:
    h = History(store)
    a = h.report("2026-11-20 10:00", A, "SR03")
    _urgent(store, a, acknowledged_at="2026-11-20 10:31")
    with store.engine.begin() as conn:  # the flag's event, as the workflow writes it
        conn.execute(
            insert(events).values(
                seq=10_000,
                kind="case.flag_urgent",
                case_id=a,
                at=at("2026-11-20 10:30"),
                actor=OP.label,
                from_status="reported",
                to_status="reported",
                reason="有人被困",
                data={},
            )
        )
    with store.read() as conn:
        got = urgent_response(
            conn, date(2026, 11, 20), date(2026, 11, 20), lambda _c: TARGETS, at("2026-11-20 12:00")
        )
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
