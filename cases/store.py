"""The case store: cases and their event log, on SQLite or PostgreSQL (SQLAlchemy 2).

Every change is one transaction that bumps the event sequence, changes the case and
appends the event; the event is published only after the commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, insert, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from cases import clock
from cases.catalog import Catalog
from cases.model import (
    CLOSED_STATES,
    Case,
    Conflict,
    Event,
    Report,
    Status,
    UnknownCase,
    check_transition,
)
from cases.schema import cases, events, metadata, rejected_reports, sequences

log = logging.getLogger(__name__)

EVENT_SEQUENCE = "events"
DESCRIPTION_PREVIEW = 140
OPEN_STATES = [s.value for s in Status if s not in CLOSED_STATES]


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and write-locking BEGINs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30})
        _sqlite_transactions(engine)
        return engine
    return create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_transactions(engine: Engine) -> None:
    # pysqlite's own BEGIN handling is deferred and lazy; take the write lock at BEGIN so two
    # writers queue on busy_timeout instead of failing mid-transaction (SQLAlchemy's recipe).
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        read_only = conn.get_execution_options().get("gridcc_read_only", False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _case(row: Any) -> Case:
    return Case(
        id=row.id,
        source=row.source,
        external_id=row.external_id,
        category_code=row.category_code,
        description=row.description,
        lon=row.lon,
        lat=row.lat,
        cell_code=row.cell_code,
        place=row.place,
        department=row.department,
        status=Status(row.status),
        created_at=clock.as_utc(row.created_at),
        updated_at=clock.as_utc(row.updated_at),
        deadline=clock.as_utc(row.deadline),
        closed_at=clock.as_utc(row.closed_at) if row.closed_at else None,
        version=row.version,
    )


def _event(row: Any) -> Event:
    return Event(
        seq=row.seq,
        kind=row.kind,
        case_id=row.case_id,
        at=clock.as_utc(row.at),
        actor=row.actor,
        from_status=Status(row.from_status) if row.from_status else None,
        to_status=Status(row.to_status),
        reason=row.reason,
        data=dict(row.data),
    )


def event_payload(ev: Event) -> dict[str, Any]:
    """The JSON a browser receives for one event."""
    return {
        "seq": ev.seq,
        "kind": ev.kind,
        "case_id": ev.case_id,
        "at": clock.iso_local(ev.at),
        "actor": ev.actor,
        "from": ev.from_status.value if ev.from_status else None,
        "to": ev.to_status.value,
        "reason": ev.reason,
        **ev.data,
    }


def _case_summary(case: Case) -> dict[str, Any]:
    # Stored inside the event, so the log alone can rebuild the ticker and the map.
    text = case.description
    if len(text) > DESCRIPTION_PREVIEW:
        text = text[: DESCRIPTION_PREVIEW - 1] + "…"
    return {
        "category": case.category_code,
        "department": case.department,
        "cell": case.cell_code,
        "place": case.place,
        "source": case.source,
        "description": text,
        "created_at": clock.iso_local(case.created_at),
        "deadline": clock.iso_local(case.deadline),
    }


class Store:
    """Cases and the event log. ``publish`` is called with each event after its commit."""

    def __init__(
        self,
        engine: Engine,
        catalog: Catalog,
        publish: Callable[[Event], None] | None = None,
        now: Callable[[], datetime] = clock.utcnow,
    ) -> None:
        self.engine = engine
        self.catalog = catalog
        self.publish = publish or (lambda _event: None)
        self.now = now

    # -- schema ---------------------------------------------------------------------------
    def create_schema(self) -> None:
        metadata.create_all(self.engine)
        with self.engine.begin() as conn:
            exists = conn.execute(
                select(sequences.c.value).where(sequences.c.name == EVENT_SEQUENCE)
            ).first()
            if exists is None:
                with suppress(IntegrityError):  # another process created it first
                    conn.execute(insert(sequences).values(name=EVENT_SEQUENCE, value=0))

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

    def find_by_external_id(self, source: str, external_id: str) -> Case | None:
        with self._read() as conn:
            return self._find_external(conn, source, external_id)

    @staticmethod
    def _find_external(conn: Connection, source: str, external_id: str) -> Case | None:
        row = conn.execute(
            select(cases).where(cases.c.source == source, cases.c.external_id == external_id)
        ).first()
        return _case(row) if row else None

    def open_case(self, report: Report, actor: str = "intake") -> tuple[Case, bool]:
        """Open a case for ``report``; returns (case, created).

        A report whose (source, external_id) is already stored returns that case with
        ``created`` False and writes nothing.
        """
        category = self.catalog.category(report.category_code)
        try:
            return self._open_case(report, category.department, category.limit_hours, actor)
        except IntegrityError:
            # The unique constraint caught a duplicate that raced past the lookup.
            if report.external_id is None:
                raise
            existing = self.find_by_external_id(report.source, report.external_id)
            if existing is None:
                raise
            return existing, False

    class _Duplicate(Exception):
        def __init__(self, case: Case) -> None:
            self.case = case

    def _open_case(
        self, report: Report, department: str, limit_hours: float, actor: str
    ) -> tuple[Case, bool]:
        try:
            with self._write() as (conn, seq):
                if report.external_id is not None:
                    existing = self._find_external(conn, report.source, report.external_id)
                    if existing is not None:
                        raise Store._Duplicate(existing)  # rolls back: the sequence stays put
                now = self.now()
                values = {
                    "source": report.source,
                    "external_id": report.external_id,
                    "category_code": report.category_code,
                    "description": report.description,
                    "lon": report.lon,
                    "lat": report.lat,
                    "cell_code": report.cell_code,
                    "place": report.place,
                    "department": department,
                    "status": Status.REPORTED.value,
                    "created_at": now,
                    "updated_at": now,
                    "deadline": now + timedelta(hours=limit_hours),
                    "closed_at": None,
                    "version": 1,
                }
                case_id = conn.execute(insert(cases).values(**values).returning(cases.c.id))
                case = _case(SimpleNamespace(id=case_id.scalar_one(), **values))
                ev = Event(
                    seq=seq,
                    kind="case.reported",
                    case_id=case.id,
                    at=now,
                    actor=actor,
                    from_status=None,
                    to_status=Status.REPORTED,
                    reason="",
                    data=_case_summary(case),
                )
                self._append(conn, ev)
        except Store._Duplicate as dup:
            return dup.case, False
        self.publish(ev)
        return case, True

    def transition(
        self,
        case_id: int,
        to: Status,
        actor: str,
        reason: str = "",
        expected_version: int | None = None,
    ) -> Event:
        """Move a case along its lifecycle; refused moves raise a CaseError."""
        with self._write() as (conn, seq):
            row = conn.execute(select(cases).where(cases.c.id == case_id)).first()
            if row is None:
                raise UnknownCase(case_id)
            case = _case(row)
            if expected_version is not None and case.version != expected_version:
                raise Conflict(case_id, case.status)
            check_transition(case_id, case.status, to)
            now = self.now()
            changed = conn.execute(
                update(cases)
                .where(cases.c.id == case_id, cases.c.version == case.version)
                .values(
                    status=to.value,
                    updated_at=now,
                    version=case.version + 1,
                    closed_at=now if to in CLOSED_STATES else None,
                )
            ).rowcount
            if changed != 1:
                raise Conflict(case_id, case.status)
            ev = Event(
                seq=seq,
                kind="case.transitioned",
                case_id=case_id,
                at=now,
                actor=actor,
                from_status=case.status,
                to_status=to,
                reason=reason,
                data=_case_summary(case),
            )
            self._append(conn, ev)
        self.publish(ev)
        return ev

    def record_rejection(self, reason: str, detail: str, body: str) -> int:
        """Keep a refused report (body cut to 16 KB) for review; returns its id."""
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    insert(rejected_reports)
                    .values(at=self.now(), reason=reason, detail=detail, body=body[:16384])
                    .returning(rejected_reports.c.id)
                ).scalar_one()
            )

    def rejections(self, limit: int = 100) -> list[dict[str, Any]]:
        with self._read() as conn:
            rows = conn.execute(
                select(rejected_reports).order_by(rejected_reports.c.id.desc()).limit(limit)
            ).all()
        return [dict(r._mapping) for r in rows]

    # -- reads ----------------------------------------------------------------------------
    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A read transaction that sees one consistent snapshot."""
        with self.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            else:
                conn = conn.execution_options(gridcc_read_only=True)
            with conn.begin():
                yield conn

    def get(self, case_id: int) -> Case:
        with self._read() as conn:
            row = conn.execute(select(cases).where(cases.c.id == case_id)).first()
        if row is None:
            raise UnknownCase(case_id)
        return _case(row)

    def last_seq(self) -> int:
        with self._read() as conn:
            return self._last_seq(conn)

    @staticmethod
    def _last_seq(conn: Connection) -> int:
        return int(
            conn.execute(
                select(sequences.c.value).where(sequences.c.name == EVENT_SEQUENCE)
            ).scalar_one()
        )

    def events_since(self, seq: int, limit: int = 500) -> list[Event]:
        """Events after ``seq``, oldest first, at most ``limit``."""
        with self._read() as conn:
            rows = conn.execute(
                select(events).where(events.c.seq > seq).order_by(events.c.seq).limit(limit)
            ).all()
        return [_event(r) for r in rows]

    def open_case_ids(self, limit: int = 1000) -> list[tuple[int, Status]]:
        with self._read() as conn:
            rows = conn.execute(
                select(cases.c.id, cases.c.status)
                .where(cases.c.status.in_(OPEN_STATES))
                .order_by(cases.c.id)
                .limit(limit)
            ).all()
        return [(r.id, Status(r.status)) for r in rows]

    def snapshot(self, recent: int = 50) -> dict[str, Any]:
        """Everything a wall needs to start from, as of one sequence number."""
        now = self.now()
        day_start = clock.local_day_start(now)
        with self._read() as conn:
            seq = self._last_seq(conn)
            by_cell = conn.execute(
                select(cases.c.cell_code, func.count())
                .where(cases.c.status.in_(OPEN_STATES))
                .group_by(cases.c.cell_code)
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
        open_by_cell = {code: int(n) for code, n in by_cell}
        return {
            "seq": seq,
            "day_start": clock.iso_local(day_start),
            "open_by_cell": open_by_cell,
            "counters": {
                "open": sum(open_by_cell.values()),
                "today": int(today),
                "closed_today": int(closed_today),
            },
            "recent": [event_payload(_event(r)) for r in reversed(recent_rows)],
        }
