"""A city's own grid file: read any format and CRS, write gridcc's GeoJSON.

:func:`read_grid_file` reads GeoJSON, GeoPackage or Shapefile (anything GDAL
reads, through geopandas and pyogrio) in any CRS and returns the cells in
WGS-84 lon/lat (EPSG:4326) with gridcc's columns, plus a validation report
(:mod:`geo.validation`).  Files that store Chinese map-app coordinates can be
read with ``source_crs="gcj02"`` or ``"bd09"``.  :func:`write_grid` writes
the GeoJSON that :meth:`geo.grid.Grid.from_geojson` loads.

The frame columns used everywhere in geo: ``row`` (0-based row in the source
file), ``code``, ``name``, ``street``, ``community``, ``street_code``,
``community_code`` and ``geometry``.
"""

from __future__ import annotations

import json
import math
from os import PathLike
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.coords import to_wgs84
from geo.geojson import COORD_DECIMALS, grid_feature, round_geometry, write_feature_collection
from geo.grid import Grid
from geo.names import COMMUNITY_SUFFIX, STREET_SUFFIX
from geo.validation import ValidationReport, validate_grid

__all__ = [
    "COLUMNS",
    "file_is_synthetic",
    "frame_to_grid",
    "read_grid_file",
    "read_outline",
    "write_grid",
]

#: Columns of a grid frame, in order.
COLUMNS = ("row", "code", "name", "street", "community", "street_code", "community_code")

_MAP_APP_CRS = ("gcj02", "bd09")


def _read(path: Path, layer: str | int | None) -> gpd.GeoDataFrame:
    if layer is None:
        import pyogrio

        layers = pyogrio.list_layers(path)
        if len(layers) > 1:
            names = ", ".join(str(name) for name in layers[:, 0])
            raise ValueError(f"{path} holds several layers ({names}); say which one with layer=")
    frame: gpd.GeoDataFrame = gpd.read_file(path, layer=layer, engine="pyogrio")
    return frame


def _to_wgs84(frame: gpd.GeoDataFrame, source_crs: str | None, notes: list[str]) -> gpd.GeoSeries:
    """The frame's geometry in WGS-84, whatever the file's CRS."""
    geoms = frame.geometry
    if source_crs is not None and source_crs.lower() in _MAP_APP_CRS:
        name = source_crs.lower()

        def convert(xy: np.ndarray) -> np.ndarray:
            lon, lat = to_wgs84(xy[:, 0], xy[:, 1], name)
            return np.column_stack([lon, lat])

        notes.append(f"coordinates converted from {name.upper()} to WGS-84")
        return gpd.GeoSeries(shapely.transform(geoms.values, convert), crs=4326)
    if source_crs is not None:
        geoms = geoms.set_crs(source_crs, allow_override=True)
    elif geoms.crs is None:
        minx, miny, maxx, maxy = geoms.total_bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise ValueError("the file states no CRS and is not lon/lat; pass source_crs=")
        notes.append("the file states no CRS; read as WGS-84 lon/lat")
        return geoms.set_crs(4326)
    if geoms.crs.to_epsg() != 4326:
        notes.append(f"reprojected from {geoms.crs.to_string()} to WGS-84 (EPSG:4326)")
        geoms = geoms.to_crs(4326)
    return geoms


def _code_text(value: Any) -> str | None:
    """A code as text; integral numbers (Shapefile numeric fields) lose their '.0'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    text = str(value).strip()
    return text or None


def _column(frame: pd.DataFrame, wanted: str | None, default: str) -> pd.Series | None:
    name = wanted if wanted is not None else default
    if name in frame.columns:
        return frame[name]
    if wanted is not None:
        raise ValueError(f"no column {wanted!r}; the file has {', '.join(map(str, frame.columns))}")
    return None


def read_grid_file(
    path: str | PathLike[str],
    *,
    code_column: str = "code",
    street_column: str | None = None,
    community_column: str | None = None,
    name_column: str | None = None,
    layer: str | int | None = None,
    source_crs: str | None = None,
    outline: BaseGeometry | None = None,
) -> tuple[gpd.GeoDataFrame, ValidationReport]:
    """Read a grid file of any format and CRS into WGS-84 cells, and check it.

    Parameters
    ----------
    path : str or path-like
        GeoJSON, GeoPackage, Shapefile or any other vector file GDAL reads.
    code_column : str, optional
        Column with the 15-digit cell codes.
    street_column, community_column, name_column : str, optional
        Columns with street (街道), community (社区) and cell names.  When
        omitted, columns called ``street``, ``community`` and ``name`` are
        used if present; otherwise the names are derived from the codes
        (e.g. ``"001街道"``).  Street and community codes are read from
        ``street_code`` / ``community_code`` columns when present, else
        derived from the cell codes (first 9 and 12 digits).
    layer : str or int, optional
        Layer to read from a multi-layer file (required when there are
        several).
    source_crs : str, optional
        Override the file's CRS: any pyproj CRS string (``"EPSG:4547"``),
        or ``"gcj02"`` / ``"bd09"`` for map-app lon/lat.  Default: the CRS
        the file states; a file without one must be lon/lat and is read as
        WGS-84 (noted in the report).
    outline : shapely geometry, optional
        District outline in WGS-84, for the gap and outside checks.

    Returns
    -------
    tuple of (geopandas.GeoDataFrame, ValidationReport)
        Cells in EPSG:4326 with columns :data:`COLUMNS` plus ``geometry``, in
        file order (nothing dropped), and the report of their problems.

    Raises
    ------
    ValueError
        If the code column is missing, the layer is ambiguous, or the CRS
        cannot be known.
    """
    source = Path(path)
    raw = _read(source, layer)
    notes: list[str] = []
    if code_column not in raw.columns:
        columns = ", ".join(map(str, raw.columns))
        raise ValueError(f"no code column {code_column!r}; the file has {columns}")
    geometry = _to_wgs84(raw, source_crs, notes)
    codes = [_code_text(v) for v in raw[code_column]]
    frame = pd.DataFrame({"row": np.arange(len(raw)), "code": codes})
    derived = []
    for column, wanted, default, digits in (
        ("street_code", None, "street_code", 9),
        ("community_code", None, "community_code", 12),
    ):
        given = _column(raw, wanted, default)
        if given is None:
            derived.append(column)
            values = [c[:digits] if c and len(c) >= digits else None for c in codes]
        else:
            values = [_code_text(v) for v in given]
        frame[column] = values
    for column, wanted, suffix, key in (
        ("street", street_column, STREET_SUFFIX, "street_code"),
        ("community", community_column, COMMUNITY_SUFFIX, "community_code"),
    ):
        given = _column(raw, wanted, column)
        if given is None:
            derived.append(column)
            frame[column] = [f"{c[-3:]}{suffix}" if c else None for c in frame[key]]
        else:
            frame[column] = [_code_text(v) for v in given]
    names = _column(raw, name_column, "name")
    if names is None:
        derived.append("name")
        frame["name"] = [
            f"{s} {c} {code[12:]}网格" if s and c and code else code
            for s, c, code in zip(frame["street"], frame["community"], codes, strict=True)
        ]
    else:
        frame["name"] = [_code_text(v) for v in names]
    if derived:
        notes.append(f"derived from the codes: {', '.join(derived)}")
    out = gpd.GeoDataFrame(
        frame[list(COLUMNS)], geometry=shapely.force_2d(geometry.values), crs=4326
    )
    report = validate_grid(out, outline=outline)
    report.source = str(source)
    report.notes[:0] = notes
    return out, report


def read_outline(path: str | PathLike[str], source_crs: str | None = None) -> BaseGeometry:
    """Read a district outline from any vector file, as one WGS-84 geometry.

    Parameters
    ----------
    path : str or path-like
        GeoJSON, GeoPackage, Shapefile, ...; its features are unioned.
    source_crs : str, optional
        As for :func:`read_grid_file` (``"gcj02"`` for the bundled AMap
        outline ``lixia-370102.geojson``).

    Returns
    -------
    shapely geometry
        The outline in WGS-84 lon/lat degrees (EPSG:4326).
    """
    raw = _read(Path(path), None)
    geoms = _to_wgs84(raw, source_crs, [])
    return shapely.union_all(shapely.force_2d(geoms.values))


def _rounded(geom: BaseGeometry) -> BaseGeometry:
    """Geometry rounded to 6 decimals; snap-rounded instead if plain rounding breaks it."""
    plain = round_geometry(geom)
    if plain.is_valid or not geom.is_valid:
        return plain
    snapped: BaseGeometry = shapely.set_precision(geom, 10.0**-COORD_DECIMALS)
    return snapped


def write_grid(
    frame: gpd.GeoDataFrame,
    path: str | PathLike[str],
    *,
    synthetic: bool = False,
    attribution: str = "",
) -> Path:
    """Write cells as the GeoJSON that :meth:`Grid.from_geojson` loads (WGS-84).

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Cells with the columns of :data:`COLUMNS`, in any CRS (reprojected to
        EPSG:4326 on the way out).
    path : str or path-like
        Output file (overwritten; folders created).
    synthetic : bool, optional
        Top-level ``"synthetic"`` flag (False for a city's real grid).
    attribution : str, optional
        Top-level credit line for the map.

    Returns
    -------
    pathlib.Path
        The file written.  Features are in code order, coordinates rounded to
        6 decimals (about 0.1 m).
    """
    wgs = frame if frame.crs is not None and frame.crs.to_epsg() == 4326 else frame.to_crs(4326)
    wgs = wgs.sort_values("code", kind="stable")
    features = [
        grid_feature(
            r.code,
            r.name,
            r.street,
            r.community,
            _rounded(r.geometry),
            street_code=r.street_code,
            community_code=r.community_code,
        )
        for r in wgs.itertuples(index=False)
    ]
    members: dict[str, Any] = {"synthetic": bool(synthetic)}
    if attribution:
        members["attribution"] = attribution
    target = Path(path)
    write_feature_collection(target, features, **members)
    return target


def frame_to_grid(frame: gpd.GeoDataFrame, **kwargs: Any) -> Grid:
    """Build a :class:`~geo.grid.Grid` from a grid frame without a file.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Cells with the columns of :data:`COLUMNS`, in any CRS (reprojected to
        EPSG:4326).
    **kwargs
        Passed to :class:`~geo.grid.Grid` (``synthetic``, ``attribution``,
        ``outline``).

    Returns
    -------
    Grid
        The grid, in WGS-84.

    Raises
    ------
    ValueError
        As :class:`~geo.grid.Grid` does for malformed or duplicate codes.
    """
    wgs = frame if frame.crs is not None and frame.crs.to_epsg() == 4326 else frame.to_crs(4326)
    return Grid(
        list(wgs["code"]),
        list(wgs["name"]),
        list(wgs["street"]),
        list(wgs["community"]),
        list(wgs.geometry.values),
        street_codes=list(wgs["street_code"]),
        community_codes=list(wgs["community_code"]),
        **kwargs,
    )


def file_is_synthetic(path: str | PathLike[str]) -> bool:
    """Whether a GeoJSON grid file says ``"synthetic": true`` at top level.

    Parameters
    ----------
    path : str or path-like
        A grid file; formats other than GeoJSON are never synthetic.

    Returns
    -------
    bool
        The flag, False when absent.
    """
    source = Path(path)
    if source.suffix.lower() not in (".geojson", ".json"):
        return False
    doc = json.loads(source.read_bytes())
    return isinstance(doc, dict) and bool(doc.get("synthetic", False))
