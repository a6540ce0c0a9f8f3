"""Writing the store: a report opens a case; an action moves it. Each is one transaction
that takes the next sequence number, changes the case, keeps the KPI rollup and appends the
audited event; the event is published only after the commit."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.exc import IntegrityError, OperationalError

from cases import access, rollup, routing, stages
from cases import statements as sql
from cases.catalog import Catalog, Category
from cases.catalog_admin import CatalogAdmin
from cases.model import (
    MAX_CASE_ID,
    Case,
    Conflict,
    DuplicateMismatch,
    Event,
    Report,
    Status,
    UnknownCase,
)
from cases.records import case_from_row, case_summary, case_values, event_from_row
from cases.schema import rejected_reports
from cases.stages import Stage
from cases.workflow import STAGE_STEPS, Actor, Context, authorize
from cases.workflow import action as find_action


class Writes(CatalogAdmin):
    def find_by_external_id(self, source: str, external_id: str) -> Case | None:
        with self.read() as conn:
            return _find_external(conn, source, external_id)

    def open_case(self, report: Report, actor: str = "intake") -> tuple[Case, bool]:
        """Open a case for ``report``; returns (case, created).

        A report whose (source, external_id) is already stored returns that case with
        ``created`` False and writes nothing.
        """
        try:
            return self._open_case(report, actor)
        except IntegrityError:
            # The unique constraint caught a duplicate (the transaction rolled back, the
            # sequence stays put): asked here, not before each insert, as duplicates are rare.
            if report.external_id is None:
                raise
            existing = self.find_by_external_id(report.source, report.external_id)
            if existing is None:
                raise
            if existing.fingerprint != report.fingerprint:
                raise DuplicateMismatch(report.source, report.external_id, existing.id) from None
            return existing, False

    def _open_case(self, report: Report, actor: str) -> tuple[Case, bool]:
        catalog = self.catalog
        category = catalog.category(report.category_code)
        allowed = catalog.case_hours(category)

        def work(conn: Connection, seq: int) -> tuple[Case, Event]:
            now = self.now()
            watch, at_risk, deadline = self.sla.crossings(now, allowed, category.working_hours)
            draft = Case(
                id=0,
                source=report.source,
                external_id=report.external_id,
                category_code=category.code,
                description=report.description,
                lon=report.lon,
                lat=report.lat,
                cell_code=report.cell_code,
                place=report.place,
                department=routing.responsible_unit(catalog, category, report.cell_code),
                status=Status.REPORTED,
                created_at=now,
                updated_at=now,
                closed_at=None,
                version=1,
                priority=category.priority,
                allowed_hours=allowed,
                working_hours=category.working_hours,
                reporter=report.reporter,
                fingerprint=report.fingerprint,
                watch_at=watch,
                at_risk_at=at_risk,
                deadline=deadline,
                # The urgent fast path from the report: its item says so, or a drill of it.
                urgent=report.drill or catalog.urgent_at_report(category.code),
                drill=report.drill,
            )
            draft = replace(draft, urgent_at=now if draft.urgent else None)
            reported = Event(seq, "case.reported", 0, now, actor, None, Status.REPORTED, "")
            rows = self._stages(catalog, category, [reported], [])
            draft = stages.on_case(draft, rows)
            new_id = conn.execute(sql.INSERT_CASE, case_values(draft)).scalar_one()
            case = replace(draft, id=new_id)
            _save_stages(conn, case.id, [], rows)
            rollup.apply(conn, None, case, [], rows)
            ev = self._append(conn, replace(reported, case_id=case.id), case)
            return case, ev

        # Made with the reports that arrive meanwhile, in one transaction (cases/group_commit).
        return self._group.write(work), True

    def apply(
        self,
        case_id: int,
        action_name: str,
        actor: Actor,
        reason: str = "",
        expected_version: int | None = None,
        **params: Any,
    ) -> Event:
        """Take a lifecycle action on a case, as ``actor``; refusals raise a CaseError.

        ``expected_version`` is the version the actor saw: if the case changed since, the
        change is refused with a Conflict naming the state it is in now (one wins, always).
        """
        act = find_action(action_name)
        reason = reason.strip()
        # The catalog is read before the writers' lock: re-reading it needs a connection of
        # its own, and inside the lock that could wait on the writers queued behind us.
        catalog = self.catalog
        departments = frozenset(catalog.departments)
        with self._write() as (conn, seq):
            before = self._load(conn, case_id)
            authorize(act, actor, before)  # first: a conflict would tell the case's state
            if expected_version is not None and before.version != expected_version:
                raise Conflict(case_id, before.status)
            now = self.now()
            ctx = Context(
                now,
                departments,
                self.sla,
                actor=actor.label,
                find=lambda other: _find_case(conn, other),
                last_event=_last_event(conn, case_id) if act.needs_last_event else None,
            )
            after, extra = act.take(before, reason, params, ctx)
            kind = f"case.{act.name}"
            ev = Event(seq, kind, case_id, now, actor.label, before.status, after.status, reason)
            stored = _load_stages(conn, case_id)
            said = replace(ev, data={**case_summary(after), **extra})
            rows = self._stages(
                catalog,
                catalog.category(before.category_code),
                [*_events_of(conn, case_id), said],
                stored,
            )
            after = stages.on_case(after, rows)
            self._save(conn, before, after, stored, rows)
            ev = self._append(conn, ev, after, extra)
        self.publish(ev)
        return ev

    @staticmethod
    def _load(conn: Connection, case_id: int) -> Case:
        if not 0 < case_id <= MAX_CASE_ID:
            raise UnknownCase(case_id)
        row = conn.execute(sql.CASE_BY_ID, {"id": case_id}).first()
        if row is None:
            raise UnknownCase(case_id)
        return case_from_row(row)

    def _stages(
        self,
        catalog: Catalog,
        category: Category,
        case_events: list[Event],
        stored: list[Stage],
    ) -> list[Stage]:
        """The case's stages after ``case_events`` (its whole log, the new event last)."""
        return stages.derive(
            case_events,
            STAGE_STEPS,
            lambda stage: catalog.stage_hours(category, stage),
            category.working_hours,
            self.sla,
            stored,
        )

    @staticmethod
    def _save(
        conn: Connection,
        before: Case,
        after: Case,
        stages_before: list[Stage],
        stages_after: list[Stage],
    ) -> None:
        where = {"b_id": before.id, "b_version": before.version}
        changed = conn.execute(sql.UPDATE_CASE, {**case_values(after), **where}).rowcount
        if changed != 1:
            raise Conflict(before.id, before.status)
        _save_stages(conn, before.id, stages_before, stages_after)
        rollup.apply(conn, before, after, stages_before, stages_after)

    def _append(
        self, conn: Connection, ev: Event, case: Case, extra: dict[str, Any] | None = None
    ) -> Event:
        """Write ``ev`` with the case's summary (the log alone rebuilds every screen) and,
        for each department view it belongs to, the previous event of that view."""
        data = {**case_summary(case), **(extra or {})}
        prev: dict[str, int] = {}
        members = []
        for department in access.event_departments(data):
            audience = access.department_audience(department)
            prev[department] = _advance_head(conn, audience, ev.seq)
            members.append({"audience": audience, "seq": ev.seq})
        if members:
            conn.execute(sql.INSERT_MEMBER, members)
        ev = replace(ev, data={**data, "prev": prev})
        conn.execute(
            sql.INSERT_EVENT,
            {
                "seq": ev.seq,
                "kind": ev.kind,
                "case_id": ev.case_id,
                "at": ev.at,
                "actor": ev.actor,
                "from_status": ev.from_status.value if ev.from_status else None,
                "to_status": ev.to_status.value,
                "reason": ev.reason,
                "data": ev.data,
            },
        )
        return ev

    def record_rejection(self, reason: str, detail: str, body: str) -> int:
        """Keep a refused report (body cut to 16 KB) for review; returns its id (0 when the
        store is away and the refusal went to the spool, to be moved in when it is back)."""
        at = self.now()
        row: dict[str, Any] = {"at": at, "reason": reason, "detail": detail, "body": body}
        try:
            with self.engine.begin() as conn:
                found = conn.execute(sql.INSERT_REJECTION, _rejection_row(row)).scalar_one()
        except OperationalError:
            if self.spool is None:
                raise
            self.spool.keep(at, reason, detail, body)
            return 0
        if self.spool is not None and self.spool.waiting():
            self.spool.drain(self._record_rejections)
        return int(found)

    def _record_rejections(self, rows: list[dict[str, Any]]) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(rejected_reports), [_rejection_row(r) for r in rows])

    def rebuild_rollup(self) -> int:
        """Recount every KPI counter from the cases; returns the number of cases."""
        with self.engine.begin() as conn:
            return rollup.rebuild(conn)


def _find_case(conn: Connection, case_id: int) -> Case | None:
    if not 0 < case_id <= MAX_CASE_ID:
        return None
    row = conn.execute(sql.CASE_BY_ID, {"id": case_id}).first()
    return case_from_row(row) if row is not None else None


def _last_event(conn: Connection, case_id: int) -> Event | None:
    row = conn.execute(sql.LAST_EVENT_OF, {"case_id": case_id}).first()
    return event_from_row(row) if row is not None else None


def _events_of(conn: Connection, case_id: int) -> list[Event]:
    rows = conn.execute(sql.EVENTS_OF, {"case_id": case_id}).all()
    return [event_from_row(row) for row in rows]


def _load_stages(conn: Connection, case_id: int) -> list[Stage]:
    rows = conn.execute(sql.STAGES_OF, {"case_id": case_id}).all()
    return [stages.stage_from_row(row) for row in rows]


def _save_stages(conn: Connection, case_id: int, old: list[Stage], new: list[Stage]) -> None:
    """Write the rows that changed: new stages in, changed ones over, undone ones out."""
    was = {row.n: row for row in old}
    added = [stages.stage_values(case_id, row) for row in new if row.n not in was]
    if added:
        conn.execute(sql.INSERT_STAGE, added)
    for row in new:
        if row.n in was and was[row.n] != row:
            where = {"b_case_id": case_id, "b_n": row.n}
            conn.execute(sql.UPDATE_STAGE, {**stages.stage_values(case_id, row), **where})
    if len(old) > len(new):
        conn.execute(sql.DELETE_STAGES_AFTER, {"case_id": case_id, "n": len(new)})


def _find_external(conn: Connection, source: str, external_id: str) -> Case | None:
    row = conn.execute(
        sql.CASE_BY_EXTERNAL_ID, {"source": source, "external_id": external_id}
    ).first()
    return case_from_row(row) if row else None


def _advance_head(conn: Connection, audience: str, seq: int) -> int:
    """Move ``audience``'s head to ``seq``; returns where it was (0: never shown an event)."""
    if conn.dialect.name == "postgresql":
        previous = conn.execute(sql.MOVE_HEAD, {"b_audience": audience, "seq": seq}).scalar()
    else:  # SQLite's RETURNING names the updated table's columns only; its reads are cheap
        previous = conn.execute(sql.HEAD, {"audience": audience}).scalar()
        if previous is not None:
            conn.execute(sql.SET_HEAD, {"b_audience": audience, "seq": seq})
    if previous is None:
        conn.execute(sql.INSERT_HEAD, {"audience": audience, "seq": seq})
        return 0
    return int(previous)


def _rejection_row(row: dict[str, Any]) -> dict[str, Any]:
    # PostgreSQL text holds no NUL, UTF-8 no lone surrogate: keep the rest, escaped.
    def kept(text: str, limit: int | None = None) -> str:
        text = text[:limit] if limit else text
        return text.replace("\x00", "\\0").encode("utf-8", "backslashreplace").decode("utf-8")

    return {
        "at": row["at"],
        "reason": row["reason"],
        "detail": kept(row["detail"]),
        "body": kept(row["body"], 16384),
    }
