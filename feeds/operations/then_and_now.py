"""The rates as they were defined before stage clocks (issue 10), computed on the same
history as today's, so a simulated month shows which rates moved and by how much.

These are the superseded definitions, kept only to be compared with ``cases.kpi_defs``:
one deadline per case (the item's limit from the report, a working day counted as 8 h,
plus every extension whenever it was granted), 按期处置率 and 按期结案率 against it,
满意率 counting 基本满意 as satisfied, and 准确派遣率 as (dispatches − returns) ÷
dispatches, a reassignment never inaccurate.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from cases.kpi import period_bounds
from cases.model import Status
from cases.records import case_from_row
from cases.schema import cases, events

OLD_DAY_HOURS = 8.0  # what a working day of a limit meant before: 8 h of a 7.5 h day
# Today's KPI code → the old name of the rate that stood in its place.
OLD_NAMES = {
    "closed_3d": "3日办结率",
    "closed_7d": "7日办结率",
    "satisfaction": "满意率",
    "handle_on_time": "按期处置率",
    "close_on_time": "按期结案率",
    "accurate_dispatch": "准确派遣率",
    "close_rate": "结案率",
    "rework_rate": "返工率",
    "overdue_open": "超期待处置率",
    "extension_rate": "延期率",
}


def old_rates(
    store: Any, start_day: date, end_day: date, now: datetime
) -> dict[str, tuple[int, int]]:
    """(numerator, denominator) of each old rate, by today's code, for the district."""
    start, end = period_bounds(start_day, end_day)
    catalog = store.catalog
    with store.read() as conn:
        rows = conn.execute(
            select(cases).where(cases.c.created_at >= start, cases.c.created_at < end)
        ).all()
        extension = _extension_hours(conn)
    c = dict.fromkeys(
        [
            "collected",
            "void",
            "closed",
            "closed_3d",
            "closed_7d",
            "handled",
            "handled_on_time",
            "closed_on_time",
            "dispatches",
            "returns",
            "reworked",
            "extended",
            "rated",
            "satisfied",
            "open",
            "open_overdue",
            "open_older_3d",
            "open_older_7d",
            "open_unhandled_overdue",
        ],
        0,
    )
    for row in rows:
        case = case_from_row(row)
        category = catalog.categories.get(case.category_code)
        limit = case.allowed_hours
        if category is not None:
            day = OLD_DAY_HOURS if category.unit == "wd" else 1.0
            limit = category.limit * day
        hours = limit + extension.get(case.id, 0.0)
        deadline = store.sla.deadline(case.created_at, hours, case.working_hours)
        closed = case.status is Status.CLOSED and case.closed_at is not None
        took = case.closed_at - case.created_at if closed and case.closed_at else None
        c["collected"] += 1
        c["void"] += case.status in (Status.VOID, Status.REJECTED)
        c["closed"] += closed
        c["closed_3d"] += took is not None and took <= timedelta(days=3)
        c["closed_7d"] += took is not None and took <= timedelta(days=7)
        c["closed_on_time"] += closed and case.closed_at is not None and case.closed_at <= deadline
        c["handled"] += case.handled_at is not None
        c["handled_on_time"] += case.handled_at is not None and case.handled_at <= deadline
        c["dispatches"] += case.dispatch_count
        c["returns"] += case.return_count
        c["reworked"] += case.rework_count > 0
        c["extended"] += case.extension_count > 0
        c["rated"] += case.rating is not None
        c["satisfied"] += case.rating in ("satisfied", "basic")
        if case.status.is_open:
            c["open"] += 1
            c["open_overdue"] += deadline < now
            c["open_older_3d"] += case.created_at < now - timedelta(days=3)
            c["open_older_7d"] += case.created_at < now - timedelta(days=7)
            c["open_unhandled_overdue"] += case.handled_at is None and deadline < now
    valid = c["collected"] - c["void"]
    return {
        "closed_3d": (c["closed_3d"], c["closed"] + c["open_older_3d"]),
        "closed_7d": (c["closed_7d"], c["closed"] + c["open_older_7d"]),
        "satisfaction": (c["satisfied"], c["rated"]),
        "handle_on_time": (c["handled_on_time"], c["handled"] + c["open_unhandled_overdue"]),
        "close_on_time": (c["closed_on_time"], c["closed"] + c["open_overdue"]),
        "accurate_dispatch": (c["dispatches"] - c["returns"], c["dispatches"]),
        "close_rate": (c["closed"], valid),
        "rework_rate": (c["reworked"], c["handled"]),
        "overdue_open": (c["open_overdue"], c["open"]),
        "extension_rate": (c["extended"], valid),
    }


def _extension_hours(conn: Any) -> dict[int, float]:
    """Hours granted per case (延期 and approved 延期申请), whenever they were granted."""
    out: dict[int, float] = {}
    kinds = ("case.extend", "case.approve_extension")
    for case_id, data in conn.execute(
        select(events.c.case_id, events.c.data).where(events.c.kind.in_(kinds))
    ):
        out[case_id] = out.get(case_id, 0.0) + float((data or {}).get("hours") or 0.0)
    return out
