"""A grid worker's own work, as their phone lists it: the cases they reported, and the
tasks sent to them — the cases in their cells waiting for someone at the place, to
核实 (confirm) a new report or 核查 (verify) a department's 处置反馈, nearest first.

Which states wait for which action is the workflow table's to say (``cases.workflow``):
a task is a case in a state one of ``TASK_ACTIONS`` starts from.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, and_, exists, select

from cases import clock
from cases.db import reading
from cases.model import Case, Status
from cases.positions import distance_m
from cases.records import case_from_row
from cases.schema import cases, events
from cases.workflow import ACTIONS

TASK_ACTIONS = ("confirm", "verify")  # 核实, 核查: what a grid worker does at a case's place
TASK_STATES: dict[Status, str] = {
    status: name for name in TASK_ACTIONS for status in sorted(ACTIONS[name].sources)
}
MAX_ROWS = 100


@dataclass(frozen=True)
class Task:
    case: Case
    action: str  # the workflow action it waits for
    distance_m: float | None  # from where the worker is (None: position unknown)


def _reported_by(sender: str) -> Any:
    # The intake's audit names who handed a report in: ``intake:<source> via <sender>``.
    return and_(
        events.c.kind == "case.reported",
        events.c.actor.endswith(f" via {sender}", autoescape=True),
    )


def reported_by(engine: Engine, sender: str, since: datetime, limit: int = MAX_ROWS) -> list[Case]:
    """The cases ``sender`` (an actor's label, ``worker:<name>``) handed in to the intake
    since ``since``, newest first."""
    query = (
        select(cases)
        .join(events, events.c.case_id == cases.c.id)
        .where(_reported_by(sender), cases.c.created_at >= clock.as_utc(since))
        .order_by(cases.c.created_at.desc(), cases.c.id.desc())
        .limit(limit)
    )
    with reading(engine) as conn:
        return [case_from_row(r) for r in conn.execute(query).all()]


def tasks_in(
    engine: Engine,
    cells: Collection[str],
    near: tuple[float, float] | None = None,
    limit: int = MAX_ROWS,
    sender: str = "",
) -> list[Task]:
    """The cases in ``cells`` waiting for a worker's 核实 or 核查, nearest to ``near`` (lon,
    lat) first, else oldest first; not the ones ``sender`` reported (a worker does not
    核实 their own report: they saw it)."""
    if not cells:
        return []
    query = (
        select(cases)
        .where(
            cases.c.status.in_([s.value for s in TASK_STATES]),
            cases.c.cell_code.in_(sorted(cells)),
        )
        .order_by(cases.c.created_at, cases.c.id)
        .limit(limit * 5)
    )
    if sender:
        own = exists().where(events.c.case_id == cases.c.id, _reported_by(sender))
        query = query.where(~own)
    with reading(engine) as conn:
        found = [case_from_row(r) for r in conn.execute(query).all()]
    out = [
        Task(c, TASK_STATES[c.status], distance_m(near[0], near[1], c.lon, c.lat) if near else None)
        for c in found
    ]
    if near is not None:
        out.sort(key=lambda t: (t.distance_m, t.case.id))
    return out[:limit]
