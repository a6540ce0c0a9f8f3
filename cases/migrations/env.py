"""Alembic's entry: runs the revisions on the connection ``cases.migrate`` passes (which
holds the migration lock), or, from Alembic's own command line (a new revision), on
DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

from cases.storage import metadata  # the store's tables and 泉心愿's, on one metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite alters a table by copying it: autogenerate writes batch operations there.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("gridcc's migrations run on a database, not as SQL text")
given = context.config.attributes.get("connection")
if given is not None:
    _run(given)
else:
    from cases.db import make_engine

    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("set DATABASE_URL to the database to compare the models with")
    engine = make_engine(os.environ["DATABASE_URL"])
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()
