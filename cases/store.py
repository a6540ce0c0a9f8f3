"""The case store: cases and their event log, on SQLite or PostgreSQL (SQLAlchemy 2).

Every change is one transaction that bumps the event sequence, changes the case and
appends the event; the event is published only after the commit.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from cases import clock, rollup
from cases.catalog import (
    Catalog,
    CatalogError,
    as_row,
    catalog_from_rows,
    load_catalog,
    make_category,
)
from cases.model import (
    CLOSED_STATES,
    Case,
    CaseError,
    Conflict,
    DuplicateMismatch,
    Event,
    Report,
    Status,
    UnknownCase,
)
from cases.records import case_from_row, case_summary, case_values, event_from_row, event_payload
from cases.schema import (
    cases,
    categories,
    departments,
    events,
    metadata,
    rejected_reports,
    sequences,
)
from cases.sla import SlaClock
from cases.workflow import RATINGS, Actor, Role, authorize, check
from cases.workflow import action as find_action

log = logging.getLogger(__name__)

EVENT_SEQUENCE = "events"
CATALOG_VERSION = "catalog"
CATALOG_TTL_S = 2.0
MAX_EXTENSION_HOURS = 720.0
DESCRIPTION_PREVIEW = 140
OPEN_STATES = [s.value for s in Status if s not in CLOSED_STATES]


class StoreOutdated(RuntimeError):
    """The database was made by an older version of the schema."""


class Store:
    """Cases and the event log. ``publish`` is called with each event after its commit."""

    def __init__(
        self,
        engine: Engine,
        catalog: Catalog | None = None,
        publish: Callable[[Event], None] | None = None,
        now: Callable[[], datetime] = clock.utcnow,
        sla: SlaClock | None = None,
    ) -> None:
        self.engine = engine
        self._seed = catalog or load_catalog()
        self.publish = publish or (lambda _event: None)
        self.now = now
        self.sla = sla or SlaClock()
        self._catalog: tuple[int, Catalog] | None = None
        self._catalog_checked = 0.0

    # -- schema ---------------------------------------------------------------------------
    def create_schema(self) -> None:
        """Create missing tables; seed the counters and, on an empty store, the catalog.

        Several processes may start at once on an empty database: whoever loses a race
        (a table or row the other just created) tries again and finds it there.
        """
        for attempt in range(5):
            try:
                self._refuse_older_schema()
                metadata.create_all(self.engine)
                self._seed_rows()
                return
            except (IntegrityError, ProgrammingError, OperationalError):
                if attempt == 4:
                    raise
                time.sleep(0.2 * (attempt + 1))

    def _seed_rows(self) -> None:
        with self.engine.begin() as conn:
            for name in (EVENT_SEQUENCE, CATALOG_VERSION):
                exists = conn.execute(
                    select(sequences.c.value).where(sequences.c.name == name)
                ).first()
                if exists is None:
                    conn.execute(insert(sequences).values(name=name, value=0))
            if conn.execute(select(func.count()).select_from(categories)).scalar_one() == 0:
                conn.execute(
                    insert(departments), [as_row(d) for d in self._seed.departments.values()]
                )
                conn.execute(
                    insert(categories), [as_row(c) for c in self._seed.categories.values()]
                )

    def _refuse_older_schema(self) -> None:
        # No migrations yet: say so plainly rather than failing on a missing column later.
        found = inspect(self.engine)
        for table in metadata.sorted_tables:
            if not found.has_table(table.name):
                continue
            have = {c["name"] for c in found.get_columns(table.name)}
            missing = [c.name for c in table.columns if c.name not in have]
            if missing:
                raise StoreOutdated(
                    f"the store at {self.engine.url.render_as_string(hide_password=True)} was made "
                    f"by an older gridcc (table {table.name} lacks {', '.join(missing)}); "
                    "move it aside or point DATABASE_URL at a new database"
                )

    # -- catalog --------------------------------------------------------------------------
    @property
    def catalog(self) -> Catalog:
        """The catalog as stored; re-read when an admin changed it (checked every 2 s)."""
        moment = time.monotonic()
        if self._catalog is not None and moment - self._catalog_checked < CATALOG_TTL_S:
            return self._catalog[1]
        with self.read() as conn:
            version = self._counter(conn, CATALOG_VERSION)
            if self._catalog is None or self._catalog[0] != version:
                catalog = catalog_from_rows(
                    conn.execute(select(departments)).all(), conn.execute(select(categories)).all()
                )
                self._catalog = (version, catalog)
        self._catalog_checked = moment
        return self._catalog[1]

    def save_category(self, fields: dict[str, Any], actor: Actor) -> None:
        """Add or change a category (admins only); in force for new cases at once."""
        if actor.role is not Role.ADMIN:
            raise CaseError("only admins edit the catalog")
        category = make_category(fields, self.catalog.departments)
        with self.engine.begin() as conn:
            row = as_row(category)
            if (
                conn.execute(
                    update(categories).where(categories.c.code == category.code).values(**row)
                ).rowcount
                == 0
            ):
                conn.execute(insert(categories).values(**row))
            self._bump_catalog(conn)
        self._catalog = None

    def save_department(self, fields: dict[str, Any], actor: Actor) -> None:
        """Add or rename a department (admins only)."""
        if actor.role is not Role.ADMIN:
            raise CaseError("only admins edit the catalog")
        code = str(fields.get("code", "")).strip()
        name_zh = str(fields.get("name_zh", "")).strip()
        name_en = str(fields.get("name_en", "")).strip() or name_zh
        if not code or len(code) > 32 or not code.replace("_", "").isalnum():
            raise CatalogError("code: 1-32 letters, digits or _")
        if not name_zh:
            raise CatalogError("name_zh: required")
        row = {"code": code, "name_zh": name_zh, "name_en": name_en}
        with self.engine.begin() as conn:
            updated = conn.execute(
                update(departments).where(departments.c.code == code).values(**row)
            )
            if updated.rowcount == 0:
                conn.execute(insert(departments).values(**row))
            self._bump_catalog(conn)
        self._catalog = None

    def _bump_catalog(self, conn: Connection) -> None:
        conn.execute(
            update(sequences)
            .where(sequences.c.name == CATALOG_VERSION)
            .values(value=sequences.c.value + 1)
        )

    # -- writes ---------------------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[tuple[Connection, int]]:
        """A write transaction holding the next sequence number (and the writers' lock)."""
        with self.engine.begin() as conn:
            seq = conn.execute(
                update(sequences)
                .where(sequences.c.name == EVENT_SEQUENCE)
                .values(value=sequences.c.value + 1)
                .returning(sequences.c.value)
            ).scalar_one()
            yield conn, seq

    def _append(self, conn: Connection, ev: Event) -> None:
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

    def _clock_fields(
        self, created_at: datetime, allowed_hours: float, working: bool
    ) -> dict[str, Any]:
        watch, at_risk, deadline = self.sla.crossings(created_at, allowed_hours, working)
        return {"watch_at": watch, "at_risk_at": at_risk, "deadline": deadline}

    def find_by_external_id(self, source: str, external_id: str) -> Case | None:
        with self.read() as conn:
            return self._find_external(conn, source, external_id)

    @staticmethod
    def _find_external(conn: Connection, source: str, external_id: str) -> Case | None:
        row = conn.execute(
            select(cases).where(cases.c.source == source, cases.c.external_id == external_id)
        ).first()
        return case_from_row(row) if row else None

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

    class _Duplicate(Exception):
        def __init__(self, case: Case) -> None:
            self.case = case

    def _open_case(self, report: Report, actor: str) -> tuple[Case, bool]:
        category = self.catalog.category(report.category_code)
        try:
            with self._write() as (conn, seq):
                if report.external_id is not None:
                    existing = self._find_external(conn, report.source, report.external_id)
                    if existing is not None:
                        if existing.fingerprint != report.fingerprint:
                            raise DuplicateMismatch(report.source, report.external_id, existing.id)
                        raise Store._Duplicate(existing)  # rolls back: the sequence stays put
                now = self.now()
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
                    department=category.department,
                    status=Status.REPORTED,
                    created_at=now,
                    updated_at=now,
                    closed_at=None,
                    version=1,
                    priority=category.priority,
                    allowed_hours=category.limit_hours,
                    working_hours=category.working_hours,
                    reporter=report.reporter,
                    fingerprint=report.fingerprint,
                    **self._clock_fields(now, category.limit_hours, category.working_hours),
                )
                new_id = conn.execute(
                    insert(cases).values(**case_values(draft)).returning(cases.c.id)
                ).scalar_one()
                case = replace(draft, id=new_id)
                rollup.apply(conn, None, case)
                ev = Event(
                    seq=seq,
                    kind="case.reported",
                    case_id=case.id,
                    at=now,
                    actor=actor,
                    from_status=None,
                    to_status=Status.REPORTED,
                    reason="",
                    data=case_summary(case),
                )
                self._append(conn, ev)
        except Store._Duplicate as dup:
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
        # Read the catalog before taking the writers' lock: re-reading it needs a connection
        # of its own, and inside the lock that could wait on the writers queued behind us.
        known_departments = frozenset(self.catalog.departments)
        with self._write() as (conn, seq):
            row = conn.execute(select(cases).where(cases.c.id == case_id)).first()
            if row is None:
                raise UnknownCase(case_id)
            before = case_from_row(row)
            authorize(act, actor, before)  # first: a conflict would tell the case's state
            if expected_version is not None and before.version != expected_version:
                raise Conflict(case_id, before.status)
            check(act, before)
            if act.needs_reason and not reason:
                raise CaseError(f"{act.name} ({act.label_zh}) needs a reason")
            now = self.now()
            after, extra = self._changed(before, act.name, now, params, known_departments)
            changed = conn.execute(
                update(cases)
                .where(cases.c.id == case_id, cases.c.version == before.version)
                .values(**case_values(after))
            ).rowcount
            if changed != 1:
                raise Conflict(case_id, before.status)
            rollup.apply(conn, before, after)
            ev = Event(
                seq=seq,
                kind=f"case.{act.name}",
                case_id=case_id,
                at=now,
                actor=actor.label,
                from_status=before.status,
                to_status=after.status,
                reason=reason,
                data={**case_summary(after), **extra},
            )
            self._append(conn, ev)
        self.publish(ev)
        return ev

    def _changed(
        self,
        case: Case,
        name: str,
        now: datetime,
        params: dict[str, Any],
        known_departments: frozenset[str],
    ) -> tuple[Case, dict[str, Any]]:
        """The case after action ``name``, and what the event should say about it."""
        act = find_action(name)
        changes: dict[str, Any] = {"updated_at": now, "version": case.version + 1}
        if act.target is not None:
            changes["status"] = act.target
        extra: dict[str, Any] = {}
        if name in ("dispatch", "reassign"):
            department = params.get("department") or case.department
            if not isinstance(department, str) or department not in known_departments:
                raise CaseError(f"unknown department {str(department)[:40]!r}")
            if name == "reassign" and department == case.department:
                raise CaseError(f"case {case.id} is already with {department}")
            changes.update(department=department, dispatch_count=case.dispatch_count + 1)
            changes["accepted_at"] = None
            extra["from_department"] = case.department
        elif name == "accept":
            changes["accepted_at"] = now
        elif name == "return":
            changes["return_count"] = case.return_count + 1
        elif name == "handle":
            changes["handled_at"] = now
        elif name == "rework":
            changes["rework_count"] = case.rework_count + 1
        elif name in ("close", "void"):
            changes["closed_at"] = now
        elif name == "extend":
            try:
                hours = float(params.get("hours", 0))
            except (TypeError, ValueError):
                hours = 0.0
            if not 0 < hours <= MAX_EXTENSION_HOURS:
                raise CaseError(f"extend needs hours between 0 and {MAX_EXTENSION_HOURS:g}")
            allowed = case.allowed_hours + hours
            changes.update(allowed_hours=allowed, extension_count=case.extension_count + 1)
            changes.update(self._clock_fields(case.created_at, allowed, case.working_hours))
            extra["hours"] = hours
        elif name == "rate":
            rating = params.get("rating")
            if rating not in RATINGS:
                raise CaseError(f"rating: one of {', '.join(RATINGS)}")
            changes["rating"] = rating
            extra["rating"] = rating
        return replace(case, **changes), extra

    def record_rejection(self, reason: str, detail: str, body: str) -> int:
        """Keep a refused report (body cut to 16 KB) for review; returns its id."""
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    insert(rejected_reports)
                    .values(
                        at=self.now(),
                        reason=reason,
                        detail=detail.replace("\x00", "\\0"),
                        # PostgreSQL text holds no NUL, UTF-8 no lone surrogate: keep the rest
                        body=body[:16384]
                        .replace("\x00", "\\0")
                        .encode("utf-8", "backslashreplace")
                        .decode("utf-8"),
                    )
                    .returning(rejected_reports.c.id)
                ).scalar_one()
            )

    def rejections(self, limit: int = 100) -> list[dict[str, Any]]:
        with self.read() as conn:
            rows = conn.execute(
                select(rejected_reports).order_by(rejected_reports.c.id.desc()).limit(limit)
            ).all()
        return [dict(r._mapping) for r in rows]

    # -- reads ----------------------------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction that sees one consistent snapshot."""
        with self.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            else:
                conn = conn.execution_options(gridcc_read_only=True)
            with conn.begin():
                yield conn

    def get(self, case_id: int) -> Case:
        with self.read() as conn:
            row = conn.execute(select(cases).where(cases.c.id == case_id)).first()
        if row is None:
            raise UnknownCase(case_id)
        return case_from_row(row)

    def last_seq(self) -> int:
        with self.read() as conn:
            return self._counter(conn, EVENT_SEQUENCE)

    @staticmethod
    def _counter(conn: Connection, name: str) -> int:
        return int(
            conn.execute(select(sequences.c.value).where(sequences.c.name == name)).scalar_one()
        )

    def events_since(self, seq: int, limit: int = 500) -> list[Event]:
        """Events after ``seq``, oldest first, at most ``limit``."""
        with self.read() as conn:
            rows = conn.execute(
                select(events).where(events.c.seq > seq).order_by(events.c.seq).limit(limit)
            ).all()
        return [event_from_row(r) for r in rows]

    def events_page(self, since: int, limit: int = 500) -> tuple[list[Event], int, bool]:
        """Events after ``since`` (at most ``limit``), the sequence number the page reaches
        (so a filtered reader can move past events it may not see), and whether more follow."""
        with self.read() as conn:
            last = self._counter(conn, EVENT_SEQUENCE)
            rows = conn.execute(
                select(events).where(events.c.seq > since).order_by(events.c.seq).limit(limit + 1)
            ).all()
        page = [event_from_row(r) for r in rows[:limit]]
        more = len(rows) > limit
        through = page[-1].seq if more else max(last, since)
        return page, through, more

    def open_cases(self, limit: int = 100_000) -> list[Case]:
        with self.read() as conn:
            rows = conn.execute(
                select(cases)
                .where(cases.c.status.in_(OPEN_STATES))
                .order_by(cases.c.id)
                .limit(limit)
            ).all()
        return [case_from_row(r) for r in rows]

    def cell_state(self, now: datetime | None = None) -> dict[str, dict[str, Any]]:
        """Per cell: open, at-risk and overdue counts and the worst risk, at ``now``."""
        now = now or self.now()
        state: dict[str, dict[str, Any]] = {}
        order = ("ok", "watch", "at_risk", "overdue")
        for case in self.open_cases():
            cell = state.setdefault(
                case.cell_code, {"open": 0, "at_risk": 0, "overdue": 0, "worst": "ok"}
            )
            risk = case.risk(now)
            cell["open"] += 1
            cell["at_risk"] += risk == "at_risk"
            cell["overdue"] += risk == "overdue"
            if order.index(risk) > order.index(cell["worst"]):
                cell["worst"] = risk
        return state

    def snapshot(self, recent: int = 50) -> dict[str, Any]:
        """Everything a wall needs to start from, as of one sequence number."""
        now = self.now()
        day_start = clock.local_day_start(now)
        with self.read() as conn:
            seq = self._counter(conn, EVENT_SEQUENCE)
            open_rows = conn.execute(
                select(
                    cases.c.id,
                    cases.c.cell_code,
                    cases.c.watch_at,
                    cases.c.at_risk_at,
                    cases.c.deadline,
                )
                .where(cases.c.status.in_(OPEN_STATES))
                .order_by(cases.c.id)
            ).all()
            today = conn.execute(
                select(func.count()).select_from(cases).where(cases.c.created_at >= day_start)
            ).scalar_one()
            closed_today = conn.execute(
                select(func.count())
                .select_from(cases)
                .where(cases.c.closed_at >= day_start, cases.c.status == Status.CLOSED.value)
            ).scalar_one()
            recent_rows = conn.execute(
                select(events)
                .where(events.c.kind == "case.reported")
                .order_by(events.c.seq.desc())
                .limit(recent)
            ).all()
        open_by_cell: dict[str, int] = {}
        for r in open_rows:
            open_by_cell[r.cell_code] = open_by_cell.get(r.cell_code, 0) + 1
        return {
            "seq": seq,
            "now": int(now.timestamp()),
            "day_start": clock.iso_local(day_start),
            "open_by_cell": open_by_cell,
            # [case id, cell, watch_at, at_risk_at, deadline] (epoch seconds): risk in the browser
            "open_cases": [
                [
                    r.id,
                    r.cell_code,
                    *(
                        int(clock.as_utc(t).timestamp())
                        for t in (r.watch_at, r.at_risk_at, r.deadline)
                    ),
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

    def rebuild_rollup(self) -> int:
        """Recount every KPI counter from the cases; returns the number of cases."""
        with self.engine.begin() as conn:
            return rollup.rebuild(conn)
