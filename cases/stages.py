"""The stages of a case and their clocks: 立案, 派遣, 签收, 处置, 核查, 结案 (the standard's
order), each with its own limit from the catalog, measured from the moment it began.

A case's stages are derived from its event log: each action's step (``StageStep``, declared
with the action in the workflow table) ends the stage under way, and may begin the next,
charge the last dispatch as inaccurate (a return or a reassignment) or mark the last
handling as one that did not hold (a rework, a 重办). The store keeps the derived rows
(``case_stages``) so the KPI counters move by exactly what a change changed.

How a stage is judged, once it has ended:

- **on time**: it ended with its work done (``done``) no later than it fell due, it never
  ran out before an extension or a 挂账 stopped its clock, and it is not a handling that came
  back;
- **late**: it ended after it counted as late (``late_at``: its due, or the moment it ran
  out), or it is a handling that came back (``reworked``): a late approval of an extension,
  a rework and a reassignment never turn late into on time;
- **withdrawn**: taken away before it was late (returned by the department, reassigned by
  a lead): not counted in its stage's rate, but the dispatch that sent it there is charged
  as inaccurate, and the department that returned it is recorded.

A stage still open counts as late from ``late_at`` on. Each rate is on time ÷ (on time +
late + open and late), so nothing late can leave the denominator.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from cases import clock
from cases.catalog import STAGES
from cases.model import Case, Event

CENTER = "center"  # the holder of the center's own stages (立案, 派遣, 核查, 结案)
STAGE_ZH = {
    "file": "立案",
    "dispatch": "派遣",
    "accept": "签收",
    "handle": "处置",
    "verify": "核查",
    "close": "结案",
}
STAGE_EN = {
    "file": "filing",
    "dispatch": "dispatch",
    "accept": "acceptance",
    "handle": "handling",
    "verify": "verification",
    "close": "closing",
}
DEPARTMENT_STAGES = frozenset({"accept", "handle"})
DONE, RETURNED, REASSIGNED, REWORKED = "done", "returned", "reassigned", "reworked"


@dataclass(frozen=True)
class StageStep:
    """What an action does to the stages (declared beside the action in the table)."""

    ends: str = ""  # the outcome of the stage under way ("": it goes on)
    starts: str = ""  # the stage that begins ("": none)
    charge_dispatch: bool = False  # the last dispatch sent it to the wrong place
    came_back: bool = False  # the last handling did not hold
    dispatches: bool = False  # the action is itself a dispatch (改派)
    extends: bool = False  # adds the event's ``hours`` to the stage under way
    pauses: bool = False  # 挂账: the stage's clock stops
    resumes: bool = False
    undoes: bool = False  # compensates the step before it (撤销改派)


NO_STEP = StageStep()
REPORTED = StageStep(starts="file")  # a report opens the 立案 stage


class Clock(Protocol):
    """What the stages need of the SLA clock (cases.sla.SlaClock)."""

    def deadline(self, start: datetime, limit_hours: float, working: bool) -> datetime: ...
    def elapsed_hours(self, start: datetime, now: datetime, working: bool) -> float: ...


@dataclass(frozen=True)
class Stage:
    n: int
    stage: str
    holder: str  # a department, or CENTER
    started_at: datetime
    limit_hours: float
    working: bool
    extended_hours: float = 0.0
    paused_hours: float = 0.0
    paused_at: datetime | None = None
    due_at: datetime | None = None  # None while its clock stands still
    ran_out_at: datetime | None = None  # the due it passed before an extension or a pause
    late_at: datetime | None = None  # from when it counts as late: ran_out_at, else due_at
    ended_at: datetime | None = None
    ended_by: str = ""
    outcome: str = ""
    accurate: bool | None = None  # a dispatch: True until returned or reassigned away
    returned_by: str = ""

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def late(self) -> bool:
        """Settled as late (an open stage is judged at a moment: ``late_by``)."""
        if self.ended_at is None:
            return False
        if self.outcome == REWORKED:
            return True
        return self.late_at is not None and self.ended_at > self.late_at

    @property
    def on_time(self) -> bool:
        return self.ended_at is not None and self.outcome == DONE and not self.late

    @property
    def counted(self) -> bool:
        """Settled and in its stage's rate (withdrawn stages are not)."""
        return self.ended_at is not None and (self.outcome in (DONE, REWORKED) or self.late)

    def late_by(self, now: datetime) -> bool:
        return self.is_open and self.late_at is not None and now > self.late_at


def _timed(row: Stage, sla: Clock) -> Stage:
    """``row`` with its due and late instants computed from its limit and pauses."""
    if row.paused_at is not None:
        return replace(row, due_at=None, late_at=row.ran_out_at)
    allowed = row.limit_hours + row.extended_hours + row.paused_hours
    due = sla.deadline(row.started_at, allowed, row.working)
    return replace(row, due_at=due, late_at=row.ran_out_at or due)


def _ran_out(row: Stage, at: datetime) -> Stage:
    """The stage's clock ran out before ``at`` (an extension or a pause comes too late):
    it stays late from that due, whatever happens next."""
    if row.ran_out_at is None and row.due_at is not None and at > row.due_at:
        return replace(row, ran_out_at=row.due_at)
    return row


def derive(
    events: Sequence[Event],
    steps: Mapping[str, StageStep],
    limit_of: Callable[[str], float],
    working: bool,
    sla: Clock,
    stored: Sequence[Stage] = (),
) -> list[Stage]:
    """A case's stages from its events, oldest first.

    ``steps`` maps an event's action (its kind without ``case.``) to its step; ``limit_of``
    gives the catalog's hours for a stage. A stage already stored keeps the limit it began
    with, and a stage stored as ended keeps its judgement when nothing about it changed.
    """
    known = {row.n: row for row in stored}
    rows: list[Stage] = []
    snapshots: list[list[Stage]] = []

    def begin(stage: str, holder: str, at: datetime, ended: bool = False, by: str = "") -> None:
        n = len(rows) + 1
        old = known.get(n)
        same = old is not None and old.stage == stage and old.started_at == at
        limit = old.limit_hours if same and old is not None else limit_of(stage)
        row = _timed(Stage(n, stage, holder, at, limit, working), sla)
        if stage == "dispatch" and ended:
            row = replace(row, ended_at=at, ended_by=by, outcome=DONE, accurate=True)
        rows.append(row)

    for ev in events:
        step = steps.get(ev.kind.removeprefix("case."), NO_STEP)
        at, by = ev.at, ev.actor
        department = str(ev.data.get("department", ""))
        if step.undoes:
            if snapshots:
                rows = snapshots.pop()
            continue
        current = rows[-1] if rows and rows[-1].is_open else None
        if step.dispatches:
            snapshots.append(list(rows))
        if current is not None and (step.extends or step.pauses or step.resumes):
            rows[-1] = current = _clock_step(current, step, ev, sla)
        if step.charge_dispatch and current is not None and current.holder != CENTER:
            _charge_last_dispatch(rows, current.holder)
        if step.came_back:
            _mark_handling_came_back(rows)
        if step.ends and current is not None:
            outcome = DONE if step.dispatches and current.stage == "dispatch" else step.ends
            accurate = True if current.stage == "dispatch" and outcome == DONE else None
            rows[-1] = replace(current, ended_at=at, ended_by=by, outcome=outcome)
            if accurate is not None:
                rows[-1] = replace(rows[-1], accurate=accurate)
        if step.dispatches and (current is None or current.stage != "dispatch"):
            begin("dispatch", CENTER, at, ended=True, by=by)
        if step.starts:
            holder = department if step.starts in DEPARTMENT_STAGES else CENTER
            begin(step.starts, holder, at)
    return [_keep_judged(row, known.get(row.n)) for row in rows]


def _clock_step(row: Stage, step: StageStep, ev: Event, sla: Clock) -> Stage:
    if step.extends:
        row = _ran_out(row, ev.at)
        hours = float(ev.data.get("hours", 0.0))
        return _timed(replace(row, extended_hours=row.extended_hours + hours), sla)
    if step.pauses and row.paused_at is None:
        return _timed(replace(_ran_out(row, ev.at), paused_at=ev.at), sla)
    if step.resumes and row.paused_at is not None:
        stood = sla.elapsed_hours(row.paused_at, ev.at, row.working)
        return _timed(replace(row, paused_at=None, paused_hours=row.paused_hours + stood), sla)
    return row


def _charge_last_dispatch(rows: list[Stage], department: str) -> None:
    for i in range(len(rows) - 1, -1, -1):
        if rows[i].stage == "dispatch" and rows[i].ended_at is not None:
            if rows[i].accurate:
                rows[i] = replace(rows[i], accurate=False, returned_by=department)
            return


def _mark_handling_came_back(rows: list[Stage]) -> None:
    for i in range(len(rows) - 1, -1, -1):
        if rows[i].stage == "handle" and rows[i].outcome == DONE:
            rows[i] = replace(rows[i], outcome=REWORKED)
            return


_IDENTITY: tuple[str, ...] = (
    *("stage", "holder", "started_at", "ended_at", "outcome", "accurate", "returned_by"),
    *("extended_hours", "paused_hours"),
)


def _keep_judged(row: Stage, old: Stage | None) -> Stage:
    """A stage stored as ended that nothing changed keeps its due and judgement (a calendar
    entered later re-times only the stages still under way)."""
    if old is None or old.ended_at is None:
        return row
    if all(getattr(row, name) == getattr(old, name) for name in _IDENTITY):
        return old
    return row


def on_case(case: Case, rows: Sequence[Stage]) -> Case:
    """``case`` with the columns of its stage under way."""
    current = rows[-1] if rows and rows[-1].is_open else None
    if current is None:
        return replace(
            case,
            stage="",
            stage_holder="",
            stage_started_at=None,
            stage_due_at=None,
            stage_late_at=None,
        )
    return replace(
        case,
        stage=current.stage,
        stage_holder=current.holder,
        stage_started_at=current.started_at,
        stage_due_at=current.due_at,
        stage_late_at=current.late_at,
    )


def held_departments(rows: Sequence[Stage]) -> list[str]:
    """Every department that held the case (签收 or 处置 stage), in order of first holding."""
    seen: dict[str, None] = {}
    for row in rows:
        if row.holder != CENTER:
            seen.setdefault(row.holder)
    return list(seen)


def stage_values(case_id: int, row: Stage) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in Stage.__dataclass_fields__}
    return {"case_id": case_id, **values}


def stage_from_row(row: Any) -> Stage:
    def t(value: datetime | None) -> datetime | None:
        return clock.as_utc(value) if value is not None else None

    return Stage(
        n=row.n,
        stage=row.stage,
        holder=row.holder,
        started_at=clock.as_utc(row.started_at),
        limit_hours=float(row.limit_hours),
        working=bool(row.working),
        extended_hours=float(row.extended_hours),
        paused_hours=float(row.paused_hours),
        paused_at=t(row.paused_at),
        due_at=t(row.due_at),
        ran_out_at=t(row.ran_out_at),
        late_at=t(row.late_at),
        ended_at=t(row.ended_at),
        ended_by=row.ended_by,
        outcome=row.outcome,
        accurate=row.accurate,
        returned_by=row.returned_by,
    )


assert tuple(STAGE_ZH) == STAGES
