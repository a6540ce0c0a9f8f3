"""Lists of cases a desk works from: a filtered, sorted page of one actor's view, the
operators' queue, one case's audited timeline, and the earlier reports a new one may repeat.

Every list is read inside the actor's ``CaseView`` (cases.access): a department's list is
asked of the database with its department, never filtered afterwards. Pages are short
(``MAX_PAGE``) and counted only up to ``COUNT_CAP``, so a list answers as fast with a
million cases in the store as with ten thousand (bench/desk.py).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select

from cases import access, clock
from cases.model import Case, Event, Status
from cases.records import case_from_row, event_from_row
from cases.schema import cases, events
from cases.sla import RISK_LEVELS
from cases.storage import StoreBase

MAX_PAGE = 200
COUNT_CAP = 10_000  # a list says "10,000+" past this rather than count a million rows
TIMELINE_LIMIT = 1_000
# The operators' desk: reports to file (立案) or refuse, filed and returned cases to dispatch.
DESK_STATES = (Status.REPORTED, Status.FILED, Status.RETURNED)
# Earlier reports a new one may repeat: same category, same or adjacent cell, this far back.
DUPLICATE_WINDOW = timedelta(hours=48)
SORTS = {
    "created": cases.c.created_at,
    "deadline": cases.c.deadline,
    "updated": cases.c.updated_at,  # when the case entered its state: how long it has waited
    "id": cases.c.id,
}


@dataclass(frozen=True)
class CaseQuery:
    """What a desk asks for. None: no filter on that field; an empty collection: nothing."""

    cells: Collection[str] | None = None
    streets: Collection[str] | None = None
    communities: Collection[str] | None = None
    categories: Collection[str] | None = None
    departments: Collection[str] | None = None
    statuses: Collection[Status] | None = None
    risks: Collection[str] | None = None  # cases.sla.RISK_LEVELS; open cases only
    open_only: bool = True
    sort: str = "deadline"
    descending: bool = False
    limit: int = 50
    offset: int = 0

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise ValueError(f"sort: one of {', '.join(SORTS)}")
        unknown = set(self.risks or ()) - set(RISK_LEVELS)
        if unknown:
            raise ValueError(f"risk: one of {', '.join(RISK_LEVELS)}")
        if not 1 <= self.limit <= MAX_PAGE:
            raise ValueError(f"limit: 1 to {MAX_PAGE}")
        if self.offset < 0 or self.offset > 1_000_000:
            raise ValueError("offset: 0 to 1,000,000")


@dataclass(frozen=True)
class CasePage:
    cases: list[Case]
    total: int  # at most the cap + 1: more than the cap
    offset: int
    capped: bool = False


def risk_condition(level: str, now: datetime) -> ColumnElement[bool]:
    """Open cases at ``level`` at ``now``: the same instants ``Case.risk`` compares."""
    c = cases.c
    now = clock.as_utc(now)
    if level == "overdue":
        return c.deadline <= now
    if level == "at_risk":
        return and_(c.at_risk_at <= now, c.deadline > now)
    if level == "watch":
        return and_(c.watch_at <= now, c.at_risk_at > now)
    return c.watch_at > now


def _within(column: Any, values: Collection[Any] | None) -> list[ColumnElement[bool]]:
    return [] if values is None else [column.in_(list(values))]


def conditions(view: access.CaseView, query: CaseQuery, now: datetime) -> list[ColumnElement[bool]]:
    c = cases.c
    found: list[ColumnElement[bool]] = []
    if view.department is not None:
        found.append(c.department == view.department)
    found += _within(c.cell_code, query.cells)
    found += _within(c.street_code, query.streets)
    found += _within(c.community_code, query.communities)
    found += _within(c.category_code, query.categories)
    found += _within(c.department, query.departments)
    if query.statuses is not None:
        found.append(c.status.in_([s.value for s in query.statuses]))
    if query.open_only or query.risks is not None:
        found.append(c.status.in_([s.value for s in Status if s.is_open]))
    if query.risks is not None:
        levels = [risk_condition(level, now) for level in query.risks]
        found.append(or_(*levels) if levels else false())
    return found


def list_statements(
    view: access.CaseView, query: CaseQuery, now: datetime, count_cap: int = COUNT_CAP
) -> tuple[Select[Any], Select[Any]]:
    """The two statements of a list: its count (up to ``count_cap`` + 1) and its page.
    bench/desk.py runs the same two through the raw driver as its baseline."""
    where = conditions(view, query, now)
    key = SORTS[query.sort]
    order = [key.desc(), cases.c.id.desc()] if query.descending else [key, cases.c.id]
    capped = select(cases.c.id).where(*where).limit(count_cap + 1).subquery()
    count = select(func.count()).select_from(capped)
    page = select(cases).where(*where).order_by(*order).limit(query.limit).offset(query.offset)
    return count, page


def desk_query(limit: int = 50, offset: int = 0) -> CaseQuery:
    """The operators' queue as a list: cases waiting at the center's desk, longest waiting
    first, read in the district's view."""
    return CaseQuery(
        statuses=DESK_STATES, sort="updated", limit=limit, offset=offset, open_only=False
    )


class Lists(StoreBase):
    count_cap = COUNT_CAP

    def list_cases(
        self, view: access.CaseView, query: CaseQuery, now: datetime | None = None
    ) -> CasePage:
        """One page of the cases in ``view`` that ``query`` asks for, and how many there are
        (counted up to ``count_cap`` + 1)."""
        count, page = list_statements(view, query, now or self.now(), self.count_cap)
        with self.read() as conn:
            total = conn.execute(count).scalar_one()
            rows = conn.execute(page).all()
        found = [case_from_row(r) for r in rows]
        return CasePage(found, int(total), query.offset, total > self.count_cap)

    def desk_queue(self, limit: int = 50, offset: int = 0) -> CasePage:
        """The operators' queue: cases waiting at the center's desk, longest waiting first."""
        return self.list_cases(access.CaseView(), desk_query(limit, offset))

    def timeline(self, case_id: int) -> list[Event]:
        """Every event of one case, oldest first (the audited history: who, when, from, to,
        why); at most ``TIMELINE_LIMIT``."""
        with self.read() as conn:
            rows = conn.execute(
                select(events)
                .where(events.c.case_id == case_id)
                .order_by(events.c.seq)
                .limit(TIMELINE_LIMIT)
            ).all()
        return [event_from_row(r) for r in rows]

    def last_event(self, case_id: int) -> Event | None:
        """The case's latest event: who changed it last (a conflict names them)."""
        with self.read() as conn:
            row = conn.execute(
                select(events)
                .where(events.c.case_id == case_id)
                .order_by(events.c.seq.desc())
                .limit(1)
            ).first()
        return event_from_row(row) if row is not None else None

    def possible_duplicates(
        self, case: Case, cells: Collection[str], limit: int = 20
    ) -> list[Case]:
        """Earlier cases ``case`` may repeat: the same category in ``cells`` (its own and the
        adjacent ones, from geo), reported in the ``DUPLICATE_WINDOW`` before it, not void;
        nearest in time first."""
        c = cases.c
        with self.read() as conn:
            rows = conn.execute(
                select(cases)
                .where(
                    c.category_code == case.category_code,
                    c.cell_code.in_(sorted(set(cells) | {case.cell_code})),
                    c.created_at >= clock.as_utc(case.created_at - DUPLICATE_WINDOW),
                    c.created_at <= clock.as_utc(case.created_at),
                    c.id != case.id,
                    c.status != Status.VOID.value,
                )
                .order_by(c.created_at.desc(), c.id.desc())
                .limit(limit)
            ).all()
        return [case_from_row(r) for r in rows]
