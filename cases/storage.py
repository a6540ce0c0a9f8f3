"""The store's foundation: the engine, the schema, and its two kinds of transaction.

A write transaction takes the next event sequence number first (the writers' lock, so
numbers are gap-free and in commit order), then makes sure the SLA clock counts on the
working calendar as stored; a read transaction sees one consistent snapshot.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from cases import access, clock, migrate
from cases.calendar import WorkCalendar
from cases.calendar_rows import CALENDAR_VERSION, load_calendar, seed_from_package
from cases.catalog import Catalog, as_row, load_catalog
from cases.group_commit import GroupCommit, Work
from cases.model import Event
from cases.quanxinyuan import schema as _qxy_tables  # noqa: F401  (its tables are the store's)
from cases.quanxinyuan.log import SEQUENCE as QXY_SEQUENCE
from cases.refusal_spool import RefusalSpool
from cases.schema import (
    audience_heads,
    categories,
    departments,
    event_audiences,
    events,
    metadata,
    sequences,
    stage_limits,
    urgent_targets,
)
from cases.sla import SlaClock
from cases.statements import COUNTER, NEXT_VALUE

EVENT_SEQUENCE = "events"
CATALOG_VERSION = "catalog"
CALENDAR_TTL_S = 2.0  # how stale a read may find the calendar (a write never does)


class StoreBase:
    """Engine, clock and transactions; ``publish`` is called with each committed event."""

    def __init__(
        self,
        engine: Engine,
        catalog: Catalog | None = None,
        publish: Callable[[Event], None] | None = None,
        now: Callable[[], datetime] = clock.utcnow,
        sla: SlaClock | None = None,
        spool: RefusalSpool | None = None,
    ) -> None:
        self.engine = engine
        # Where refusals wait while the store is away (None: a refusal then raises).
        self.spool = spool
        self._seed = catalog or load_catalog()
        self.publish = publish or (lambda _event: None)
        self.now = now
        self.sla = sla or SlaClock()
        self._catalog: tuple[int, Catalog] | None = None
        self._catalog_checked = 0.0
        self._calendar_version: int | None = None  # of the calendar self.sla counts on
        self._calendar_checked = 0.0
        # Reports arriving together share a transaction (publish: as it is when called).
        self._group = GroupCommit(self._write_batch, lambda event: self.publish(event))

    # -- schema ---------------------------------------------------------------------------
    def create_schema(self) -> None:
        """Open the schema (an empty database gets the newest whole; one behind it is
        refused with the instruction to run ``gridcc db upgrade``: ``cases.migrate``), then
        seed the counters and, on an empty store, the catalog.

        Several processes may start at once on an empty database: the schema is made under
        the migration lock; whoever loses a race for a seed row tries again and finds it.
        """
        migrate.open_schema(self.engine, metadata)
        for attempt in range(5):
            try:
                self._seed_rows()
                return
            except (IntegrityError, ProgrammingError, OperationalError):
                if attempt == 4:
                    raise
                time.sleep(0.2 * (attempt + 1))

    def _seed_rows(self) -> None:
        with self.engine.begin() as conn:
            for name in (EVENT_SEQUENCE, CATALOG_VERSION, CALENDAR_VERSION, QXY_SEQUENCE):
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
            if conn.execute(select(func.count()).select_from(stage_limits)).scalar_one() == 0:
                conn.execute(
                    insert(stage_limits), [as_row(s) for s in self._seed.stage_limits.values()]
                )
            if conn.execute(select(func.count()).select_from(urgent_targets)).scalar_one() == 0:
                conn.execute(
                    insert(urgent_targets),
                    [as_row(t) for t in self._seed.urgent_targets.values()],
                )
            _seed_heads(conn)
            seed_from_package(conn, self.now())  # the package's years the store lacks

    # -- transactions -----------------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[tuple[Connection, int]]:
        """A write transaction holding the next sequence number (and the writers' lock)."""
        with self.engine.begin() as conn:
            seq = conn.execute(NEXT_VALUE, {"b_name": EVENT_SEQUENCE}).scalar_one()
            # Under the writers' lock, so a write after a calendar change counts on it.
            self._calendar_in(conn)
            yield conn, seq

    def _write_batch(self, works: list[Work[Any]]) -> list[tuple[Any, Event]]:
        """Make ``works`` in one write transaction, each with the next sequence number."""
        made = []
        with self.engine.begin() as conn:
            for n, work in enumerate(works):
                seq = conn.execute(NEXT_VALUE, {"b_name": EVENT_SEQUENCE}).scalar_one()
                if n == 0:  # as _write: now under the writers' lock
                    self._calendar_in(conn)
                made.append(work(conn, seq))
        return made

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

    @staticmethod
    def _counter(conn: Connection, name: str) -> int:
        return int(conn.execute(COUNTER, {"name": name}).scalar_one())

    # -- the working calendar ---------------------------------------------------------------
    @property
    def work_calendar(self) -> WorkCalendar:
        """The working calendar as stored (re-read when it changed; checked every 2 s), the
        one ``self.sla`` counts on. Never ask inside a write: a write re-reads it itself.
        While the store is away the calendar last read stands."""
        moment = time.monotonic()
        if self._calendar_version is None or moment - self._calendar_checked >= CALENDAR_TTL_S:
            try:
                with self.read() as conn:
                    self._calendar_in(conn)
            except OperationalError:
                pass
            self._calendar_checked = moment
        return self.sla.calendar

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` (local) is a working day on the stored calendar."""
        return self.work_calendar.is_working_day(day)

    def _calendar_in(self, conn: Connection) -> None:
        version = self._counter(conn, CALENDAR_VERSION)
        if version != self._calendar_version:
            self.sla.use_calendar(load_calendar(conn))
            self._calendar_version = version

    def last_seq(self) -> int:
        with self.read() as conn:
            return self._counter(conn, EVENT_SEQUENCE)


def _seed_heads(conn: Connection) -> None:
    """A store written before department views kept their heads: find each view's events
    and last event once, so the next event's ``prev`` points at it and not at the start of
    time (a screen would take events it missed during the upgrade as already seen)."""
    # The writers' lock (SQLite: this BEGIN IMMEDIATE; PostgreSQL: the sequence's row).
    last_seq = conn.execute(
        select(sequences.c.value).where(sequences.c.name == EVENT_SEQUENCE).with_for_update()
    ).scalar_one()
    if last_seq == 0 or conn.execute(select(func.count()).select_from(audience_heads)).scalar():
        return
    heads: dict[str, int] = {}
    members: list[dict[str, object]] = []
    for seq, data in conn.execute(select(events.c.seq, events.c.data).order_by(events.c.seq)):
        for department in access.event_departments(data or {}):
            audience = access.department_audience(department)
            heads[audience] = seq
            members.append({"audience": audience, "seq": seq})
    if heads:
        conn.execute(
            insert(audience_heads), [{"audience": a, "seq": s} for a, s in sorted(heads.items())]
        )
        conn.execute(delete(event_audiences))  # derived from the log: made again whole
        conn.execute(insert(event_audiences), members)
