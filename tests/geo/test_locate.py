"""Tests for geo.locate: the bucket raster agrees with the exact test everywhere."""

import numpy as np
import pytest
import shapely

from geo.grid import Grid
from geo.locate import MIXED, BucketIndex, exact_locate


def _grid(geoms: list, codes: list[str] | None = None) -> Grid:
    n = len(geoms)
    codes = codes or [f"370102001001{i + 1:03d}" for i in range(n)]
    return Grid(codes, codes, ["s"] * n, ["c"] * n, geoms)


def _exact(grid: Grid, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return exact_locate(shapely.STRtree(grid.geometries), grid._rank, x, y)


def _lattice(n: int, size: float = 0.01) -> list:
    return [
        shapely.box(117 + i * size, 36.6 + j * size, 117 + (i + 1) * size, 36.6 + (j + 1) * size)
        for j in range(n)
        for i in range(n)
    ]


def test_random_points_agree_with_exact_test() -> None:
    rng = np.random.default_rng(0)
    # Irregular cells: Voronoi regions, plus a cell with a hole and one in two parts.
    seeds = shapely.multipoints(rng.uniform([117.0, 36.6], [117.05, 36.65], size=(60, 2)))
    box = shapely.box(117.0, 36.6, 117.05, 36.65)
    cells = list(shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=box)))
    cells = [shapely.intersection(c, box) for c in cells]
    donut = shapely.box(117.06, 36.6, 117.08, 36.62).difference(
        shapely.box(117.065, 36.605, 117.075, 36.615)
    )
    two = shapely.union_all(
        [shapely.box(117.09, 36.6, 117.1, 36.61), shapely.box(117.11, 36.6, 117.12, 36.61)]
    )
    grid = _grid([*cells, donut, two])
    x = rng.uniform(116.99, 117.13, 50_000)
    y = rng.uniform(36.59, 36.66, 50_000)
    found = grid.locate_many(x, y)
    np.testing.assert_array_equal(found, _exact(grid, x, y))
    assert (found == len(cells)).any()  # some points in the donut
    hole = grid.locate_many(np.full(3000, 117.07), np.full(3000, 36.61))
    assert (hole == -1).all()


def test_points_exactly_on_borders_and_vertices() -> None:
    grid = _grid(_lattice(6))
    coords = shapely.get_coordinates(grid.geometries)
    mids = (coords[:-1] + coords[1:]) / 2
    pts = np.vstack([coords, mids, [[117.0, 36.6], [117.06, 36.66]]])
    reps = np.repeat(pts, 10, axis=0)  # enough points for the raster path
    found = grid.locate_many(reps[:, 0], reps[:, 1])
    np.testing.assert_array_equal(found, _exact(grid, reps[:, 0], reps[:, 1]))
    # The shared corner of four cells goes to the smallest code.
    cx, cy = grid.geometries[14].exterior.coords[0]  # a corner of an inner cell
    corner = grid.locate_many(np.full(4000, cx), np.full(4000, cy))
    touching = np.flatnonzero(shapely.intersects(grid.geometries, shapely.Point(cx, cy)))
    assert len(touching) == 4
    assert (corner == min(touching, key=lambda i: grid.codes[i])).all()


def test_buckets_never_claim_a_border() -> None:
    grid = _grid(_lattice(5))
    index = BucketIndex(grid.geometries)
    # Every bucket that a cell border touches must be MIXED.
    lines = shapely.boundary(grid.geometries)
    x0, y0 = index.origin
    rows, cols = index.shape
    s = index.side
    for r in range(0, rows, max(1, rows // 40)):
        for c in range(0, cols, max(1, cols // 40)):
            box = shapely.box(x0 + c * s, y0 + r * s, x0 + (c + 1) * s, y0 + (r + 1) * s)
            if shapely.intersects(lines, box).any():
                assert index.table[r, c] == MIXED


def test_overlapping_cells_still_follow_the_tie_rule() -> None:
    a = shapely.box(117.0, 36.6, 117.02, 36.62)
    b = shapely.box(117.01, 36.6, 117.03, 36.62)
    grid = _grid([b, a], codes=["370102001001002", "370102001001001"])
    x = np.full(5000, 117.015)  # inside both: the smaller code (a, index 1) wins
    y = np.linspace(36.601, 36.619, 5000)
    assert (grid.locate_many(x, y) == 1).all()


def test_nonfinite_and_outside_points_in_large_batches() -> None:
    grid = _grid(_lattice(3))
    x = np.array([np.nan, np.inf, 0.0, 117.015, 200.0] * 1000)
    y = np.array([36.61, 36.61, 0.0, 36.615, 36.61] * 1000)
    found = grid.locate_many(x, y)
    assert (found.reshape(-1, 5) == [-1, -1, -1, 4, -1]).all()  # the middle cell


@pytest.mark.parametrize("n", [1, 2])
def test_tiny_grids(n: int) -> None:
    grid = _grid(_lattice(n))
    x = np.linspace(116.99, 117.03, 4000)
    y = np.full(4000, 36.605)
    np.testing.assert_array_equal(grid.locate_many(x, y), _exact(grid, x, y))
