"""Tests for geo.generate: the synthetic starter grid of 历下区."""

import json
from collections import defaultdict

import numpy as np
import pytest
import shapely

from geo.generate import (
    ATTRIBUTION,
    COMMUNITY_COUNT,
    STREET_NAMES,
    GridCell,
    cells_to_grid,
    default_source_outline_path,
    generate_grid,
    generator_plane,
    read_outline_wgs84,
    sibling_order,
    write_grid_geojson,
    write_outline_geojson,
)
from geo.geojson import read_geometry, round_geometry
from geo.grid import Grid, default_grid_path, default_outline_path
from geo.metric import to_metric


@pytest.fixture(scope="module")
def cells() -> list[GridCell]:
    return generate_grid(default_source_outline_path(), seed=0)


@pytest.fixture(scope="module")
def grid(cells: list[GridCell]) -> Grid:
    return cells_to_grid(cells)


@pytest.fixture(scope="module")
def outline():
    return read_outline_wgs84(default_source_outline_path())


def _geoms(cells: list[GridCell]) -> np.ndarray:
    return np.array([c.geometry for c in cells], dtype=object)


def _km2(geoms) -> np.ndarray:
    return shapely.area(to_metric(np.asarray(geoms, dtype=object))) / 1e6


def test_outline_is_shifted_from_gcj02_to_wgs84(outline) -> None:
    gcj = read_geometry(default_source_outline_path())
    # GCJ-02 is offset about 0.006 deg east / 0.0004 deg north of WGS-84 in Jinan.
    dx = gcj.centroid.x - outline.centroid.x
    dy = gcj.centroid.y - outline.centroid.y
    assert 0.004 < dx < 0.008
    assert 0.0 < dy < 0.002
    # GCJ-02 is a smooth warp, not a pure shift: areas differ by a fraction of 1 %.
    assert outline.area == pytest.approx(gcj.area, rel=5e-3)


def test_counts_14_streets_88_communities_1000_cells(grid: Grid) -> None:
    assert len(grid.level_codes("street")) == 14
    assert len(grid.level_codes("community")) == COMMUNITY_COUNT == 88
    assert 1000 <= len(grid) <= 1300
    assert set(shapely.get_type_id(grid.geometries)) == {3}  # single Polygons
    assert shapely.is_valid(grid.geometries).all()


def test_the_fourteen_streets_and_the_article_communities(grid: Grid) -> None:
    pairs = set(zip(grid.street_codes, grid.street_names, strict=True))
    assert sorted(name for _, name in pairs) == sorted(f"{n}街道" for n in STREET_NAMES)
    communities = set(zip(grid.street_names, grid.community_names, strict=True))
    assert ("趵突泉街道", "舜耕路社区") in communities
    assert ("建筑新村街道", "和平新村社区") in communities
    assert len({c for _, c in communities}) == 88  # names unique in the district
    per_street = defaultdict(int)
    for street, _ in communities:
        per_street[street] += 1
    assert min(per_street.values()) >= 3


def test_cells_cover_the_district_exactly(grid: Grid, outline) -> None:
    assert shapely.coverage_is_valid(grid.geometries)  # no overlaps, borders shared exactly
    union = shapely.coverage_union_all(grid.geometries)
    assert shapely.area(grid.geometries).sum() == pytest.approx(union.area, rel=1e-9)
    assert union.geom_type == "Polygon"
    assert len(union.interiors) == 0  # no holes
    # Same shape as the converted outline, up to the 6-decimal rounding.
    metric_gap = shapely.hausdorff_distance(to_metric(union), to_metric(outline))
    assert metric_gap < 0.2


@pytest.mark.parametrize("level", ["community", "street"])
def test_units_nest_exactly(grid: Grid, level: str) -> None:
    units = grid.level_geometries(level)
    # Each unit is one piece, and units tile the district like the cells do.
    assert set(shapely.get_type_id(units)) == {3}
    assert shapely.coverage_is_valid(units)
    # Every cell lies in exactly one unit: its own.
    reps = shapely.point_on_surface(grid.geometries)
    hits = shapely.STRtree(units).query(reps, predicate="within")
    assert np.array_equal(np.sort(hits[0]), np.arange(len(grid)))
    np.testing.assert_array_equal(hits[1][np.argsort(hits[0])], grid.cell_level_index(level))
    assert shapely.covered_by(grid.geometries, units[grid.cell_level_index(level)]).all()


def test_each_community_in_one_street(grid: Grid) -> None:
    streets = grid.level_geometries("street")
    communities = grid.level_geometries("community")
    street_of = {}
    for comm_code, street_code in zip(grid.community_codes, grid.street_codes, strict=True):
        assert street_of.setdefault(comm_code, street_code) == street_code
    codes = grid.level_codes("street")
    for comm_code, geom in zip(grid.level_codes("community"), communities, strict=True):
        assert geom.covered_by(streets[codes.index(street_of[comm_code])])


def test_no_slivers(grid: Grid) -> None:
    areas = _km2(grid.geometries)
    index = grid.cell_level_index("community")
    for c in range(len(grid.level_codes("community"))):
        mine = areas[index == c]
        assert mine.min() >= 0.1 * np.median(mine)


def test_smaller_cells_in_the_old_city_west(grid: Grid) -> None:
    areas = _km2(grid.geometries)
    lon = shapely.get_x(shapely.centroid(grid.geometries))
    west = areas[lon < 117.05]
    east = areas[lon > 117.10]
    assert np.median(west) < 0.5 * np.median(east)
    assert 0.02 < np.median(west) < 0.08  # old-city cells, km²
    # Irregular, not a lattice: cells of a community differ in shape and size.
    assert np.std(areas) / np.mean(areas) > 0.3


def test_codes_format_and_consecutive_numbers(cells: list[GridCell]) -> None:
    codes = [c.code for c in cells]
    assert codes == sorted(codes)
    assert len(set(codes)) == len(codes)
    children: dict[str, list[int]] = defaultdict(list)
    for code in codes:
        assert len(code) == 15
        assert code.isdigit()
        assert code.startswith("370102")
        children[code[:12]].append(int(code[12:]))
    for numbers in children.values():
        assert numbers == list(range(1, len(numbers) + 1))
    streets = sorted({c[:9] for c in codes})
    assert streets == [f"370102{i:03d}" for i in range(1, 15)]
    for street in streets:
        comms = sorted({c[9:12] for c in codes if c.startswith(street)})
        assert comms == [f"{i:03d}" for i in range(1, len(comms) + 1)]
    for cell in cells:
        assert cell.street_code == cell.code[:9]
        assert cell.community_code == cell.code[:12]
        assert cell.name == f"{cell.street} {cell.community} {cell.code[12:]}网格"


def test_numbered_west_to_east_north_to_south(grid: Grid, outline) -> None:
    plane = generator_plane(outline)
    levels = (("street", None), ("community", 9), ("cell", 12))
    for level, parent_digits in levels:
        codes = grid.level_codes(level)
        geoms = grid.level_geometries(level)
        groups: dict[str, list[int]] = defaultdict(list)
        for i, code in enumerate(codes):
            groups[code[:parent_digits] if parent_digits else ""].append(i)
        for members in groups.values():
            order = sibling_order(geoms[members], plane)
            assert order.tolist() == list(range(len(members))), level
    # Within a community, the first cell is never south of the last one's row.
    first = grid.geometries[0].centroid
    same = [i for i, c in enumerate(grid.codes) if c[:12] == grid.codes[0][:12]]
    assert first.y >= grid.geometries[same[-1]].bounds[1]


def test_deterministic_for_a_seed(cells: list[GridCell]) -> None:
    again = generate_grid(seed=0)
    assert [c.code for c in again] == [c.code for c in cells]
    assert [c.name for c in again] == [c.name for c in cells]
    assert shapely.to_wkb(_geoms(again)).tolist() == shapely.to_wkb(_geoms(cells)).tolist()


def test_other_seed_gives_other_valid_grid(cells: list[GridCell]) -> None:
    other = generate_grid(seed=1)
    assert len(other) >= 1000
    assert len({c.community_code for c in other}) == 88
    assert shapely.coverage_is_valid(_geoms(other))
    assert shapely.to_wkb(_geoms(other)).tolist() != shapely.to_wkb(_geoms(cells)).tolist()


def test_target_cells_is_respected() -> None:
    small = generate_grid(target_cells=400)
    assert 370 <= len(small) <= 430
    assert len({c.community_code for c in small}) == 88
    with pytest.raises(ValueError, match="target_cells"):
        generate_grid(target_cells=10)


def test_write_and_reload(cells: list[GridCell], tmp_path) -> None:
    path = tmp_path / "grid.geojson"
    write_grid_geojson(cells, path)
    doc = json.loads(path.read_bytes())
    assert doc["synthetic"] is True
    assert doc["attribution"] == ATTRIBUTION
    props = doc["features"][0]["properties"]
    assert set(props) == {"code", "name", "street", "community", "street_code", "community_code"}
    assert props["street_code"] == props["code"][:9]
    grid = Grid.from_geojson(path)
    assert grid.synthetic is True
    assert grid.attribution == ATTRIBUTION
    assert grid.codes == [c.code for c in cells]
    assert grid.community_names == [c.community for c in cells]
    assert shapely.equals_exact(grid.geometries, _geoms(cells), tolerance=0.0).all()


def test_bundled_starter_grid_is_the_seed_0_output(cells: list[GridCell], outline) -> None:
    # Regenerate with: python -m geo.generate
    bundled = Grid.from_geojson(default_grid_path())
    assert bundled.codes == [c.code for c in cells]
    assert bundled.names == [c.name for c in cells]
    assert shapely.equals_exact(bundled.geometries, _geoms(cells), tolerance=0.0).all()
    assert default_grid_path().stat().st_size < 700_000
    # The bundled outline is the union of the cells: the grid fills it exactly,
    # and it is the converted source outline to within the rounding.
    bundled_outline = read_geometry(default_outline_path())
    assert bundled_outline.equals(shapely.coverage_union_all(_geoms(cells)))
    assert shapely.hausdorff_distance(to_metric(bundled_outline), to_metric(outline)) < 0.2


def test_write_outline_round_trip(outline, tmp_path) -> None:
    path = tmp_path / "outline.geojson"
    write_outline_geojson(outline, path)
    doc = json.loads(path.read_bytes())
    assert doc["features"][0]["properties"]["adcode"] == "370102"
    assert read_geometry(path).equals_exact(round_geometry(outline), tolerance=0.0)
