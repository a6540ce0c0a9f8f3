"""Simulated days of the district's work, written as fast as the store takes them.

The store's clock is the simulated one while they are written, so every stored time
(report, actions, SLA fields, the KPI rollup) is what those days would have left.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from cases import clock
from cases.store import Store
from feeds.intake import Intake
from feeds.operations.district import District
from feeds.operations.parameters import OpsParams
from feeds.operations.summary import OpsSummary, summarize
from geo.grid import Grid


def default_start(days: float, now: datetime | None = None) -> datetime:
    """Local (Asia/Shanghai) midnight ``days`` days before ``now``: a run ends by now."""
    return clock.local_day_start((now or clock.utcnow()) - timedelta(days=days))


def run_operations(
    store: Store,
    grid: Grid,
    *,
    days: float,
    reports_per_day: float = 45,
    seed: int = 0,
    start: datetime | None = None,
    params: OpsParams | None = None,
    progress: Callable[[float], None] | None = None,
    intake: Intake | None = None,
    worker_of: Callable[[str], str | None] | None = None,
) -> OpsSummary:
    """Simulate ``days`` of the center's work into ``store``, as fast as it can write.

    The store's clock is the simulated one during the run (every stored time is
    simulated time) and is restored afterwards. Same seed on the same empty store: the
    same cases and the same event log. ``start`` (timezone-aware) defaults to local
    midnight ``days`` days ago; cases still open at the end stay open. Reports go through
    ``intake`` (by default an ``Intake`` on ``store`` and ``grid``). ``worker_of`` names a
    cell's grid worker (a person id), who answers its urgent cases.
    """
    if days <= 0:
        raise ValueError("days must be positive")
    if reports_per_day < 0:
        raise ValueError("reports_per_day must not be negative")
    begin = clock.as_utc(start) if start is not None else default_start(days)
    t0 = begin.timestamp()
    t1 = t0 + days * clock.DAY_S
    first_seq = store.last_seq()
    district = District(
        store, grid, params or OpsParams(), seed, t0, t1, intake=intake, progress=progress
    )
    if worker_of is not None:
        district.responders.worker_of = worker_of
    saved_now = store.now
    store.now = lambda: district.moment
    started = time.perf_counter()
    try:
        district.begin(reports_per_day)
        district.step_until(t1)
    finally:
        store.now = saved_now
    if progress is not None:
        progress(1.0)
    return summarize(
        district,
        end=t1,
        days=days,
        reports_per_day=reports_per_day,
        events=store.last_seq() - first_seq,
        started=started,
    )
