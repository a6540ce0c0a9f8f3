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
import re
from collections.abc import Sequence
from dataclasses import dataclass
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
from geo.geojson import dumps, geometry_to_geojson, read_geometry
from geo.metric import geodesic_distance_m, to_metric, to_metric_xy, to_wgs84_xy

__all__ = [
    "CODE_PATTERN",
    "Grid",
    "Location",
    "community_code",
    "default_grid_path",
    "default_outline_path",
    "load_default_grid",
    "street_code",
]

#: A cell code: 6-digit district + 3 street + 3 community + 3 cell digits.
CODE_PATTERN = re.compile(r"^\d{15}$")

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


def street_code(cell_code: str) -> str:
    """Street (街道) part of a cell code: its first 9 digits.

    Parameters
    ----------
    cell_code : str
        A 15-digit cell code.

    Returns
    -------
    str
        The 9-digit street code (district + street).
    """
    return cell_code[:9]


def community_code(cell_code: str) -> str:
    """Community (社区) part of a cell code: its first 12 digits.

    Parameters
    ----------
    cell_code : str
        A 15-digit cell code.

    Returns
    -------
    str
        The 12-digit community code (district + street + community).
    """
    return cell_code[:12]


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


class Grid:
    """An immutable set of grid cells with point lookup (WGS-84 lon/lat).

    Parameters
    ----------
    codes : sequence of str
        Unique 15-digit cell codes.
    names : sequence of str
        Display name per cell, e.g. ``"姚家街道 第3社区 012网格"``.
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

    Raises
    ------
    ValueError
        On mismatched lengths, malformed or duplicate codes, or empty /
        non-polygonal geometries.

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
    ) -> None:
        n = len(codes)
        lengths = {len(names), len(street_names), len(community_names), len(geometries)}
        if lengths != {n}:
            raise ValueError(
                "codes, names, street_names, community_names and geometries differ in length"
            )
        bad = [c for c in codes if not isinstance(c, str) or not CODE_PATTERN.match(c)]
        if bad:
            raise ValueError(f"cell codes must be 15-digit strings, got e.g. {bad[0]!r}")
        index = {c: i for i, c in enumerate(codes)}
        if len(index) != n:
            dup = next(c for c in codes if codes.count(c) > 1)
            raise ValueError(f"duplicate cell code {dup!r}")
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
        set_(self, "geometries", geoms)
        set_(self, "synthetic", bool(synthetic))
        set_(self, "attribution", str(attribution))
        set_(self, "_outline", outline)
        set_(self, "_index", index)
        # rank[i] = position of codes[i] in sorted order; ties go to the lowest rank.
        rank = np.empty(n, dtype=np.intp)
        rank[np.argsort(np.asarray(codes, dtype=object), kind="stable")] = np.arange(n)
        set_(self, "_rank", rank)
        set_(self, "_cache", {})

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
        lon/lat.  Optional top-level members ``"synthetic"`` (bool) and
        ``"attribution"`` (str) are read too.

        Parameters
        ----------
        path : str or path-like
            The grid FeatureCollection.
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
        geoms = []
        for i, feature in enumerate(doc.get("features", [])):
            props = feature.get("properties") or {}
            for key, column in columns.items():
                value = props.get(key)
                if value is None:
                    raise ValueError(f"{path}: feature {i} has no {key!r} property")
                column.append(str(value))
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
        if not ok.any() or len(self) == 0:
            return out.reshape(shape_)
        which = np.flatnonzero(ok)
        points = shapely.points(x[which], y[which])
        hit_point, hit_cell = self._tree().query(points, predicate="intersects")
        if hit_point.size:
            order = np.lexsort((self._rank[hit_cell], hit_point))
            hit_point = hit_point[order]
            hit_cell = hit_cell[order]
            first = np.ones(hit_point.size, dtype=bool)
            first[1:] = hit_point[1:] != hit_point[:-1]
            out[which[hit_point[first]]] = hit_cell[first]
        return out.reshape(shape_)

    # ------------------------------------------------------------------ map output

    def cells_geojson(self) -> bytes:
        """Compact FeatureCollection of the cells for the browser map.

        Feature ``id`` is the cell code; properties are ``code`` and ``name``;
        coordinates are WGS-84 lon/lat rounded to 6 decimals (about 0.1 m).
        Cells are not simplified per polygon (that would open gaps between
        neighbours); rounding keeps shared borders shared.  Cached.

        Returns
        -------
        bytes
            UTF-8 JSON.
        """

        def build() -> bytes:
            features = [
                {
                    "type": "Feature",
                    "id": code,
                    "properties": {"code": code, "name": name},
                    "geometry": geometry_to_geojson(geom),
                }
                for code, name, geom in zip(self.codes, self.names, self.geometries, strict=True)
            ]
            doc: dict[str, Any] = {"type": "FeatureCollection", "features": features}
            if self.attribution:
                doc["attribution"] = self.attribution
            doc["synthetic"] = self.synthetic
            return dumps(doc)

        result: bytes = self._cache_get("cells_geojson", build)
        return result

    def outline_geojson(self) -> bytes:
        """District outline (WGS-84 lon/lat) as a FeatureCollection of lines.

        The polygon boundary is emitted as (Multi)LineString so it can feed a
        map line layer directly.  Cached.

        Returns
        -------
        bytes
            UTF-8 JSON with one feature.
        """

        def build() -> bytes:
            feature = {
                "type": "Feature",
                "id": "outline",
                "properties": {"name": "历下区", "adcode": "370102"},
                "geometry": geometry_to_geojson(self.outline.boundary),
            }
            return dumps({"type": "FeatureCollection", "features": [feature]})

        result: bytes = self._cache_get("outline_geojson", build)
        return result

    @property
    def outline(self) -> BaseGeometry:
        """District outline polygon in WGS-84 lon/lat (union of cells if not given)."""
        outline: BaseGeometry | None = self._outline
        if outline is not None:
            return outline
        union: BaseGeometry = self._cache_get("outline", lambda: shapely.union_all(self.geometries))
        return union

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

    _outline: BaseGeometry | None
    _index: dict[str, int]
    _rank: npt.NDArray[np.intp]
    _cache: dict[str, Any]

    def _cache_get(self, key: str, build: Any) -> Any:
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def _tree(self) -> shapely.STRtree:
        return self._cache_get("tree", lambda: shapely.STRtree(self.geometries))

    def _metric_tree(self) -> tuple[Any, shapely.STRtree]:
        def build() -> tuple[Any, shapely.STRtree]:
            projected = to_metric(self.geometries)
            return projected, shapely.STRtree(projected)

        result: tuple[Any, shapely.STRtree] = self._cache_get("metric_tree", build)
        return result

    def _pick(self, candidates: npt.NDArray[np.intp]) -> int:
        return int(candidates[np.argmin(self._rank[candidates])])

    def _nearest(self, lon: float, lat: float) -> tuple[int, float]:
        """Nearest cell to a WGS-84 point outside the grid, and its distance.

        The nearest cell is searched in UTM 50N (EPSG:32650); the returned
        distance is geodesic (WGS-84 ellipsoid) from the point to the nearest
        point of that cell.  Points the projection cannot handle fall back to
        a lon/lat-degree search.
        """
        mx, my = to_metric_xy(lon, lat)
        if np.isfinite(mx) and np.isfinite(my):
            projected, tree = self._metric_tree()
            point = shapely.Point(float(mx), float(my))
            candidates = tree.query_nearest(point, all_matches=True)
            j = self._pick(candidates)
            near = shapely.shortest_line(projected[j], point).coords[0]
            nlon, nlat = to_wgs84_xy(near[0], near[1])
        else:
            point = shapely.Point(lon, lat)
            j = self._pick(self._tree().query_nearest(point, all_matches=True))
            nlon, nlat = shapely.shortest_line(self.geometries[j], point).coords[0]
        dist = float(geodesic_distance_m(lon, lat, float(nlon), float(nlat)))
        return j, dist


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
