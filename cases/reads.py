"""Reading the store: cases, the event log after a sequence number, and the snapshot a
screen starts from (everything as of one sequence number)."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select

from cases import access, clock
from cases.model import CLOSED_STATES, MAX_CASE_ID, Case, Event, Status, UnknownCase
from cases.records import case_from_row, event_from_row, event_payload
from cases.schema import audience_heads, cases, event_audiences, events, rejected_reports
from cases.sla import RISK_LEVELS
from cases.storage import EVENT_SEQUENCE, StoreBase

OPEN_STATES = [s.value for s in Status if s not in CLOSED_STATES]
CASE_BATCH = 2000


class Reads(StoreBase):
    def get(self, case_id: int) -> Case:
        if not 0 < case_id <= MAX_CASE_ID:
            raise UnknownCase(case_id)
        with self.read() as conn:
            row = conn.execute(select(cases).where(cases.c.id == case_id)).first()
        if row is None:
            raise UnknownCase(case_id)
        return case_from_row(row)

    def events_since(self, seq: int, limit: int = 500) -> list[Event]:
        """Events after ``seq``, oldest first, at most ``limit``."""
        return self.events_page(seq, limit)[0]

    def head(self, audience: str = access.DISTRICT) -> int:
        """The last event ``audience`` was shown (the district: the log's last event)."""
        with self.read() as conn:
            return self._head(conn, audience)

    def _head(self, conn: Any, audience: str) -> int:
        if audience == access.DISTRICT:
            return self._counter(conn, EVENT_SEQUENCE)
        head = audience_heads.c
        found = conn.execute(select(head.seq).where(head.audience == audience)).scalar()
        return int(found or 0)

    def events_page(
        self, since: int, limit: int = 500, audience: str = access.DISTRICT
    ) -> tuple[list[Event], int, bool]:
        """Events of ``audience``'s view after ``since`` (at most ``limit``), the sequence
        number the page reaches (a reader moves past what its view does not hold), and
        whether more follow. A department's page holds only its own events: nothing in it
        tells of the district's other activity."""
        query = select(events).where(events.c.seq > since)
        if audience != access.DISTRICT:
            member = event_audiences.c
            query = query.where(
                events.c.seq.in_(
                    select(member.seq).where(member.audience == audience, member.seq > since)
                )
            )
        with self.read() as conn:
            last = self._head(conn, audience)
            rows = conn.execute(query.order_by(events.c.seq).limit(limit + 1)).all()
        page = [event_from_row(r) for r in rows[:limit]]
        more = len(rows) > limit
        through = page[-1].seq if more else max(last, since)
        return page, through, more

    def find_cases(
        self,
        *,
        ids: Collection[int] | None = None,
        categories: Collection[str] | None = None,
        statuses: Collection[Status] | None = None,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
        limit: int = 1000,
        offset: int = 0,
    ) -> list[Case]:
        """Cases meeting every filter given (None: no filter; an empty collection: nothing
        matches), newest first: ``created_from <= created_at <= created_to`` (aware times;
        SQLite keeps UTC without an offset, so both are compared in UTC), then ``offset``
        skipped and at most ``limit`` returned."""
        query = select(cases)
        if ids is not None:
            query = query.where(cases.c.id.in_([i for i in ids if 0 < i <= MAX_CASE_ID]))
        if categories is not None:
            query = query.where(cases.c.category_code.in_(list(categories)))
        if statuses is not None:
            query = query.where(cases.c.status.in_([s.value for s in statuses]))
        if created_from is not None:
            query = query.where(cases.c.created_at >= clock.as_utc(created_from))
        if created_to is not None:
            query = query.where(cases.c.created_at <= clock.as_utc(created_to))
        query = query.order_by(cases.c.created_at.desc(), cases.c.id.desc())
        with self.read() as conn:
            rows = conn.execute(query.limit(max(limit, 0)).offset(max(offset, 0))).all()
        return [case_from_row(r) for r in rows]

    def open_cases(self, limit: int = 100_000) -> list[Case]:
        with self.read() as conn:
            rows = conn.execute(
                select(cases)
                .where(cases.c.status.in_(OPEN_STATES))
                .order_by(cases.c.id)
                .limit(limit)
            ).all()
        return [case_from_row(r) for r in rows]

    def case_batches(
        self, view: access.CaseView, *conditions: ColumnElement[bool], batch: int = CASE_BATCH
    ) -> Iterator[list[Case]]:
        """Every case in ``view`` matching ``conditions``, in id order, ``batch`` at a time.

        Keyset pages (``WHERE id > last ORDER BY id LIMIT batch``), each its own short read:
        memory holds one batch whatever the count, and no connection or transaction is held
        while a slow client downloads (a held REPEATABLE READ would keep PostgreSQL from
        vacuuming, an open SQLite read would keep the WAL from checkpointing). So each batch
        is consistent in itself; a case changed meanwhile is shown as it was when its batch
        was read.
        """
        if view.department is not None:
            conditions = (*conditions, cases.c.department == view.department)
        last = 0
        while True:
            with self.read() as conn:
                rows = conn.execute(
                    select(cases)
                    .where(cases.c.id > last, *conditions)
                    .order_by(cases.c.id)
                    .limit(batch)
                ).all()
            if rows:
                yield [case_from_row(r) for r in rows]
            if len(rows) < batch:
                return
            last = rows[-1].id

    def cell_state(self, now: datetime | None = None) -> dict[str, dict[str, Any]]:
        """Per cell: open, at-risk and overdue counts and the worst risk, at ``now``."""
        now = now or self.now()
        state: dict[str, dict[str, Any]] = {}
        for case in self.open_cases():
            cell = state.setdefault(
                case.cell_code, {"open": 0, "at_risk": 0, "overdue": 0, "worst": "ok"}
            )
            risk = case.risk(now)
            cell["open"] += 1
            cell["at_risk"] += risk == "at_risk"
            cell["overdue"] += risk == "overdue"
            if RISK_LEVELS.index(risk) > RISK_LEVELS.index(cell["worst"]):
                cell["worst"] = risk
        return state

    def snapshot(self, recent: int = 50, view: access.CaseView | None = None) -> dict[str, Any]:
        """Everything a live screen needs to start from, as of one sequence number: the
        district's (``view`` None or the district's), or one department's (``view`` of a
        department: the cases it ``holds``, its audience's head, its own counters and
        reports), in the same shape, so the same browser code runs on either."""
        department = view.department if view is not None else None
        now = self.now()
        day_start = clock.local_day_start(now)
        with self.read() as conn:
            if department is None:
                seq = self._counter(conn, EVENT_SEQUENCE)
                parts = self._district_parts(conn, day_start, recent)
            else:
                seq = self._head(conn, access.department_audience(department))
                parts = self._department_parts(conn, department, day_start, recent)
        open_rows, today, closed_today, recent_rows = parts
        open_by_cell: dict[str, int] = {}
        for r in open_rows:
            open_by_cell[r.cell_code] = open_by_cell.get(r.cell_code, 0) + 1
        return {
            "seq": seq,
            "now": int(now.timestamp()),
            "day_start": clock.iso_local(day_start),
            "open_by_cell": open_by_cell,
            # [case id, cell, watch_at, at_risk_at, deadline (epoch seconds), category,
            # department, priority, status]: risk and the alert list in the browser (a
            # suspended case's clock stands still: the browser counts it apart, as
            # Case.risk does)
            "open_cases": [
                [
                    r.id,
                    r.cell_code,
                    *(
                        int(clock.as_utc(t).timestamp())
                        for t in (r.watch_at, r.at_risk_at, r.deadline)
                    ),
                    r.category_code,
                    r.department,
                    r.priority,
                    r.status,
                ]
                for r in open_rows
            ],
            "counters": {
                "open": len(open_rows),
                "today": int(today),
                "closed_today": int(closed_today),
            },
            "recent": [event_payload(event_from_row(r)) for r in reversed(recent_rows)],
        }

    @staticmethod
    def _open_rows(conn: Any, *where: ColumnElement[bool]) -> list[Any]:
        c = cases.c
        return list(
            conn.execute(
                select(
                    c.id,
                    c.cell_code,
                    c.watch_at,
                    c.at_risk_at,
                    c.deadline,
                    c.category_code,
                    c.department,
                    c.priority,
                    c.status,
                )
                .where(*where)
                .order_by(c.id)
            ).all()
        )

    def _district_parts(self, conn: Any, day_start: datetime, recent: int) -> tuple[Any, ...]:
        c = cases.c
        counted = c.drill.is_(False)  # a drill counts in no counter (cases/urgent.py)
        open_rows = self._open_rows(conn, c.status.in_(OPEN_STATES), counted)
        today = conn.execute(
            select(func.count()).select_from(cases).where(c.created_at >= day_start, counted)
        ).scalar_one()
        closed_today = conn.execute(
            select(func.count())
            .select_from(cases)
            .where(c.closed_at >= day_start, c.status == Status.CLOSED.value, counted)
        ).scalar_one()
        recent_rows = conn.execute(
            select(events)
            .where(events.c.kind == "case.reported")
            .order_by(events.c.seq.desc())
            .limit(recent)
        ).all()
        return open_rows, today, closed_today, recent_rows

    def _department_parts(
        self, conn: Any, department: str, day_start: datetime, recent: int
    ) -> tuple[Any, ...]:
        """As a department's screen counts, event by event (assets/gridcc/state.js): open,
        the cases it holds; today, the reports of today its view was shown; closed today,
        its cases closed today; recent, its reports of cases still with it."""
        c, e, member = cases.c, events.c, event_audiences.c
        audience = access.department_audience(department)
        held = [s.value for s in access.HELD_STATES]
        counted = c.drill.is_(False)
        open_rows = self._open_rows(conn, c.department == department, c.status.in_(held), counted)
        reported_here = (
            select(func.count())
            .select_from(cases)
            .join(events, e.case_id == c.id)
            .join(event_audiences, member.seq == e.seq)
            .where(
                c.created_at >= day_start,
                e.kind == "case.reported",
                member.audience == audience,
                counted,
            )
        )
        today = conn.execute(reported_here).scalar_one()
        closed_today = conn.execute(
            select(func.count())
            .select_from(cases)
            .where(
                c.closed_at >= day_start,
                c.status == Status.CLOSED.value,
                c.department == department,
                counted,
            )
        ).scalar_one()
        recent_rows = conn.execute(
            select(events)
            .join(event_audiences, member.seq == e.seq)
            .join(cases, c.id == e.case_id)
            .where(
                member.audience == audience,
                e.kind == "case.reported",
                c.department == department,
            )
            .order_by(e.seq.desc())
            .limit(recent)
        ).all()
        return open_rows, today, closed_today, recent_rows

    def rejections(self, limit: int = 100) -> list[dict[str, Any]]:
        with self.read() as conn:
            rows = conn.execute(
                select(rejected_reports).order_by(rejected_reports.c.id.desc()).limit(limit)
            ).all()
        return [dict(r._mapping) for r in rows]
