"""The synthetic teams and a simulated month of 微志愿 (SQLite and PostgreSQL): the
article's orders of size (300+ teams, 30–60 calls a month), every step through the API,
no call ever over-booked, and the counts read back from the log."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from cases.photos import PhotoFiles
from cases.quanxinyuan.call_synthetic import simulate_calls, synthetic_teams
from cases.quanxinyuan.calls import Calls
from cases.quanxinyuan.photos import QxyPhotos
from cases.quanxinyuan.platform import Platform, SimClock
from cases.quanxinyuan.schema import call_signups, calls, public_people
from cases.quanxinyuan.volunteers import Volunteers


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A whole simulated month, on SQLite only: its every step is tested on PostgreSQL too
    (the area's own tests), and test_month.py runs every area's registry and a short month
    on PostgreSQL; a month there costs the suite ~20 s for no path the others miss."""
    yield f"sqlite:///{tmp_path / 'gridcc.db'}"


def test_teams_and_a_simulated_month(store: Any, grid: Any, tmp_path: Path) -> None:
    from cases.quanxinyuan.platform import Places

    start = datetime(2026, 10, 1, tzinfo=UTC)
    clock = SimClock(start)
    places = Places(zip(grid.codes, grid.street_names, grid.community_names, strict=True))
    platform = Platform(store.engine, places, clock)
    volunteers = Volunteers(platform)
    added = synthetic_teams(volunteers, places, random.Random(14))
    assert 300 <= added <= 352 and volunteers.count_teams() == added
    assert synthetic_teams(volunteers, places, random.Random(14)) == 0  # once only
    members = volunteers.count_volunteers()
    assert added * 6 <= members <= added * 12
    with platform.reading() as conn:
        phones = [r.phone for r in conn.execute(select(public_people.c.phone))]
    assert all(p.startswith("1992") for p in phones)
    found = Calls(platform, QxyPhotos(PhotoFiles(tmp_path)))
    counts = simulate_calls(found, volunteers, places, clock, random.Random(3), start, 30)
    assert 30 <= counts["published"] <= 70, counts
    assert counts["signed_up"] > counts["published"] * 3, counts
    assert 0 < counts["reported"] <= counts["checked_in"] <= counts["signed_up"], counts
    assert counts["ended"] > 0 and counts["full"] > 0, counts
    with platform.reading() as conn:
        rows = conn.execute(select(calls.c.id, calls.c.signed, calls.c.wanted)).all()
        standing: dict[int, int] = dict(
            conn.execute(
                select(call_signups.c.call_id, func.count())
                .where(call_signups.c.cancelled_at.is_(None))
                .group_by(call_signups.c.call_id)
            ).all()
        )
    assert all(r.signed <= r.wanted and standing.get(r.id, 0) == r.signed for r in rows)
    print("simulated month of calls:", counts)
