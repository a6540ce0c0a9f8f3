"""Cases written straight into a store for the wall's browser tests, each at its own report
time (the store's clock set to it, as feeds/operations does), before the server starts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from cases.db import make_engine
from cases.model import Case, Report
from cases.store import Store
from cases.users import UserDirectory
from cases.workflow import Actor, Role
from geo.grid import Grid

OPERATOR = Actor("op-e2e", Role.OPERATOR)
PASSWORD = "tall-grass-91-river"


@contextmanager
def opened_store(url: str) -> Iterator[Store]:
    store = Store(make_engine(url))
    store.create_schema()
    try:
        yield store
    finally:
        store.engine.dispose()


def open_case(
    store: Store, grid: Grid, category: str, age: timedelta, index: int, description: str = "e2e"
) -> Case:
    """A case of ``category`` in cell ``index``, reported ``age`` ago."""
    lon, lat = grid.geometries[index].representative_point().coords[0]
    saved = store.now
    store.now = lambda: datetime.now(UTC) - age
    try:
        case, _ = store.open_case(
            Report("patrol", category, description, lon, lat, grid.codes[index], grid.names[index])
        )
    finally:
        store.now = saved
    return case


def close_case(store: Store, case: Case, at: datetime) -> None:
    """File, dispatch, accept, handle, verify and close ``case``, all at ``at``."""
    liaison = Actor("li-e2e", Role.LIAISON, department=case.department)
    saved = store.now
    store.now = lambda: at
    try:
        for name, actor in (
            ("file", OPERATOR),
            ("dispatch", OPERATOR),
            ("accept", liaison),
            ("handle", liaison),
            ("verify", OPERATOR),
            ("close", OPERATOR),
        ):
            store.apply(case.id, name, actor)
    finally:
        store.now = saved


def add_operator(url: str, name: str = "op") -> None:
    engine = make_engine(url)
    try:
        UserDirectory(engine).add(name, Role.OPERATOR, PASSWORD)
    finally:
        engine.dispose()


def signed_in(base: str, name: str = "op") -> Any:
    """A requests session signed in as ``name``, sending its CSRF token as a page does."""
    import requests

    session = requests.Session()
    r = session.post(base + "/api/login", json={"username": name, "password": PASSWORD}, timeout=10)
    assert r.status_code == 200, r.text
    session.headers["X-CSRFToken"] = r.json()["csrf_token"]
    return session
