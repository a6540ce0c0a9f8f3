"""Display geometry for the browser map: dissolve and topology-safe simplify.

All geometry here is WGS-84 lon/lat degrees (EPSG:4326).  Simplification is
done on the whole coverage at once (``shapely.coverage_simplify``), so a
border shared by two units is simplified once and stays shared: neighbours
never open gaps or overlap on the map.  The tolerance, 4e-5 degree (about
4 m), is about one screen pixel at zoom 15 and well below it at the wall
display's usual zoom 12–14.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.ops import polylabel

from geo.geojson import dumps, geometry_to_geojson

__all__ = [
    "DISPLAY_TOLERANCE_DEG",
    "dissolve",
    "feature_collection",
    "label_anchors",
    "simplify_coverage",
]

#: Simplification tolerance for map display, degrees (about 4 m in Jinan).
DISPLAY_TOLERANCE_DEG = 4e-5


def dissolve(
    geometries: npt.NDArray[np.object_], group: npt.NDArray[np.intp], count: int, *, coverage: bool
) -> npt.NDArray[np.object_]:
    """Union the cells of each group (any CRS in, same CRS out).

    Parameters
    ----------
    geometries : numpy.ndarray of shapely geometry
        Cell polygons (WGS-84 in gridcc).
    group : numpy.ndarray of intp
        Group index of each cell, 0 <= group < count.
    count : int
        Number of groups.
    coverage : bool
        True when the cells form a valid coverage: then the fast
        ``coverage_union`` is used, which keeps shared borders vertex for
        vertex; otherwise a full overlay union.

    Returns
    -------
    numpy.ndarray of shapely geometry
        One (Multi)Polygon per group.
    """
    out = np.empty(count, dtype=object)
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(count + 1))
    union = shapely.coverage_union_all if coverage else shapely.union_all
    for g in range(count):
        members = geometries[order[bounds[g] : bounds[g + 1]]]
        out[g] = members[0] if len(members) == 1 else union(members)
    return out


def simplify_coverage(
    geometries: npt.NDArray[np.object_], tolerance: float = DISPLAY_TOLERANCE_DEG
) -> npt.NDArray[np.object_]:
    """Simplify a polygon coverage for display, keeping shared borders shared.

    Parameters
    ----------
    geometries : numpy.ndarray of shapely Polygon or MultiPolygon
        The coverage, WGS-84 lon/lat degrees.
    tolerance : float, optional
        Simplification tolerance in degrees.

    Returns
    -------
    numpy.ndarray of shapely geometry
        The simplified coverage (same CRS).  When the input is not a valid
        coverage (overlaps, unmatched borders) or simplifying would leave an
        invalid polygon, the input is returned unchanged: a heavier map is
        better than a broken one.
    """
    if len(geometries) == 0 or not shapely.coverage_is_valid(geometries):
        return geometries
    simple = shapely.coverage_simplify(geometries, tolerance)
    if not shapely.is_valid(simple).all() or shapely.is_empty(simple).any():
        return geometries
    result: npt.NDArray[np.object_] = simple
    return result


def feature_collection(
    codes: list[str],
    names: list[str],
    geometries: npt.NDArray[np.object_],
    **members: Any,
) -> bytes:
    """Compact GeoJSON FeatureCollection of map units.

    Feature ``id`` is the unit's code; properties are ``code`` and ``name``;
    coordinates are copied in their CRS (WGS-84 in gridcc) rounded to 6
    decimals.

    Parameters
    ----------
    codes, names : list of str
        Code and display name per unit.
    geometries : numpy.ndarray of shapely geometry
        One (Multi)Polygon per unit.
    **members
        Extra top-level members, e.g. ``level="street"``.

    Returns
    -------
    bytes
        UTF-8 JSON.
    """
    features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {"code": code, "name": name},
            "geometry": geometry_to_geojson(geom),
        }
        for code, name, geom in zip(codes, names, geometries, strict=True)
    ]
    return dumps({"type": "FeatureCollection", **members, "features": features})


def label_anchors(geometries: npt.NDArray[np.object_]) -> list[tuple[float, float, float]]:
    """Where a unit's label goes, and how much room it has there (WGS-84 lon/lat in and out).

    The anchor is the pole of inaccessibility of the unit's largest polygon, found with
    longitudes shrunk by cos(latitude) so that the room is round on the ground; the room is
    the radius of the largest circle around the anchor inside the polygon.

    Parameters
    ----------
    geometries : numpy.ndarray of shapely geometry
        One (Multi)Polygon per unit, WGS-84 lon/lat.

    Returns
    -------
    list of (lon, lat, radius)
        Anchor in degrees (6 decimals) and radius in degrees of latitude (7 decimals).
    """
    out: list[tuple[float, float, float]] = []
    for geom in geometries:
        parts = getattr(geom, "geoms", [geom])
        largest = max(parts, key=lambda g: g.area)
        lat0 = largest.centroid.y
        k = math.cos(math.radians(lat0))
        local = shapely.transform(largest, lambda xy, k=k: xy * np.array([k, 1.0]))
        tolerance = max(math.sqrt(local.area) / 200, 1e-6)
        pole = polylabel(local, tolerance=tolerance)
        radius = float(local.exterior.distance(pole))
        for hole in local.interiors:
            radius = min(radius, float(hole.distance(pole)))
        out.append((round(pole.x / k, 6), round(pole.y, 6), round(radius, 7)))
    return out
