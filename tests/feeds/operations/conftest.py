"""Shared helpers for the simulated district's tests: a fixed Monday, fresh stores, logs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from cases import clock
from cases.catalog import Catalog
from cases.db import make_engine
from cases.schema import kpi_rollup
from cases.store import Store
from feeds.operations import OpsParams, OpsSummary, run_operations
from geo.grid import Grid

# A Monday at local midnight, so short runs see a working day's rhythm.
MONDAY = datetime(2026, 11, 2, tzinfo=clock.LOCAL_TZ)
# A Sunday (a rest day) at 03:00 local time: the quietest hour of the week.
SUNDAY_3AM = datetime(2026, 11, 29, 3, 0, tzinfo=clock.LOCAL_TZ)


def fresh_store(path: Path, catalog: Catalog) -> Store:
    store = Store(make_engine(f"sqlite:///{path / 'ops.db'}"), catalog)
    store.create_schema()
    return store


def event_log(store: Store) -> list[tuple[Any, ...]]:
    """The whole log, in a form equal across SQLite and PostgreSQL (instants in UTC)."""
    events = store.events_since(0, limit=1_000_000)
    return [
        (e.seq, e.kind, e.case_id, clock.as_utc(e.at), e.actor, e.to_status, e.reason, e.data)
        for e in events
    ]


def rollup_rows(store: Store) -> list[tuple[Any, ...]]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(kpi_rollup)).all()
    return sorted(tuple(r) for r in rows)


class FakeClock:
    """A clock for live runs (and the store): ``sleep`` moves it on instead of waiting."""

    def __init__(self, start: datetime) -> None:
        self.moment = start.astimezone(UTC)  # what a store's clock gives
        self.slept = 0.0

    def now(self) -> datetime:
        return self.moment

    def sleep(self, seconds: float) -> bool:
        self.moment += timedelta(seconds=seconds)
        self.slept += seconds
        return False


@pytest.fixture(scope="module")
def busy(
    tmp_path_factory: pytest.TempPathFactory, grid: Grid, catalog: Catalog
) -> tuple[Store, OpsSummary]:
    """Two days at a raised rate, thin staff and raised side-path probabilities."""
    store = fresh_store(tmp_path_factory.mktemp("busy"), catalog)
    params = OpsParams(
        capacity_scale=0.5,
        void_p=0.05,
        return_scale=4.0,
        rework_scale=4.0,
        extend_scale=3.0,
    )
    summary = run_operations(
        store, grid, days=2, reports_per_day=80, seed=11, start=MONDAY, params=params
    )
    return store, summary
