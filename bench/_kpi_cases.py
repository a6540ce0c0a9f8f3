"""Synthetic cases for bench/kpi.py: a year of the district's cases as columns, and their
bulk load into a store. The rows are built from the cases table's own declaration, so a
column added to the schema cannot break the bench unnoticed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from sqlalchemy import Column, DateTime, Engine, Table
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from cases import clock
from cases.catalog import load_catalog
from cases.schema import cases
from geo.grid import load_default_grid

# A fixed "now" (local), so runs are comparable; the year of cases ends here.
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=clock.LOCAL_TZ).astimezone(UTC)
CHUNK = 50_000
US_PER_HOUR = 3_600_000_000
OPEN_STEPS = ("reported", "filed", "dispatched", "accepted", "returned", "handled", "verified")
# The stage an open case of each state is in (the synthetic cases have no stage rows: the
# refresh reads an open stage from the case, its settled ones from the rollup).
STAGE_OF = {
    "reported": "file",
    "filed": "dispatch",
    "returned": "dispatch",
    "dispatched": "accept",
    "accepted": "handle",
    "handled": "verify",
    "verified": "close",
}


# -- synthetic cases ------------------------------------------------------------------------
def synthetic_cases(n: int, seed: int = 20261120) -> dict[str, npt.NDArray[Any]]:
    """``n`` cases as columns of the cases table (times as int64 µs since the epoch, UTC).

    About 95% closed, 2% void, 3% open (mostly stuck, some still in progress at NOW);
    closure time lognormal with a median of 20 h. Deadlines are approximate (a working-hour
    limit is stretched ×3.5 to calendar time) rather than computed by the SLA clock.
    """
    rng = np.random.default_rng(seed)
    catalog = load_catalog()
    grid = load_default_grid()
    cats = list(catalog.categories.values())
    departments = np.array(list(catalog.departments))
    weights = np.array([c.weight for c in cats])

    now_us = int(NOW.timestamp() * 1_000_000)
    created = np.sort(now_us - rng.integers(1, 365 * 24 * US_PER_HOUR, n))
    cat = rng.choice(len(cats), n, p=weights / weights.sum())
    # Some cells are far busier than others.
    cell_weight = rng.lognormal(0.0, 0.8, len(grid.codes))
    cell = rng.choice(len(grid.codes), n, p=cell_weight / cell_weight.sum())
    codes = np.array(grid.codes)[cell]
    points = shapely.point_on_surface(grid.geometries)[cell]

    limit = np.array([c.limit_hours for c in cats])[cat]
    working = np.array([c.working_hours for c in cats])[cat]
    department = np.array([c.department for c in cats])[cat]
    took = (rng.lognormal(np.log(20.0), 0.9, n) * US_PER_HOUR).astype(np.int64)

    u = rng.random(n)
    void = u < 0.02
    stuck = (u >= 0.02) & (u < 0.05)
    closed = ~void & ~stuck & (created + took <= now_us)
    still_open = ~void & ~closed
    open_step = rng.choice(len(OPEN_STEPS), n, p=[0.05, 0.1, 0.2, 0.3, 0.05, 0.2, 0.1])
    status = np.where(closed, "closed", np.where(void, "void", np.array(OPEN_STEPS)[open_step]))
    dispatched = closed | (still_open & (open_step >= 2))
    handled = closed | (still_open & (open_step >= 5))

    extended = dispatched & (rng.random(n) < 0.02)
    allowed = limit + np.where(extended, 24.0, 0.0)
    span = (allowed * np.where(working, 3.5, 1.0) * US_PER_HOUR).astype(np.int64)
    reassigned = dispatched & (rng.random(n) < 0.02)
    department = np.where(reassigned, rng.choice(departments, n), department)
    returns = np.where(dispatched, rng.choice(3, n, p=[0.955, 0.04, 0.005]), 0)

    # Progress: a closed case's share of ``took``; an open one's share of its age at NOW.
    progress = np.where(closed, took, now_us - created)
    accepted_at = np.where(dispatched, created + progress // 6, -1)
    handled_at = np.where(
        handled, created + (progress * rng.uniform(0.5, 0.95, n)).astype(np.int64), -1
    )
    closed_at = np.where(closed, created + took, -1)
    closed_at = np.where(
        void, created + (rng.uniform(0.1, 4.0, n) * US_PER_HOUR).astype(np.int64), closed_at
    )
    stage = np.array([STAGE_OF.get(str(s), "") for s in status])
    holder = np.where(np.isin(stage, ["accept", "handle"]), department, "center")
    holder = np.where(stage == "", "", holder)
    # An open stage falls due some hours after it began; about a third are late at NOW.
    stage_late = np.where(
        stage != "", now_us + (rng.normal(6.0, 12.0, n) * US_PER_HOUR).astype(np.int64), -1
    )
    rated = closed & (rng.random(n) < 0.85)
    rating = rng.choice(np.array(["satisfied", "basic", "unsatisfied"]), n, p=[0.88, 0.09, 0.03])
    return {
        "source": np.full(n, "bench"),
        "external_id": np.full(n, None, dtype=object),
        "category_code": np.array([c.code for c in cats])[cat],
        "description": np.full(n, "合成案件"),
        "lon": shapely.get_x(points),
        "lat": shapely.get_y(points),
        "cell_code": codes,
        "street_code": codes.astype("<U9"),
        "community_code": codes.astype("<U12"),
        "place": np.full(n, ""),
        "department": department,
        "priority": np.array([c.priority for c in cats])[cat],
        "status": status,
        "created_at": created,
        "updated_at": np.maximum.reduce([created, accepted_at, handled_at, closed_at]),
        "allowed_hours": allowed,
        "working_hours": working,
        "deadline": created + span,
        "watch_at": created + span // 2,
        "at_risk_at": created + span * 4 // 5,
        "accepted_at": accepted_at,
        "handled_at": handled_at,
        "closed_at": closed_at,
        "dispatch_count": dispatched.astype(int) + returns + reassigned,
        "return_count": returns,
        "rework_count": np.where(handled & (rng.random(n) < 0.03), 1, 0),
        "extension_count": extended.astype(int),
        "rating": np.where(rated, rating.astype(object), np.full(n, None, dtype=object)),
        "version": np.ones(n, dtype=int),
        "stage": stage,
        "stage_holder": holder,
        "stage_due_at": stage_late,
        "stage_late_at": stage_late,
    }


def _time_text(us: npt.NDArray[np.int64], suffix: str) -> list[str | None]:
    """µs since the epoch as 'YYYY-MM-DD HH:MM:SS.ffffff' + suffix; -1 is NULL.

    The text SQLAlchemy itself writes for a UTC DateTime on SQLite (the SQL rebuild relies
    on that fixed width); PostgreSQL reads it with a '+00' suffix.
    """
    text = np.datetime_as_string(us.astype("datetime64[us]"), unit="us")
    text = np.char.replace(text, "T", " ")
    out: list[str | None] = [t + suffix for t in text.tolist()]
    for i in np.flatnonzero(us < 0).tolist():
        out[i] = None
    return out


def bulk_columns(
    columns: dict[str, npt.NDArray[Any]], table: Table = cases
) -> tuple[list[Column[Any]], dict[str, npt.NDArray[Any]]]:
    """The table's columns to write, each with a full array of values.

    Taken from the table's declaration, not from ``columns``: a column the synthetic cases
    leave out gets its declared scalar default; one without (nullable, or with a server
    default, or the id) is left to the database. A required column with neither is an error
    that names it, rather than a KeyError deep inside the load.
    """
    n = len(columns["status"])
    written: list[Column[Any]] = []
    values: dict[str, npt.NDArray[Any]] = {}
    for column in table.columns:
        if column.name in columns:
            values[column.name] = columns[column.name]
        elif isinstance(column.default, ScalarElementColumnDefault):
            values[column.name] = np.full(n, column.default.arg, dtype=object)
        elif column.primary_key or column.nullable or column.server_default is not None:
            continue
        else:
            raise RuntimeError(
                f"{table.name}.{column.name} is required and has no scalar default: "
                "give it a value in synthetic_cases (bench/_kpi_cases.py)"
            )
        written.append(column)
    return written, values


def _rows(
    written: list[Column[Any]],
    values: dict[str, npt.NDArray[Any]],
    start: int,
    stop: int,
    suffix: str,
) -> list[Any]:
    parts = []
    for column in written:
        part = values[column.name][start:stop]
        parts.append(
            _time_text(part, suffix) if isinstance(column.type, DateTime) else part.tolist()
        )
    return list(zip(*parts, strict=True))


def load(engine: Engine, columns: dict[str, npt.NDArray[Any]]) -> None:
    """Append the cases: executemany in chunks on SQLite, COPY on PostgreSQL."""
    n = len(columns["status"])
    written, values = bulk_columns(columns)
    names = ", ".join(column.name for column in written)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY cases ({names}) FROM STDIN") as copy:
                for start in range(0, n, CHUNK):
                    for row in _rows(written, values, start, start + CHUNK, "+00"):
                        copy.write_row(row)
        else:
            cursor.execute("BEGIN")
            sql = f"INSERT INTO cases ({names}) VALUES ({', '.join('?' * len(written))})"
            for start in range(0, n, CHUNK):
                cursor.executemany(sql, _rows(written, values, start, start + CHUNK, ""))
        raw.commit()
    finally:
        raw.close()


# -- the two ways to the KPIs ---------------------------------------------------------------
