"""Tests for the map levels of a grid: codes, index, dissolved display GeoJSON."""

import json

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from geo.grid import Grid, load_default_grid


@pytest.fixture(scope="module")
def grid() -> Grid:
    return load_default_grid()


def _square(x: float, y: float, size: float = 1.0) -> shapely.Polygon:
    return shapely.box(x, y, x + size, y + size)


def _tiny_grid() -> Grid:
    """Two streets; street 001 has communities 001 (2 cells) and 002 (1 cell)."""
    codes = ["370102001001001", "370102001001002", "370102001002001", "370102002001001"]
    geoms = [_square(0, 0), _square(1, 0), _square(0, 1), _square(1, 1)]
    return Grid(
        codes,
        [f"n{i}" for i in range(4)],
        ["甲街道", "甲街道", "甲街道", "乙街道"],
        ["一社区", "一社区", "二社区", "一社区"],
        geoms,
    )


def test_level_codes_names_and_index_by_hand() -> None:
    tiny = _tiny_grid()
    assert tiny.level_codes("cell") == tiny.codes
    assert tiny.level_codes("community") == ["370102001001", "370102001002", "370102002001"]
    assert tiny.level_codes("street") == ["370102001", "370102002"]
    assert tiny.level_names("street") == ["甲街道", "乙街道"]
    assert tiny.level_names("community") == ["甲街道 一社区", "甲街道 二社区", "乙街道 一社区"]
    assert tiny.cell_level_index("cell").tolist() == [0, 1, 2, 3]
    assert tiny.cell_level_index("community").tolist() == [0, 0, 1, 2]
    assert tiny.cell_level_index("street").tolist() == [0, 0, 0, 1]
    open_cases = np.array([3, 1, 0, 5])
    per_street = np.bincount(tiny.cell_level_index("street"), weights=open_cases)
    assert per_street.tolist() == [4, 5]
    with pytest.raises(ValueError, match="level"):
        tiny.level_codes("district")
    with pytest.raises(ValueError):
        tiny.cell_level_index("street")[0] = 1  # read-only


def test_dissolved_shapes_by_hand() -> None:
    tiny = _tiny_grid()
    community = tiny.level_geometries("community")
    assert community[0].equals(shapely.box(0, 0, 2, 1))
    street = tiny.level_geometries("street")
    assert street[0].equals(shapely.union_all([_square(0, 0), _square(1, 0), _square(0, 1)]))
    assert street[1].equals(_square(1, 1))


def test_explicit_hierarchy_codes_must_nest() -> None:
    geoms = [_square(0, 0), _square(1, 0)]
    with pytest.raises(ValueError, match="two streets"):
        Grid(
            ["370102001001001", "370102001001002"],
            ["a", "b"],
            ["s", "t"],
            ["c", "c"],
            geoms,
            street_codes=["370102001", "370102002"],
            community_codes=["370102001001", "370102001001"],
        )


def test_default_grid_levels(grid: Grid) -> None:
    assert len(grid.level_codes("street")) == 14
    assert len(grid.level_codes("community")) == 88
    assert grid.street_codes == [c[:9] for c in grid.codes]
    assert grid.community_codes == [c[:12] for c in grid.codes]
    for level, digits in (("community", 12), ("street", 9)):
        codes = grid.level_codes(level)
        index = grid.cell_level_index(level)
        assert [codes[i] for i in index] == [c[:digits] for c in grid.codes]


@pytest.mark.parametrize("level", ["cell", "community", "street"])
def test_level_geojson_keeps_a_clean_coverage(grid: Grid, level: str) -> None:
    raw = grid.level_geojson(level)
    assert grid.level_geojson(level) is raw  # cached
    doc = json.loads(raw)
    assert doc["level"] == level
    assert doc["synthetic"] is True
    assert "synthetic" in doc["attribution"]
    features = doc["features"]
    assert [f["id"] for f in features] == grid.level_codes(level)
    assert [f["properties"]["name"] for f in features] == grid.level_names(level)
    geoms = np.array([shape(f["geometry"]) for f in features])
    assert shapely.is_valid(geoms).all()
    # Simplified together: neighbours still share borders exactly.
    assert shapely.coverage_is_valid(geoms)
    full = grid.level_geometries(level)
    assert shapely.area(geoms).sum() == pytest.approx(shapely.area(full).sum(), rel=1e-3)
    # Each displayed unit stays where it was (4e-5 deg tolerance, about 4 m).
    assert shapely.hausdorff_distance(geoms[0], full[0]) < 1e-4


def test_display_is_lighter_than_full_detail(grid: Grid) -> None:
    doc = json.loads(grid.level_geojson("street"))
    shown = sum(len(shapely.get_coordinates(shape(f["geometry"]))) for f in doc["features"])
    full = len(shapely.get_coordinates(grid.level_geometries("street")))
    assert shown < full
    assert len(grid.level_geojson("street")) < len(grid.level_geojson("cell")) / 5


def test_cells_geojson_is_the_cell_level(grid: Grid) -> None:
    assert grid.cells_geojson() == grid.level_geojson("cell")


def test_etag_follows_the_bytes(grid: Grid) -> None:
    tags = {grid.level_etag(level) for level in ("cell", "community", "street")}
    assert len(tags) == 3
    assert all(len(t) == 16 for t in tags)
    tiny = _tiny_grid()
    assert tiny.level_etag("cell") not in tags
    assert tiny.level_etag("cell") == _tiny_grid().level_etag("cell")


def test_overlapping_cells_are_dissolved_and_not_simplified() -> None:
    # Not a coverage: display falls back to full detail rather than breaking.
    codes = ["370102001001001", "370102001001002"]
    geoms = [shapely.box(0, 0, 2, 1), shapely.box(1, 0, 3, 1)]
    bad = Grid(codes, ["a", "b"], ["s", "s"], ["c", "c"], geoms)
    doc = json.loads(bad.level_geojson("community"))
    assert shape(doc["features"][0]["geometry"]).equals(shapely.box(0, 0, 3, 1))
    cells = [shape(f["geometry"]) for f in json.loads(bad.level_geojson("cell"))["features"]]
    assert cells[0].equals(geoms[0])
