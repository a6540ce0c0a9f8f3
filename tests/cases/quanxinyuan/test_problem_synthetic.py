"""The simulated month of 微治理: through the real steps, at the simulated times, labelled
synthetic, at the article's rate (40–80 problems solved a month)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from cases.clock import as_utc
from cases.photos import PhotoFiles
from cases.quanxinyuan import log
from cases.quanxinyuan.photos import QxyPhotos
from cases.quanxinyuan.platform import Places, Platform, SimClock
from cases.quanxinyuan.problem_synthetic import simulate_problems
from cases.quanxinyuan.problems import Problems, grid_locator
from cases.quanxinyuan.schema import problems, public_people
from cases.schema import cases
from feeds.intake import Intake


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A whole simulated month, on SQLite only: its every step is tested on PostgreSQL too
    (the area's own tests), and test_month.py runs every area's registry and a short month
    on PostgreSQL; a month there costs the suite ~20 s for no path the others miss."""
    yield f"sqlite:///{tmp_path / 'gridcc.db'}"


START = datetime(2026, 11, 1, tzinfo=UTC)


def test_a_simulated_month(store: Any, grid: Any, tmp_path: Any) -> None:
    places = Places(zip(grid.codes, grid.street_names, grid.community_names, strict=True))
    clock = SimClock(START)
    store.now = clock
    platform = Platform(store.engine, places, clock)
    desk = Problems(platform, QxyPhotos(PhotoFiles(tmp_path / "m")), grid_locator(grid))
    intake = Intake(store, grid)

    def make_case(body: dict[str, Any], sender: str) -> int:
        return int(intake.accept(body, sender=sender).case.id)

    counts = simulate_problems(desk, places, clock, random.Random(7), START, 30, make_case)
    assert counts["uploaded"] == counts["solved"] + counts["rejected"] + counts[
        "to_case"
    ] + counts.get("open_at_end", 0)
    assert 40 <= counts["solved"] <= 80, counts
    assert counts["to_case"] > 0 and counts["rejected"] > 0 and "refused" not in counts
    with platform.reading() as conn:
        rows = conn.execute(select(problems)).all()
        assert all(r.synthetic for r in rows) and len(rows) == counts["uploaded"]
        solved = [r for r in rows if r.state == "solved"]
        assert len(solved) == counts["solved"]
        made = conn.execute(
            select(func.count()).select_from(cases).where(cases.c.source == "wish")
        ).scalar_one()
        assert made == counts["to_case"]
        people = conn.execute(
            select(func.count()).select_from(public_people).where(public_people.c.synthetic)
        ).scalar_one()
        assert people == 300
        events = log.since(conn, 0, limit=10_000)
    times = [as_utc(e.at) for e in events]
    assert times[0] >= START - timedelta(hours=1) and times[-1] < START + timedelta(days=30)
    assert [e.seq for e in events] == sorted(e.seq for e in events)
    assert times == sorted(times)  # steps happened in simulated time order
