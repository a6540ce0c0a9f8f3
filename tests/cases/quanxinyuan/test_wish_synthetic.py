"""Synthetic units and a simulated month of 微心愿 through the Wishes API (both stores)."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cases.photos import PhotoFiles
from cases.quanxinyuan.photos import QxyPhotos
from cases.quanxinyuan.platform import Places, Platform, SimClock
from cases.quanxinyuan.units import Units
from cases.quanxinyuan.wish_synthetic import PHONE_BASE, simulate_wishes, synthetic_units
from cases.quanxinyuan.wishes import Wishes


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A whole simulated month, on SQLite only: its every step is tested on PostgreSQL too
    (the area's own tests), and test_month.py runs every area's registry and a short month
    on PostgreSQL; a month there costs the suite ~20 s for no path the others miss."""
    yield f"sqlite:///{tmp_path / 'gridcc.db'}"


START = datetime(2026, 10, 1, 0, 0, tzinfo=UTC)


def test_synthetic_units_and_a_simulated_month(store: Any, grid: Any, tmp_path: Path) -> None:
    clock = SimClock(START)
    places = Places(zip(grid.codes, grid.street_names, grid.community_names, strict=True))
    platform = Platform(store.engine, places, clock)
    units = Units(platform)
    added = synthetic_units(units, places, random.Random(14))
    assert 1_150 <= added <= 1_300 and units.count() == added
    everyone = units.list()
    assert all(u.synthetic and u.offers for u in everyone)
    assert len({u.community_code for u in everyone}) == len(places.communities)
    assert {u.level for u in everyone} == {"province", "city", "district", "enterprise"}
    assert all(int(u.contact_phone) >= PHONE_BASE for u in everyone)
    assert synthetic_units(units, places, random.Random(14)) == 0  # again: replaced, none new
    wishes = Wishes(platform, QxyPhotos(PhotoFiles(tmp_path / "m")), units)
    began = time.perf_counter()
    counts = simulate_wishes(wishes, units, places, clock, random.Random(3), START, 30)
    took = time.perf_counter() - began
    print(f"simulated month of wishes: {counts} in {took:.1f} s")
    assert 180 <= counts["published"] <= 330
    assert 150 <= counts["fulfilled"] <= 260  # the article's rate: 150–250 a month
    assert counts["claimed"] >= counts["fulfilled"] >= counts["confirmed"] > 0
    assert counts["claims_expired"] > 0 and counts["withdrawn"] > 0
    began = time.perf_counter()
    synthetic = wishes.seen_by(places_actor())
    print(
        f"the center's list of {len(synthetic)} wishes read in {time.perf_counter() - began:.2f} s"
    )
    assert synthetic and all(w["synthetic"] for w in synthetic)


def places_actor() -> Any:
    from cases.actors import Actor, Role

    return Actor("op", Role.OPERATOR)
