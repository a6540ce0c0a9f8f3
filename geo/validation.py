"""Check a grid: every problem named, with the cells and the place it concerns.

:func:`validate_grid` takes cells in WGS-84 lon/lat (EPSG:4326) with the
columns of :data:`geo.gridfile.COLUMNS` and reports:

``invalid_geometry``
    missing, empty, non-polygonal or invalid (e.g. self-intersecting) shape;
``malformed_code``
    a code that is not 15 digits, has a 000 part, or another district;
``duplicate_code``
    one code on several rows;
``missing_hierarchy``
    no street or community (name or code) for a cell;
``inconsistent_hierarchy``
    a community under two streets, a unit with two names, or a street or
    community code that is not the prefix of the cell code;
``overlap``
    two cells sharing area;
``gap``
    area inside the district (a hole in the cells, or the outline when given)
    that no cell covers;
``outside_outline``
    cell area outside the given district outline.

Areas are measured in the local UTM zone (``estimate_utm_crs``, UTM 50N for
Jinan); places are reported in WGS-84 lon/lat.  Nothing is changed here: see
:mod:`geo.repair` for the fixes.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

import geopandas as gpd
from shapely.geometry.base import BaseGeometry

from geo.geometry_checks import geometry_problems
from geo.hierarchy import code_problem
from geo.problems import FIXABLE, KINDS, Problem, ValidationReport, bbox_of, place_of

__all__ = ["FIXABLE", "KINDS", "Problem", "ValidationReport", "validate_grid"]

_DIGITS = re.compile(r"^\d+$")


def _code_checks(frame: gpd.GeoDataFrame) -> list[Problem]:
    """malformed_code and duplicate_code problems."""
    problems: list[Problem] = []
    codes = list(frame["code"])
    rows = list(frame["row"])
    geoms = list(frame.geometry)
    good = [c for c in codes if isinstance(c, str) and len(c) == 15 and _DIGITS.match(c)]
    district = Counter(c[:6] for c in good).most_common(1)[0][0] if good else None
    for code, row, geom in zip(codes, rows, geoms, strict=True):
        why = code_problem(code, district)
        if why is not None:
            mine = (code,) if isinstance(code, str) else ()
            problems.append(Problem("malformed_code", place_of(geom), why, (row,), mine))
    at: dict[str, list[int]] = defaultdict(list)
    for i, code in enumerate(codes):
        if isinstance(code, str):
            at[code].append(i)
    for code, where in at.items():
        if len(where) > 1:
            listed = ", ".join(str(rows[i]) for i in where)
            detail = f"code {code} is used by {len(where)} cells (rows {listed})"
            problems.append(
                Problem(
                    "duplicate_code",
                    bbox_of([geoms[i] for i in where]),
                    detail,
                    tuple(rows[i] for i in where),
                    (code,),
                )
            )
    return problems


def _hierarchy_checks(frame: gpd.GeoDataFrame) -> list[Problem]:
    """missing_hierarchy and inconsistent_hierarchy problems."""
    problems: list[Problem] = []
    street_of: dict[str, set[str]] = defaultdict(set)
    name_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    first_row: dict[tuple[str, str], tuple[int, Any]] = {}
    for r in frame.itertuples(index=False):
        code = r.code if isinstance(r.code, str) else None
        mine = (code,) if code else ()
        missing = [
            label
            for label, value in (
                ("street", r.street),
                ("community", r.community),
                ("street code", r.street_code),
                ("community code", r.community_code),
            )
            if not isinstance(value, str) or not value
        ]
        if missing:
            detail = f"cell {code or '(no code)'} has no {', '.join(missing)}"
            problems.append(
                Problem("missing_hierarchy", place_of(r.geometry), detail, (r.row,), mine)
            )
            continue
        if code and not (
            code.startswith(r.community_code) and r.community_code.startswith(r.street_code)
        ):
            detail = (
                f"cell {code} is filed under street {r.street_code} / community "
                f"{r.community_code}, which are not prefixes of its code"
            )
            problems.append(
                Problem("inconsistent_hierarchy", place_of(r.geometry), detail, (r.row,), mine)
            )
        street_of[r.community_code].add(r.street_code)
        for level, unit, name in (
            ("street", r.street_code, r.street),
            ("community", r.community_code, r.community),
        ):
            name_of[(level, unit)].add(name)
            first_row.setdefault((level, unit), (r.row, r.geometry))
    for comm, streets in sorted(street_of.items()):
        if len(streets) > 1:
            row, geom = first_row[("community", comm)]
            detail = f"community {comm} lies in several streets: {', '.join(sorted(streets))}"
            problems.append(Problem("inconsistent_hierarchy", place_of(geom), detail, (row,)))
    for (level, unit), names in sorted(name_of.items()):
        if len(names) > 1:
            row, geom = first_row[(level, unit)]
            detail = f"{level} {unit} has several names: {', '.join(sorted(names))}"
            problems.append(Problem("inconsistent_hierarchy", place_of(geom), detail, (row,)))
    return problems


def validate_grid(
    frame: gpd.GeoDataFrame,
    outline: BaseGeometry | None = None,
    *,
    tolerance_m2: float = 1.0,
    sliver_m: float = 0.1,
) -> ValidationReport:
    """Check a grid and report every problem with its cells and place.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Cells with the columns of :data:`geo.gridfile.COLUMNS`, in EPSG:4326
        (other CRSs are reprojected first).
    outline : shapely geometry, optional
        District outline in WGS-84 lon/lat.  With it, uncovered district area
        counts as a gap and cell area beyond it as ``outside_outline``;
        without it, gaps are the holes enclosed by the cells.
    tolerance_m2 : float, optional
        Overlaps, gaps and outside parts smaller than this (in m², measured
        in the local UTM zone) are ignored as digitising noise.
    sliver_m : float, optional
        So are parts nowhere wider than twice this (metres): the slivers that
        rounding coordinates to 6 decimals (about 0.1 m) leaves along borders.

    Returns
    -------
    ValidationReport
        All problems, ordered by kind (:data:`KINDS`) then row.
    """
    wgs = frame if frame.crs is None or frame.crs.to_epsg() == 4326 else frame.to_crs(4326)
    problems = _code_checks(wgs) + _hierarchy_checks(wgs)
    problems += geometry_problems(wgs, outline, tolerance_m2, sliver_m)
    order = {kind: i for i, kind in enumerate(KINDS)}
    problems.sort(key=lambda p: (order[p.kind], p.rows[:1] or (-1,), p.detail))
    return ValidationReport(cells=len(wgs), problems=problems)
