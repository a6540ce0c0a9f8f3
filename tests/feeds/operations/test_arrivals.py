"""When reports come: the rate is a parameter, the day has a rhythm, live has a floor."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import islice

import numpy as np

from cases import clock
from cases.catalog import Catalog
from feeds.operations import DayRhythm, arrival_times
from feeds.operations.arrivals import arrivals
from feeds.simulator import Simulator
from geo.grid import Grid
from tests.feeds.operations.conftest import MONDAY, SUNDAY_3AM


def test_rate_is_a_parameter(grid: Grid, catalog: Catalog) -> None:
    rhythm = Simulator(grid, catalog).rhythm
    start = MONDAY.timestamp()

    def draw(rate: float, seed: int = 0) -> np.ndarray:
        return arrival_times(start, 28, rate, rhythm, np.random.default_rng(seed))

    low, high = draw(45), draw(450)
    assert 45 * 28 * 0.9 < len(low) < 45 * 28 * 1.1
    assert 9.0 < len(high) / len(low) < 11.0
    assert np.all(np.diff(high) >= 0) and start <= high[0] and high[-1] < start + 28 * 86400
    assert not np.array_equal(draw(45, 1), low)
    # Weekends are quieter, days busier than nights (local time).
    local = [datetime.fromtimestamp(t, clock.LOCAL_TZ) for t in high]
    weekday = sum(d.weekday() < 5 for d in local) / 20
    weekend = sum(d.weekday() >= 5 for d in local) / 8
    assert 0.5 < weekend / weekday < 0.7
    assert sum(9 <= d.hour < 17 for d in local) > 5 * sum(d.hour < 6 for d in local)


def test_the_live_floor_keeps_every_hour_at_least_at_the_rate(grid: Grid, catalog: Catalog) -> None:
    hourly = Simulator(grid, catalog).rhythm
    district, live = DayRhythm(hourly), DayRhythm(hourly, floor=1.0)
    week = [(MONDAY + timedelta(hours=h)).timestamp() for h in range(7 * 24)]
    quietest = SUNDAY_3AM.timestamp()
    # The district itself: quiet in a Sunday night, busy on a working morning.
    assert district.at(quietest) < 0.1
    ten_am = (MONDAY + timedelta(hours=10)).timestamp()
    assert district.at(ten_am) > 1.8
    assert abs(district.week_mean() - 1.0) < 1e-9
    # Live: never below the rate, and the day's shape above it.
    assert min(live.at(t) for t in week) == live.at(quietest) == 1.0
    assert live.at(ten_am) == district.at(ten_am)
    assert 1.0 < live.week_mean() < 1.5


def test_arrivals_are_drawn_as_they_are_needed(grid: Grid, catalog: Catalog) -> None:
    """A live district at thousands a minute for weeks never draws them all up front."""
    rhythm = DayRhythm(Simulator(grid, catalog).rhythm, floor=1.0)
    start = SUNDAY_3AM.timestamp()
    stream = arrivals(start, 6000 * 24 * 60, rhythm, np.random.default_rng(0))
    first = list(islice(stream, 5000))
    assert len(first) == 5000 and first == sorted(first) and start <= first[0]
    # at 6,000 a minute (the floor at 03:00), 5,000 reports take about 50 s
    assert 40 < first[-1] - start < 60
    assert list(arrivals(start, 0, rhythm, np.random.default_rng(0))) == []


def test_arrival_times_is_the_stream_over_a_span(grid: Grid, catalog: Catalog) -> None:
    hourly = Simulator(grid, catalog).rhythm
    start = MONDAY.timestamp()
    span = arrival_times(start, 3, 200, hourly, np.random.default_rng(4))
    stream = arrivals(start, 200, DayRhythm(hourly), np.random.default_rng(4))
    assert span.tolist() == list(islice(stream, len(span)))
