"""Problems found in a grid, and the report that lists them.

A :class:`Problem` names its kind, the rows and codes of the cells concerned,
and a place in WGS-84 lon/lat (EPSG:4326): a point or a bbox.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = ["FIXABLE", "KINDS", "Problem", "ValidationReport", "bbox_of", "place_of"]

#: Every kind of problem, in report order.
KINDS = (
    "invalid_geometry",
    "malformed_code",
    "duplicate_code",
    "missing_hierarchy",
    "inconsistent_hierarchy",
    "overlap",
    "gap",
    "outside_outline",
)

#: Kinds :func:`geo.repair.fix_grid` can fix (when asked).
FIXABLE = frozenset({"invalid_geometry", "duplicate_code", "overlap", "gap", "outside_outline"})


@dataclass(frozen=True)
class Problem:
    """One problem in a grid.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    where : tuple of float
        WGS-84 place: ``(lon, lat)`` or a bbox ``(minx, miny, maxx, maxy)``;
        empty when the cell has no usable geometry.
    detail : str
        What is wrong, in English, naming the cells.
    rows : tuple of int
        Rows (0-based, in the source file) of the cells concerned.
    codes : tuple of str
        Their codes (None-free; a row without code is left out).
    severity : {"error", "warning"}
        Errors stop an import; warnings do not.
    """

    kind: str
    where: tuple[float, ...]
    detail: str
    rows: tuple[int, ...] = ()
    codes: tuple[str, ...] = ()
    severity: str = "error"

    @property
    def code(self) -> str | None:
        """Code of the first cell concerned, if any."""
        return self.codes[0] if self.codes else None

    @property
    def row(self) -> int | None:
        """Row of the first cell concerned, if any."""
        return self.rows[0] if self.rows else None

    @property
    def fixable(self) -> bool:
        """Whether :func:`geo.repair.fix_grid` can fix this kind."""
        return self.kind in FIXABLE

    def place(self) -> str:
        """The place as text: ``lon,lat`` or ``bbox minx,miny,maxx,maxy``."""
        if len(self.where) == 2:
            return f"{self.where[0]:.6f},{self.where[1]:.6f}"
        if len(self.where) == 4:
            return "bbox " + ",".join(f"{v:.6f}" for v in self.where)
        return "(no place)"

    def __str__(self) -> str:
        rows = ",".join(map(str, self.rows[:6])) + ("…" if len(self.rows) > 6 else "")
        who = f" row {rows}" if rows else ""
        return f"{self.severity:7} {self.kind:22}{who} at {self.place()}: {self.detail}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "kind": self.kind,
            "severity": self.severity,
            "rows": list(self.rows),
            "codes": list(self.codes),
            "where": list(self.where),
            "detail": self.detail,
        }


@dataclass
class ValidationReport:
    """The outcome of :func:`validate_grid`.

    Attributes
    ----------
    cells : int
        Rows checked.
    problems : list of Problem
        Every problem found, by kind (see :data:`KINDS`) then row.
    notes : list of str
        What was done on reading (reprojection, derived columns, ...).
    source : str
        The file checked, when known.
    """

    cells: int
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    source: str = ""

    @property
    def errors(self) -> list[Problem]:
        """Problems of severity ``"error"``."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def kinds(self) -> Counter[str]:
        """Number of problems per kind."""
        return Counter(p.kind for p in self.problems)

    def format(self, limit: int | None = None) -> str:
        """Human-readable report, one line per problem.

        Parameters
        ----------
        limit : int, optional
            Show at most this many problems (a count of the rest follows).

        Returns
        -------
        str
            The report text.
        """
        head = f"{self.source or 'grid'}: {self.cells} cells, "
        if not self.problems:
            head += "no problems"
        else:
            counts = ", ".join(f"{n} {kind}" for kind, n in sorted(self.kinds().items()))
            n = len(self.errors)
            head += f"{n} error{'' if n == 1 else 's'} ({counts})"
        lines = [head, *(f"  note: {n}" for n in self.notes)]
        shown = self.problems if limit is None else self.problems[:limit]
        lines += [f"  {p}" for p in shown]
        if len(shown) < len(self.problems):
            lines.append(f"  … and {len(self.problems) - len(shown)} more")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "source": self.source,
            "cells": self.cells,
            "ok": self.ok,
            "notes": list(self.notes),
            "problems": [p.to_dict() for p in self.problems],
        }


def bbox_of(geoms: Any) -> tuple[float, ...]:
    """WGS-84 bbox of the usable geometries among `geoms` (empty tuple if none)."""
    usable = [g for g in geoms if g is not None and not shapely.is_empty(g)]
    if not usable:
        return ()
    return tuple(float(v) for v in shapely.total_bounds(np.asarray(usable, dtype=object)))


def place_of(geom: BaseGeometry | None) -> tuple[float, ...]:
    """A WGS-84 point on a geometry, rounded to 6 decimals (empty if none)."""
    if geom is None or geom.is_empty:
        return ()
    point = shapely.point_on_surface(shapely.make_valid(geom))
    if point.is_empty:
        return bbox_of([geom])
    return (round(point.x, 6), round(point.y, 6))
