"""Shared fixtures. Real services only: SQLite files, the PostgreSQL and Redis servers.

Without a service a test skips with the reason; under CI (CI=true) it fails instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from cases.catalog import Catalog, load_catalog

if TYPE_CHECKING:
    from app import GridCC

POSTGRES_URL = os.environ.get(
    "GRIDCC_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
# Each pytest-xdist worker has a Redis database of its own (gw0: 15, gw1: 14, …): the Redis
# tests flush theirs before and after, and must never flush another worker's.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_URL = os.environ.get("GRIDCC_TEST_REDIS_URL", f"redis://127.0.0.1:6379/{15 - _WORKER}")
UNDER_CI = os.environ.get("CI", "").lower() == "true"


def missing_service(what: str, why: object) -> None:
    message = f"{what} is not available: {why}"
    if UNDER_CI:
        pytest.fail(f"{message} (under CI a missing service is a failure)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def grid():  # type: ignore[no-untyped-def]
    from geo.grid import load_default_grid

    return load_default_grid()


def _schema_url(schema: str) -> str:
    sep = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"


def postgres_schema_url() -> Iterator[str]:
    """A fresh schema in the test database; the URL points its search_path there."""
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        admin = sa.create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1))
        with admin.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    except Exception as exc:
        missing_service("PostgreSQL", exc)
    try:
        yield _schema_url(schema)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


class SchemaPool:
    """This test process's PostgreSQL schemas that hold the store's tables, emptied between
    tests. Making the ~40 tables and their indexes costs PostgreSQL ~0.5-0.8 s a schema (over
    700 tests run on PostgreSQL); emptying them, ~0.1 s. A lent schema has every table and
    no row, as a fresh store's first start leaves it before seeding (so ``create_schema``
    seeds it as on an empty database). It is lent again only if its shape is the one it was
    made with; a test that changed a table loses it. A test that needs a database without
    tables asks for ``empty_database_url``."""

    def __init__(self) -> None:
        import sqlalchemy as sa

        try:
            self.admin = sa.create_engine(
                POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1)
            )
            with self.admin.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except Exception as exc:
            missing_service("PostgreSQL", exc)
        self.free: list[str] = []
        self.made: list[str] = []
        self.shape: str | None = None

    def lend(self) -> Iterator[str]:
        schema = self.free.pop() if self.free else self._make()
        try:
            yield _schema_url(schema)
        finally:
            self._take_back(schema)

    def _make(self) -> str:
        from cases import migrate
        from cases.db import make_engine
        from cases.storage import metadata

        schema = f"t_{uuid.uuid4().hex[:12]}"
        with self.admin.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        self.made.append(schema)
        engine = make_engine(_schema_url(schema))
        try:
            migrate.open_schema(engine, metadata)
        finally:
            engine.dispose()
        if self.shape is None:
            self.shape = self._shape_of(schema)
        return schema

    def _shape_of(self, schema: str) -> str:
        """The schema's tables, columns, indexes, constraints and revision, as one text."""
        with self.admin.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT 'c', table_name, column_name, data_type, is_nullable,"
                " coalesce(column_default, '') FROM information_schema.columns"
                " WHERE table_schema = %(s)s"
                " UNION ALL SELECT 'i', tablename, indexname, indexdef, '', ''"
                " FROM pg_indexes WHERE schemaname = %(s)s"
                " UNION ALL SELECT 'k', table_name, constraint_name, constraint_type, '', ''"
                " FROM information_schema.table_constraints WHERE constraint_schema = %(s)s",
                {"s": schema},
            ).all()
            version = conn.exec_driver_sql(
                f"SELECT version_num FROM {schema}.alembic_version"
            ).all()
        # Defaults name the schema's own sequences: compare them without it.
        return repr((sorted(tuple(str(v).replace(schema, "") for v in r) for r in rows), version))

    def _take_back(self, schema: str) -> None:
        try:
            if self._shape_of(schema) != self.shape:
                raise ValueError("changed")
            with self.admin.begin() as conn:
                conn.exec_driver_sql("SET LOCAL lock_timeout = '5s'")
                tables = conn.exec_driver_sql(
                    "SELECT tablename FROM pg_tables WHERE schemaname = %(s)s"
                    " AND tablename <> 'alembic_version'",
                    {"s": schema},
                ).scalars()
                listed = ", ".join(f'{schema}."{t}"' for t in tables)
                conn.exec_driver_sql(f"TRUNCATE {listed} RESTART IDENTITY CASCADE")
        except Exception:
            self._drop(schema)
            return
        self.free.append(schema)

    def _drop(self, schema: str) -> None:
        with self.admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        self.made.remove(schema)

    def close(self) -> None:
        for schema in list(self.made):
            self._drop(schema)
        self.admin.dispose()


@pytest.fixture(scope="session")
def schema_pool() -> Iterator[SchemaPool]:
    pool = SchemaPool()
    yield pool
    pool.close()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The store's URL, once on a fresh SQLite file and once on a PostgreSQL schema with the
    store's tables and no row (``SchemaPool``)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'gridcc.db'}"
    else:
        yield from request.getfixturevalue("schema_pool").lend()


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database without tables, once on SQLite and once on PostgreSQL (a fresh schema):
    for the tests of making and upgrading the schema itself."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'gridcc.db'}"
    else:
        yield from postgres_schema_url()


@pytest.fixture
def store(database_url: str, catalog: Catalog):  # type: ignore[no-untyped-def]
    from cases.db import make_engine
    from cases.store import Store

    engine = make_engine(database_url)
    s = Store(engine, catalog)
    s.create_schema()
    yield s
    engine.dispose()


@pytest.fixture
def redis_url() -> Iterator[str]:
    """Real Redis on a dedicated database number, flushed before and after (as RQ does)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except Exception as exc:
        missing_service("Redis", exc)
    client.flushdb()
    yield REDIS_URL
    client.flushdb()
    client.close()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from postgres_schema_url()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def module_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """``database_url`` shared by a module's tests: for the many cases of a test that only
    reads, or whose every case leaves the store as it found it (one app per store, not one
    per case)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('store') / 'gridcc.db'}"
    else:
        yield from request.getfixturevalue("schema_pool").lend()


@pytest.fixture(scope="module")
def make_module_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., GridCC]]:
    """``make_app`` for a module's tests to share (see ``module_database_url``)."""
    yield from _app_maker(tmp_path_factory.mktemp("apps"))


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[..., GridCC]]:
    """Build gridcc instances as a test needs them: ``make_app(database_url, **settings)``
    (default: a fresh SQLite file). Settings come only from the arguments, never from the
    environment; every instance's store is closed afterwards."""
    yield from _app_maker(tmp_path)


def _app_maker(tmp_path: Path) -> Iterator[Callable[..., GridCC]]:
    from app import Settings, create_app

    built: list[GridCC] = []

    def make(database_url: str | None = None, **settings: Any) -> GridCC:
        url = database_url or f"sqlite:///{tmp_path / f'gridcc-{len(built)}.db'}"
        settings.setdefault("spool_dir", str(tmp_path / f"spool-{len(built)}"))
        settings.setdefault("media_dir", str(tmp_path / f"media-{len(built)}"))
        instance = create_app(Settings.from_env({}, database_url=url, **settings))
        built.append(instance)
        return instance

    yield make
    for instance in built:
        instance.close()


def _hypothesis_profiles() -> None:
    """Fuzz tests are reproducible under CI: the same examples every run, no example
    database; on a laptop hypothesis explores (and remembers what failed)."""
    from hypothesis import settings

    settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
    if UNDER_CI:
        settings.load_profile("ci")


_hypothesis_profiles()
