"""Patrol coverage today, on SQLite and PostgreSQL: rows of patrol_cells inserted directly
(as cases/patrols.py writes them), read back by local day in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from cases.coverage import local_day, patrolled_on_day, per_street
from cases.schema import patrol_cells, patrols
from cases.store import Store

# 2026-11-30 00:30 in Shanghai is 2026-11-29 16:30 UTC: a UTC day would get it wrong.
JUST_AFTER_MIDNIGHT = datetime(2026, 11, 29, 16, 30, tzinfo=UTC)
NOON = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)


def _rows(store: Store, rows: list[tuple[int, str, datetime]]) -> None:
    with store.engine.begin() as conn:
        for pid in sorted({r[0] for r in rows}):
            conn.execute(
                insert(patrols),
                {
                    "id": pid,
                    "person_id": f"gw-{pid}",
                    "started_at": rows[0][2] - timedelta(hours=1),
                },
            )
        conn.execute(
            insert(patrol_cells),
            [{"patrol_id": p, "cell_code": c, "first_at": at} for p, c, at in rows],
        )


def test_a_cell_is_patrolled_today_when_a_row_of_the_local_day_exists(store: Store) -> None:
    before_midnight = JUST_AFTER_MIDNIGHT - timedelta(hours=1)  # 23:30 yesterday, local
    _rows(
        store,
        [
            (1, "A", JUST_AFTER_MIDNIGHT),
            (1, "B", before_midnight),  # yesterday, local, although the same UTC day
            (2, "A", NOON),  # a second patrol through A: A once, first at 00:30
            (2, "C", NOON + timedelta(hours=11, minutes=59)),  # 23:59 local
            (2, "D", NOON + timedelta(hours=12)),  # 00:00 tomorrow, local
        ],
    )
    assert local_day(NOON).isoformat() == "2026-11-30"
    today = patrolled_on_day(store.engine, NOON)
    assert sorted(today) == ["A", "C"]
    assert today["A"] == JUST_AFTER_MIDNIGHT and today["A"].tzinfo is not None
    # Asked at any moment of the same local day, the same answer.
    assert sorted(patrolled_on_day(store.engine, JUST_AFTER_MIDNIGHT)) == ["A", "C"]
    assert sorted(patrolled_on_day(store.engine, before_midnight)) == ["B"]
    assert patrolled_on_day(store.engine, NOON + timedelta(days=2)) == {}


def test_per_street_counts_cells_and_patrolled_cells() -> None:
    cells = ["A", "B", "C", "D"]
    streets = ["s1", "s1", "s2", "s1"]
    names = ["一街", "一街", "二街", "一街"]
    rows = per_street(cells, streets, names, {"A", "D", "Z"})
    assert [(s.code, s.name, s.cells, s.patrolled) for s in rows] == [
        ("s1", "一街", 3, 2),
        ("s2", "二街", 1, 0),
    ]
