"""Stores for the benches: a fresh PostgreSQL schema per run, and fresh planner statistics
after a bulk load."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine


def analyze(engine: Engine, table: str) -> None:
    """Fresh planner statistics after a bulk change (PostgreSQL's autovacuum would get there;
    SQLite never gathers them by itself, so it is left as a store in service would be)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"VACUUM ANALYZE {table}")


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A fresh schema on the server; the URL sets its search_path. Dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()
