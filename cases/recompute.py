"""Recomputing the deadlines of open cases after the working calendar changed.

A case's deadlines (``watch_at``, ``at_risk_at``, ``deadline``) are stored when it opens
(and when it is extended), counted on the calendar of that moment. When an admin enters a
year's schedule, the open cases whose deadlines run into that year are counted again, from
``created_at`` over ``allowed_hours`` on the new calendar; each case that moved is written
through the normal write path with one audited ``case.recomputed`` event (its status
unchanged; the deadline before and after beside the case's summary), published after its
commit. Closed and void cases keep the deadlines they were judged by.

``_recomputed`` is the one place that says what a case's deadlines are on a clock.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from cases import clock
from cases.effects import Clock
from cases.model import CLOSED_STATES, Case, Event
from cases.records import case_from_row
from cases.schema import cases
from cases.writes import Writes

RECOMPUTED = "case.recomputed"
_PAGE = 2000
_CLOSED = [s.value for s in CLOSED_STATES]


class _Unchanged(Exception):
    """Raised inside the write to roll it back: the sequence number taken goes unused."""


def _recomputed(case: Case, sla: Clock) -> Case | None:
    """``case`` with its deadlines counted on ``sla``'s calendar, its version moved on; None
    when none of them moved. (``updated_at`` stays: it is when the case last changed hands,
    which the desks' queues order by; a recount is not a step of its handling.)"""
    watch, at_risk, deadline = sla.crossings(
        case.created_at, case.allowed_hours, case.working_hours
    )
    if (watch, at_risk, deadline) == (case.watch_at, case.at_risk_at, case.deadline):
        return None
    return replace(
        case, watch_at=watch, at_risk_at=at_risk, deadline=deadline, version=case.version + 1
    )


class Recompute(Writes):
    def recompute_open_deadlines(self, actor_label: str, reason: str) -> int:
        """Count every open case's deadlines again on the calendar as stored; write each
        case whose deadlines moved, with its ``case.recomputed`` event (one transaction and
        one event per case). Returns how many cases changed. Safe to run again: a case
        already counted on this calendar does not move."""
        changed, after_id = 0, 0
        while True:
            with self.read() as conn:
                self._calendar_in(conn)  # the calendar now, not one up to 2 s old
                rows = conn.execute(
                    select(cases)
                    .where(cases.c.status.not_in(_CLOSED), cases.c.id > after_id)
                    .order_by(cases.c.id)
                    .limit(_PAGE)
                ).all()
            if not rows:
                return changed
            after_id = rows[-1].id
            for row in rows:
                if _recomputed(case_from_row(row), self.sla) is not None:
                    changed += self._recompute_case(row.id, actor_label, reason)

    def _recompute_case(self, case_id: int, actor_label: str, reason: str) -> int:
        """Write one case's recount (read again under the writers' lock: it may have moved
        or closed since the scan); 1 if it changed, else 0."""
        try:
            with self._write() as (conn, seq):
                before = self._load(conn, case_id)
                closed = before.status in CLOSED_STATES
                after = None if closed else _recomputed(before, self.sla)
                if after is None:
                    raise _Unchanged  # rolls back: the log stays gap-free
                self._save(conn, before, after)
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
