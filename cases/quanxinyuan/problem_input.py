"""What a phone sends for a 微治理 problem, checked: a text kept as text, a position in
WGS-84 (GCJ-02 and BD-09 converted, as the intake does), the cell it falls in."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from cases.quanxinyuan.platform import QxyError
from geo.coords import to_wgs84

CRS_NAMES = ("wgs84", "gcj02", "bd09")
REPORT_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")
Locate = Callable[[float, float], str]  # WGS-84 → a cell code, or QxyError("outside")


class GridLocator:
    """``Locate`` on a ``geo.grid.Grid`` (points already in WGS-84); ``point_in`` gives a
    point inside a cell (for the simulated month)."""

    def __init__(self, grid: Any) -> None:
        self.grid = grid

    def __call__(self, lon: float, lat: float) -> str:
        where = self.grid.locate(lon, lat)
        if where.cell_code is None:
            far = (
                f"; the nearest cell is {where.distance_m:.0f} m away" if where.nearest_code else ""
            )
            raise QxyError("outside", f"({lon:.6f}, {lat:.6f}) is outside every grid cell{far}")
        return str(where.cell_code)

    def point_in(self, cell_code: str, rng: Any = None) -> tuple[float, float]:
        """A point inside the cell: random when ``rng`` is given (a few tries), else its
        representative point."""
        shape = self.grid.geometries[self.grid.index_of(cell_code)]
        if rng is not None:
            minx, miny, maxx, maxy = shape.bounds
            for _ in range(20):
                x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
                if self.grid.locate(x, y).cell_code == cell_code:
                    return float(x), float(y)
        x, y = shape.representative_point().coords[0]
        return float(x), float(y)


def grid_locator(grid: Any) -> GridLocator:
    return GridLocator(grid)


def clean_text(value: object, limit: int, what: str, required: bool = True) -> str:
    """A text as given, kept as text (HTML too), without control characters."""
    if not isinstance(value, str):
        if required or value is not None:
            raise QxyError(what, f"{what}: a text")
        return ""
    if len(value) > limit:
        raise QxyError(what, f"{what}: at most {limit} characters")
    text = "".join(
        ch for ch in value if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    ).strip()
    if required and not text:
        raise QxyError(what, f"{what}: required")
    return text


def read_position(lon: object, lat: object, crs: object = "wgs84") -> tuple[float, float]:
    """(lon, lat) in WGS-84 from what a phone sent (GCJ-02 and BD-09 converted)."""
    name = crs if isinstance(crs, str) else ""
    if name.lower() not in CRS_NAMES:
        raise QxyError("crs", f"crs: one of {', '.join(CRS_NAMES)}")
    given = []
    for label, value, bound in (("lon", lon, 180.0), ("lat", lat, 90.0)):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise QxyError("position", f"{label}: a number (degrees)")
        if not math.isfinite(value) or abs(value) > bound:
            raise QxyError("position", f"{label}: between -{bound:g} and {bound:g}")
        given.append(float(value))
    x, y = to_wgs84(given[0], given[1], name.lower())
    return float(x), float(y)
