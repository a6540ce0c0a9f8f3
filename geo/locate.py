"""Point-in-cell lookup: a bucket raster in front of an exact STRtree test.

All coordinates here are WGS-84 lon/lat degrees (EPSG:4326).

:class:`BucketIndex` cuts the grid's bounding box into small square buckets
(about 1/16 of a cell across).  A bucket that no cell border touches lies
wholly inside one cell, or outside every cell, so a point in it is answered
by one array lookup.  Points in buckets that a border crosses (about a tenth
of them) go to the exact test: an STRtree query with ``intersects``, ties on
shared borders going to the smallest code.  The answer is the same as the
exact test's for every point; only the speed differs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

from geo.metric import geodesic_distance_m, to_metric_xy, to_wgs84_xy

__all__ = ["MIXED", "BucketIndex", "Location", "exact_locate", "nearest_cell"]

#: Bucket label meaning "a border crosses this bucket: ask the exact test".
MIXED = -2

_MAX_BUCKETS = 1 << 22  # 4 M buckets, 16 MB of int32
_BUCKETS_PER_CELL_SIDE = 16


@dataclass(frozen=True, slots=True)
class Location:
    """Where a point falls on the grid.

    Attributes
    ----------
    cell_code : str or None
        Code of the containing cell, None if the point is outside every cell.
    index : int
        Index of the containing cell in the grid, -1 if outside.
    nearest_code : str or None
        Code of the nearest cell (the containing cell when inside); None only
        when the input is not a finite coordinate or the grid is empty.
    distance_m : float
        Geodesic distance in metres to the nearest cell: 0.0 inside, ``inf``
        when `nearest_code` is None.
    """

    cell_code: str | None
    index: int
    nearest_code: str | None
    distance_m: float

    @property
    def inside(self) -> bool:
        """True when the point lies in (or on the border of) a cell."""
        return self.index >= 0


def exact_locate(
    tree: shapely.STRtree, rank: npt.NDArray[np.intp], x: Any, y: Any
) -> npt.NDArray[np.intp]:
    """Exact point-in-cell test through an STRtree (WGS-84 degrees).

    Parameters
    ----------
    tree : shapely.STRtree
        Tree over the cell geometries.
    rank : numpy.ndarray of intp
        Rank of each cell's code; on shared borders the lowest rank wins.
    x, y : numpy.ndarray of float64
        Finite point coordinates, 1-D.

    Returns
    -------
    numpy.ndarray of intp
        Cell index per point, -1 outside every cell.
    """
    out = np.full(len(x), -1, dtype=np.intp)
    if len(x) == 0:
        return out
    hit_point, hit_cell = tree.query(shapely.points(x, y), predicate="intersects")
    if hit_point.size:
        order = np.lexsort((rank[hit_cell], hit_point))
        hit_point, hit_cell = hit_point[order], hit_cell[order]
        first = np.ones(hit_point.size, dtype=bool)
        first[1:] = hit_point[1:] != hit_point[:-1]
        out[hit_point[first]] = hit_cell[first]
    return out


def nearest_cell(
    geometries: npt.NDArray[np.object_],
    projected: npt.NDArray[np.object_],
    metric_tree: shapely.STRtree,
    tree: shapely.STRtree,
    rank: npt.NDArray[np.intp],
    lon: float,
    lat: float,
) -> tuple[int, float]:
    """Nearest cell to a WGS-84 point outside the grid, and its distance.

    The nearest cell is searched in UTM 50N (EPSG:32650, `projected` and
    `metric_tree`); the distance returned is geodesic (WGS-84 ellipsoid) in
    metres, from the point to the nearest point of that cell.  Points the
    projection cannot handle fall back to a search in lon/lat degrees.  Ties
    go to the lowest `rank` (smallest code).

    Parameters
    ----------
    geometries, projected : numpy.ndarray of shapely geometry
        The cells in WGS-84 degrees and in UTM 50N metres.
    metric_tree, tree : shapely.STRtree
        Trees over `projected` and `geometries`.
    rank : numpy.ndarray of intp
        Rank of each cell's code.
    lon, lat : float
        The point, WGS-84 degrees.

    Returns
    -------
    tuple of (int, float)
        Index of the nearest cell and the distance in metres.
    """
    mx, my = to_metric_xy(lon, lat)
    if np.isfinite(mx) and np.isfinite(my):
        point = shapely.Point(float(mx), float(my))
        candidates = metric_tree.query_nearest(point, all_matches=True)
        j = int(candidates[np.argmin(rank[candidates])])
        near = shapely.shortest_line(projected[j], point).coords[0]
        nlon, nlat = to_wgs84_xy(near[0], near[1])
    else:
        point = shapely.Point(lon, lat)
        candidates = tree.query_nearest(point, all_matches=True)
        j = int(candidates[np.argmin(rank[candidates])])
        nlon, nlat = shapely.shortest_line(geometries[j], point).coords[0]
    dist = float(geodesic_distance_m(lon, lat, float(nlon), float(nlat)))
    return j, dist


def _edges(
    geometries: npt.NDArray[np.object_],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.intp]]:
    """Directed ring edges (x0, y0, x1, y1), interior on the left, and their cell."""
    oriented = shapely.orient_polygons(geometries, exterior_cw=False)
    parts, part_cell = shapely.get_parts(oriented, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    same = ring[:-1] == ring[1:]
    seg = np.column_stack([coords[:-1], coords[1:]])[same]
    owner = part_cell[ring_part[ring[:-1][same]]]
    keep = (seg[:, 0] != seg[:, 2]) | (seg[:, 1] != seg[:, 3])
    return seg[keep], owner[keep].astype(np.intp)


def _expand(lo: npt.NDArray[np.int64], hi: npt.NDArray[np.int64]) -> tuple[Any, Any]:
    """For ranges [lo, hi] per item: (item index, value) for every value."""
    count = np.maximum(hi - lo + 1, 0)
    item = np.repeat(np.arange(len(lo)), count)
    start = np.repeat(np.cumsum(count) - count, count)
    value = np.arange(int(count.sum())) - start + lo[item]
    return item, value


class BucketIndex:
    """Lookup raster of cell indices over a grid's bounds (WGS-84 degrees).

    Parameters
    ----------
    geometries : numpy.ndarray of shapely Polygon or MultiPolygon
        The cells, WGS-84 lon/lat degrees.
    max_buckets : int, optional
        Upper bound on the raster size (4 bytes per bucket).

    Notes
    -----
    Each bucket holds the index of the one cell covering it, -1 when it is
    outside every cell, or :data:`MIXED` when a cell border comes within a
    hair (1e-9 degree) of it, or cells overlap there.
    """

    def __init__(
        self, geometries: npt.NDArray[np.object_], max_buckets: int = _MAX_BUCKETS
    ) -> None:
        minx, miny, maxx, maxy = (float(v) for v in shapely.total_bounds(geometries))
        width, height = max(maxx - minx, 1e-9), max(maxy - miny, 1e-9)
        side = math.sqrt(float(np.median(shapely.area(geometries)))) / _BUCKETS_PER_CELL_SIDE
        side = max(side, math.sqrt(width * height / max_buckets), 1e-7)
        self.origin = (minx, miny)
        self.limit = (maxx, maxy)
        self.side = side
        self.shape = (int(height / side) + 1, int(width / side) + 1)
        edges, owner = _edges(geometries)
        table = self._scan(edges, owner)
        table[self._touched(edges)] = MIXED
        self.table = table

    def _scan(self, edges: npt.NDArray[np.float64], owner: npt.NDArray[np.intp]) -> Any:
        """Label at every bucket centre by scanlines (crossing events per row)."""
        ny, nx = self.shape
        x0, y0 = self.origin
        up = edges[:, 3] > edges[:, 1]
        # Canonical lower/upper ends, so a shared edge gives the same crossing
        # from both of its cells.
        lo = np.where(up[:, None], edges[:, 0:2], edges[:, 2:4])
        hi = np.where(up[:, None], edges[:, 2:4], edges[:, 0:2])
        flat = lo[:, 1] == hi[:, 1]
        lo, hi, up, own = lo[~flat], hi[~flat], up[~flat], owner[~flat]
        # Rows r whose centre yc = y0 + (r + 0.5) * side satisfies lo_y <= yc < hi_y.
        first = np.ceil((lo[:, 1] - y0) / self.side - 0.5).astype(np.int64)
        last = np.ceil((hi[:, 1] - y0) / self.side - 0.5).astype(np.int64) - 1
        item, row = _expand(np.clip(first, 0, ny), np.clip(last, -1, ny - 1))
        yc = y0 + (row + 0.5) * self.side
        a, b = lo[item], hi[item]
        xc = a[:, 0] + (yc - a[:, 1]) * (b[:, 0] - a[:, 0]) / (b[:, 1] - a[:, 1])
        enter = ~up[item]  # going down: interior to the east
        order = np.lexsort((enter, xc, row))
        row, xc, enter, who = row[order], xc[order], enter[order], own[item][order]
        depth = np.cumsum(np.where(enter, 1, -1))
        event_label = np.where((depth == 1) & enter, who, np.where(depth == 0, -1, MIXED))
        table = np.full(self.shape, -1, dtype=np.int32)
        bounds = np.searchsorted(row, np.arange(ny + 1))
        centres = x0 + (np.arange(nx) + 0.5) * self.side
        for r in range(ny):
            s, e = bounds[r], bounds[r + 1]
            if s == e:
                continue
            k = np.searchsorted(xc[s:e], centres, side="right") - 1
            table[r] = np.where(k >= 0, event_label[s:e][np.maximum(k, 0)], -1)
        return table

    def _touched(self, edges: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        """Buckets that some edge passes through or comes within `eps` of."""
        ny, nx = self.shape
        x0, y0 = self.origin
        s = self.side
        eps = max(1e-9, 1e-6 * s)
        hit = np.zeros(self.shape, dtype=bool)

        def mark(rows: Any, cols: Any) -> None:
            ok = (rows >= 0) & (rows < ny) & (cols >= 0) & (cols < nx)
            hit[rows[ok], cols[ok]] = True

        def bucket(v: Any, origin: float) -> Any:
            return np.floor((v - origin) / s).astype(np.int64)

        # Buckets holding a vertex.
        for dx in (-eps, eps):
            for dy in (-eps, eps):
                mark(bucket(edges[:, 1] + dy, y0), bucket(edges[:, 0] + dx, x0))
        # Crossings with horizontal (axis 1) and vertical (axis 0) bucket lines.
        for axis in (1, 0):
            a, b = edges[:, axis], edges[:, 2 + axis]
            oa, ob = edges[:, 1 - axis], edges[:, 3 - axis]
            origin, other = (y0, x0) if axis == 1 else (x0, y0)
            lo_v, hi_v = np.minimum(a, b), np.maximum(a, b)
            moving = hi_v > lo_v
            first = np.ceil((lo_v - origin - eps) / s).astype(np.int64)
            last = np.floor((hi_v - origin + eps) / s).astype(np.int64)
            limit = ny if axis == 1 else nx
            item, line = _expand(np.clip(first, 0, limit)[moving], np.clip(last, -1, limit)[moving])
            item = np.flatnonzero(moving)[item]
            v = origin + line * s
            t = np.clip((v - a[item]) / (b[item] - a[item]), 0.0, 1.0)
            w = oa[item] + t * (ob[item] - oa[item])
            for d in (-eps, eps):
                across = bucket(w + d, other)
                for side_line in (line - 1, line):
                    if axis == 1:
                        mark(side_line, across)
                    else:
                        mark(across, side_line)
        return hit

    def lookup(self, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> Any:
        """Bucket label per point: cell index, -1 outside, or :data:`MIXED`.

        Parameters
        ----------
        x, y : numpy.ndarray of float64
            Finite WGS-84 lon/lat, 1-D.

        Returns
        -------
        numpy.ndarray of int32
            One label per point.
        """
        x0, y0 = self.origin
        inside = (x >= x0) & (x <= self.limit[0]) & (y >= y0) & (y <= self.limit[1])
        out = np.full(len(x), -1, dtype=np.int32)
        if inside.any():
            xi, yi = x[inside], y[inside]
            col = np.minimum(((xi - x0) / self.side).astype(np.int64), self.shape[1] - 1)
            row = np.minimum(((yi - y0) / self.side).astype(np.int64), self.shape[0] - 1)
            out[inside] = self.table[row, col]
        return out
