"""Tests for geo.cli: `gridcc grid generate | import | validate | info`."""

import argparse
import json

import geopandas as gpd
import pytest
import shapely

from geo.cli import register
from geo.grid import Grid, default_grid_path
from tests.geo.frames import lattice_frame


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="gridcc")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    try:
        args.func(args)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0


def test_generate_writes_a_synthetic_grid(tmp_path, capsys) -> None:
    out = tmp_path / "grid.geojson"
    assert run("grid", "generate", "--seed", "3", "--target-cells", "300", "--out", str(out)) == 0
    assert "88 communities, 14 streets" in capsys.readouterr().out
    grid = Grid.from_geojson(out)
    assert grid.synthetic is True
    assert 270 <= len(grid) <= 330


def test_validate_names_the_four_problems(tmp_path, broken, capsys) -> None:
    path = tmp_path / "broken.gpkg"
    broken.to_file(path, driver="GPKG")
    outline = tmp_path / "outline.gpkg"
    union = shapely.union_all(lattice_frame().geometry.values)
    gpd.GeoDataFrame(geometry=[union], crs=32650).to_file(outline, driver="GPKG")
    assert run("grid", "validate", str(path), "--outline", str(outline)) == 1
    text = capsys.readouterr().out
    for kind in ("invalid_geometry", "overlap", "duplicate_code", "outside_outline"):
        assert kind in text
    assert run("grid", "validate", str(path), "--outline", str(outline), "--json") == 1
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["problems"]) == 4


def test_import_refuses_until_fixed(tmp_path, broken, capsys) -> None:
    path = tmp_path / "broken.gpkg"
    broken.drop(index=16).to_file(path, driver="GPKG")  # no cell outside: all fixable
    out = tmp_path / "var" / "grid.geojson"
    assert run("grid", "import", str(path), "--out", str(out)) == 1
    text = capsys.readouterr().out
    assert "not written: 3 errors remain (try --fix)" in text
    assert not out.exists()
    assert run("grid", "import", str(path), "--out", str(out), "--fix") == 0
    text = capsys.readouterr().out
    assert "fixed" in text and "duplicate_code" in text
    grid = Grid.from_geojson(out)
    assert len(grid) == 16
    assert grid.synthetic is False


def test_info(tmp_path, lattice, capsys) -> None:
    assert run("grid", "info", str(default_grid_path())) == 0
    text = capsys.readouterr().out
    assert "synthetic: yes" in text
    assert "streets: 14  communities: 88" in text
    assert "km²" in text
    path = tmp_path / "cells.gpkg"
    lattice.to_file(path, driver="GPKG")
    assert run("grid", "info", str(path)) == 0
    text = capsys.readouterr().out
    assert "synthetic: no" in text
    assert "streets: 1  communities: 2  cells: 16" in text
    assert "area: 4.00 km²" in text
    assert run("grid", "info", str(tmp_path / "missing.geojson")) == 1


def test_missing_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(SystemExit, match="no such file"):
        parser = argparse.ArgumentParser()
        register(parser.add_subparsers())
        args = parser.parse_args(["grid", "validate", str(tmp_path / "nope.gpkg")])
        args.func(args)
