"""A city's own grid replaces the generated one with one command, end to end."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app import GridCC, Settings, create_app
from cli import main
from tests.geo.frames import lattice_frame


def test_import_then_serve_uses_the_citys_grid(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    make_app: Callable[..., GridCC],
) -> None:
    monkeypatch.chdir(tmp_path)  # var/grid.geojson is relative to where gridcc runs
    source = tmp_path / "city.gpkg"
    lattice_frame().to_file(source, driver="GPKG")  # UTM 50N, 16 cells
    main(["grid", "import", str(source)])
    assert "the next `gridcc serve`" in capsys.readouterr().out
    assert (tmp_path / "var" / "grid.geojson").exists()

    g = make_app(f"sqlite:///{tmp_path}/s.db")
    assert len(g.grid) == 16 and not g.grid.synthetic
    client = g.server.test_client()
    cells = client.get("/geo/cell.geojson").json["features"]
    assert sorted(f["id"] for f in cells) == sorted(g.grid.codes)
    lon, lat = g.grid.geometries[5].representative_point().coords[0]
    r = client.post(
        "/api/reports", json={"category": "SR01", "description": "x", "lon": lon, "lat": lat}
    )
    assert r.status_code == 201 and r.json["cell_code"] == g.grid.codes[5]


def test_without_an_imported_grid_the_bundled_one_serves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_app: Callable[..., GridCC]
) -> None:
    monkeypatch.chdir(tmp_path)
    g = make_app(f"sqlite:///{tmp_path}/s.db")
    assert g.grid.synthetic and len(g.grid) > 1000
    with pytest.raises(SystemExit, match="does not exist"):
        create_app(
            Settings.from_env(
                {"GRID_FILE": "nowhere.geojson"}, database_url=f"sqlite:///{tmp_path}/t.db"
            )
        )
