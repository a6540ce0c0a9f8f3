"""Tests for geo.validation and geo.repair: every problem named, fixed only when asked."""

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.geojson import read_geometry
from geo.grid import default_grid_path, default_outline_path, load_default_grid
from geo.gridfile import read_grid_file
from geo.repair import fix_grid
from geo.validation import FIXABLE, KINDS, validate_grid

FOUR = {"invalid_geometry", "overlap", "duplicate_code", "outside_outline"}


def _read(frame: gpd.GeoDataFrame, tmp_path, outline=None):
    path = tmp_path / "grid.gpkg"
    frame.to_file(path, driver="GPKG")
    return read_grid_file(path, outline=outline)


def _metres_from(where: tuple, geom_utm) -> float:
    """Distance in metres from a reported WGS-84 place to a UTM 50N geometry."""
    point = gpd.GeoSeries([shapely.Point(where[:2])], crs=4326).to_crs(32650).iloc[0]
    return float(shapely.distance(point, geom_utm))


def test_broken_file_names_all_four_problems(tmp_path, broken, outline) -> None:
    _, report = _read(broken, tmp_path, outline)
    print(report.format())  # shown with pytest -s
    by_kind = {p.kind: p for p in report.problems}
    assert set(by_kind) == FOUR
    assert len(report.problems) == 4
    assert not report.ok

    bow = by_kind["invalid_geometry"]
    assert bow.rows == (5,)
    assert bow.code == broken.loc[5, "code"]
    assert "Self-intersection" in bow.detail
    assert _metres_from(bow.where, broken.geometry.iloc[5].exterior) < 0.1

    overlap = by_kind["overlap"]
    assert overlap.rows == (10, 11)
    assert set(overlap.codes) == {broken.loc[10, "code"], broken.loc[11, "code"]}
    assert "25,000 m²" in overlap.detail
    shared = shapely.intersection(broken.geometry.iloc[10], broken.geometry.iloc[11])
    assert _metres_from(overlap.where, shared) == 0.0

    duplicate = by_kind["duplicate_code"]
    assert duplicate.rows == (12, 13)
    assert duplicate.codes == (broken.loc[13, "code"],)
    assert len(duplicate.where) == 4  # bbox of both cells

    outside = by_kind["outside_outline"]
    assert outside.rows == (16,)
    assert "entirely outside" in outside.detail
    assert _metres_from(outside.where, broken.geometry.iloc[16]) == 0.0

    text = report.format()
    for kind in FOUR:
        assert kind in text
    assert json.loads(json.dumps(report.to_dict(), ensure_ascii=False))["ok"] is False


def test_fixes_only_when_asked_and_drops_nothing(tmp_path, broken, outline) -> None:
    frame, report = _read(broken, tmp_path, outline)
    before = frame.copy()
    fixed, fixes = fix_grid(frame, report, outline=outline)
    assert frame.equals(before)  # the input is untouched
    assert len(fixed) == len(frame) == 17
    assert fixed["row"].tolist() == list(range(17))
    done = {f.kind for f in fixes if f.done}
    assert done == {"invalid_geometry", "overlap", "duplicate_code"}
    declined = [f for f in fixes if not f.done]
    assert [(f.kind, f.rows) for f in declined] == [("outside_outline", (16,))]

    assert fixed.geometry.iloc[5].is_valid
    assert fixed["code"].is_unique
    assert fixed["code"].iloc[12] == broken.loc[13, "code"]  # first row keeps the code
    assert fixed["code"].iloc[13].startswith(broken.loc[13, "code"][:12])
    utm = fixed.to_crs(32650).geometry
    assert utm.iloc[10].intersection(utm.iloc[11]).area < 1.0  # cut from the larger code
    assert utm.iloc[10].area == pytest.approx(broken.geometry.iloc[10].area, rel=1e-6)

    again = validate_grid(fixed, outline=outline)
    assert [p.kind for p in again.problems] == ["outside_outline"]


def test_codes_and_hierarchy(lattice, tmp_path) -> None:
    frame = lattice.copy()
    frame.loc[0, "code"] = "37010200100100"  # 14 digits
    frame.loc[1, "code"] = "370103001001002"  # another district
    frame.loc[2, "code"] = "370102001001000"  # cell 000
    frame.loc[3, "street"] = None  # missing street name
    frame["street_code"] = [c[:9] for c in frame["code"]]
    frame.loc[4, "street_code"] = "370102009"  # community 001 now in two streets
    frame.loc[6, "community"] = "别名社区"  # community 001 has two names
    _, report = _read(frame, tmp_path)
    kinds = [(p.kind, p.rows[:1]) for p in report.problems]
    assert ("malformed_code", (0,)) in kinds
    assert ("malformed_code", (1,)) in kinds
    assert ("malformed_code", (2,)) in kinds
    assert ("missing_hierarchy", (3,)) in kinds
    assert ("inconsistent_hierarchy", (4,)) in kinds  # not a prefix of its code
    details = " | ".join(p.detail for p in report.problems)
    assert "not 15 digits" in details
    assert "not in district 370102" in details
    assert "cell number 000" in details
    assert "has no street" in details
    assert "lies in several streets" in details
    assert "several names: 1社区, 别名社区" in details
    assert {p.kind for p in report.problems} <= set(KINDS) - {"overlap", "gap"}


def test_hole_is_a_gap_naming_its_neighbours(lattice, tmp_path) -> None:
    frame = lattice.drop(index=5).reset_index(drop=True)  # an inner cell goes missing
    _, report = _read(frame, tmp_path)
    assert [p.kind for p in report.problems] == ["gap"]
    gap = report.problems[0]
    assert "250,000 m²" in gap.detail
    assert len(gap.codes) == 4
    assert _metres_from(gap.where, lattice.geometry.iloc[5]) == 0.0
    _, fixes = fix_grid(*_read(frame, tmp_path))
    assert [f.done for f in fixes] == [False]  # too large to fill


def test_small_gap_is_filled_and_noise_ignored(lattice, tmp_path, outline) -> None:
    frame = lattice.copy()
    x0, y0, x1, y1 = frame.geometry.iloc[5].bounds
    frame.loc[5, "geometry"] = shapely.box(x0, y0, x1 - 10.0, y1)  # 10 m x 500 m gap
    frame.loc[6, "geometry"] = frame.geometry.iloc[6].buffer(0.02, join_style="mitre")  # noise
    frame_wgs, report = _read(frame, tmp_path, outline)
    assert [p.kind for p in report.problems] == ["gap"]
    fixed, fixes = fix_grid(frame_wgs, report, outline=outline, max_gap_m2=10_000)
    assert [f.done for f in fixes] == [True]
    assert validate_grid(fixed, outline=outline).ok


def test_every_fixable_kind_is_a_kind() -> None:
    assert set(FIXABLE) <= set(KINDS)


def test_starter_grid_is_clean() -> None:
    grid = load_default_grid()
    frame = gpd.GeoDataFrame(
        {
            "row": np.arange(len(grid)),
            "code": grid.codes,
            "name": grid.names,
            "street": grid.street_names,
            "community": grid.community_names,
            "street_code": grid.street_codes,
            "community_code": grid.community_codes,
        },
        geometry=list(grid.geometries),
        crs=4326,
    )
    report = validate_grid(frame, outline=read_geometry(default_outline_path()))
    assert report.problems == [], report.format(limit=10)
    _, from_file = read_grid_file(default_grid_path())
    assert from_file.ok
