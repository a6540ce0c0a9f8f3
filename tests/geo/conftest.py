"""Fixtures of hand-made grid frames (see tests/geo/frames.py)."""

import geopandas as gpd
import pytest

from tests.geo.frames import broken_frame, lattice_frame, lattice_outline_wgs84


@pytest.fixture
def lattice() -> gpd.GeoDataFrame:
    return lattice_frame()


@pytest.fixture
def broken() -> gpd.GeoDataFrame:
    return broken_frame()


@pytest.fixture
def outline():
    return lattice_outline_wgs84()
