"""Database engines for the store: SQLite (embedded default) or PostgreSQL (at scale)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError

# A pooled connection idle this long is pinged before use (one round trip); one in use
# moments ago is not: a store that went away meanwhile fails that one request, and the
# failure makes the pool drop every connection opened before it.
PING_AFTER_IDLE_S = 1.0


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
    # No server-side prepared statements: their generic plans read the whole period for
    # the KPI refresh (353 ms against 88 ms at 1 M cases, bench/kpi.py).
    engine = create_engine(
        parsed, pool_size=10, max_overflow=20, connect_args={"prepare_threshold": None}
    )
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    # pool_pre_ping pings at every checkout: a round trip per transaction, ~1 in 10 of a
    # report's on PostgreSQL (bench/ingest.py). SQLAlchemy's recipe, pinging idle ones only.
    idle_since = "gridcc_idle_since"

    @event.listens_for(engine, "connect")
    def _connect(_dbapi_connection: Any, record: Any) -> None:
        record.info[idle_since] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[idle_since] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(idle_since)
        if since is not None and time.monotonic() - since < PING_AFTER_IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(str(exc)) from exc  # the pool opens another


def _sqlite_transactions(engine: Engine) -> None:
    # pysqlite's own BEGIN handling is deferred and lazy; take the write lock at BEGIN so two
    # writers queue on busy_timeout instead of failing mid-transaction (SQLAlchemy's recipe).
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # busy_timeout first: switching to WAL on a new file waits for the other openers.
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        read_only = conn.get_execution_options().get("gridcc_read_only", False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A plain read (a user, a key, a session): on SQLite it must not take the write lock
    that every BEGIN takes otherwise, or each request would queue behind the writers."""
    with engine.connect() as conn:
        yield conn.execution_options(gridcc_read_only=True)
