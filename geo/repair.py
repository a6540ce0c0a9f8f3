"""Fix the fixable problems of a grid, only when asked, and say what was done.

:func:`fix_grid` takes cells in WGS-84 lon/lat (EPSG:4326) and the report
from :func:`geo.validation.validate_grid`, and returns a repaired copy plus
one :class:`Fix` per change.  Nothing is dropped: a cell that a fix would
empty is left as it was and the fix is reported as not done.  Areas are
measured in the local UTM zone.

Fixes, in the order applied:

``invalid_geometry``
    ``make_valid``, keeping the polygonal parts (a bow-tie becomes two
    triangles of one cell);
``duplicate_code``
    the first row keeps the code; later rows get the next free cell number
    in the same community;
``outside_outline``
    the cell is clipped to the outline (a cell entirely outside is kept);
``overlap``
    the shared area stays with the smaller code and is cut from the other;
``gap``
    a gap up to ``max_gap_m2`` joins the bordering cell with the longest
    shared border; larger gaps need a person.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.geometry_checks import metric_crs
from geo.problems import ValidationReport

__all__ = ["Fix", "fix_grid"]


@dataclass(frozen=True)
class Fix:
    """One change made by :func:`fix_grid` (or declined).

    Attributes
    ----------
    kind : str
        The problem kind it answers.
    rows : tuple of int
        Rows (0-based, source file) changed.
    detail : str
        What was done, or why it was not.
    done : bool
        False when the fix was declined (the problem remains).
    """

    kind: str
    rows: tuple[int, ...]
    detail: str
    done: bool = True

    def __str__(self) -> str:
        mark = "fixed  " if self.done else "NOT fixed"
        return f"{mark} {self.kind:18} row {','.join(map(str, self.rows))}: {self.detail}"


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return shapely.Polygon()
    merged = shapely.union_all(parts)
    return merged


def fix_grid(
    frame: gpd.GeoDataFrame,
    report: ValidationReport,
    *,
    outline: BaseGeometry | None = None,
    max_gap_m2: float = 500.0,
) -> tuple[gpd.GeoDataFrame, list[Fix]]:
    """Repair the fixable problems listed in `report`.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Cells in EPSG:4326 with the columns of :data:`geo.gridfile.COLUMNS`
        (not modified).
    report : ValidationReport
        Its problems select what to fix.
    outline : shapely geometry, optional
        District outline in WGS-84, needed to clip cells outside it.
    max_gap_m2 : float, optional
        Largest gap (m², local UTM) filled automatically.

    Returns
    -------
    tuple of (geopandas.GeoDataFrame, list of Fix)
        The repaired copy (same rows, same order, EPSG:4326) and the fixes
        made or declined.  Validate the copy again to see what remains.
    """
    out = frame.copy()
    geoms = np.asarray(out.geometry.values, dtype=object).copy()
    codes = list(out["code"])
    rows = [int(r) for r in out["row"]]
    where = {r: i for i, r in enumerate(rows)}
    fixes: list[Fix] = []
    kinds = report.kinds()

    for p in (p for p in report.problems if p.kind == "invalid_geometry"):
        i = where[p.rows[0]]
        if geoms[i] is None or geoms[i].is_empty:
            fixes.append(Fix(p.kind, p.rows, "no geometry to repair", done=False))
            continue
        repaired = _polygonal(shapely.make_valid(geoms[i]))
        if repaired.is_empty:
            fixes.append(Fix(p.kind, p.rows, "nothing polygonal left after repair", done=False))
            continue
        geoms[i] = repaired
        fixes.append(Fix(p.kind, p.rows, f"made valid: now a {repaired.geom_type}"))

    if kinds["duplicate_code"]:
        taken = {c for c in codes if isinstance(c, str)}
        for p in (p for p in report.problems if p.kind == "duplicate_code"):
            for row in p.rows[1:]:
                i = where[row]
                old = codes[i]
                prefix = old[:12]
                used = [int(c[12:]) for c in taken if c.startswith(prefix) and c[12:].isdigit()]
                number = max(used, default=0) + 1
                if number > 999:
                    fixes.append(Fix(p.kind, (row,), f"community {prefix} is full", done=False))
                    continue
                codes[i] = f"{prefix}{number:03d}"
                taken.add(codes[i])
                fixes.append(Fix(p.kind, (row,), f"code {old} → {codes[i]}"))

    needs_metric = kinds["overlap"] or kinds["gap"] or kinds["outside_outline"]
    if needs_metric:
        _fix_geometry(geoms, codes, rows, report, outline, max_gap_m2, fixes)

    out["code"] = codes
    out["street_code"] = [
        c[:9] if isinstance(c, str) else s for c, s in zip(codes, out["street_code"], strict=True)
    ]
    out["community_code"] = [
        c[:12] if isinstance(c, str) else s
        for c, s in zip(codes, out["community_code"], strict=True)
    ]
    out = out.set_geometry(gpd.GeoSeries(geoms, crs=4326, index=out.index))
    return out, fixes


def _fix_geometry(
    geoms: np.ndarray,
    codes: list[object],
    rows: list[int],
    report: ValidationReport,
    outline: BaseGeometry | None,
    max_gap_m2: float,
    fixes: list[Fix],
) -> None:
    """outside_outline, overlap and gap fixes, in place on `geoms` (WGS-84)."""
    where = {r: i for i, r in enumerate(rows)}
    present = [i for i, g in enumerate(geoms) if g is not None and not g.is_empty]
    crs = metric_crs(geoms[present])

    def metric(g: BaseGeometry) -> BaseGeometry:
        return gpd.GeoSeries([g], crs=4326).to_crs(crs).iloc[0]

    for p in (p for p in report.problems if p.kind == "outside_outline"):
        i = where[p.rows[0]]
        if outline is None:
            fixes.append(Fix(p.kind, p.rows, "no outline given to clip to", done=False))
            continue
        clipped = _polygonal(shapely.intersection(geoms[i], outline))
        if clipped.is_empty or metric(clipped).area < 1.0:
            detail = "cell lies entirely outside; kept as it is (remove it in the source if wrong)"
            fixes.append(Fix(p.kind, p.rows, detail, done=False))
            continue
        geoms[i] = clipped
        fixes.append(Fix(p.kind, p.rows, "clipped to the district outline"))

    def rank(i: int) -> tuple[int, str]:
        code = codes[i]
        return (0, code) if isinstance(code, str) else (1, str(rows[i]))

    for p in (p for p in report.problems if p.kind == "overlap"):
        i, j = sorted((where[p.rows[0]], where[p.rows[1]]), key=rank)
        trimmed = _polygonal(shapely.difference(geoms[j], geoms[i]))
        if trimmed.is_empty:
            fixes.append(
                Fix(p.kind, p.rows, f"row {rows[j]} lies inside row {rows[i]}", done=False)
            )
            continue
        geoms[j] = trimmed
        fixes.append(Fix(p.kind, p.rows, f"shared area left to {codes[i]}, cut from {codes[j]}"))

    gaps = [p for p in report.problems if p.kind == "gap"]
    if not gaps:
        return
    region = outline if outline is not None else None
    cells = np.asarray([g if g is not None else shapely.Polygon() for g in geoms], dtype=object)
    union = shapely.union_all(cells)
    if region is None:
        holes = [shapely.Polygon(r) for part in shapely.get_parts(union) for r in part.interiors]
        uncovered = shapely.union_all(holes) if holes else shapely.Polygon()
    else:
        uncovered = shapely.difference(region, union)
    tree = shapely.STRtree(cells)
    for gap in shapely.get_parts(uncovered):
        area = metric(gap).area
        if area <= 1.0:
            continue
        point = gap.representative_point()
        label = f"gap at {point.x:.6f},{point.y:.6f}"
        near = tree.query(gap, predicate="intersects")
        if area > max_gap_m2 or len(near) == 0:
            detail = f"{label} of {area:,.0f} m² is larger than {max_gap_m2:,.0f} m²"
            fixes.append(Fix("gap", tuple(rows[k] for k in near[:4]), detail, done=False))
            continue
        border = shapely.length(shapely.intersection(cells[near], gap.boundary))
        k = int(near[np.lexsort((near, -border))[0]])
        geoms[k] = _polygonal(shapely.union_all([geoms[k], gap]))
        cells[k] = geoms[k]
        fixes.append(Fix("gap", (rows[k],), f"{label} of {area:,.0f} m² joined to {codes[k]}"))
