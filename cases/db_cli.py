"""``gridcc db upgrade`` and ``gridcc db current``: the store's schema, from a shell on the
server (``cases.migrate``). Run ``upgrade`` once after installing a release, before
starting its processes; a process never upgrades by itself (it refuses a store behind)."""

from __future__ import annotations

import argparse
from typing import Any

from cases import migrate


def _engine() -> Any:
    from app import Settings
    from cases.db import make_engine

    return make_engine(Settings.from_env().database_url)


def _upgrade(_args: argparse.Namespace) -> None:
    """Bring the store to this release's schema, then seed what a new store needs."""
    from cases.store import Store

    engine = _engine()
    try:
        was, now = migrate.upgrade(engine)
        Store(engine).create_schema()  # at the newest now: only the seed rows it lacks
    except (migrate.StoreOutdated, migrate.StoreUnknown) as exc:
        raise SystemExit(f"gridcc db upgrade: {exc}") from None
    finally:
        engine.dispose()
    if was == now:
        print(f"already at {now} (the newest)")
    else:
        print(f"upgraded from {_said(was)} to {now} (the newest)")


def _current(_args: argparse.Namespace) -> None:
    """Where the store stands against this release."""
    engine = _engine()
    try:
        found = migrate.current(engine)
    finally:
        engine.dispose()
    newest = migrate.head()
    if found == newest:
        print(f"{found} (the newest)")
    elif found == migrate.EMPTY:
        print(f"empty (the first start, or `{migrate.UPGRADE_COMMAND}`, makes revision {newest})")
    else:
        print(f"{_said(found)}; this release needs {newest}: run `{migrate.UPGRADE_COMMAND}`")


def _said(state: str) -> str:
    return {
        migrate.EMPTY: "an empty database",
        migrate.UNVERSIONED: "the schema of the release before migrations",
    }.get(state, state)


def register(subparsers: Any) -> None:
    db = subparsers.add_parser("db", help="the store's schema (migrations)")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    p = db_sub.add_parser("upgrade", help="bring the store to this release's schema")
    p.set_defaults(func=_upgrade)
    p = db_sub.add_parser("current", help="the store's schema revision")
    p.set_defaults(func=_current)
