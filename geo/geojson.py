"""Small GeoJSON helpers shared by the grid loader and the generator.

The helpers are CRS-agnostic: they copy coordinates as they are.  In gridcc
every file they write holds WGS-84 longitude/latitude (RFC 7946), except the
bundled source outline ``lixia-370102.geojson`` which is GCJ-02.
"""

from __future__ import annotations

import json
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

__all__ = [
    "COORD_DECIMALS",
    "dumps",
    "geometry_to_geojson",
    "grid_feature",
    "read_geometry",
    "round_geometry",
    "write_feature_collection",
]

#: Decimal places kept for lon/lat output (1e-6 deg is about 0.1 m).
COORD_DECIMALS = 6


def dumps(obj: Any) -> bytes:
    """Serialise to compact UTF-8 JSON bytes (no spaces, Chinese kept as is).

    Parameters
    ----------
    obj : Any
        A JSON-serialisable object.

    Returns
    -------
    bytes
        The encoded document.
    """
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def round_geometry(geom: BaseGeometry, decimals: int = COORD_DECIMALS) -> BaseGeometry:
    """Round every coordinate of a geometry (same CRS in and out).

    Identical vertices round to identical values, so borders shared by
    neighbouring polygons stay shared.  Validity is not re-checked here.

    Parameters
    ----------
    geom : shapely geometry
        Geometry in any CRS (in gridcc: WGS-84 lon/lat degrees).
    decimals : int, optional
        Decimal places to keep.

    Returns
    -------
    shapely geometry
        A new geometry with rounded coordinates.
    """
    rounded: BaseGeometry = shapely.transform(geom, lambda xy: np.round(xy, decimals))
    return rounded


def _ring(coords: Any, decimals: int) -> list[list[float]]:
    arr = np.round(np.asarray(coords, dtype=np.float64)[:, :2], decimals)
    out: list[list[float]] = arr.tolist()
    return out


def geometry_to_geojson(geom: BaseGeometry, decimals: int = COORD_DECIMALS) -> dict[str, Any]:
    """Build a GeoJSON geometry mapping with rounded coordinates.

    Supports (Multi)Polygon and (Multi)LineString, the only types gridcc
    emits.  Coordinates are copied in their own CRS (WGS-84 in gridcc).

    Parameters
    ----------
    geom : shapely geometry
        The geometry to encode.
    decimals : int, optional
        Decimal places to keep.

    Returns
    -------
    dict
        A GeoJSON geometry object.

    Raises
    ------
    TypeError
        For unsupported geometry types.
    """
    kind = geom.geom_type
    if kind == "Polygon":
        rings = [geom.exterior, *geom.interiors]
        return {"type": "Polygon", "coordinates": [_ring(r.coords, decimals) for r in rings]}
    if kind == "MultiPolygon":
        parts = [geometry_to_geojson(p, decimals)["coordinates"] for p in geom.geoms]
        return {"type": "MultiPolygon", "coordinates": parts}
    if kind in ("LineString", "LinearRing"):
        return {"type": "LineString", "coordinates": _ring(geom.coords, decimals)}
    if kind == "MultiLineString":
        lines = [_ring(g.coords, decimals) for g in geom.geoms]
        return {"type": "MultiLineString", "coordinates": lines}
    raise TypeError(f"unsupported geometry type {kind!r}")


def read_geometry(path: str | PathLike[str]) -> BaseGeometry:
    """Read one geometry from a GeoJSON file, whatever its wrapping.

    Accepts a bare geometry, a Feature, or a FeatureCollection (whose feature
    geometries are unioned).  No CRS conversion is done: the caller must know
    the file's CRS (GeoJSON files in gridcc are WGS-84 except the bundled
    GCJ-02 source outline).

    Parameters
    ----------
    path : str or path-like
        The GeoJSON file.

    Returns
    -------
    shapely geometry
        The geometry, in the file's CRS.

    Raises
    ------
    ValueError
        If the document holds no geometry.
    """
    doc = json.loads(Path(path).read_bytes())
    kind = doc.get("type") if isinstance(doc, dict) else None
    if kind == "FeatureCollection":
        geoms = [shape(f["geometry"]) for f in doc.get("features", []) if f.get("geometry")]
        if not geoms:
            raise ValueError(f"{path}: FeatureCollection has no geometries")
        return geoms[0] if len(geoms) == 1 else shapely.union_all(geoms)
    if kind == "Feature":
        if not doc.get("geometry"):
            raise ValueError(f"{path}: Feature has no geometry")
        return shape(doc["geometry"])
    if kind is None:
        raise ValueError(f"{path}: not a GeoJSON object")
    return shape(doc)


def grid_feature(
    code: str,
    name: str,
    street: str,
    community: str,
    geometry: BaseGeometry,
    *,
    street_code: str | None = None,
    community_code: str | None = None,
) -> dict[str, Any]:
    """One cell as a GeoJSON Feature in the grid file format gridcc loads.

    Properties are ``code``, ``name``, ``street``, ``community``,
    ``street_code`` and ``community_code`` (default: the first 9 and 12
    digits of `code`); the geometry is copied in its own CRS (WGS-84 in
    gridcc) rounded to :data:`COORD_DECIMALS`.

    Parameters
    ----------
    code, name, street, community : str
        Cell code and display names.
    geometry : shapely Polygon or MultiPolygon
        Cell shape, WGS-84 lon/lat degrees.
    street_code, community_code : str, optional
        Codes of the cell's street and community.

    Returns
    -------
    dict
        A GeoJSON Feature whose ``id`` is the cell code.
    """
    return {
        "type": "Feature",
        "id": code,
        "properties": {
            "code": code,
            "name": name,
            "street": street,
            "community": community,
            "street_code": street_code if street_code is not None else code[:9],
            "community_code": community_code if community_code is not None else code[:12],
        },
        "geometry": geometry_to_geojson(geometry),
    }


def write_feature_collection(
    path: str | PathLike[str], features: list[dict[str, Any]], **members: Any
) -> None:
    """Write a compact FeatureCollection with one feature per line.

    One line per feature keeps the file small yet diff-friendly.  Coordinates
    are written as given (WGS-84 in every file gridcc writes).

    Parameters
    ----------
    path : str or path-like
        Output file (overwritten; parent folders are created).
    features : list of dict
        GeoJSON Features.
    **members
        Extra top-level members written before ``features``, e.g.
        ``synthetic=True``.
    """
    head = {"type": "FeatureCollection", **members}
    parts = [dumps(f).decode("utf-8") for f in features]
    body = ",\n".join(parts)
    text = dumps(head).decode("utf-8")[:-1] + ',"features":[\n' + body + "\n]}\n"
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
