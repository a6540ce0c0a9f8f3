"""The governance grid: cells of 历下区 and point-in-cell lookup.

A :class:`Grid` is an immutable set of grid cells (网格).  Each cell has a
15-digit code (``370102`` district + 3-digit street + 3-digit community +
3-digit cell), a Chinese display name, its street (街道) and community (社区),
and a polygon.  All geometry held by a grid is WGS-84 longitude/latitude
(EPSG:4326); inputs in GCJ-02 or BD-09 can be converted on the way in with the
``crs`` argument of :meth:`Grid.locate` / :meth:`Grid.locate_many`.

Nothing here runs at import time; trees, projections and the browser GeoJSON
are built lazily and cached on the instance.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import cache
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.coords import to_wgs84
from geo.geojson import read_geometry
from geo.hierarchy import CODE_PATTERN, LEVELS, community_code, street_code
from geo.levels import MapLevels
from geo.locate import MIXED, BucketIndex, Location, exact_locate, nearest_cell
from geo.metric import to_metric

__all__ = [
    "CODE_PATTERN",
    "LEVELS",
    "Grid",
    "Location",
    "community_code",
    "default_grid_path",
    "default_outline_path",
    "load_default_grid",
    "street_code",
]

_DATA = Path(__file__).resolve().parent / "data"


def default_grid_path() -> Path:
    """Path of the bundled starter grid (synthetic cells, WGS-84 GeoJSON).

    Returns
    -------
    pathlib.Path
        ``geo/data/starter-grid.geojson``.
    """
    return _DATA / "starter-grid.geojson"


def default_outline_path() -> Path:
    """Path of the bundled 历下区 outline converted to WGS-84.

    Returns
    -------
    pathlib.Path
        ``geo/data/lixia-370102-wgs84.geojson``.
    """
    return _DATA / "lixia-370102-wgs84.geojson"


# Batches smaller than this skip the bucket raster (not worth building for).
_BUCKET_MIN_POINTS = 2048


class Grid(MapLevels):
    """An immutable set of grid cells with point lookup (WGS-84 lon/lat).

    Parameters
    ----------
    codes : sequence of str
        Unique 15-digit cell codes.
    names : sequence of str
        Display name per cell, e.g. ``"姚家街道 荷苑社区 012网格"``.
    street_names, community_names : sequence of str
        Street (街道) and community (社区) name per cell.
    geometries : sequence of shapely Polygon or MultiPolygon
        Cell shapes in WGS-84 lon/lat degrees (EPSG:4326).
    synthetic : bool, optional
        True when the cells are a made-up demo grid, not official data.
    attribution : str, optional
        Credit line to show on the map.
    outline : shapely geometry, optional
        District outline in WGS-84; defaults to the union of the cells.
    street_codes, community_codes : sequence of str, optional
        Street (9-digit) and community (12-digit) code per cell; default the
        first 9 and 12 digits of the cell code.

    Raises
    ------
    ValueError
        On mismatched lengths, malformed or duplicate codes, a community
        under two streets, or empty / non-polygonal geometries.

    Notes
    -----
    Attributes are read-only.  ``codes`` and the other name lists are plain
    lists for convenience; do not mutate them.  Tie rule: a point on a border
    shared by several cells belongs to the cell with the smallest code.
    """

    codes: list[str]
    names: list[str]
    street_names: list[str]
    community_names: list[str]
    street_codes: list[str]
    community_codes: list[str]
    geometries: npt.NDArray[np.object_]
    synthetic: bool
    attribution: str

    def __init__(
        self,
        codes: Sequence[str],
        names: Sequence[str],
        street_names: Sequence[str],
        community_names: Sequence[str],
        geometries: Sequence[BaseGeometry] | npt.NDArray[np.object_],
        *,
        synthetic: bool = False,
        attribution: str = "",
        outline: BaseGeometry | None = None,
        street_codes: Sequence[str] | None = None,
        community_codes: Sequence[str] | None = None,
    ) -> None:
        n = len(codes)
        streets = [street_code(c) for c in codes] if street_codes is None else list(street_codes)
        comms = (
            [community_code(c) for c in codes] if community_codes is None else list(community_codes)
        )
        columns = (names, street_names, community_names, geometries, streets, comms)
        if {len(col) for col in columns} != {n}:
            raise ValueError(
                "codes, names, street_names, community_names, geometries and the "
                "hierarchy codes differ in length"
            )
        bad = [c for c in codes if not isinstance(c, str) or not CODE_PATTERN.match(c)]
        if bad:
            raise ValueError(f"cell codes must be 15-digit strings, got e.g. {bad[0]!r}")
        index = {c: i for i, c in enumerate(codes)}
        if len(index) != n:
            dup = next(c for c in codes if codes.count(c) > 1)
            raise ValueError(f"duplicate cell code {dup!r}")
        parent: dict[str, str] = {}
        for comm, street in zip(comms, streets, strict=True):
            if parent.setdefault(comm, street) != street:
                raise ValueError(f"community {comm} lies in two streets: {parent[comm]}, {street}")
        geoms = np.empty(n, dtype=object)
        geoms[:] = list(geometries)
        kinds = shapely.get_type_id(geoms)
        if n and (not np.isin(kinds, (3, 6)).all() or shapely.is_empty(geoms).any()):
            raise ValueError("every cell geometry must be a non-empty Polygon or MultiPolygon")
        geoms.flags.writeable = False
        set_ = object.__setattr__
        set_(self, "codes", list(codes))
        set_(self, "names", list(names))
        set_(self, "street_names", list(street_names))
        set_(self, "community_names", list(community_names))
        set_(self, "street_codes", streets)
        set_(self, "community_codes", comms)
        set_(self, "geometries", geoms)
        set_(self, "synthetic", bool(synthetic))
        set_(self, "attribution", str(attribution))
        set_(self, "_index", index)
        # rank[i] = position of codes[i] in sorted order; ties go to the lowest rank.
        rank = np.empty(n, dtype=np.intp)
        rank[np.argsort(np.asarray(codes, dtype=object), kind="stable")] = np.arange(n)
        set_(self, "_rank", rank)
        set_(self, "_cache", {} if outline is None else {"outline": outline})

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Grid is read-only (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Grid is read-only (cannot delete {name!r})")

    def __len__(self) -> int:
        return len(self.codes)

    def __repr__(self) -> str:
        kind = "synthetic " if self.synthetic else ""
        return f"<Grid {kind}with {len(self)} cells>"

    # ------------------------------------------------------------------ loading

    @classmethod
    def from_geojson(
        cls,
        path: str | PathLike[str],
        outline_path: str | PathLike[str] | None = None,
    ) -> Grid:
        """Load a grid from a GeoJSON FeatureCollection in WGS-84.

        Each feature needs properties ``code``, ``name``, ``street`` and
        ``community`` and a Polygon or MultiPolygon geometry in WGS-84
        lon/lat; ``street_code`` and ``community_code`` are read when present
        (else the code prefixes).  Optional top-level members ``"synthetic"``
        (bool) and ``"attribution"`` (str) are read too.

        Parameters
        ----------
        path : str or path-like
            The grid FeatureCollection (WGS-84).
        outline_path : str or path-like, optional
            A WGS-84 GeoJSON file with the district outline; when omitted the
            outline is the union of the cells.

        Returns
        -------
        Grid
            The loaded grid.

        Raises
        ------
        ValueError
            If the file is not a FeatureCollection or a feature lacks a
            required property (message names the feature).
        """
        doc = json.loads(Path(path).read_bytes())
        if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
            raise ValueError(f"{path}: expected a GeoJSON FeatureCollection")
        columns: dict[str, list[str]] = {k: [] for k in ("code", "name", "street", "community")}
        hierarchy: dict[str, list[str]] = {"street_code": [], "community_code": []}
        geoms = []
        for i, feature in enumerate(doc.get("features", [])):
            props = feature.get("properties") or {}
            for key, column in columns.items():
                value = props.get(key)
                if value is None:
                    raise ValueError(f"{path}: feature {i} has no {key!r} property")
                column.append(str(value))
            code = columns["code"][-1]
            hierarchy["street_code"].append(str(props.get("street_code") or street_code(code)))
            hierarchy["community_code"].append(
                str(props.get("community_code") or community_code(code))
            )
            if not feature.get("geometry"):
                raise ValueError(f"{path}: feature {i} has no geometry")
            geoms.append(shape(feature["geometry"]))
        outline = read_geometry(outline_path) if outline_path is not None else None
        return cls(
            columns["code"],
            columns["name"],
            columns["street"],
            columns["community"],
            geoms,
            synthetic=bool(doc.get("synthetic", False)),
            attribution=str(doc.get("attribution", "")),
            outline=outline,
            street_codes=hierarchy["street_code"],
            community_codes=hierarchy["community_code"],
        )

    # ------------------------------------------------------------------ lookup

    def index_of(self, code: str) -> int:
        """Index of the cell with this code.

        Parameters
        ----------
        code : str
            A cell code.

        Returns
        -------
        int
            Position of the cell in :attr:`codes` / :attr:`geometries`.

        Raises
        ------
        KeyError
            If no cell has this code.
        """
        try:
            return self._index[code]
        except KeyError:
            raise KeyError(f"no grid cell with code {code!r}") from None

    def locate(self, lon: float, lat: float, crs: str = "wgs84") -> Location:
        """Find the cell containing a point; never raises for outside points.

        Parameters
        ----------
        lon, lat : float
            Point coordinates in degrees.
        crs : {"wgs84", "gcj02", "bd09"}, optional
            System of the input coordinates; converted to WGS-84 first.

        Returns
        -------
        Location
            Containing cell (smallest code on shared borders), or for a point
            outside every cell the nearest cell and the geodesic distance to
            it in metres (nearest found in UTM 50N, EPSG:32650).
        """
        x, y = to_wgs84(float(lon), float(lat), crs)
        i = int(self.locate_many(np.array([x]), np.array([y]))[0])
        if i >= 0:
            code = self.codes[i]
            return Location(cell_code=code, index=i, nearest_code=code, distance_m=0.0)
        if not (math.isfinite(x) and math.isfinite(y)) or len(self) == 0:
            return Location(cell_code=None, index=-1, nearest_code=None, distance_m=math.inf)
        j, dist = self._nearest(x, y)
        return Location(cell_code=None, index=-1, nearest_code=self.codes[j], distance_m=dist)

    def locate_many(self, lons: Any, lats: Any, crs: str = "wgs84") -> npt.NDArray[np.intp]:
        """Vectorised point-in-cell lookup.

        Large batches first go through a bucket raster (see
        :class:`geo.locate.BucketIndex`, built on first use); points near a
        border, and small batches, get the exact STRtree test.

        Parameters
        ----------
        lons, lats : array_like
            Point coordinates in degrees, same shape.
        crs : {"wgs84", "gcj02", "bd09"}, optional
            System of the input coordinates; converted to WGS-84 first.

        Returns
        -------
        numpy.ndarray of intp
            Cell index per point (same shape as the input), -1 outside every
            cell or for non-finite input.  Points on a shared border get the
            cell with the smallest code, as in :meth:`locate`.
        """
        x, y = to_wgs84(np.asarray(lons, dtype=np.float64), np.asarray(lats, dtype=np.float64), crs)
        shape_ = x.shape
        x = x.ravel()
        y = y.ravel()
        out = np.full(x.size, -1, dtype=np.intp)
        ok = np.isfinite(x) & np.isfinite(y)
        if len(self) == 0 or not ok.any():
            return out.reshape(shape_)
        which = np.flatnonzero(ok)
        xs, ys = (x, y) if which.size == x.size else (x[which], y[which])
        if which.size < _BUCKET_MIN_POINTS:
            out[which] = exact_locate(self._tree(), self._rank, xs, ys)
            return out.reshape(shape_)
        labels = self._buckets().lookup(xs, ys)
        mixed = np.flatnonzero(labels == MIXED)
        found = labels.astype(np.intp)
        found[mixed] = exact_locate(self._tree(), self._rank, xs[mixed], ys[mixed])
        out[which] = found
        return out.reshape(shape_)

    # ------------------------------------------------------------------ extent

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(minx, miny, maxx, maxy)`` of all cells, WGS-84 degrees."""
        b = shapely.total_bounds(self.geometries)
        return float(b[0]), float(b[1]), float(b[2]), float(b[3])

    @property
    def center(self) -> tuple[float, float]:
        """``(lon, lat)`` of the centre of :attr:`bounds`, WGS-84 degrees."""
        minx, miny, maxx, maxy = self.bounds
        return (minx + maxx) / 2.0, (miny + maxy) / 2.0

    # ------------------------------------------------------------------ internals

    _index: dict[str, int]
    _rank: npt.NDArray[np.intp]

    def _tree(self) -> shapely.STRtree:
        return self._cache_get("tree", lambda: shapely.STRtree(self.geometries))

    def _buckets(self) -> BucketIndex:
        return self._cache_get("buckets", lambda: BucketIndex(self.geometries))

    def _metric_tree(self) -> tuple[Any, shapely.STRtree]:
        def build() -> tuple[Any, shapely.STRtree]:
            projected = to_metric(self.geometries)
            return projected, shapely.STRtree(projected)

        return self._cache_get("metric_tree", build)

    def _nearest(self, lon: float, lat: float) -> tuple[int, float]:
        """Nearest cell to a WGS-84 point outside the grid, and its distance in metres."""
        projected, metric_tree = self._metric_tree()
        return nearest_cell(
            self.geometries, projected, metric_tree, self._tree(), self._rank, lon, lat
        )


@cache
def load_default_grid() -> Grid:
    """Load (once per process) the bundled starter grid with its outline.

    Returns
    -------
    Grid
        The synthetic starter grid of 历下区 in WGS-84; the same instance on
        every call.
    """
    return Grid.from_geojson(default_grid_path(), outline_path=default_outline_path())
