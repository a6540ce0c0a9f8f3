"""Writing the store: a report opens a case; an action moves it. Each is one transaction
that takes the next sequence number, changes the case, keeps the KPI rollup and appends the
audited event; the event is published only after the commit."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from cases import access, rollup, routing, stages
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
from cases.schema import (
    audience_heads,
    case_stages,
    cases,
    event_audiences,
    events,
    rejected_reports,
)
from cases.stages import Stage
from cases.workflow import STAGE_STEPS, Actor, Context, authorize
from cases.workflow import action as find_action


class _Duplicate(Exception):
    def __init__(self, case: Case) -> None:
        self.case = case


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
            # The unique constraint caught a duplicate that raced past the lookup.
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
        try:
            with self._write() as (conn, seq):
                if report.external_id is not None:
                    existing = _find_external(conn, report.source, report.external_id)
                    if existing is not None:
                        if existing.fingerprint != report.fingerprint:
                            raise DuplicateMismatch(report.source, report.external_id, existing.id)
                        raise _Duplicate(existing)  # rolls back: the sequence stays put
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
                new_id = conn.execute(
                    insert(cases).values(**case_values(draft)).returning(cases.c.id)
                ).scalar_one()
                case = replace(draft, id=new_id)
                _save_stages(conn, case.id, [], rows)
                rollup.apply(conn, None, case, [], rows)
                ev = self._append(conn, replace(reported, case_id=case.id), case)
        except _Duplicate as dup:
            return dup.case, False
        self.publish(ev)
        return case, True

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
        row = conn.execute(select(cases).where(cases.c.id == case_id)).first()
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
        changed = conn.execute(
            update(cases)
            .where(cases.c.id == before.id, cases.c.version == before.version)
            .values(**case_values(after))
        ).rowcount
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
        for department in access.event_departments(data):
            audience = access.department_audience(department)
            prev[department] = _advance_head(conn, audience, ev.seq)
            conn.execute(insert(event_audiences).values(audience=audience, seq=ev.seq))
        ev = replace(ev, data={**data, "prev": prev})
        conn.execute(
            insert(events).values(
                seq=ev.seq,
                kind=ev.kind,
                case_id=ev.case_id,
                at=ev.at,
                actor=ev.actor,
                from_status=ev.from_status.value if ev.from_status else None,
                to_status=ev.to_status.value,
                reason=ev.reason,
                data=ev.data,
            )
        )
        return ev

    def record_rejection(self, reason: str, detail: str, body: str) -> int:
        """Keep a refused report (body cut to 16 KB) for review; returns its id (0 when the
        store is away and the refusal went to the spool, to be moved in when it is back)."""
        at = self.now()
        row: dict[str, Any] = {"at": at, "reason": reason, "detail": detail, "body": body}
        try:
            with self.engine.begin() as conn:
                found = conn.execute(
                    insert(rejected_reports)
                    .values(**_rejection_row(row))
                    .returning(rejected_reports.c.id)
                ).scalar_one()
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
    row = conn.execute(select(cases).where(cases.c.id == case_id)).first()
    return case_from_row(row) if row is not None else None


def _last_event(conn: Connection, case_id: int) -> Event | None:
    row = conn.execute(
        select(events).where(events.c.case_id == case_id).order_by(events.c.seq.desc()).limit(1)
    ).first()
    return event_from_row(row) if row is not None else None


def _events_of(conn: Connection, case_id: int) -> list[Event]:
    rows = conn.execute(
        select(events).where(events.c.case_id == case_id).order_by(events.c.seq)
    ).all()
    return [event_from_row(row) for row in rows]


def _load_stages(conn: Connection, case_id: int) -> list[Stage]:
    rows = conn.execute(
        select(case_stages).where(case_stages.c.case_id == case_id).order_by(case_stages.c.n)
    ).all()
    return [stages.stage_from_row(row) for row in rows]


def _save_stages(conn: Connection, case_id: int, old: list[Stage], new: list[Stage]) -> None:
    """Write the rows that changed: new stages in, changed ones over, undone ones out."""
    was = {row.n: row for row in old}
    for row in new:
        if row.n not in was:
            conn.execute(insert(case_stages).values(**stages.stage_values(case_id, row)))
        elif was[row.n] != row:
            conn.execute(
                update(case_stages)
                .where(case_stages.c.case_id == case_id, case_stages.c.n == row.n)
                .values(**stages.stage_values(case_id, row))
            )
    if len(old) > len(new):
        conn.execute(
            delete(case_stages).where(case_stages.c.case_id == case_id, case_stages.c.n > len(new))
        )


def _find_external(conn: Connection, source: str, external_id: str) -> Case | None:
    row = conn.execute(
        select(cases).where(cases.c.source == source, cases.c.external_id == external_id)
    ).first()
    return case_from_row(row) if row else None


def _advance_head(conn: Connection, audience: str, seq: int) -> int:
    """Move ``audience``'s head to ``seq``; returns where it was (0: never shown an event)."""
    head = audience_heads.c
    previous = conn.execute(select(head.seq).where(head.audience == audience)).scalar()
    if previous is None:
        conn.execute(insert(audience_heads).values(audience=audience, seq=seq))
        return 0
    conn.execute(update(audience_heads).where(head.audience == audience).values(seq=seq))
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
