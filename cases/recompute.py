"""Recomputing the deadlines of open cases after the working calendar changed.

A case's deadlines are stored when they begin: the case's own (``watch_at``, ``at_risk_at``,
``deadline``, when it opens or is extended) and its stages' (``case_stages``, the stage
under way on the case as ``stage_due_at`` / ``stage_late_at``), each counted on the
calendar of that moment. When an admin enters a year's schedule, every open case on working
hours is counted again on the new calendar: the case's deadlines from ``created_at`` over
``allowed_hours`` (``_recomputed``), and its stages derived again from its log
(``cases.stages.derive``: a stage already ended keeps its due and its judgement, the one
under way is re-timed). Each case where anything moved is written through the normal write
path with one audited ``case.recomputed`` event (its status unchanged; the deadline before
and after beside the case's summary), published after its commit. Closed and void cases,
and cases on calendar hours, keep what they have.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import Connection, select

from cases import clock, stages
from cases.catalog import Catalog
from cases.effects import SUPERVISE_ANSWER_HOURS, Clock
from cases.model import CLOSED_STATES, Case, Event
from cases.records import case_from_row
from cases.schema import cases
from cases.stages import Stage
from cases.writes import Writes, _events_of, _load_stages

RECOMPUTED = "case.recomputed"
_PAGE = 500
_CLOSED = [s.value for s in CLOSED_STATES]


class _Unchanged(Exception):
    """Raised inside the write to roll it back: the sequence number taken goes unused."""


@dataclass(frozen=True)
class Recount:
    """A case counted again: the case as it will be written, its stages before and after."""

    case: Case
    stages_before: list[Stage]
    stages_after: list[Stage]


def _recomputed(case: Case, sla: Clock) -> Case | None:
    """``case`` with its own deadlines counted on ``sla``'s calendar (the case's, and a
    督办's answer clock still waiting, as ``effects.supervise`` set it); None when none
    moved. (``updated_at`` stays: it is when the case last changed hands, which the desks'
    queues order by; a recount is not a step of its handling.)"""
    working = case.working_hours
    watch, at_risk, deadline = sla.crossings(case.created_at, case.allowed_hours, working)
    answer_by = case.supervise_due_at
    if case.supervised_at is not None and case.supervise_answered_at is None:
        hours = SUPERVISE_ANSWER_HOURS[working]
        answer_by = sla.deadline(case.supervised_at, hours, working)
    after = replace(
        case, watch_at=watch, at_risk_at=at_risk, deadline=deadline, supervise_due_at=answer_by
    )
    return None if after == case else after


class Recompute(Writes):
    def recompute_open_deadlines(self, actor_label: str, reason: str) -> int:
        """Count every open case's deadlines again on the calendar as stored; write each
        case where any moved, with its ``case.recomputed`` event (one transaction and one
        event per case). Returns how many cases changed. Safe to run again: a case already
        counted on this calendar does not move."""
        catalog = self.catalog  # read before any writers' lock (see Writes.apply)
        changed, after_id = 0, 0
        while True:
            with self.read() as conn:
                self._calendar_in(conn)  # the calendar now, not one up to 2 s old
                rows = conn.execute(
                    select(cases)
                    .where(
                        cases.c.status.not_in(_CLOSED),
                        cases.c.working_hours.is_(True),  # calendar hours never move
                        cases.c.id > after_id,
                    )
                    .order_by(cases.c.id)
                    .limit(_PAGE)
                ).all()
                moving = [
                    row.id for row in rows if self._recount(conn, catalog, case_from_row(row))
                ]
            if not rows:
                return changed
            after_id = rows[-1].id
            for case_id in moving:
                changed += self._recompute_case(case_id, catalog, actor_label, reason)

    def _recount(self, conn: Connection, catalog: Catalog, case: Case) -> Recount | None:
        """``case`` and its stages counted again on the clock's calendar (in ``conn``'s
        transaction); None when nothing moved. The one place a recount is decided."""
        stored = _load_stages(conn, case.id)
        category = catalog.category(case.category_code)
        derived = self._stages(catalog, category, _events_of(conn, case.id), stored)
        after = stages.on_case(_recomputed(case, self.sla) or case, derived)
        if after == case and derived == stored:
            return None
        return Recount(replace(after, version=case.version + 1), stored, derived)

    def _recompute_case(self, case_id: int, catalog: Catalog, actor_label: str, reason: str) -> int:
        """Write one case's recount (counted again under the writers' lock: it may have
        moved or closed since the scan); 1 if it changed, else 0."""
        try:
            with self._write() as (conn, seq):
                before = self._load(conn, case_id)
                closed = before.status in CLOSED_STATES
                recount = None if closed else self._recount(conn, catalog, before)
                if recount is None:
                    raise _Unchanged  # rolls back: the log stays gap-free
                after = recount.case
                self._save(conn, before, after, recount.stages_before, recount.stages_after)
                status, now = before.status, self.now()
                ev = Event(seq, RECOMPUTED, case_id, now, actor_label, status, status, reason)
                extra = {
                    "deadline_before": clock.iso_local(before.deadline),
                    "deadline_after": clock.iso_local(after.deadline),
                }
                ev = self._append(conn, ev, after, extra)
        except _Unchanged:
            return 0
        self.publish(ev)
        return 1
