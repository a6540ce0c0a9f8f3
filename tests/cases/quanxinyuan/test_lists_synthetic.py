"""The synthetic lists: units' resources from what they offer, and a simulated month of
needs, accepted suggestions and projects to done, through the lists' own steps."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from cases.quanxinyuan.lists import Lists
from cases.quanxinyuan.lists_synthetic import simulate_lists, synthetic_resources
from cases.quanxinyuan.platform import Platform, SimClock
from cases.quanxinyuan.schema import needs, projects, qxy_events, resources, units


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A whole simulated month, on SQLite only: its every step is tested on PostgreSQL too
    (the area's own tests), and test_month.py runs every area's registry and a short month
    on PostgreSQL; a month there costs the suite ~20 s for no path the others miss."""
    yield f"sqlite:///{tmp_path / 'gridcc.db'}"


START = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)


def test_a_simulated_month(store: Any, platform: Platform) -> None:
    clock = SimClock(START)
    sim = Platform(store.engine, platform.places, clock)
    communities = sorted(sim.places.communities)
    rng = random.Random(14)
    with store.engine.begin() as conn:
        for i in range(40):
            conn.execute(
                insert(units).values(
                    id=f"syn-{i:03d}",
                    name=f"合成单位 {i}",
                    level="district",
                    community_code=communities[i * 2 % len(communities)],
                    offers=rng.sample(["elder", "child", "health", "repair", "goods"], k=2),
                    synthetic=True,
                    active=i != 39,  # an inactive unit offers nothing
                )
            )
    lists = Lists(sim)
    offered = synthetic_resources(lists, None, sim.places, rng)
    assert 39 <= offered <= 78
    counts = simulate_lists(lists, sim.places, clock, random.Random(7), START, 30)
    assert 50 <= counts["needs"] <= 140, counts
    assert 0 < counts["projects"] <= counts["suggested"] <= counts["needs"], counts
    assert 0 < counts["done"] <= counts["projects"], counts
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(needs)).scalar_one() == counts["needs"]
        assert (
            conn.execute(
                select(func.count()).select_from(projects).where(projects.c.state == "done")
            ).scalar_one()
            == counts["done"]
        )
        # never over-committed; all labelled synthetic
        rows = conn.execute(select(resources)).all()
        assert len(rows) == offered and all(r.committed <= r.capacity for r in rows)
        assert all(r.synthetic for r in rows)
        assert all(r.unit_id != "syn-039" for r in rows)
        assert (
            conn.execute(
                select(func.count()).select_from(needs).where(needs.c.synthetic.is_(False))
            ).scalar_one()
            == 0
        )
        stamps = [r.at for r in conn.execute(select(qxy_events.c.at).order_by(qxy_events.c.seq))]
    # Steps at the simulated time, in time order, within the month.
    lows = [s.replace(tzinfo=UTC) if s.tzinfo is None else s for s in stamps]
    assert lows == sorted(lows)
    assert lows[offered] >= START and lows[-1] < START + timedelta(days=30)
