"""The store's schema revisions on both stores: an empty database upgraded equals the models;
a database of the release before migrations is checked, stamped and upgraded with its rows;
a store behind the newest revision is refused with the instruction, then upgraded; the
command line; processes upgrading at once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from cases import migrate
from cases.catalog import load_catalog
from cases.db import make_engine
from cases.schema import metadata
from cases.store import Store, StoreOutdated, StoreUnknown
from cli import build_parser
from tests.cases.test_store import report

SECOND = '''"""A column added after the baseline (a test's revision).

Revision ID: r0002
Revises: r0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0002"
down_revision = "r0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("note", sa.String(length=64)))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("note")
'''


@pytest.fixture
def engine(empty_database_url: str) -> Any:
    made = make_engine(empty_database_url)
    yield made
    made.dispose()


def differences(engine: sa.Engine, models: sa.MetaData = metadata) -> list[Any]:
    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), models))


def rows(engine: sa.Engine, table: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1"))]


def previous_release(engine: sa.Engine) -> None:
    """A database as the release before migrations left it: the baseline's tables, no
    ``alembic_version``, and rows written (plain SQL: the baseline's columns, not today's)."""
    migrate.baseline_tables().create_all(engine)
    at = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO sequences (name, value) VALUES (:n, :v)"),
            [{"n": "events", "v": 1}, {"n": "catalog", "v": 0}, {"n": "calendar", "v": 0}],
        )
        conn.execute(
            sa.text(
                "INSERT INTO users (username, display_name, role, password_hash, active) "
                "VALUES ('ops', '值班员', 'operator', 'x', :t)"
            ),
            {"t": True},
        )
        conn.execute(
            sa.text(
                "INSERT INTO events (seq, kind, case_id, at, actor, to_status, reason, data) "
                "VALUES (1, 'case.open', 1, :at, 'hotline', 'reported', '', '{}')"
            ),
            {"at": at},
        )


def test_an_empty_database_upgraded_is_the_models(engine: sa.Engine) -> None:
    assert migrate.current(engine) == migrate.EMPTY
    assert migrate.upgrade(engine) == (migrate.EMPTY, migrate.head())
    assert migrate.current(engine) == migrate.head()
    assert differences(engine) == []  # a model edited without its revision fails here
    assert migrate.upgrade(engine) == (migrate.head(), migrate.head())  # at head: nothing
    Store(engine).create_schema()  # a process starts on it
    assert Store(engine).last_seq() == 0


def test_a_first_start_makes_the_newest_schema_at_once(engine: sa.Engine) -> None:
    Store(engine).create_schema()
    assert migrate.current(engine) == migrate.head()
    assert differences(engine) == []
    Store(engine).create_schema()  # the next start finds it at the newest
    assert rows(engine, "alembic_version") == [(migrate.head(),)]


def test_the_previous_releases_database_is_upgraded_with_its_rows(engine: sa.Engine) -> None:
    previous_release(engine)
    with engine.begin() as conn:  # an index that release would have made at its next start
        conn.execute(sa.text("DROP INDEX ix_cases_created_at"))
    users, events = rows(engine, "users"), rows(engine, "events")
    assert migrate.current(engine) == migrate.UNVERSIONED
    with pytest.raises(StoreOutdated, match="run `gridcc db upgrade`"):
        Store(engine).create_schema()
    assert migrate.upgrade(engine) == (migrate.UNVERSIONED, migrate.head())
    assert differences(engine) == []
    assert rows(engine, "users") == users and rows(engine, "events") == events
    store = Store(engine)
    store.create_schema()
    store.open_case(report(1))
    assert [e.seq for e in store.events_since(0)] == [1, 2]  # the log goes on from that release's


def test_tables_not_of_the_previous_release_are_refused_and_left_alone(
    engine: sa.Engine,
) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE cases (id INTEGER PRIMARY KEY, status VARCHAR(16))"))
    with pytest.raises(StoreOutdated, match=r"earlier gridcc.*gridcc db upgrade"):
        Store(engine).create_schema()
    with pytest.raises(StoreUnknown, match=r"table cases lacks source; .*street_code"):
        migrate.upgrade(engine)
    assert sa.inspect(engine).get_table_names() == ["cases"]  # nothing half-made


def test_a_store_behind_the_newest_revision_is_refused_until_upgraded(
    engine: sa.Engine, tmp_path: Path
) -> None:
    later = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, later, ignore=shutil.ignore_patterns("__pycache__"))
    (later / "versions" / "r0002_note.py").write_text(SECOND, encoding="utf-8")
    store = Store(engine)
    store.create_schema()  # this release's: at r0001
    store.open_case(report(1))
    before = rows(engine, "events")
    with pytest.raises(StoreOutdated, match=r"revision r0001; .* needs revision r0002: run `gridc"):
        migrate.open_schema(engine, metadata, later)  # the next release starts
    assert migrate.upgrade(engine, later) == ("r0001", "r0002")
    assert rows(engine, "events") == before
    assert "note" in {c["name"] for c in sa.inspect(engine).get_columns("cases")}
    migrate.open_schema(engine, metadata, later)  # at its newest now
    with pytest.raises(StoreUnknown, match="r0002, which this gridcc does not know"):
        Store(engine).create_schema()  # this release, on the next one's store


def run(*argv: str) -> int | str:
    args = build_parser().parse_args(list(argv))
    try:
        args.func(args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, str) else int(exc.code or 0)
    return 0


@pytest.fixture
def env(empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {"DATABASE_URL": empty_database_url, "GRIDCC_ENV": "development"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("REDIS_URL", raising=False)
    return values


def test_the_command_line_upgrades_and_tells_where_the_store_stands(
    env: dict[str, str], capsys: Any
) -> None:
    head = migrate.head()
    engine = make_engine(env["DATABASE_URL"])
    previous_release(engine)
    assert run("db", "current") == 0
    assert capsys.readouterr().out == (
        f"the schema of the release before migrations; this release needs {head}: "
        "run `gridcc db upgrade`\n"
    )
    assert run("db", "upgrade") == 0
    out = capsys.readouterr().out
    assert (
        out == f"upgraded from the schema of the release before migrations to {head} (the newest)\n"
    )
    assert run("db", "upgrade") == 0
    assert capsys.readouterr().out == f"already at {head} (the newest)\n"
    assert run("db", "current") == 0
    assert capsys.readouterr().out == f"{head} (the newest)\n"
    assert Store(engine).catalog.categories  # upgraded and seeded: ready to start
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'r9999'"))
    assert "r9999, which this gridcc does not know" in str(run("db", "upgrade"))
    engine.dispose()


def test_processes_upgrading_at_once_queue_on_the_lock(env: dict[str, str], tmp_path: Path) -> None:
    engine = make_engine(env["DATABASE_URL"])
    gridcc = Path(sys.executable).with_name("gridcc")
    environ = {**os.environ, **env}
    environ.pop("REDIS_URL", None)
    with migrate.locked(engine) as conn:  # held while both start, so both wait on it
        procs = [
            subprocess.Popen(
                [str(gridcc), "db", "upgrade"],
                env=environ,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        deadline = time.monotonic() + 60
        while waiting(conn, procs, env["DATABASE_URL"]) < len(procs):
            assert time.monotonic() < deadline, "the upgrades never reached the lock"
            assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
            time.sleep(0.05)
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    said = sorted(out.splitlines()[-1].split(" (")[0] for out, _err in outs)
    assert said == [
        f"already at {migrate.head()}",
        f"upgraded from an empty database to {migrate.head()}",
    ]
    assert differences(engine) == []
    assert rows(engine, "alembic_version") == [(migrate.head(),)]
    assert len(rows(engine, "categories")) == len(load_catalog().categories)  # seeded once
    engine.dispose()


def waiting(conn: sa.Connection, procs: list[subprocess.Popen[str]], url: str) -> int:
    """How many of ``procs`` wait for the migration lock this connection holds (PostgreSQL:
    the lock's waiters; SQLite: the processes that opened the file, whose next step is the
    BEGIN that waits)."""
    if conn.dialect.name == "postgresql":
        return int(
            conn.execute(
                sa.text(
                    "SELECT count(*) FROM pg_locks w JOIN pg_locks h ON h.locktype = 'advisory' "
                    "AND h.pid = pg_backend_pid() AND h.granted AND w.classid = h.classid "
                    "AND w.objid = h.objid AND w.objsubid = h.objsubid "
                    "WHERE w.locktype = 'advisory' AND NOT w.granted"
                )
            ).scalar_one()
        )
    path = os.path.realpath(sa.make_url(url).database or "")
    return sum(1 for p in procs if path in _open_files(p.pid))


def _open_files(pid: int) -> set[str]:
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            found.add(os.readlink(fd))
        except OSError:
            continue
    return found
