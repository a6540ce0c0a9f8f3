"""Rates of the people side: how much of the grid was patrolled, and how fast urgent cases
were answered, per street, per team and for the district.

- **Patrol coverage (巡查覆盖率)**: of the cells × local days of a period, the share in
  which a patrol passed through the cell (``patrol_cells``). A day's coverage is that
  day's patrolled cells over all cells.
- **Urgent response (紧急响应)**: for each urgent case of the period that is not a drill,
  the minutes from its report (or its flag, for a case flagged urgent later) to the first
  acknowledgement, to the first check-in on site, to the hazard removed and to closing;
  per step the median, the 90th percentile (nearest rank) and the share within the step's
  target (the item's, in the catalog). A step not yet reached counts as missed once its
  target has passed, and is left out while there is still time (the case's response
  clock, ``cases.urgent.response_clock``, judges each step: one meaning in one place).

主动发现率 (found on patrol over all collected) is a counter KPI like the others
(``cases.kpi_defs``), because it is a ratio of counts kept in the rollup.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, select

from cases import clock
from cases.catalog import Catalog
from cases.records import case_from_row
from cases.schema import cases, patrol_cells
from cases.urgent import response_clock
from cases.urgent_targets import STEPS

STEP_WORDS = {
    "acknowledged": ("首次响应", "first acknowledged"),
    "on_site": ("到达现场", "on site"),
    "hazard_removed": ("隐患消除", "hazard removed"),
    "closed": ("结案", "closed"),
}
assert tuple(STEP_WORDS) == STEPS


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


def urgent_response(
    conn: Connection,
    start: date,
    end: date,
    catalog: Catalog,
    now: datetime,
    group: Callable[[str], str] | None = None,
) -> dict[str, dict[str, dict[str, Any]]]:
    """Per group (``group(cell_code)``; default: the street) the response clock's figures of
    the urgent cases reported on local days ``start`` .. ``end``: {group: {step: row}},
    with the district's under ``"district"``. Each case's steps are judged by its own
    response clock (``cases.urgent.response_clock``), against its item's targets."""
    group = group or (lambda cell: cell[:9])
    lo = clock.local_day_start(datetime.combine(start, datetime.min.time(), clock.LOCAL_TZ))
    hi = clock.local_day_start(
        datetime.combine(end + timedelta(days=1), datetime.min.time(), clock.LOCAL_TZ)
    )
    rows = conn.execute(
        select(cases).where(
            and_(
                cases.c.urgent.is_(True),
                cases.c.drill.is_(False),
                cases.c.created_at >= lo,
                cases.c.created_at < hi,
                cases.c.status.notin_(("void", "rejected")),
            )
        )
    ).all()
    out: dict[str, dict[str, StepStats]] = {}
    for row in rows:
        case = case_from_row(row)
        timer = response_clock(case, catalog.urgent_target(case.category_code), now)
        if timer is None:
            continue
        for key in ("district", group(case.cell_code)):
            stats = out.setdefault(key, {step: StepStats() for step in STEPS})
            for step in timer.steps:
                counted = stats[step.step]
                if step.at is not None:
                    minutes = (step.at - timer.start).total_seconds() / 60
                    counted.minutes.append(max(0.0, minutes))
                if step.met is not None:  # done, or not done and past its target
                    counted.judged += 1
                    counted.within += int(step.met)
    return {k: {step: s.as_row() for step, s in v.items()} for k, v in out.items()}


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
