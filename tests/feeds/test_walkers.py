"""Simulated grid workers walk inside their own cells and answer a call to a case."""

from __future__ import annotations

import shapely

from feeds.operations.walkers import Walkers
from geo.grid import Grid


def _walkers(grid: Grid, n: int = 40) -> Walkers:
    cells = [[grid.codes[i]] if i % 5 else [grid.codes[i], grid.codes[i + 1]] for i in range(n)]
    return Walkers(grid, [f"gw-{i}" for i in range(n)], cells, seed=3)


def test_walkers_stay_in_their_cells_and_move(grid: Grid) -> None:
    w = _walkers(grid)
    start = list(zip(w.lon.copy(), w.lat.copy(), strict=True))
    mine = [shapely.union_all([grid.geometries[grid.index_of(c)] for c in cs]) for cs in w.cells]
    hulls = [shapely.convex_hull(shape) for shape in mine]
    for _ in range(120):  # 30 minutes in 15 s steps
        w.step(15)
        for i, shape in enumerate(mine):
            # Every goal is inside the walker's cells; the straight way there may cross a
            # neighbour (a cell that is not convex, the way between a worker's two cells),
            # never leaving the hull of the walker's cells.
            assert shapely.contains_xy(shape, w.to_lon[i], w.to_lat[i])
            assert shapely.distance(hulls[i], shapely.Point(w.lon[i], w.lat[i])) < 1e-9
    moved = [(a, b) != (c, d) for (a, b), c, d in zip(start, w.lon, w.lat, strict=True)]
    assert sum(moved) >= len(moved) * 0.9


def test_a_called_walker_reaches_the_case_and_stays(grid: Grid) -> None:
    w = _walkers(grid)
    lon, lat = w.random_point([grid.codes[0]])
    far = w.call_to("gw-7", lon, lat)
    steps = 0
    while w.distance("gw-7", lon, lat) > 1.0:
        w.step(5)
        steps += 1
        assert steps < 2000
    assert abs(steps * 5 - far / max(w.speed[w.index("gw-7")], 1e-9)) <= 10
    for _ in range(20):
        w.step(15)
    assert w.distance("gw-7", lon, lat) < 1.0  # stays until released
    w.release("gw-7")
    for _ in range(20):
        w.step(15)
    assert w.distance("gw-7", lon, lat) > 1.0 or w.pause[w.index("gw-7")] > 0
