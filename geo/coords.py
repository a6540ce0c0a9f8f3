"""Conversions between the three coordinate systems met in Chinese city data.

* ``wgs84`` -- WGS-84 longitude/latitude in degrees (GPS, EPSG:4326). Everything
  inside gridcc is stored in this system.
* ``gcj02`` -- the GCJ-02 "Mars" datum used by AMap (高德), Tencent and most
  Chinese open data, including the bundled 历下区 outline.
* ``bd09`` -- Baidu's BD-09, an extra distortion applied on top of GCJ-02.

The GCJ-02 obfuscation is the published reverse-engineered formula (the one in
eviltransform / coordtransform); it has no closed-form inverse, so the inverse
conversions iterate until the residual is far below a decimetre.  Points outside
the conventional ``out_of_china`` bounding box are not obfuscated by GCJ-02 and
pass through unchanged.

All functions accept Python floats (and return a pair of floats) or array-likes
of matching shape (and return a pair of float64 arrays).  Longitude first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, overload

import numpy as np
import numpy.typing as npt

__all__ = [
    "CRS_NAMES",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "out_of_china",
    "to_wgs84",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

FloatArray = npt.NDArray[np.float64]
ArrayInput = npt.NDArray[Any] | Sequence[float]

#: Names accepted by :func:`to_wgs84` (compared case-insensitively).
CRS_NAMES: tuple[str, ...] = ("wgs84", "gcj02", "bd09")

# Krasovsky 1940 ellipsoid parameters used by the GCJ-02 formula.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0

# Inverse iteration stops once the residual is below this many degrees
# (1e-10 deg is about 0.01 mm) or after _MAX_ITER rounds.
_TOL_DEG = 1e-10
_MAX_ITER = 30


def _as_arrays(lon: Any, lat: Any) -> tuple[FloatArray, FloatArray]:
    x, y = np.broadcast_arrays(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    return x.astype(np.float64, copy=True), y.astype(np.float64, copy=True)


def _wrap(lon: Any, lat: Any, x: FloatArray, y: FloatArray) -> Any:
    if np.ndim(lon) == 0 and np.ndim(lat) == 0:
        return float(x), float(y)
    return x, y


def out_of_china(lon: Any, lat: Any) -> npt.NDArray[np.bool_]:
    """Tell which points lie outside the box where GCJ-02 applies.

    Parameters
    ----------
    lon, lat : float or array_like
        Longitude and latitude in degrees (WGS-84 or GCJ-02; the box is coarse
        enough that it does not matter).

    Returns
    -------
    numpy.ndarray of bool
        True where the point is outside the conventional box
        72.004..137.8347 E, 0.8293..55.8271 N (or not finite).
    """
    x, y = _as_arrays(lon, lat)
    inside = (x >= 72.004) & (x <= 137.8347) & (y >= 0.8293) & (y <= 55.8271)
    return np.asarray(~inside)


def _gcj_offset(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """GCJ-02 offset (dlon, dlat) in degrees at WGS-84 point (x, y)."""
    dx = x - 105.0
    dy = y - 35.0
    sx = np.sqrt(np.abs(dx))
    common = (20.0 * np.sin(6.0 * dx * np.pi) + 20.0 * np.sin(2.0 * dx * np.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * dx + 3.0 * dy + 0.2 * dy * dy + 0.1 * dx * dy + 0.2 * sx + common
    dlat += (20.0 * np.sin(dy * np.pi) + 40.0 * np.sin(dy / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(dy / 12.0 * np.pi) + 320.0 * np.sin(dy * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + dx + 2.0 * dy + 0.1 * dx * dx + 0.1 * dx * dy + 0.1 * sx + common
    dlon += (20.0 * np.sin(dx * np.pi) + 40.0 * np.sin(dx / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(dx / 12.0 * np.pi) + 300.0 * np.sin(dx / 30.0 * np.pi)) * 2.0 / 3.0
    radlat = y / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    return dlon, dlat


def _wgs_to_gcj(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    inside = ~out_of_china(x, y)
    dlon, dlat = _gcj_offset(x, y)
    return np.where(inside, x + dlon, x), np.where(inside, y + dlat, y)


def _gcj_to_bd(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _bd_to_gcj_closed_form(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    x = x - 0.0065
    y = y - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def _invert(
    forward: Callable[[FloatArray, FloatArray], tuple[FloatArray, FloatArray]],
    tx: FloatArray,
    ty: FloatArray,
    x: FloatArray,
    y: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Solve ``forward(x, y) == (tx, ty)`` by fixed-point iteration from (x, y).

    The forward maps here are a small smooth offset from the identity, so
    ``x += target - forward(x)`` converges geometrically (about 1e-5 per round).
    """
    for _ in range(_MAX_ITER):
        fx, fy = forward(x, y)
        ex = tx - fx
        ey = ty - fy
        x = x + ex
        y = y + ey
        err = np.maximum(np.abs(ex), np.abs(ey))
        if not np.any(err > _TOL_DEG):  # also stops on all-NaN input
            break
    return x, y


@overload
def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]: ...
@overload
def wgs84_to_gcj02(lon: ArrayInput, lat: ArrayInput) -> tuple[FloatArray, FloatArray]: ...
def wgs84_to_gcj02(lon: Any, lat: Any) -> Any:
    """Convert WGS-84 to GCJ-02 (AMap) coordinates.

    Parameters
    ----------
    lon, lat : float or array_like
        WGS-84 longitude and latitude in degrees.

    Returns
    -------
    tuple
        ``(lon, lat)`` in GCJ-02 degrees; floats for scalar input, arrays
        otherwise.  Points outside China are returned unchanged.
    """
    x, y = _as_arrays(lon, lat)
    return _wrap(lon, lat, *_wgs_to_gcj(x, y))


@overload
def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]: ...
@overload
def gcj02_to_wgs84(lon: ArrayInput, lat: ArrayInput) -> tuple[FloatArray, FloatArray]: ...
def gcj02_to_wgs84(lon: Any, lat: Any) -> Any:
    """Convert GCJ-02 (AMap) to WGS-84 coordinates by iterative inversion.

    Parameters
    ----------
    lon, lat : float or array_like
        GCJ-02 longitude and latitude in degrees.

    Returns
    -------
    tuple
        ``(lon, lat)`` in WGS-84 degrees such that converting back with
        :func:`wgs84_to_gcj02` reproduces the input to about 1e-9 degrees
        (well under a millimetre).  Points outside China are unchanged.
    """
    x, y = _as_arrays(lon, lat)
    return _wrap(lon, lat, *_invert(_wgs_to_gcj, x, y, x.copy(), y.copy()))


@overload
def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]: ...
@overload
def gcj02_to_bd09(lon: ArrayInput, lat: ArrayInput) -> tuple[FloatArray, FloatArray]: ...
def gcj02_to_bd09(lon: Any, lat: Any) -> Any:
    """Convert GCJ-02 (AMap) to BD-09 (Baidu) coordinates.

    Parameters
    ----------
    lon, lat : float or array_like
        GCJ-02 longitude and latitude in degrees.

    Returns
    -------
    tuple
        ``(lon, lat)`` in BD-09 degrees.
    """
    x, y = _as_arrays(lon, lat)
    return _wrap(lon, lat, *_gcj_to_bd(x, y))


@overload
def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]: ...
@overload
def bd09_to_gcj02(lon: ArrayInput, lat: ArrayInput) -> tuple[FloatArray, FloatArray]: ...
def bd09_to_gcj02(lon: Any, lat: Any) -> Any:
    """Convert BD-09 (Baidu) to GCJ-02 (AMap) coordinates.

    Starts from the usual closed-form approximation and refines it iteratively
    so that :func:`gcj02_to_bd09` of the result reproduces the input.

    Parameters
    ----------
    lon, lat : float or array_like
        BD-09 longitude and latitude in degrees.

    Returns
    -------
    tuple
        ``(lon, lat)`` in GCJ-02 degrees.
    """
    x, y = _as_arrays(lon, lat)
    x0, y0 = _bd_to_gcj_closed_form(x, y)
    return _wrap(lon, lat, *_invert(_gcj_to_bd, x, y, x0, y0))


@overload
def wgs84_to_bd09(lon: float, lat: float) -> tuple[float, float]: ...
@overload
def wgs84_to_bd09(lon: ArrayInput, lat: ArrayInput) -> tuple[FloatArray, FloatArray]: ...
def wgs84_to_bd09(lon: Any, lat: Any) -> Any:
    """Convert WGS-84 to BD-09 (Baidu) coordinates (via GCJ-02).

    Parameters
    ----------
    lon, lat : float or array_like
        WGS-84 longitude and latitude in degrees.

    Returns
    -------
    tuple
        ``(lon, lat)`` in BD-09 degrees.
    """
    x, y = _as_arrays(lon, lat)
    return _wrap(lon, lat, *_gcj_to_bd(*_wgs_to_gcj(x, y)))


@overload
def bd09_to_wgs84(lon: float, lat: float) -> tuple[float, float]: ...
@overload
def bd09_to_wgs84(lon: ArrayInput, lat: ArrayInput) -> tuple[FloatArray, FloatArray]: ...
def bd09_to_wgs84(lon: Any, lat: Any) -> Any:
    """Convert BD-09 (Baidu) to WGS-84 coordinates (via GCJ-02).

    Parameters
    ----------
    lon, lat : float or array_like
        BD-09 longitude and latitude in degrees.

    Returns
    -------
    tuple
        ``(lon, lat)`` in WGS-84 degrees.
    """
    gx, gy = bd09_to_gcj02(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    x, y = gcj02_to_wgs84(gx, gy)
    return _wrap(lon, lat, x, y)


@overload
def to_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]: ...
@overload
def to_wgs84(lon: ArrayInput, lat: ArrayInput, crs: str) -> tuple[FloatArray, FloatArray]: ...
def to_wgs84(lon: Any, lat: Any, crs: str) -> Any:
    """Convert coordinates given in a named system to WGS-84.

    Parameters
    ----------
    lon, lat : float or array_like
        Longitude and latitude in degrees, in the system named by `crs`.
    crs : {"wgs84", "gcj02", "bd09"}
        Source system, case-insensitive.

    Returns
    -------
    tuple
        ``(lon, lat)`` in WGS-84 degrees (floats for scalar input).

    Raises
    ------
    ValueError
        If `crs` is not one of the supported names.
    """
    key = crs.strip().lower() if isinstance(crs, str) else crs
    if key == "wgs84":
        x, y = _as_arrays(lon, lat)
        return _wrap(lon, lat, x, y)
    if key == "gcj02":
        return gcj02_to_wgs84(lon, lat)
    if key == "bd09":
        return bd09_to_wgs84(lon, lat)
    raise ValueError(
        f"unknown coordinate system {crs!r}; expected one of {', '.join(CRS_NAMES)} "
        "(case-insensitive)"
    )
