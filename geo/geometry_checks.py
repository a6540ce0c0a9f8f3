"""Geometric checks of a grid: invalid shapes, overlaps, gaps, cells outside.

Input cells are WGS-84 lon/lat (EPSG:4326).  Areas are measured after
projecting to the local UTM zone (``GeoSeries.estimate_utm_crs``: UTM 50N,
EPSG:32650, for Jinan); places are reported in WGS-84 lon/lat.
"""

from __future__ import annotations

import re
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from geo.problems import Problem, place_of

__all__ = ["geometry_problems", "metric_crs"]

_WHERE = re.compile(r"\[\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)")


def metric_crs(geoms: Any) -> Any:
    """The UTM zone CRS for WGS-84 geometries (UTM 50N for Jinan)."""
    series = gpd.GeoSeries(geoms, crs=4326)
    return series.estimate_utm_crs()


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Polygonal part of a repaired geometry (same CRS)."""
    fixed = shapely.make_valid(geom)
    parts = [p for p in shapely.get_parts(fixed) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _shape_problems(
    geoms: npt.NDArray[np.object_], rows: list[int], codes: list[Any]
) -> tuple[list[Problem], npt.NDArray[np.object_]]:
    """invalid_geometry problems, and a usable (repaired or empty) shape per cell."""
    problems: list[Problem] = []
    usable = np.empty(len(geoms), dtype=object)
    for i, geom in enumerate(geoms):
        mine = (codes[i],) if isinstance(codes[i], str) else ()
        usable[i] = shapely.Polygon()
        if geom is None or geom.is_empty:
            detail = "the cell has no geometry" if geom is None else "the cell's geometry is empty"
            problems.append(Problem("invalid_geometry", (), detail, (rows[i],), mine))
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            detail = f"the cell is a {geom.geom_type}, not a polygon"
            problems.append(Problem("invalid_geometry", place_of(geom), detail, (rows[i],), mine))
        elif not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            found = _WHERE.search(reason)
            where = (
                (round(float(found.group(1)), 6), round(float(found.group(2)), 6))
                if found
                else place_of(geom)
            )
            detail = f"invalid polygon: {reason}"
            problems.append(Problem("invalid_geometry", where, detail, (rows[i],), mine))
            usable[i] = _polygonal(geom)
        else:
            usable[i] = geom
    return problems, usable


def _to_wgs84(geom: BaseGeometry, crs: Any) -> BaseGeometry:
    back: BaseGeometry = gpd.GeoSeries([geom], crs=crs).to_crs(4326).iloc[0]
    return back


def geometry_problems(
    frame: gpd.GeoDataFrame,
    outline: BaseGeometry | None,
    tolerance_m2: float,
    sliver_m: float = 0.0,
) -> list[Problem]:
    """invalid_geometry, overlap, gap and outside_outline problems.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Cells in EPSG:4326 with ``row`` and ``code`` columns.
    outline : shapely geometry, optional
        District outline, WGS-84 lon/lat.
    tolerance_m2 : float
        Areas below this (m², local UTM) are ignored.
    sliver_m : float, optional
        Parts narrower than twice this (metres) everywhere are ignored too.

    Returns
    -------
    list of Problem
        Unsorted.
    """
    rows = [int(r) for r in frame["row"]]
    codes = list(frame["code"])
    problems, usable = _shape_problems(np.asarray(frame.geometry.values, dtype=object), rows, codes)
    present = np.flatnonzero(~shapely.is_empty(usable))
    if present.size == 0:
        return problems
    crs = metric_crs(usable[present])
    metric = np.empty(len(usable), dtype=object)
    metric[:] = shapely.Polygon()
    metric[present] = gpd.GeoSeries(usable[present], crs=4326).to_crs(crs).values
    tree = shapely.STRtree(metric)

    def significant(part: BaseGeometry, area: float) -> bool:
        if area <= tolerance_m2:
            return False
        return sliver_m <= 0 or not shapely.buffer(part, -sliver_m).is_empty

    def who(indices: Any) -> tuple[tuple[int, ...], tuple[str, ...]]:
        ordered = sorted(int(i) for i in indices)
        return (
            tuple(rows[i] for i in ordered),
            tuple(codes[i] for i in ordered if isinstance(codes[i], str)),
        )

    a, b = tree.query(metric, predicate="intersects")
    keep = a < b
    a, b = a[keep], b[keep]
    inner = ~shapely.touches(metric[a], metric[b])
    a, b = a[inner], b[inner]
    shared = shapely.intersection(metric[a], metric[b])
    for i, j, part, area in zip(a, b, shared, shapely.area(shared), strict=True):
        if significant(part, area):
            r, c = who((i, j))
            names = " and ".join(c) if len(c) == 2 else f"rows {r[0]} and {r[1]}"
            detail = f"cells {names} overlap by {area:,.0f} m²"
            problems.append(Problem("overlap", place_of(_to_wgs84(part, crs)), detail, r, c))

    union = shapely.union_all(metric[present])
    if outline is not None:
        outline_m = gpd.GeoSeries([outline], crs=4326).to_crs(crs).iloc[0]
        uncovered = shapely.difference(outline_m, union)
    else:
        holes = [
            shapely.Polygon(ring) for part in shapely.get_parts(union) for ring in part.interiors
        ]
        uncovered = shapely.union_all(holes) if holes else shapely.Polygon()
    for gap in shapely.get_parts(uncovered):
        if not significant(gap, gap.area):
            continue
        r, c = who(tree.query(gap, predicate="intersects")[:4])
        beside = f" next to {', '.join(c)}" if c else ""
        detail = f"{gap.area:,.0f} m² of the district is in no cell{beside}"
        problems.append(Problem("gap", place_of(_to_wgs84(gap, crs)), detail, r, c))

    if outline is not None:
        outside = shapely.difference(metric[present], outline_m)
        for k, part, area in zip(present, outside, shapely.area(outside), strict=True):
            if not significant(part, area):
                continue
            share = area / max(metric[k].area, 1e-9)
            r, c = who((k,))
            cell = c[0] if c else f"row {r[0]}"
            if share > 0.999:
                detail = f"cell {cell} lies entirely outside the district outline"
            else:
                detail = (
                    f"cell {cell} has {area:,.0f} m² ({share:.0%}) outside the district outline"
                )
            problems.append(
                Problem("outside_outline", place_of(_to_wgs84(part, crs)), detail, r, c)
            )
    return problems
