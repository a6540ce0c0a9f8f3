"""The KPIs the wall shows, each with its definition, computed from the rollup and open cases.

Counters of settled facts (closed within 3 days, rated satisfied, …) come from
``kpi_rollup`` (kept per change, by the day a case was reported). What depends on the
clock (open cases already past their deadline, or older than 3 or 7 days) is counted from
the open cases at ``now``: on-time rates count those as late, never as pending.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select

from cases import clock
from cases.model import CLOSED_STATES, Status
from cases.rollup import DIMENSIONS, DISTRICT
from cases.schema import KPI_COUNTERS, cases, kpi_rollup

OPEN_STATES = [s.value for s in Status if s not in CLOSED_STATES]
Counts = dict[str, int]


@dataclass(frozen=True)
class Kpi:
    code: str
    name_zh: str
    name_en: str
    definition_zh: str
    definition_en: str
    numerator: Callable[[Counts], int]
    denominator: Callable[[Counts], int] | None  # None: a count, not a rate
    target: float | None = None
    higher_is_better: bool = True


KPIS: tuple[Kpi, ...] = (
    Kpi(
        "collected",
        "案件采集量",
        "Cases collected",
        "期间内上报（采集）的案件数，含作废。",
        "Cases reported in the period, void ones included.",
        lambda c: c["collected"],
        None,
    ),
    Kpi(
        "closed_3d",
        "3日办结率",
        "Closed within 3 days",
        "上报后3天内结案的案件 ÷（已结案 + 上报已超3天仍未结案）。",
        "Closed within 3 days of the report ÷ (closed + open more than 3 days after the report).",
        lambda c: c["closed_3d"],
        lambda c: c["closed"] + c["open_older_3d"],
        target=0.95,
    ),
    Kpi(
        "closed_7d",
        "7日办结率",
        "Closed within 7 days",
        "上报后7天内结案的案件 ÷（已结案 + 上报已超7天仍未结案）。",
        "Closed within 7 days ÷ (closed + still open more than 7 days after the report).",
        lambda c: c["closed_7d"],
        lambda c: c["closed"] + c["open_older_7d"],
        target=0.99,
    ),
    Kpi(
        "satisfaction",
        "满意率",
        "Satisfaction",
        "回访评价为满意或基本满意的案件 ÷ 已回访案件。",
        "Follow-ups rated satisfied or fairly satisfied ÷ cases followed up.",
        lambda c: c["satisfied"],
        lambda c: c["rated"],
        target=0.995,
    ),
    Kpi(
        "handled_on_time",
        "按期处置率",
        "Handled on time",
        "在处置时限内处置反馈的案件 ÷（已处置 + 未处置且已超期的在办案件）。",
        "Handled by the deadline ÷ (handled + open, not yet handled and past the deadline).",
        lambda c: c["handled_on_time"],
        lambda c: c["handled"] + c["open_unhandled_overdue"],
    ),
    Kpi(
        "close_rate",
        "结案率",
        "Close rate",
        "已结案案件 ÷（采集案件 − 作废案件）。",
        "Closed ÷ (collected − void).",
        lambda c: c["closed"],
        lambda c: c["collected"] - c["void"],
    ),
    Kpi(
        "closed_on_time",
        "按期结案率",
        "Closed on time",
        "在时限内结案的案件 ÷（已结案 + 已超期的在办案件）。",
        "Closed by the deadline ÷ (closed + open past the deadline).",
        lambda c: c["closed_on_time"],
        lambda c: c["closed"] + c["open_overdue"],
    ),
    Kpi(
        "accurate_dispatch",
        "准确派遣率",
        "Accurate dispatch",
        "未被退回的派遣次数 ÷ 派遣总次数（含改派）。",
        "Dispatches not returned ÷ all dispatches (reassignments included).",
        lambda c: c["dispatches"] - c["returns"],
        lambda c: c["dispatches"],
    ),
    Kpi(
        "rework_rate",
        "返工率",
        "Rework rate",
        "核查不通过而返工过的案件 ÷ 已处置案件。",
        "Cases sent back for rework at verification ÷ cases handled.",
        lambda c: c["reworked"],
        lambda c: c["handled"],
        higher_is_better=False,
    ),
    Kpi(
        "overdue_open",
        "超期待处置率",
        "Open and overdue",
        "已超期的在办案件 ÷ 在办案件。",
        "Open cases past their deadline ÷ open cases.",
        lambda c: c["open_overdue"],
        lambda c: c["open"],
        higher_is_better=False,
    ),
    Kpi(
        "extension_rate",
        "延期率",
        "Extension rate",
        "获批延期的案件 ÷（采集案件 − 作废案件）。",
        "Cases granted an extension ÷ (collected − void).",
        lambda c: c["extended"],
        lambda c: c["collected"] - c["void"],
        higher_is_better=False,
    ),
)
KPI_BY_CODE = {k.code: k for k in KPIS}
OPEN_COUNTERS = ("open", "open_overdue", "open_older_3d", "open_older_7d", "open_unhandled_overdue")


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
    key = _dimension_column(dim).label("key")

    def count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    open_rows = conn.execute(
        select(
            key,
            func.count().label("open"),
            count_if(cases.c.deadline < now).label("open_overdue"),
            count_if(cases.c.created_at < now - timedelta(days=3)).label("open_older_3d"),
            count_if(cases.c.created_at < now - timedelta(days=7)).label("open_older_7d"),
            count_if(and_(cases.c.handled_at.is_(None), cases.c.deadline < now)).label(
                "open_unhandled_overdue"
            ),
        )
        .where(
            cases.c.status.in_(OPEN_STATES),
            cases.c.created_at >= start,
            cases.c.created_at < end,
        )
        .group_by(key)
    ).all()
    for row in open_rows:
        entry = out.setdefault(row.key, {name: 0 for name in KPI_COUNTERS})
        entry.update({name: int(getattr(row, name)) for name in OPEN_COUNTERS})
    for entry in out.values():
        for name in OPEN_COUNTERS:
            entry.setdefault(name, 0)
    return out


def evaluate(c: Counts) -> dict[str, dict[str, Any]]:
    """Every KPI for one set of counters: value (None when there is nothing to divide), n, d."""
    result: dict[str, dict[str, Any]] = {}
    for kpi in KPIS:
        n = kpi.numerator(c)
        if kpi.denominator is None:
            result[kpi.code] = {"value": n, "n": n, "d": None}
            continue
        d = kpi.denominator(c)
        result[kpi.code] = {"value": (n / d) if d > 0 else None, "n": n, "d": d}
    return result


def compute_kpis(
    store: Any, dim: str, start_day: date, end_day: date, now: datetime | None = None
) -> dict[str, dict[str, dict[str, Any]]]:
    """KPIs per key of ``dim`` ("district", "street", "community", "department", "category")."""
    now = now or store.now()
    with store.read() as conn:
        per_key = counts(conn, dim, start_day, end_day, now)
    return {key: evaluate(c) for key, c in sorted(per_key.items())}


def definitions(lang: str = "zh") -> list[dict[str, Any]]:
    """What a user reads in the help panel: each KPI's name, definition and target."""
    zh = lang == "zh"
    return [
        {
            "code": k.code,
            "name": k.name_zh if zh else k.name_en,
            "definition": k.definition_zh if zh else k.definition_en,
            "target": k.target,
            "rate": k.denominator is not None,
            "higher_is_better": k.higher_is_better,
        }
        for k in KPIS
    ]


def closure_hours(store: Any, start_day: date, end_day: date) -> list[float]:
    """Hours from report to close, for closed cases reported in the period."""
    start, end = period_bounds(start_day, end_day)
    with store.read() as conn:
        rows = conn.execute(
            select(cases.c.created_at, cases.c.closed_at).where(
                cases.c.status == Status.CLOSED.value,
                cases.c.created_at >= start,
                cases.c.created_at < end,
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
        open_rows = conn.execute(
            select(cases.c.created_at, cases.c.deadline, cases.c.handled_at).where(
                cases.c.status.in_(OPEN_STATES),
                cases.c.created_at >= start,
                cases.c.created_at < end,
            )
        ).all()
    per_day: dict[str, Counts] = {}
    for row in rows:
        per_day[row.day] = {name: int(getattr(row, name)) for name in KPI_COUNTERS}
    for row in open_rows:
        created = clock.as_utc(row.created_at)
        day = created.astimezone(clock.LOCAL_TZ).date().isoformat()
        c = per_day.setdefault(day, {name: 0 for name in KPI_COUNTERS})
        overdue = clock.as_utc(row.deadline) < now
        c["open"] = c.get("open", 0) + 1
        c["open_overdue"] = c.get("open_overdue", 0) + overdue
        c["open_older_3d"] = c.get("open_older_3d", 0) + (created < now - timedelta(days=3))
        c["open_older_7d"] = c.get("open_older_7d", 0) + (created < now - timedelta(days=7))
        c["open_unhandled_overdue"] = c.get("open_unhandled_overdue", 0) + (
            row.handled_at is None and overdue
        )
    for c in per_day.values():
        for name in OPEN_COUNTERS:
            c.setdefault(name, 0)
    return {day: evaluate(c) for day, c in sorted(per_day.items())}


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
