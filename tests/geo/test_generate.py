"""Tests for geo.generate: the synthetic starter grid."""

import json
from collections import defaultdict

import numpy as np
import pytest
import shapely

from geo.generate import (
    ATTRIBUTION,
    COMMUNITIES_PER_STREET,
    STREET_NAMES,
    GridCell,
    cells_to_grid,
    default_source_outline_path,
    generate_grid,
    read_outline_wgs84,
    write_grid_geojson,
    write_outline_geojson,
)
from geo.geojson import read_geometry, round_geometry
from geo.grid import Grid, default_grid_path, default_outline_path


@pytest.fixture(scope="module")
def cells() -> list[GridCell]:
    return generate_grid(default_source_outline_path(), seed=0)


@pytest.fixture(scope="module")
def outline():
    return read_outline_wgs84(default_source_outline_path())


def _geoms(cells: list[GridCell]) -> np.ndarray:
    return np.array([c.geometry for c in cells], dtype=object)


def test_outline_is_shifted_from_gcj02_to_wgs84(outline) -> None:
    gcj = read_geometry(default_source_outline_path())
    # GCJ-02 is offset about 0.006 deg east / 0.0004 deg north of WGS-84 in Jinan.
    dx = gcj.centroid.x - outline.centroid.x
    dy = gcj.centroid.y - outline.centroid.y
    assert 0.004 < dx < 0.008
    assert 0.0 < dy < 0.002
    # GCJ-02 is a smooth warp, not a pure shift: areas differ by a fraction of 1 %.
    assert outline.area == pytest.approx(gcj.area, rel=5e-3)


def test_cell_count_and_polygons(cells: list[GridCell]) -> None:
    assert 900 <= len(cells) <= 1300
    geoms = _geoms(cells)
    assert set(shapely.get_type_id(geoms)) == {3}
    assert shapely.is_valid(geoms).all()


def test_cells_cover_the_district_exactly(cells: list[GridCell], outline) -> None:
    geoms = _geoms(cells)
    assert shapely.coverage_is_valid(geoms)  # no overlaps, borders shared vertex for vertex
    assert shapely.area(geoms).sum() == pytest.approx(outline.area, rel=1e-5)
    union = shapely.coverage_union_all(geoms)
    assert shapely.area(shapely.symmetric_difference(union, outline)) < 1e-4 * outline.area


def test_no_slivers_and_no_giants(cells: list[GridCell]) -> None:
    areas = shapely.area(_geoms(cells))
    full = np.median(areas)  # most cells are whole lattice rectangles
    assert areas.min() >= 0.15 * full
    assert areas.max() <= 1.5 * full
    # A whole cell is roughly 300 m x 300 m (about 0.1 km2).
    lat = 36.65
    km2 = full * 111.32 * 111.32 * np.cos(np.radians(lat))
    assert 0.07 < km2 < 0.13


def test_coordinates_rounded_to_six_decimals(cells: list[GridCell]) -> None:
    coords = shapely.get_coordinates(_geoms(cells))
    assert np.array_equal(coords, np.round(coords, 6))


def test_codes_structure(cells: list[GridCell]) -> None:
    codes = [c.code for c in cells]
    assert codes == sorted(codes)
    assert len(set(codes)) == len(codes)
    for cell in cells:
        assert len(cell.code) == 15
        assert cell.code.isdigit()
        assert cell.code.startswith("370102")
        s, c, n = int(cell.code[6:9]), int(cell.code[9:12]), int(cell.code[12:])
        assert cell.street == f"{STREET_NAMES[s - 1]}街道"
        assert cell.community == f"第{c}社区"
        assert cell.name == f"{cell.street} {cell.community} {n:03d}网格"


def test_fourteen_streets_numbered_west_to_east(cells: list[GridCell]) -> None:
    by_street: dict[str, list[float]] = defaultdict(list)
    for cell in cells:
        by_street[cell.code[6:9]].append(cell.geometry.representative_point().x)
    assert sorted(by_street) == [f"{i:03d}" for i in range(1, 15)]
    mean_x = [np.mean(by_street[f"{i:03d}"]) for i in range(1, 15)]
    assert mean_x == sorted(mean_x)
    sizes = [len(v) for v in by_street.values()]
    assert min(sizes) >= 20  # no degenerate street


def test_communities_per_street(cells: list[GridCell]) -> None:
    communities: dict[str, set[str]] = defaultdict(set)
    members: dict[str, int] = defaultdict(int)
    for cell in cells:
        communities[cell.code[6:9]].add(cell.code[9:12])
        members[cell.code[:12]] += 1
    for street, comms in communities.items():
        assert sorted(comms) == [f"{i:03d}" for i in range(1, COMMUNITIES_PER_STREET + 1)], street
    assert min(members.values()) >= 3


def test_cells_numbered_north_to_south_then_west_to_east(cells: list[GridCell]) -> None:
    heights = [c.geometry.bounds[3] - c.geometry.bounds[1] for c in cells]
    row = float(np.median(heights))  # lattice row height, degrees
    by_community: dict[str, list[GridCell]] = defaultdict(list)
    for cell in cells:
        by_community[cell.code[:12]].append(cell)
    for group in by_community.values():
        assert [int(c.code[12:]) for c in group] == list(range(1, len(group) + 1))
        tops = [c.geometry.bounds[3] for c in group]
        wests = [c.geometry.representative_point().x for c in group]
        for k in range(1, len(group)):
            # never a whole row further north than the previous cell
            assert tops[k] <= tops[k - 1] + 0.5 * row
            if abs(tops[k] - tops[k - 1]) < 1e-9:  # same lattice row
                assert wests[k] > wests[k - 1]


def test_deterministic_for_a_seed(cells: list[GridCell]) -> None:
    again = generate_grid(seed=0)
    assert [c.code for c in again] == [c.code for c in cells]
    assert [c.name for c in again] == [c.name for c in cells]
    assert shapely.to_wkb(_geoms(again)).tolist() == shapely.to_wkb(_geoms(cells)).tolist()


def test_other_seed_gives_other_grid(cells: list[GridCell]) -> None:
    other = generate_grid(seed=1)
    assert 900 <= len(other) <= 1300
    assert shapely.to_wkb(_geoms(other)).tolist() != shapely.to_wkb(_geoms(cells)).tolist()


def test_target_cells_is_respected() -> None:
    small = generate_grid(target_cells=400)
    assert 360 <= len(small) <= 440
    with pytest.raises(ValueError, match="target_cells"):
        generate_grid(target_cells=10)


def test_write_and_reload(cells: list[GridCell], tmp_path) -> None:
    path = tmp_path / "grid.geojson"
    write_grid_geojson(cells, path)
    doc = json.loads(path.read_bytes())
    assert doc["synthetic"] is True
    assert doc["attribution"] == ATTRIBUTION
    grid = Grid.from_geojson(path)
    assert grid.synthetic is True
    assert grid.attribution == ATTRIBUTION
    assert grid.codes == [c.code for c in cells]
    assert grid.community_names == [c.community for c in cells]
    assert shapely.equals_exact(grid.geometries, _geoms(cells), tolerance=0.0).all()
    in_memory = cells_to_grid(cells)
    assert in_memory.codes == grid.codes
    assert in_memory.synthetic is True


def test_bundled_starter_grid_is_the_seed_0_output(cells: list[GridCell], outline) -> None:
    # Regenerate with: python -m geo.generate
    bundled = Grid.from_geojson(default_grid_path())
    assert bundled.codes == [c.code for c in cells]
    assert bundled.names == [c.name for c in cells]
    assert shapely.equals_exact(bundled.geometries, _geoms(cells), tolerance=0.0).all()
    assert default_grid_path().stat().st_size < 600_000
    bundled_outline = read_geometry(default_outline_path())
    assert shapely.equals_exact(bundled_outline, round_geometry(outline), tolerance=0.0)


def test_write_outline_round_trip(outline, tmp_path) -> None:
    path = tmp_path / "outline.geojson"
    write_outline_geojson(outline, path)
    doc = json.loads(path.read_bytes())
    assert doc["features"][0]["properties"]["adcode"] == "370102"
    assert read_geometry(path).equals_exact(round_geometry(outline), tolerance=0.0)
