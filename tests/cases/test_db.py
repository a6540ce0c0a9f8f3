"""The store's engine on PostgreSQL: a pooled connection the server dropped while it sat
idle is found by a ping before use and replaced; one in use moments ago is not pinged."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from cases import db
from tests.conftest import postgres_schema_url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from postgres_schema_url()


def dropped_by_the_server(engine: sa.Engine, url: str) -> None:
    """Open one pooled connection, then have the server end it behind the pool's back."""
    with engine.connect() as conn:
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    admin = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


@pytest.mark.parametrize("idle", [True, False])
def test_a_dropped_connection_is_replaced_when_it_idled(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, idle: bool
) -> None:
    engine = db.make_engine(postgres_url)
    try:
        dropped_by_the_server(engine, postgres_url)
        monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.0 if idle else 3600.0)
        if idle:
            with engine.connect() as conn:
                assert conn.exec_driver_sql("SELECT 1").scalar_one() == 1
        else:  # used moments ago: not pinged, so this request meets the dropped connection
            with pytest.raises(OperationalError), engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
            with engine.connect() as conn:  # ... and the pool made a new one
                assert conn.exec_driver_sql("SELECT 1").scalar_one() == 1
    finally:
        engine.dispose()
