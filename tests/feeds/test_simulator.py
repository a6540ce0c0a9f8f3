from __future__ import annotations

from collections import Counter

from cases.catalog import Catalog
from feeds.intake import parse_report
from feeds.simulator import Simulator, SimulatorLoop
from geo.grid import Grid


def test_same_seed_same_reports(grid: Grid, catalog: Catalog) -> None:
    a = Simulator(grid, catalog, seed=7).reports(50)
    b = Simulator(grid, catalog, seed=7).reports(50)
    c = Simulator(grid, catalog, seed=8).reports(50)
    assert a == b
    assert a != c


def test_reports_are_valid_inside_the_grid_and_follow_the_mix(grid: Grid, catalog: Catalog) -> None:
    reports = Simulator(grid, catalog, seed=1).reports(2000)
    for body in reports[:200]:
        parse_report(body, catalog)  # raises on anything the intake would refuse
    cells = grid.locate_many([r["lon"] for r in reports], [r["lat"] for r in reports])
    assert (cells >= 0).all()
    # Hot spots: the busiest tenth of the touched cells carries a large share of reports.
    per_cell = sorted(Counter(cells.tolist()).values(), reverse=True)
    assert sum(per_cell[: len(per_cell) // 10]) > 0.3 * len(reports)
    # The catalog's weights shape the mix: exposed garbage (weight 14) beats open burning (1).
    mix = Counter(r["category"] for r in reports)
    assert mix["SR01"] > 5 * mix["SR11"]
    assert len({r["report_id"] for r in reports}) == len(reports)


def test_daytime_is_busier_than_night(grid: Grid, catalog: Catalog) -> None:
    from datetime import UTC, datetime

    sim = Simulator(grid, catalog)
    ten_am = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    three_am = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)  # 03:00 in Shanghai
    assert sim.rhythm(ten_am) > 5 * sim.rhythm(three_am)


def test_loop_submits_until_its_limit(grid: Grid, catalog: Catalog) -> None:
    sent: list[dict[str, object]] = []
    waits: list[float] = []
    loop = SimulatorLoop(
        Simulator(grid, catalog, seed=3),
        submit=sent.append,
        rate_per_minute=600,
        sleep=waits.append,
    )
    assert loop.run(limit=25) == 25
    assert len(sent) == 25 and len(waits) == 25
    # Exponential gaps around the rate (600/min ≈ 0.1 s, times the hour's rhythm).
    assert 0.005 < sum(waits) / len(waits) < 2.0
