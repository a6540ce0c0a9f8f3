"""Tests for geo.grid: loading the starter grid and locating points in cells."""

import json
import math
import re
import time

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from geo.coords import wgs84_to_bd09, wgs84_to_gcj02
from geo.grid import (
    Grid,
    Location,
    community_code,
    default_grid_path,
    default_outline_path,
    load_default_grid,
    street_code,
)
from geo.metric import to_metric


@pytest.fixture(scope="module")
def grid() -> Grid:
    return load_default_grid()


def _naive_locate(grid: Grid, lon: float, lat: float) -> int:
    """Reference answer: test every cell, smallest code wins on borders."""
    hits = np.flatnonzero(shapely.intersects(grid.geometries, shapely.Point(lon, lat)))
    if hits.size == 0:
        return -1
    return int(min(hits, key=lambda i: grid.codes[i]))


def _shared_vertices(grid: Grid, sharing: int) -> list[tuple[float, float, list[int]]]:
    """Vertices that lie on exactly `sharing` cells: (x, y, the cells)."""
    coords, index = shapely.get_coordinates(grid.geometries, return_index=True)
    per_cell = np.unique(np.column_stack([coords, index]), axis=0)  # drop ring closures
    keys, inverse, counts = np.unique(
        per_cell[:, :2], axis=0, return_inverse=True, return_counts=True
    )
    out = []
    for k in np.flatnonzero(counts == sharing)[:: max(1, int(counts.size // 4000))]:
        cells = per_cell[inverse.ravel() == k, 2].astype(int).tolist()
        out.append((float(keys[k, 0]), float(keys[k, 1]), cells))
        if len(out) >= 60:
            break
    return out


def test_load_is_fast_and_flags_synthetic() -> None:
    start = time.perf_counter()
    loaded = Grid.from_geojson(default_grid_path(), outline_path=default_outline_path())
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0  # typically ~25 ms; generous for slow CI machines
    assert loaded.synthetic is True
    assert "synthetic" in loaded.attribution
    assert "MIT" in loaded.attribution


def test_load_default_grid_is_cached(grid: Grid) -> None:
    assert load_default_grid() is grid


def test_cell_count_and_codes(grid: Grid) -> None:
    assert 1000 <= len(grid) <= 1300
    assert all(re.fullmatch(r"370102\d{9}", c) for c in grid.codes)
    assert len(set(grid.codes)) == len(grid)
    assert len(grid.names) == len(grid.street_names) == len(grid.community_names) == len(grid)
    assert grid.geometries.shape == (len(grid),)
    assert set(shapely.get_type_id(grid.geometries)) == {3}  # Polygons
    assert len({street_code(c) for c in grid.codes}) == 14
    assert street_code("370102011003012") == "370102011"
    assert community_code("370102011003012") == "370102011003"


def test_names_follow_codes(grid: Grid) -> None:
    for code, name, street, community in zip(
        grid.codes, grid.names, grid.street_names, grid.community_names, strict=True
    ):
        assert street.endswith("街道")
        assert community.endswith("社区")
        assert name == f"{street} {community} {code[12:]}网格"
    # one name per community code, one street name per street code
    assert len(set(zip(grid.community_codes, grid.community_names, strict=True))) == 88
    assert len(set(zip(grid.street_codes, grid.street_names, strict=True))) == 14


def test_index_of_and_len(grid: Grid) -> None:
    for i in (0, 1, len(grid) // 2, len(grid) - 1):
        assert grid.index_of(grid.codes[i]) == i
    with pytest.raises(KeyError, match="999999999999999"):
        grid.index_of("999999999999999")


def test_grid_is_read_only(grid: Grid) -> None:
    with pytest.raises(AttributeError):
        grid.synthetic = False
    with pytest.raises(ValueError):
        grid.geometries[0] = grid.geometries[1]


def test_representative_points_locate_to_their_cell(grid: Grid) -> None:
    reps = shapely.point_on_surface(grid.geometries)
    lons, lats = shapely.get_x(reps), shapely.get_y(reps)
    np.testing.assert_array_equal(grid.locate_many(lons, lats), np.arange(len(grid)))
    for i in range(0, len(grid), 97):
        loc = grid.locate(lons[i], lats[i])
        assert loc == Location(grid.codes[i], i, grid.codes[i], 0.0)
        assert loc.inside


def test_locate_accepts_gcj02_and_bd09_input(grid: Grid) -> None:
    i = len(grid) // 3
    rep = grid.geometries[i].representative_point()
    gx, gy = wgs84_to_gcj02(rep.x, rep.y)
    bx, by = wgs84_to_bd09(rep.x, rep.y)
    assert grid.locate(gx, gy, crs="gcj02").index == i
    assert grid.locate(bx, by, crs="BD09").index == i
    lon, lat = wgs84_to_gcj02(np.array([rep.x]), np.array([rep.y]))
    assert grid.locate_many(lon, lat, crs="gcj02").tolist() == [i]
    # Reading GCJ-02 input as WGS-84 lands several hundred metres away.
    assert grid.locate(gx, gy).index != i


@pytest.mark.parametrize("sharing", [2, 3])
def test_shared_border_and_corner_go_to_smallest_code(grid: Grid, sharing: int) -> None:
    found = _shared_vertices(grid, sharing)
    assert len(found) >= 20
    xs = np.array([f[0] for f in found])
    ys = np.array([f[1] for f in found])
    # Alone (exact path) and inside a large batch (bucket raster path).
    rng = np.random.default_rng(sharing)
    minx, miny, maxx, maxy = grid.bounds
    batch_x = np.concatenate([xs, rng.uniform(minx, maxx, 5000)])
    batch_y = np.concatenate([ys, rng.uniform(miny, maxy, 5000)])
    in_batch = grid.locate_many(batch_x, batch_y)[: len(xs)]
    for (x, y, cells), k in zip(found, in_batch, strict=True):
        point = shapely.Point(x, y)
        assert shapely.intersects(grid.geometries[cells], point).all()
        assert not shapely.contains_properly(grid.geometries[cells], point).any()
        expected = min(cells, key=lambda n: grid.codes[n])
        assert k == expected
        assert grid.locate(x, y).index == expected
        assert grid.locate_many([x], [y]).tolist() == [expected]


def test_tie_rule_uses_code_not_position(grid: Grid) -> None:
    # Same cells in reverse order: the smaller code is now the later index.
    n = len(grid)
    rev = Grid(
        grid.codes[::-1],
        grid.names[::-1],
        grid.street_names[::-1],
        grid.community_names[::-1],
        grid.geometries[::-1],
    )
    found = _shared_vertices(grid, 2)
    xs = np.array([f[0] for f in found] * 50)  # large enough for the bucket path
    ys = np.array([f[1] for f in found] * 50)
    many = rev.locate_many(xs, ys)
    for (x, y, cells), k in zip(found, many, strict=False):
        expected_code = min(grid.codes[c] for c in cells)
        assert rev.codes[k] == expected_code
        assert k == n - 1 - grid.index_of(expected_code)
        assert rev.locate(x, y).cell_code == expected_code


def test_far_point_gets_nearest_cell_and_distance(grid: Grid) -> None:
    loc = grid.locate(117.5, 36.0)
    assert loc.cell_code is None
    assert loc.index == -1
    assert not loc.inside
    assert loc.nearest_code in grid.codes
    # Hand estimate: the district's southern tip is near (117.126, 36.592).
    # dlon = 0.374 deg * 111.32 km * cos(36.3 deg) = 33.56 km
    # dlat = 0.592 deg * 110.95 km                 = 65.68 km
    # hypot -> 73.76 km
    assert loc.distance_m == pytest.approx(73_760.0, rel=0.05)
    # The nearest cell really is the nearest one (brute force in UTM 50N).
    projected = to_metric(grid.geometries)
    target = to_metric(shapely.Point(117.5, 36.0))
    brute = int(np.argmin(shapely.distance(projected, target)))
    assert loc.nearest_code == grid.codes[brute]


def test_point_just_outside_is_a_normal_result(grid: Grid) -> None:
    minx = grid.bounds[0]
    coords = shapely.get_coordinates(grid.geometries)
    west_y = float(coords[np.argmin(coords[:, 0]), 1])
    step = 0.001  # deg of longitude, ~89.5 m at this latitude
    loc = grid.locate(minx - step, west_y)
    assert loc.cell_code is None
    assert loc.nearest_code is not None
    expected_m = step * 111_320.0 * math.cos(math.radians(west_y))
    assert 0.0 < loc.distance_m <= expected_m * 1.01


def test_non_finite_input_is_outside(grid: Grid) -> None:
    loc = grid.locate(float("nan"), 36.6)
    assert loc == Location(None, -1, None, math.inf)
    out = grid.locate_many(np.array([[np.nan, 117.09], [np.inf, 0.0]]), np.zeros((2, 2)))
    assert out.shape == (2, 2)
    assert (out == -1).all()
    assert grid.locate_many(np.array([]), np.array([])).shape == (0,)


@pytest.mark.parametrize(
    ("lon", "lat"), [(-74.0, 40.7), (180.0, 0.0), (117.0, 90.0), (-63.0, -89.9), (1e10, 5.0)]
)
def test_absurd_points_never_raise(grid: Grid, lon: float, lat: float) -> None:
    loc = grid.locate(lon, lat)
    assert loc.cell_code is None
    assert loc.nearest_code in grid.codes
    assert 1e6 < loc.distance_m < 2.1e7  # beyond 1,000 km, within half the globe


def test_empty_grid_locates_nothing() -> None:
    empty = Grid([], [], [], [], [])
    assert len(empty) == 0
    assert empty.locate(117.05, 36.66) == Location(None, -1, None, math.inf)
    assert empty.locate_many([117.05], [36.66]).tolist() == [-1]
    assert json.loads(empty.cells_geojson())["features"] == []


def test_locate_many_agrees_with_naive_loop(grid: Grid) -> None:
    rng = np.random.default_rng(7)
    minx, miny, maxx, maxy = grid.bounds
    lons = rng.uniform(minx - 0.01, maxx + 0.01, 10_000)
    lats = rng.uniform(miny - 0.01, maxy + 0.01, 10_000)
    found = grid.locate_many(lons, lats)
    assert found.dtype.kind == "i"
    inside = (found >= 0).mean()
    assert 0.3 < inside < 0.8  # district fills about half of its bounding box
    for k in rng.choice(10_000, size=500, replace=False):
        assert found[k] == _naive_locate(grid, lons[k], lats[k])


def test_cells_geojson(grid: Grid) -> None:
    raw = grid.cells_geojson()
    assert grid.cells_geojson() is raw  # cached
    doc = json.loads(raw)
    assert doc["type"] == "FeatureCollection"
    features = doc["features"]
    assert len(features) == len(grid)
    assert [f["id"] for f in features] == grid.codes
    assert [f["properties"]["code"] for f in features] == grid.codes
    assert [f["properties"]["name"] for f in features] == grid.names
    assert b"\\u" not in raw  # Chinese kept as UTF-8, not escaped
    geoms = np.array([shape(f["geometry"]) for f in features])
    assert all(abs(round(v, 6) - v) < 1e-12 for v in shapely.get_coordinates(geoms[:50]).ravel())
    # Shared borders stay shared: the browser cells still form a clean coverage.
    assert shapely.coverage_is_valid(geoms)
    assert shapely.area(geoms).sum() == pytest.approx(shapely.area(grid.geometries).sum())


def test_outline_geojson(grid: Grid) -> None:
    doc = json.loads(grid.outline_geojson())
    assert len(doc["features"]) == 1
    line = shape(doc["features"][0]["geometry"])
    assert line.geom_type in ("LineString", "MultiLineString")
    assert line.bounds == pytest.approx(grid.bounds, abs=1e-6)


def test_bounds_and_center(grid: Grid) -> None:
    minx, miny, maxx, maxy = grid.bounds
    assert 116.9 < minx < maxx < 117.3
    assert 36.5 < miny < maxy < 36.8
    lon, lat = grid.center
    assert minx < lon < maxx
    assert miny < lat < maxy


def test_outline_defaults_to_union_of_cells(grid: Grid) -> None:
    bare = Grid(
        grid.codes[:3],
        grid.names[:3],
        grid.street_names[:3],
        grid.community_names[:3],
        grid.geometries[:3],
    )
    assert bare.synthetic is False
    assert bare.outline.area == pytest.approx(shapely.area(grid.geometries[:3]).sum())
    assert json.loads(bare.outline_geojson())["features"]


def test_constructor_validates(grid: Grid) -> None:
    geoms = list(grid.geometries[:2])
    with pytest.raises(ValueError, match="duplicate"):
        Grid(["370102001001001"] * 2, ["a", "b"], ["s", "s"], ["c", "c"], geoms)
    with pytest.raises(ValueError, match="15-digit"):
        Grid(["37010200100100", "370102001001002"], ["a", "b"], ["s", "s"], ["c", "c"], geoms)
    with pytest.raises(ValueError, match="length"):
        Grid(["370102001001001"], ["a", "b"], ["s", "s"], ["c", "c"], geoms)
    with pytest.raises(ValueError, match="Polygon"):
        Grid(["370102001001001"], ["a"], ["s"], ["c"], [shapely.Point(117, 36)])


def test_from_geojson_rejects_bad_files(tmp_path) -> None:
    bare = tmp_path / "bare.geojson"
    bare.write_text('{"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}')
    with pytest.raises(ValueError, match="FeatureCollection"):
        Grid.from_geojson(bare)
    missing = tmp_path / "missing.geojson"
    feature = {
        "type": "Feature",
        "properties": {"code": "370102001001001", "name": "x", "street": "s"},
        "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
    }
    missing.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with pytest.raises(ValueError, match="community"):
        Grid.from_geojson(missing)
