"""The store's schema revisions (Alembic, ``cases/migrations``): where a database stands and
bringing it to the newest.

A database is in one of four states: empty (none of the store's tables), made by the last
release before migrations (its tables, no ``alembic_version``: "unversioned"), at a known
revision, or at one this code does not know (a newer gridcc). Every step runs in one
transaction holding the migration lock — PostgreSQL's advisory lock for the schema, SQLite's
write lock (``cases.db`` begins every write transaction IMMEDIATE) — so processes starting
together queue and the second finds the work done.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, inspect, text

MIGRATIONS = Path(__file__).with_name("migrations")
BASELINE = "r0001"  # the schema of the last release before migrations
EMPTY = "empty"
UNVERSIONED = "unversioned"
UPGRADE_COMMAND = "gridcc db upgrade"
# One lock per schema: deployments (and the tests' schemas) in one database do not queue.
_PG_LOCK = "SELECT pg_advisory_xact_lock(hashtext('gridcc.migrate.' || current_schema()))"


class StoreOutdated(RuntimeError):
    """The database was made by an older version of the schema."""


class StoreUnknown(RuntimeError):
    """The database is not one this gridcc can bring to its schema (a newer release's, or
    tables that are not the previous release's)."""


def config(location: Path | None = None) -> Config:
    """Alembic's configuration for the revisions at ``location`` (the package's)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(location or MIGRATIONS))
    return cfg


@functools.cache
def _scripts(location: Path) -> ScriptDirectory:
    return ScriptDirectory.from_config(config(location))


def head(location: Path | None = None) -> str:
    """The newest revision."""
    found = _scripts(location or MIGRATIONS).get_current_head()
    assert found is not None, "no revisions"
    return found


def baseline_tables() -> MetaData:
    """The baseline revision's tables, as written in its file."""
    module = importlib.import_module(f"cases.migrations.versions.{BASELINE}_baseline")
    tables: MetaData = module.tables()
    return tables


@contextmanager
def locked(engine: Engine) -> Iterator[Connection]:
    """A transaction holding the migration lock for this database (PostgreSQL: this
    schema's advisory lock, freed at commit; SQLite: the write lock its BEGIN takes)."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(_PG_LOCK))
        yield conn


def state(conn: Connection) -> str:
    """``empty``, ``unversioned`` or the revision the database is at."""
    found = MigrationContext.configure(conn).get_current_revision()
    if found is not None:
        return found
    have = set(inspect(conn).get_table_names())
    return UNVERSIONED if have & set(baseline_tables().tables) else EMPTY


def current(engine: Engine) -> str:
    """Where the database stands (see ``state``)."""
    with engine.connect() as conn:
        return state(conn.execution_options(gridcc_read_only=True))


def open_schema(engine: Engine, models: MetaData, location: Path | None = None) -> None:
    """What a starting process does: on an empty database create ``models`` whole and
    stamp them the newest revision (fast: no revision runs; the tests check that the
    revisions make the same schema); at the newest revision nothing; else refuse."""
    newest = head(location)
    with locked(engine) as conn:
        found = state(conn)
        if found == EMPTY:
            models.create_all(conn)
            MigrationContext.configure(conn).stamp(_scripts(location or MIGRATIONS), newest)
            return
        if found == newest:
            return
        where = _where(engine)
        if found == UNVERSIONED or found in _history(location):
            made = "an earlier gridcc" if found == UNVERSIONED else f"schema revision {found}"
            raise StoreOutdated(
                f"the store at {where} was made by {made}; this gridcc needs revision {newest}: "
                f"run `{UPGRADE_COMMAND}` (with the same DATABASE_URL), then start again"
            )
        raise StoreUnknown(
            f"the store at {where} is at schema revision {found}, which this gridcc does not "
            "know (a newer release's?): run the release that made it"
        )


def upgrade(engine: Engine, location: Path | None = None) -> tuple[str, str]:
    """Bring the database to the newest revision: an empty one from the start, one of the
    previous release after checking it is that release's (then stamped the baseline).
    Returns (where it stood, where it stands now)."""
    newest = head(location)
    with locked(engine) as conn:
        found = state(conn)
        if found not in (EMPTY, UNVERSIONED) and found not in _history(location):
            raise StoreUnknown(
                f"the store at {_where(engine)} is at schema revision {found}, which this "
                "gridcc does not know (a newer release's?)"
            )
        if found == UNVERSIONED:
            _adopt(conn, engine, location)
        if found != newest:
            cfg = config(location)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    return found, newest


def _adopt(conn: Connection, engine: Engine, location: Path | None) -> None:
    """Take a previous release's database: refuse it unless its tables are the baseline's
    (an index missing is made, as that release did at each start), then stamp it."""
    differences = compare_metadata(MigrationContext.configure(conn), baseline_tables())
    missing_indexes = [d[1] for d in differences if isinstance(d, tuple) and d[0] == "add_index"]
    others = [
        _describe(d)
        for d in differences
        if not (isinstance(d, tuple) and d[0] in ("add_index", "remove_table"))
    ]
    if others:
        raise StoreUnknown(
            f"the store at {_where(engine)} is not as the previous gridcc release made it "
            f"({'; '.join(others)}): move it aside or point DATABASE_URL at a new database"
        )
    for index in missing_indexes:
        index.create(conn)
    MigrationContext.configure(conn).stamp(_scripts(location or MIGRATIONS), BASELINE)


def _describe(difference: Any) -> str:
    if isinstance(difference, list):  # a column's type, nullability or default
        return "; ".join(_describe(d) for d in difference)
    what = difference[0]
    if what == "add_table":
        return f"table {difference[1].name} is missing"
    if what == "add_column":
        return f"table {difference[2]} lacks {difference[3].name}"
    if what == "remove_column":
        return f"table {difference[2]} has {difference[3].name}, unknown to it"
    if what.startswith("modify_"):
        return f"{difference[2]}.{difference[3]} differs ({what.removeprefix('modify_')})"
    return f"{what.replace('_', ' ')} {getattr(difference[1], 'name', difference[1])}"


def _history(location: Path | None) -> set[str]:
    return {s.revision for s in _scripts(location or MIGRATIONS).walk_revisions()}


def _where(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)
