"""Tests for geo.gridfile: a city's grid from GeoPackage, Shapefile, GeoJSON, any CRS."""

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.coords import wgs84_to_gcj02
from geo.grid import Grid
from geo.gridfile import COLUMNS, frame_to_grid, read_grid_file, read_outline, write_grid


def _same_shapes(read: gpd.GeoDataFrame, expected: gpd.GeoDataFrame) -> None:
    wgs = expected.to_crs(4326)
    assert read.crs.to_epsg() == 4326
    distance = shapely.hausdorff_distance(read.geometry.values, wgs.geometry.values)
    assert np.max(distance) < 1e-7  # degrees, about 1 cm


def test_geopackage_in_a_projected_crs(tmp_path, lattice) -> None:
    path = tmp_path / "cells.gpkg"
    lattice.to_crs(4547).to_file(path, driver="GPKG")  # CGCS2000 / 3-degree GK CM 117E
    frame, report = read_grid_file(path)
    assert list(frame.columns) == [*COLUMNS, "geometry"]
    assert frame["code"].tolist() == lattice["code"].tolist()
    assert frame["street"].tolist() == lattice["street"].tolist()
    assert frame["community_code"].tolist() == [c[:12] for c in lattice["code"]]
    _same_shapes(frame, lattice)
    assert report.ok, report.format()
    assert report.problems == []
    assert any("EPSG:4547" in note for note in report.notes)


def test_shapefile_with_numeric_codes_and_own_column_names(tmp_path, lattice) -> None:
    shp = lattice.rename(columns={"street": "jd_name", "community": "sq_name"})
    shp["GRID_ID"] = shp.pop("code").astype("int64")
    path = tmp_path / "cells.shp"
    shp.to_crs(32650).to_file(path)
    frame, report = read_grid_file(
        path, code_column="GRID_ID", street_column="jd_name", community_column="sq_name"
    )
    assert frame["code"].tolist() == lattice["code"].tolist()  # text, no ".0"
    assert frame["street"].tolist() == ["甲街道"] * 16  # UTF-8 survives the Shapefile
    assert frame["community"].tolist() == lattice["community"].tolist()
    _same_shapes(frame, lattice)
    assert report.ok, report.format()


def test_hierarchy_derived_from_codes(tmp_path, lattice) -> None:
    path = tmp_path / "bare.gpkg"
    lattice[["code", "geometry"]].to_file(path, driver="GPKG")
    frame, report = read_grid_file(path)
    assert frame["street_code"].tolist() == ["370102001"] * 16
    assert frame["street"].iloc[0] == "001街道"
    assert frame["community"].iloc[-1] == "002社区"
    assert frame["name"].iloc[0] == "001街道 001社区 001网格"
    assert report.ok
    assert any("derived" in note and "street" in note for note in report.notes)


def test_gcj02_coordinates_are_converted(tmp_path, lattice) -> None:
    wgs = lattice.to_crs(4326)

    def to_gcj(xy):
        lon, lat = wgs84_to_gcj02(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    gcj = wgs.set_geometry(shapely.transform(wgs.geometry.values, to_gcj))
    path = tmp_path / "amap.geojson"
    gcj.to_file(path, driver="GeoJSON")
    frame, report = read_grid_file(path, source_crs="gcj02")
    _same_shapes(frame, lattice)
    assert "GCJ02" in " ".join(report.notes)
    plain, _ = read_grid_file(path)  # read as WGS-84 it lands hundreds of metres off
    assert shapely.hausdorff_distance(plain.geometry.iloc[0], frame.geometry.iloc[0]) > 0.003


def test_missing_crs(tmp_path, lattice) -> None:
    wgs = tmp_path / "wgs.shp"
    lattice.to_crs(4326).to_file(wgs)
    wgs.with_suffix(".prj").unlink()
    frame, report = read_grid_file(wgs)
    _same_shapes(frame, lattice)
    assert any("no CRS" in note for note in report.notes)
    utm = tmp_path / "utm.shp"
    lattice.to_file(utm)
    utm.with_suffix(".prj").unlink()
    with pytest.raises(ValueError, match="source_crs"):
        read_grid_file(utm)
    frame, _ = read_grid_file(utm, source_crs="EPSG:32650")
    _same_shapes(frame, lattice)


def test_layers_and_columns_are_checked(tmp_path, lattice) -> None:
    path = tmp_path / "two.gpkg"
    lattice.to_file(path, layer="cells", driver="GPKG")
    lattice.iloc[:2].to_file(path, layer="old", driver="GPKG")
    with pytest.raises(ValueError, match="cells, old"):
        read_grid_file(path)
    frame, _ = read_grid_file(path, layer="old")
    assert len(frame) == 2
    with pytest.raises(ValueError, match="no code column 'grid'"):
        read_grid_file(path, layer="cells", code_column="grid")
    with pytest.raises(ValueError, match="no column 'jd'"):
        read_grid_file(path, layer="cells", street_column="jd")


def test_write_grid_is_what_the_app_loads(tmp_path, lattice) -> None:
    source = tmp_path / "cells.gpkg"
    lattice.iloc[::-1].to_file(source, driver="GPKG")
    frame, _ = read_grid_file(source)
    out = write_grid(frame, tmp_path / "var" / "grid.geojson", attribution="济南市历下区")
    doc = json.loads(out.read_bytes())
    assert doc["synthetic"] is False
    assert doc["attribution"] == "济南市历下区"
    props = doc["features"][0]["properties"]
    assert set(props) == {"code", "name", "street", "community", "street_code", "community_code"}
    grid = Grid.from_geojson(out)
    assert grid.codes == sorted(lattice["code"])  # written in code order
    assert grid.synthetic is False
    assert len(grid.level_codes("community")) == 2
    again = frame_to_grid(frame)
    assert sorted(again.codes) == grid.codes


def test_read_outline_any_crs(tmp_path, lattice) -> None:
    path = tmp_path / "outline.gpkg"
    gpd.GeoDataFrame(geometry=[shapely.union_all(lattice.geometry.values)], crs=32650).to_file(
        path, driver="GPKG"
    )
    outline = read_outline(path)
    expected = shapely.union_all(lattice.to_crs(4326).geometry.values)
    assert shapely.hausdorff_distance(outline, expected) < 1e-7
