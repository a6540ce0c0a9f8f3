"""KPI counters kept beside the cases: each change moves the case's contribution.

A case contributes, for the local day it was reported, to the rows of ``kpi_rollup`` of its
district, street, community and category, and to the row of every department that held it
(not only the last one). Each of its stages (cases/stages.py) contributes to the same place
rows and to the row of the stage's holder (a department, or ``center`` for the center's
own desks); a drill of the urgent fast path counts in none. A change subtracts what the
case contributed before and adds what it contributes after, in the change's own
transaction, so the counters always agree with the cases and their stages (``rebuild``
proves it, with these same rules).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import timedelta
from functools import cache
from itertools import groupby
from typing import Any

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from cases import clock
from cases.effects import SATISFIED, SATISFIED_OR_BASIC
from cases.model import Case, Status
from cases.records import case_from_row
from cases.schema import KPI_COUNTERS, case_stages, cases, kpi_rollup
from cases.stages import (
    DONE,
    REASSIGNED,
    RETURNED,
    REWORKED,
    Stage,
    held_departments,
    stage_from_row,
)

DISTRICT = "370102"
DIMENSIONS = ("district", "street", "community", "department", "category")
THREE_DAYS = timedelta(days=3)
PATROL_SOURCE = "patrol"  # found by a grid worker on patrol (主动发现), not reported to us
SEVEN_DAYS = timedelta(days=7)
Key = tuple[str, str, str]  # (dim, key, day)


def place_keys(case: Case) -> list[Key]:
    """The rows of its places and category this case counts in (not its departments)."""
    day = clock.as_utc(case.created_at).astimezone(clock.LOCAL_TZ).date().isoformat()
    return [
        ("district", case.cell_code[:6] or DISTRICT, day),
        ("street", case.street_code, day),
        ("community", case.community_code, day),
        ("category", case.category_code, day),
    ]


def case_counts(case: Case, stages: Sequence[Stage]) -> dict[str, int]:
    """What one case adds to each case counter, as it stands now."""
    closed = case.status is Status.CLOSED and case.closed_at is not None
    took = (case.closed_at - case.created_at) if closed and case.closed_at else None
    return {
        "collected": 1,
        "found_on_patrol": int(case.source == PATROL_SOURCE),
        "void": int(case.status is Status.VOID),
        "rejected": int(case.status is Status.REJECTED),
        "closed": int(closed),
        "closed_3d": int(took is not None and took <= THREE_DAYS),
        "closed_7d": int(took is not None and took <= SEVEN_DAYS),
        "handled": int(any(s.stage == "handle" and s.outcome in (DONE, REWORKED) for s in stages)),
        "reworked": int(case.rework_count > 0),
        "redone": int(case.redo_count > 0),
        "extended": int(case.extension_count > 0),
        "rated": int(case.rating is not None),
        "satisfied": int(case.rating in SATISFIED),
        "satisfied_basic": int(case.rating in SATISFIED_OR_BASIC),
    }


def stage_counts(stage: Stage) -> dict[str, int]:
    """What one stage adds to the stage counters (nothing while it is under way: an open
    stage counts late from the cases table, at the moment asked)."""
    out: dict[str, int] = {}
    if stage.counted:
        out[f"{stage.stage}_counted"] = 1
        out[f"{stage.stage}_on_time"] = int(stage.on_time)
    if stage.stage == "dispatch" and stage.accurate is False:
        out["dispatch_inaccurate"] = 1
    if stage.outcome == RETURNED:
        out["returns"] = 1
    if stage.outcome == REASSIGNED:
        out["reassigned_away"] = 1
    return out


def contribution(case: Case, stages: Sequence[Stage]) -> dict[Key, Counter[str]]:
    """Every row this case counts in, and what it adds there (a drill counts nowhere)."""
    if case.drill:
        return {}
    places = place_keys(case)
    day = places[0][2]
    out: dict[Key, Counter[str]] = {}
    mine = case_counts(case, stages)
    for key in [*places, *(("department", d, day) for d in held_departments(stages))]:
        out.setdefault(key, Counter()).update(mine)
    for stage in stages:
        counts = stage_counts(stage)
        if counts:
            for key in [*places, ("department", stage.holder, day)]:
                out.setdefault(key, Counter()).update(counts)
    return out


def apply(
    conn: Connection,
    before: Case | None,
    after: Case,
    stages_before: Sequence[Stage],
    stages_after: Sequence[Stage],
) -> None:
    """Move ``after``'s contribution in, and ``before``'s out, within ``conn``'s transaction."""
    deltas: dict[Key, Counter[str]] = {}
    if before is not None:
        for key, old in contribution(before, stages_before).items():
            deltas.setdefault(key, Counter()).subtract(old)
    for key, new in contribution(after, stages_after).items():
        deltas.setdefault(key, Counter()).update(new)
    rows = [
        {"dim": dim, "key": value, "day": day, **{c: delta.get(c, 0) for c in KPI_COUNTERS}}
        for (dim, value, day), delta in deltas.items()
        if any(delta.values())
    ]
    if rows:
        conn.execute(_upsert_statement(conn.dialect.name), rows)


@cache
def _upsert_statement(dialect: str) -> Any:
    # Built once per dialect: building it per change was most of a write's cost (the
    # operations simulator ran 1.75x faster with it cached). Adding 0 leaves a counter as is.
    dialect_insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = dialect_insert(kpi_rollup)
    return stmt.on_conflict_do_update(
        index_elements=["dim", "key", "day"],
        set_={name: kpi_rollup.c[name] + stmt.excluded[name] for name in KPI_COUNTERS},
    )


def rebuild(conn: Connection, chunk: int = 20_000) -> int:
    """Recompute every counter from the cases and their stages (after a bulk load, or to
    check them), with exactly the rules above; returns the number of cases."""
    if conn.dialect.name == "postgresql":
        # Writers upsert their deltas while holding their case change; waiting for them here
        # (and making them wait) keeps every delta either inside this count or on top of it.
        # SQLite needs nothing: BEGIN IMMEDIATE already holds the only write lock.
        conn.exec_driver_sql("LOCK TABLE kpi_rollup IN EXCLUSIVE MODE")
    totals: dict[Key, Counter[str]] = {}
    n = 0
    for case, stages in _cases_with_stages(conn, chunk):
        n += 1
        for key, counts in contribution(case, stages).items():
            totals.setdefault(key, Counter()).update(counts)
    conn.execute(delete(kpi_rollup))
    rows = [
        {"dim": dim, "key": value, "day": day, **{c: counts.get(c, 0) for c in KPI_COUNTERS}}
        for (dim, value, day), counts in totals.items()
    ]
    for start in range(0, len(rows), chunk):
        conn.execute(insert(kpi_rollup), rows[start : start + chunk])
    return n


def _cases_with_stages(conn: Connection, chunk: int) -> Iterator[tuple[Case, list[Stage]]]:
    """Every case with its stages, in id order, a chunk of cases at a time."""
    last = 0
    while True:
        batch = conn.execute(
            select(cases).where(cases.c.id > last).order_by(cases.c.id).limit(chunk)
        ).all()
        if not batch:
            return
        first, last = batch[0].id, batch[-1].id
        stage_rows = conn.execute(
            select(case_stages)
            .where(case_stages.c.case_id >= first, case_stages.c.case_id <= last)
            .order_by(case_stages.c.case_id, case_stages.c.n)
        ).all()
        by_case = {
            case_id: [stage_from_row(r) for r in rows]
            for case_id, rows in groupby(stage_rows, key=lambda r: r.case_id)
        }
        for row in batch:
            yield case_from_row(row), by_case.get(row.id, [])
