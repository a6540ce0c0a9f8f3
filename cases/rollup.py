"""KPI counters kept beside the cases: each change moves the case's contribution.

A case contributes to five rows of ``kpi_rollup`` (district, its street, its community,
its department, its category) for the local day it was reported. A change subtracts what
the case contributed before and adds what it contributes after, in the change's own
transaction, so the counters always agree with the cases (``rebuild`` proves it).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from cases import clock
from cases.model import Case, Status
from cases.schema import KPI_COUNTERS, cases, kpi_rollup
from cases.workflow import SATISFIED

DISTRICT = "370102"
DIMENSIONS = ("district", "street", "community", "department", "category")
THREE_DAYS = timedelta(days=3)
SEVEN_DAYS = timedelta(days=7)


def keys(case: Case) -> list[tuple[str, str, str]]:
    """(dim, key, day) rows this case counts in."""
    day = clock.as_utc(case.created_at).astimezone(clock.LOCAL_TZ).date().isoformat()
    return [
        ("district", case.cell_code[:6] or DISTRICT, day),
        ("street", case.street_code, day),
        ("community", case.community_code, day),
        ("department", case.department, day),
        ("category", case.category_code, day),
    ]


def contribution(case: Case) -> dict[str, int]:
    """What one case adds to each KPI counter, as it stands now."""
    closed = case.status is Status.CLOSED and case.closed_at is not None
    took = (case.closed_at - case.created_at) if closed and case.closed_at else None
    handled_at = case.handled_at
    return {
        "collected": 1,
        "void": int(case.status is Status.VOID),
        "closed": int(closed),
        "closed_3d": int(took is not None and took <= THREE_DAYS),
        "closed_7d": int(took is not None and took <= SEVEN_DAYS),
        "closed_on_time": int(
            closed and case.closed_at is not None and case.closed_at <= case.deadline
        ),
        "handled": int(handled_at is not None),
        "handled_on_time": int(handled_at is not None and handled_at <= case.deadline),
        "dispatches": case.dispatch_count,
        "returns": case.return_count,
        "reworked": int(case.rework_count > 0),
        "extended": int(case.extension_count > 0),
        "rated": int(case.rating is not None),
        "satisfied": int(case.rating in SATISFIED),
    }


def apply(conn: Connection, before: Case | None, after: Case) -> None:
    """Move ``after``'s contribution in, and ``before``'s out, within ``conn``'s transaction."""
    deltas: dict[tuple[str, str, str], Counter[str]] = {}
    if before is not None:
        old = contribution(before)
        for key in keys(before):
            deltas.setdefault(key, Counter()).subtract(old)
    new = contribution(after)
    for key in keys(after):
        deltas.setdefault(key, Counter()).update(new)
    for (dim, value, day), delta in deltas.items():
        changed = {name: n for name, n in delta.items() if n}
        if changed:
            _upsert(conn, dim, value, day, changed)


def _upsert(conn: Connection, dim: str, key: str, day: str, delta: dict[str, int]) -> None:
    values = {"dim": dim, "key": key, "day": day, **{c: delta.get(c, 0) for c in KPI_COUNTERS}}
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = dialect_insert(kpi_rollup).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["dim", "key", "day"],
        set_={name: kpi_rollup.c[name] + stmt.excluded[name] for name in delta},
    )
    conn.execute(stmt)


def rebuild(conn: Connection, case_from_row: Any) -> int:
    """Recompute every counter from the cases (after a bulk load, or to check them)."""
    conn.execute(delete(kpi_rollup))
    totals: dict[tuple[str, str, str], Counter[str]] = {}
    n = 0
    for row in conn.execute(select(cases)).yield_per(5000):
        case = case_from_row(row)
        n += 1
        add = contribution(case)
        for key in keys(case):
            totals.setdefault(key, Counter()).update(add)
    rows = [
        {"dim": d, "key": k, "day": day, **{c: totals[(d, k, day)].get(c, 0) for c in KPI_COUNTERS}}
        for (d, k, day) in totals
    ]
    for start in range(0, len(rows), 2000):
        conn.execute(kpi_rollup.insert(), rows[start : start + 2000])
    return n
