"""The KPIs the wall shows, each with its definition, computed from the rollup and open cases.

Counters of settled facts (closed within 3 days, rated satisfied, …) come from
``kpi_rollup`` (kept per change, by the day a case was reported). What depends on the
clock (open cases already past their deadline, or older than 3 or 7 days) is counted from
the open cases at ``now``: on-time rates count those as late, never as pending.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select

from cases import clock
from cases.catalog import STAGES
from cases.kpi_defs import KPI_BY_CODE, KPIS, OPEN_COUNTERS, Counts, Kpi, definitions, evaluate
from cases.model import CLOSED_STATES, Status
from cases.rollup import DIMENSIONS, DISTRICT
from cases.schema import KPI_COUNTERS, cases, kpi_rollup

OPEN_STATES = [s.value for s in Status if s not in CLOSED_STATES]
SUSPENDED = Status.SUSPENDED.value
__all__ = ["KPIS", "KPI_BY_CODE", "Kpi", "compute_kpis", "definitions", "evaluate"]


def _dimension_column(dim: str) -> ColumnElement[Any]:
    columns: dict[str, ColumnElement[Any]] = {
        "district": func.substr(cases.c.street_code, 1, len(DISTRICT)),  # in the covering index
        "street": cases.c.street_code,
        "community": cases.c.community_code,
        "department": cases.c.department,
        "category": cases.c.category_code,
    }
    if dim not in columns:
        raise ValueError(f"dimension: one of {', '.join(DIMENSIONS)}")
    return columns[dim]


def period_bounds(start_day: date, end_day: date) -> tuple[datetime, datetime]:
    """UTC instants of local midnight starting ``start_day`` and ending ``end_day``."""
    start = datetime.combine(start_day, time(0), tzinfo=clock.LOCAL_TZ)
    end = datetime.combine(end_day + timedelta(days=1), time(0), tzinfo=clock.LOCAL_TZ)
    return start.astimezone(UTC), end.astimezone(UTC)


def counts(conn: Any, dim: str, start_day: date, end_day: date, now: datetime) -> dict[str, Counts]:
    """All counters per key of ``dim`` for cases reported from start_day to end_day (local)."""
    sums = [func.coalesce(func.sum(kpi_rollup.c[name]), 0).label(name) for name in KPI_COUNTERS]
    rows = conn.execute(
        select(kpi_rollup.c.key, *sums)
        .where(
            kpi_rollup.c.dim == dim,
            kpi_rollup.c.day >= start_day.isoformat(),
            kpi_rollup.c.day <= end_day.isoformat(),
        )
        .group_by(kpi_rollup.c.key)
    ).all()
    out: dict[str, Counts] = {}
    for row in rows:
        settled = {name: int(getattr(row, name)) for name in KPI_COUNTERS}
        if any(settled.values()):  # a case that moved away leaves a row of zeros behind
            out[row.key] = settled
    start, end = period_bounds(start_day, end_day)
    for key, live in _open_counts(conn, dim, start, end, now).items():
        entry = out.setdefault(key, {name: 0 for name in KPI_COUNTERS})
        entry.update(live)
    for entry in out.values():
        for name in OPEN_COUNTERS:
            entry.setdefault(name, 0)
    return out


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _open_counts(
    conn: Any, dim: str, start: datetime, end: datetime, now: datetime
) -> dict[str, Counts]:
    """What depends on the clock, per key of ``dim`` (or per local day of report, "day"):
    open cases, those past the case
    deadline or older than 3 or 7 days, those suspended, and each stage open and late. A
    department's are the cases it holds now (a case it held before counts in its settled
    counters) and the stages it holds; the center's desks are the key ``center``."""
    c = cases.c
    in_period = (
        c.status.in_(OPEN_STATES),
        c.created_at >= start,
        c.created_at < end,
        c.drill.is_(False),  # a drill counts in no rate and no counter
    )
    running = c.status != SUSPENDED
    case_level = [
        func.count().label("open"),
        _count_if(and_(running, c.deadline < now)).label("open_overdue"),
        _count_if(c.created_at < now - timedelta(days=3)).label("open_older_3d"),
        _count_if(c.created_at < now - timedelta(days=7)).label("open_older_7d"),
        _count_if(c.status == SUSPENDED).label("suspended"),
    ]
    stage_level = [
        _count_if(and_(c.stage == stage, c.stage_late_at < now)).label(f"{stage}_open_late")
        for stage in STAGES
    ]
    out: dict[str, Counts] = {}
    if dim == "department":
        held = conn.execute(
            select(c.department.label("key"), *case_level)
            .where(*in_period, c.dispatch_count > 0)
            .group_by(c.department)
        ).all()
        stages = conn.execute(
            select(c.stage_holder.label("key"), *stage_level)
            .where(*in_period, c.stage != "")
            .group_by(c.stage_holder)
        ).all()
        rows = [*held, *stages]
    else:
        column = _local_day(conn.dialect.name) if dim == "day" else _dimension_column(dim)
        key = column.label("key")
        rows = conn.execute(
            select(key, *case_level, *stage_level).where(*in_period).group_by(key)
        ).all()
    for row in rows:
        entry = out.setdefault(row.key, {})
        for name, value in row._mapping.items():
            if name != "key":
                entry[name] = int(value)
    return out


def compute_kpis(
    store: Any, dim: str, start_day: date, end_day: date, now: datetime | None = None
) -> dict[str, dict[str, dict[str, Any]]]:
    """KPIs per key of ``dim`` ("district", "street", "community", "department", "category")."""
    now = now or store.now()
    with store.read() as conn:
        per_key = counts(conn, dim, start_day, end_day, now)
    return {key: evaluate(c) for key, c in sorted(per_key.items())}


def closure_hours(store: Any, start_day: date, end_day: date) -> list[float]:
    """Hours from report to close, for closed cases reported in the period."""
    start, end = period_bounds(start_day, end_day)
    with store.read() as conn:
        rows = conn.execute(
            select(cases.c.created_at, cases.c.closed_at).where(
                cases.c.status == Status.CLOSED.value,
                cases.c.created_at >= start,
                cases.c.created_at < end,
                cases.c.drill.is_(False),
            )
        ).all()
    return [
        (clock.as_utc(r.closed_at) - clock.as_utc(r.created_at)).total_seconds() / 3600
        for r in rows
    ]


def daily(
    store: Any, start_day: date, end_day: date, now: datetime | None = None
) -> dict[str, dict[str, Any]]:
    """District KPIs per local day of report (for trend charts)."""
    now = now or store.now()
    sums = [func.coalesce(func.sum(kpi_rollup.c[name]), 0).label(name) for name in KPI_COUNTERS]
    start, end = period_bounds(start_day, end_day)
    with store.read() as conn:
        rows = conn.execute(
            select(kpi_rollup.c.day, *sums)
            .where(
                kpi_rollup.c.dim == "district",
                kpi_rollup.c.day >= start_day.isoformat(),
                kpi_rollup.c.day <= end_day.isoformat(),
            )
            .group_by(kpi_rollup.c.day)
        ).all()
        open_by_day = _open_counts(conn, "day", start, end, now)
    per_day: dict[str, Counts] = {}
    for row in rows:
        per_day[row.day] = {name: int(getattr(row, name)) for name in KPI_COUNTERS}
    for day, live in open_by_day.items():
        per_day.setdefault(day, {name: 0 for name in KPI_COUNTERS}).update(live)
    for c in per_day.values():
        for name in OPEN_COUNTERS:
            c.setdefault(name, 0)
    return {day: evaluate(c) for day, c in sorted(per_day.items())}


def _local_day(dialect: str) -> ColumnElement[str]:
    """The local (Asia/Shanghai) day a case was reported, as 'YYYY-MM-DD' (the rollup's day)."""
    created = cases.c.created_at
    if dialect == "postgresql":
        return func.to_char(func.timezone(clock.LOCAL_TZ.key, created), "YYYY-MM-DD")
    # SQLite keeps UTC text 'YYYY-MM-DD HH:MM:SS.ffffff' and has no zone database; Shanghai
    # has kept UTC+8 since 1991. Whole seconds first: a fraction rounded to milliseconds
    # would carry 15:59:59.9996 UTC over local midnight.
    return func.date(func.substr(created, 1, 19), "+8 hours")


def settled_totals(store: Any, dim: str = "district") -> Counts:
    """Every settled counter of ``kpi_rollup`` for ``dim``, summed over its keys and days.

    Only what the rollup keeps (no open-case counters, which depend on the clock): what a
    simulated run left behind, or a check of the rollup against the cases.
    """
    if dim not in DIMENSIONS:
        raise ValueError(f"dimension: one of {', '.join(DIMENSIONS)}")
    sums = [func.coalesce(func.sum(kpi_rollup.c[name]), 0) for name in KPI_COUNTERS]
    with store.read() as conn:
        row = conn.execute(select(*sums).where(kpi_rollup.c.dim == dim)).one()
    return {name: int(value) for name, value in zip(KPI_COUNTERS, row, strict=True)}
