"""Tests for geo.coords: WGS-84 / GCJ-02 / BD-09 conversions."""

import math

import numpy as np
import pytest

from geo.coords import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    out_of_china,
    to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

M_PER_DEG = 111_320.0  # metres per degree of latitude (upper bound for longitude)


def _max_error_m(lon_a, lat_a, lon_b, lat_b) -> float:
    dlon = (np.asarray(lon_a) - np.asarray(lon_b)) * np.cos(np.radians(lat_b))
    dlat = np.asarray(lat_a) - np.asarray(lat_b)
    return float(np.max(np.hypot(dlon, dlat)) * M_PER_DEG)


@pytest.fixture(scope="module")
def china_points() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(42)
    lon = np.concatenate([rng.uniform(73.0, 135.0, 20_000), rng.uniform(117.0, 117.2, 2_000)])
    lat = np.concatenate([rng.uniform(18.0, 53.0, 20_000), rng.uniform(36.55, 36.75, 2_000)])
    return lon, lat


def test_tiananmen_reference_pair() -> None:
    # Expected value computed once with the standard (eviltransform/coordtransform)
    # formula, a = 6378245.0, ee = 0.00669342162296594323:
    #   dx, dy = 116.397428 - 105, 39.90923 - 35
    #   dlat = transformlat(dx, dy); dlon = transformlon(dx, dy)
    #   magic = 1 - ee * sin(rad(39.90923))**2
    #   lat += dlat * 180 / (a * (1 - ee) / (magic * sqrt(magic)) * pi)
    #   lon += dlon * 180 / (a / sqrt(magic) * cos(rad(39.90923)) * pi)
    #   -> (116.40367162595768, 39.91063350638631)
    lon, lat = wgs84_to_gcj02(116.397428, 39.90923)
    assert isinstance(lon, float)
    assert lon == pytest.approx(116.40367162595768, abs=1e-6)
    assert lat == pytest.approx(39.91063350638631, abs=1e-6)
    back = gcj02_to_wgs84(116.40367162595768, 39.91063350638631)
    assert back == pytest.approx((116.397428, 39.90923), abs=1e-6)


def test_published_coordtransform_vectors() -> None:
    # Values printed in the README of wandergis/coordTransform (an independent
    # implementation of the same formulas), input (116.404, 39.915).
    assert wgs84_to_gcj02(116.404, 39.915) == pytest.approx(
        (116.41024449916938, 39.91640428150164), abs=1e-9
    )
    assert gcj02_to_bd09(116.404, 39.915) == pytest.approx(
        (116.41036949371029, 39.92133699351021), abs=1e-9
    )
    # The README's BD-09 -> GCJ-02 is the closed-form approximation (error up to
    # ~0.2 m); ours refines it, so agree to 1e-6 deg only.
    assert bd09_to_gcj02(116.404, 39.915) == pytest.approx(
        (116.39762729119315, 39.90865673957631), abs=1e-6
    )
    assert wgs84_to_bd09(116.404, 39.915) == pytest.approx(
        (116.41662724378733, 39.922699552216216), abs=1e-9
    )


def test_offset_is_hundreds_of_metres_in_jinan() -> None:
    lon, lat = wgs84_to_gcj02(117.05, 36.66)
    offset = _max_error_m(lon, lat, 117.05, 36.66)
    assert 200.0 < offset < 900.0


@pytest.mark.parametrize(
    ("forward", "inverse"),
    [
        (wgs84_to_gcj02, gcj02_to_wgs84),
        (gcj02_to_bd09, bd09_to_gcj02),
        (wgs84_to_bd09, bd09_to_wgs84),
    ],
)
def test_round_trip_below_half_metre(forward, inverse, china_points) -> None:
    lon, lat = china_points
    back_lon, back_lat = inverse(*forward(lon, lat))
    assert back_lon.shape == lon.shape
    assert _max_error_m(back_lon, back_lat, lon, lat) < 0.5
    # and the other way round
    back_lon, back_lat = forward(*inverse(lon, lat))
    assert _max_error_m(back_lon, back_lat, lon, lat) < 0.5


def test_inverse_is_much_better_than_naive_subtraction() -> None:
    # A one-step inverse (gcj - offset(gcj)) is off by metres; ours by far less.
    lon, lat = wgs84_to_gcj02(117.05, 36.66)
    wlon, wlat = gcj02_to_wgs84(lon, lat)
    assert _max_error_m(wlon, wlat, 117.05, 36.66) < 0.01


def test_outside_china_passes_through_gcj() -> None:
    lon = np.array([-0.1276, 139.6917, 151.2093, 2.3522])  # London, Tokyo, Sydney, Paris
    lat = np.array([51.5072, 35.6895, -33.8688, 48.8566])
    assert out_of_china(lon, lat).all()
    for func in (wgs84_to_gcj02, gcj02_to_wgs84):
        out_lon, out_lat = func(lon, lat)
        np.testing.assert_array_equal(out_lon, lon)
        np.testing.assert_array_equal(out_lat, lat)
    assert not out_of_china(117.05, 36.66).any()


def test_scalars_give_floats_and_arrays_keep_shape() -> None:
    lon, lat = gcj02_to_wgs84(117.05, 36.66)
    assert isinstance(lon, float)
    assert isinstance(lat, float)
    grid_lon = np.full((3, 4), 117.05)
    grid_lat = np.full((3, 4), 36.66)
    out_lon, out_lat = bd09_to_wgs84(grid_lon, grid_lat)
    assert out_lon.shape == (3, 4)
    assert out_lat.shape == (3, 4)
    assert np.allclose(out_lon, out_lon[0, 0])


def test_nan_stays_nan() -> None:
    lon, lat = gcj02_to_wgs84(np.array([117.05, np.nan]), np.array([36.66, 36.66]))
    assert math.isfinite(lon[0])
    assert math.isfinite(lat[0])
    assert math.isnan(lon[1])


@pytest.mark.parametrize("crs", ["wgs84", "WGS84", "gcj02", "GCJ02", "bd09", "Bd09"])
def test_to_wgs84_dispatches(crs: str) -> None:
    source = {"wgs84": lambda x, y: (x, y), "gcj02": wgs84_to_gcj02, "bd09": wgs84_to_bd09}
    lon, lat = source[crs.lower()](117.05, 36.66)
    out = to_wgs84(lon, lat, crs)
    assert out == pytest.approx((117.05, 36.66), abs=1e-8)


@pytest.mark.parametrize("crs", ["epsg:4326", "", "gcj-02", "mars"])
def test_to_wgs84_rejects_unknown_crs(crs: str) -> None:
    with pytest.raises(ValueError, match="unknown coordinate system"):
        to_wgs84(117.05, 36.66, crs)
