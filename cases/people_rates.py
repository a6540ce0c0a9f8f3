"""Rates of the people side: how much of the grid was patrolled, and how fast urgent cases
were answered, per street, per team and for the district.

- **Patrol coverage (巡查覆盖率)**: of the cells × local days of a period, the share in
  which a patrol passed through the cell (``patrol_cells``). A day's coverage is that
  day's patrolled cells over all cells.
- **Urgent response (紧急响应)**: for each urgent case of the period that is not a drill,
  the minutes from its report (or its flag, for a case flagged urgent later) to the first
  acknowledgement, to the first check-in on site, to the hazard removed and to closing;
  per step the median, the 90th percentile (nearest rank) and the share within the step's
  target. A step not yet reached counts as missed once its target has passed, and is left
  out while there is still time (it would flatter a median to count it either way).

主动发现率 (found on patrol over all collected) is a counter KPI like the others
(``cases.kpi_defs``), because it is a ratio of counts kept in the rollup.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, select

from cases import clock
from cases.schema import cases, events, patrol_cells

# The response clock's steps, each measured from the report (or the flag).
STEPS = ("acknowledged", "on_site", "removed", "closed")
STEP_COLUMNS = {
    "acknowledged": "acknowledged_at",
    "on_site": "on_site_at",
    "removed": "hazard_removed_at",
    "closed": "closed_at",
}
STEP_WORDS = {
    "acknowledged": ("首次响应", "first acknowledged"),
    "on_site": ("到达现场", "on site"),
    "removed": ("隐患消除", "hazard removed"),
    "closed": ("结案", "closed"),
}
# (category code) -> {step: target minutes}; a step without a target is not judged.
Targets = Callable[[str], Mapping[str, float]]


@dataclass
class StepStats:
    minutes: list[float] = field(default_factory=list)  # of the cases that reached the step
    judged: int = 0  # reached, or missed for good
    within: int = 0

    def as_row(self) -> dict[str, Any]:
        return {
            "n": len(self.minutes),
            "median": percentile(self.minutes, 50),
            "p90": percentile(self.minutes, 90),
            "judged": self.judged,
            "within": self.within,
        }


def percentile(values: Iterable[float], q: float) -> float | None:
    """The ``q``-th percentile by nearest rank (a value that occurred; None: no values)."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def _flag_times(conn: Connection, ids: list[int]) -> dict[int, datetime]:
    """When each of ``ids`` was flagged urgent (its clock starts there, not at the report)."""
    found: dict[int, datetime] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for case_id, at in conn.execute(
            select(events.c.case_id, func.min(events.c.at))
            .where(events.c.case_id.in_(chunk), events.c.kind == "case.flag_urgent")
            .group_by(events.c.case_id)
        ):
            found[case_id] = clock.as_utc(at)
    return found


def urgent_response(
    conn: Connection,
    start: date,
    end: date,
    targets: Targets,
    now: datetime,
    group: Callable[[str], str] | None = None,
) -> dict[str, dict[str, dict[str, Any]]]:
    """Per group (``group(cell_code)``; default: the street) the response clock's figures of
    the urgent cases reported on local days ``start`` .. ``end``: {group: {step: row}},
    with the district's under ``"district"``."""
    group = group or (lambda cell: cell[:9])
    lo = clock.local_day_start(datetime.combine(start, datetime.min.time(), clock.LOCAL_TZ))
    hi = clock.local_day_start(
        datetime.combine(end + timedelta(days=1), datetime.min.time(), clock.LOCAL_TZ)
    )
    rows = conn.execute(
        select(
            cases.c.id,
            cases.c.cell_code,
            cases.c.category_code,
            cases.c.created_at,
            *(cases.c[col] for col in STEP_COLUMNS.values()),
        ).where(
            and_(
                cases.c.urgent.is_(True),
                cases.c.drill.is_(False),
                cases.c.created_at >= lo,
                cases.c.created_at < hi,
                cases.c.status.notin_(("void", "rejected")),
            )
        )
    ).all()
    flagged = _flag_times(conn, [r.id for r in rows])
    out: dict[str, dict[str, StepStats]] = {}
    for row in rows:
        began = flagged.get(row.id) or clock.as_utc(row.created_at)
        aims = targets(row.category_code)
        for key in ("district", group(row.cell_code)):
            stats = out.setdefault(key, {step: StepStats() for step in STEPS})
            for step in STEPS:
                _count(stats[step], began, getattr(row, STEP_COLUMNS[step]), aims.get(step), now)
    return {k: {step: s.as_row() for step, s in v.items()} for k, v in out.items()}


def _count(
    stats: StepStats, began: datetime, reached: datetime | None, aim: float | None, now: datetime
) -> None:
    if reached is not None:
        minutes = (clock.as_utc(reached) - began).total_seconds() / 60
        stats.minutes.append(max(0.0, minutes))
        if aim is not None:
            stats.judged += 1
            stats.within += int(minutes <= aim)
    elif aim is not None and now - began > timedelta(minutes=aim):
        stats.judged += 1  # not reached, and its time is up: missed


def patrol_coverage(
    conn: Connection, cells_by_street: Mapping[str, int], start: date, end: date
) -> dict[str, dict[str, int]]:
    """Per street and for the district: patrolled cell-days and all cell-days of local days
    ``start`` .. ``end`` ({key: {"patrolled": n, "cell_days": d}})."""
    days = (end - start).days + 1
    lo = clock.local_day_start(datetime.combine(start, datetime.min.time(), clock.LOCAL_TZ))
    hi = lo + timedelta(days=days)
    seen: set[tuple[str, str]] = set()
    for cell, at in conn.execute(
        select(patrol_cells.c.cell_code, patrol_cells.c.first_at).where(
            patrol_cells.c.first_at >= lo, patrol_cells.c.first_at < hi
        )
    ):
        seen.add((cell, clock.as_utc(at).astimezone(clock.LOCAL_TZ).date().isoformat()))
    out = {street: {"patrolled": 0, "cell_days": n * days} for street, n in cells_by_street.items()}
    out["district"] = {"patrolled": 0, "cell_days": sum(cells_by_street.values()) * days}
    for cell, _day in seen:
        for key in (cell[:9], "district"):
            if key in out:
                out[key]["patrolled"] += 1
    return out


def people_definitions(lang: str = "zh") -> list[dict[str, Any]]:
    """The definitions page's entries for the people-side rates (beside the KPI table's)."""
    zh = lang != "en"
    steps = (
        "、".join(w[0] for w in STEP_WORDS.values())
        if zh
        else ", ".join(w[1] for w in STEP_WORDS.values())
    )
    return [
        {
            "code": "patrol_coverage",
            "name": "巡查覆盖率" if zh else "Patrol coverage",
            "definition": (
                "期间内每个网格每天是否有网格员巡查经过：有巡查的“网格·天”占全部“网格·天”的比例。"
                if zh
                else "Of every cell on every day of the period, the share a grid worker's "
                "patrol passed through."
            ),
            "formula": "有巡查的网格·天 ÷ 网格数 × 天数"
            if zh
            else "cell-days patrolled ÷ cells × days",
            "target": None,
            "rate": True,
            "higher_is_better": True,
        },
        {
            "code": "urgent_response",
            "name": "紧急响应时间" if zh else "Urgent response times",
            "definition": (
                f"紧急案件（不含演练）从上报（或被标为紧急）起到{steps}的分钟数：中位数、"
                "第90百分位数（取实际出现的值），及在目标时限内完成的比例；"
                "未完成且已超过目标的计为未达标，未完成但仍在时限内的暂不计。"
                if zh
                else f"For urgent cases (drills excluded), minutes from the report (or the flag) "
                f"to {steps}: median, 90th percentile (a value that occurred) and the share "
                "within the step's target; a step not reached past its target counts as "
                "missed, one still within it is not yet counted."
            ),
            "formula": (
                "目标内完成数 ÷ (已完成数 + 已超目标未完成数)"
                if zh
                else "done within target ÷ (done + not done past target)"
            ),
            "target": None,
            "rate": True,
            "higher_is_better": True,
        },
    ]
