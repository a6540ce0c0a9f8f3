"""Map levels of a grid: cells, communities (社区) and streets (街道).

:class:`MapLevels` is mixed into :class:`geo.grid.Grid`.  It derives the
community and street units from the cells' hierarchy codes, dissolves their
outlines and serves each level as display GeoJSON.  All geometry is WGS-84
lon/lat degrees (EPSG:4326).  Everything is built on first use and cached on
the grid.

Feature ids in the level GeoJSON are the units' own codes: 15 digits for a
cell, 12 for a community (district + street + community), 9 for a street
(district + street).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from geo.display import dissolve, feature_collection, label_anchors, simplify_coverage
from geo.geojson import dumps, geometry_to_geojson
from geo.hierarchy import DISTRICT_CODE, check_level

__all__ = ["DISTRICT_NAMES", "MapLevels"]

#: Names of districts gridcc knows, by 6-digit code.
DISTRICT_NAMES = {DISTRICT_CODE: "历下区"}

T = TypeVar("T")


class MapLevels:
    """Hierarchy and display geometry per level (mixin for Grid; WGS-84)."""

    codes: list[str]
    names: list[str]
    street_names: list[str]
    community_names: list[str]
    street_codes: list[str]
    community_codes: list[str]
    geometries: npt.NDArray[np.object_]
    synthetic: bool
    attribution: str
    _cache: dict[str, Any]

    def _cache_get(self, key: str, build: Callable[[], T]) -> T:
        if key not in self._cache:
            self._cache[key] = build()
        value: T = self._cache[key]
        return value

    def _units(self, level: str) -> tuple[list[str], list[str], npt.NDArray[np.intp]]:
        """(codes, names, cell -> unit index) of a level, cached."""
        level = check_level(level)

        def build() -> tuple[list[str], list[str], npt.NDArray[np.intp]]:
            if level == "cell":
                index = np.arange(len(self.codes), dtype=np.intp)
                return list(self.codes), list(self.names), index
            per_cell = self.street_codes if level == "street" else self.community_codes
            codes = sorted(set(per_cell))
            index = np.searchsorted(
                np.asarray(codes, dtype=object), np.asarray(per_cell, dtype=object)
            )
            index = np.asarray(index, dtype=np.intp)
            first = np.full(len(codes), -1, dtype=np.intp)
            for i in range(len(per_cell) - 1, -1, -1):  # first cell of each unit wins
                first[index[i]] = i
            if level == "street":
                names = [self.street_names[i] for i in first]
            else:
                names = [f"{self.street_names[i]} {self.community_names[i]}" for i in first]
            index.flags.writeable = False
            return codes, names, index

        return self._cache_get(f"units:{level}", build)

    def level_codes(self, level: str) -> list[str]:
        """Codes of the units at a level.

        Parameters
        ----------
        level : {"cell", "community", "street"}
            The level.

        Returns
        -------
        list of str
            For ``"cell"`` the cell codes in grid order (same as
            :attr:`codes`); for the other levels the sorted distinct 12-digit
            community or 9-digit street codes.
        """
        return list(self._units(level)[0])

    def level_names(self, level: str) -> list[str]:
        """Display names of the units at a level, aligned with :meth:`level_codes`.

        Parameters
        ----------
        level : {"cell", "community", "street"}
            The level.

        Returns
        -------
        list of str
            Cell names; ``"<street> <community>"`` for communities (community
            names need not be unique across streets); street names.
        """
        return list(self._units(level)[1])

    def cell_level_index(self, level: str) -> npt.NDArray[np.intp]:
        """For each cell, the index of its unit in ``level_codes(level)``.

        Sum per-cell values by unit with
        ``np.bincount(grid.cell_level_index(level), weights=values)``.

        Parameters
        ----------
        level : {"cell", "community", "street"}
            The level.

        Returns
        -------
        numpy.ndarray of intp
            Read-only, one entry per cell.
        """
        return self._units(level)[2]

    def _is_coverage(self) -> bool:
        return self._cache_get(
            "is_coverage", lambda: bool(shapely.coverage_is_valid(self.geometries))
        )

    def level_geometries(self, level: str) -> npt.NDArray[np.object_]:
        """Full-detail shape of each unit at a level, WGS-84 lon/lat.

        Communities and streets are the dissolved unions of their cells.

        Parameters
        ----------
        level : {"cell", "community", "street"}
            The level.

        Returns
        -------
        numpy.ndarray of shapely Polygon or MultiPolygon
            Aligned with :meth:`level_codes`.
        """
        codes, _, index = self._units(level)
        if level == "cell":
            return self.geometries

        def build() -> npt.NDArray[np.object_]:
            return dissolve(self.geometries, index, len(codes), coverage=self._is_coverage())

        return self._cache_get(f"geometries:{level}", build)

    def level_labels(self, level: str) -> list[tuple[str, float, float, float]]:
        """A map label per unit at a level: its short name, where it goes, its room.

        Parameters
        ----------
        level : {"cell", "community", "street"}
            The level.

        Returns
        -------
        list of (name, lon, lat, radius)
            Aligned with :meth:`level_codes`: the community's own name (without its
            street's) or the street's or cell's name; the anchor, WGS-84 degrees; the
            radius of the room around it, in degrees of latitude (see
            :func:`geo.display.label_anchors`).  Cached.
        """
        names = [name.rsplit(" ", 1)[-1] for name in self.level_names(level)]

        def build() -> list[tuple[str, float, float, float]]:
            anchors = label_anchors(self.level_geometries(level))
            return [(n, *a) for n, a in zip(names, anchors, strict=True)]

        return self._cache_get(f"labels:{level}", build)

    def level_geojson(self, level: str) -> bytes:
        """Display GeoJSON of one map level, for the browser (WGS-84).

        Feature ``id`` is the unit's code (15-digit cell, 12-digit community,
        9-digit street); properties are ``code`` and ``name`` (see
        :meth:`level_names`).  Top-level members: ``level``, ``synthetic``
        and, when set, ``attribution``.  The level's polygons are simplified
        together (about 4 m, see :mod:`geo.display`) so shared borders stay
        shared, and rounded to 6 decimals.  Cached: serve the bytes as they
        are, with compression and a long cache lifetime.

        Parameters
        ----------
        level : {"cell", "community", "street"}
            The level.

        Returns
        -------
        bytes
            UTF-8 JSON.
        """
        codes, names, _ = self._units(level)

        def build() -> bytes:
            geoms = simplify_coverage(self.level_geometries(level))
            members: dict[str, Any] = {"level": level, "synthetic": self.synthetic}
            if self.attribution:
                members["attribution"] = self.attribution
            return feature_collection(codes, names, geoms, **members)

        return self._cache_get(f"geojson:{level}", build)

    def level_etag(self, level: str) -> str:
        """Short content hash of ``level_geojson(level)``, for HTTP caching.

        Parameters
        ----------
        level : {"cell", "community", "street"}
            The level.

        Returns
        -------
        str
            16 hex digits; changes whenever the served bytes change.
        """
        return self._cache_get(
            f"etag:{level}",
            lambda: hashlib.sha256(self.level_geojson(level)).hexdigest()[:16],
        )

    def cells_geojson(self) -> bytes:
        """Display GeoJSON of the cells; the same bytes as ``level_geojson("cell")``.

        Returns
        -------
        bytes
            UTF-8 JSON, WGS-84 lon/lat; see :meth:`level_geojson`.
        """
        return self.level_geojson("cell")

    @property
    def outline(self) -> BaseGeometry:
        """District outline polygon in WGS-84 lon/lat (union of cells if not given)."""
        outline: BaseGeometry | None = self._cache.get("outline")
        if outline is None:
            outline = shapely.union_all(self.geometries)
            self._cache["outline"] = outline
        return outline

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
            district = self.codes[0][:6] if self.codes else ""
            feature = {
                "type": "Feature",
                "id": "outline",
                "properties": {"name": DISTRICT_NAMES.get(district, district), "adcode": district},
                "geometry": geometry_to_geojson(self.outline.boundary),
            }
            return dumps({"type": "FeatureCollection", "features": [feature]})

        return self._cache_get("outline_geojson", build)
