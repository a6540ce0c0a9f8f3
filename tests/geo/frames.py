"""Hand-made grid frames for the import, validation and CLI tests.

A 4 x 4 lattice of 500 m squares in UTM 50N (EPSG:32650) near 历下区, with
codes numbered in reading order: street 001, communities 001 (top two rows)
and 002 (bottom two rows).
"""

import geopandas as gpd
import shapely

ORIGIN = (510_000.0, 4_055_000.0)  # UTM 50N metres, inside 历下区
SIDE = 500.0


def lattice_frame() -> gpd.GeoDataFrame:
    """16 cells, a clean coverage, EPSG:32650."""
    x0, y0 = ORIGIN
    rows = []
    for r in range(4):  # north to south
        for c in range(4):  # west to east
            community = 1 if r < 2 else 2
            seq = (r % 2) * 4 + c + 1
            code = f"370102001{community:03d}{seq:03d}"
            top = y0 + (4 - r) * SIDE
            geom = shapely.box(x0 + c * SIDE, top - SIDE, x0 + (c + 1) * SIDE, top)
            rows.append(
                {
                    "code": code,
                    "name": f"甲街道 {community}社区 {seq:03d}网格",
                    "street": "甲街道",
                    "community": f"{community}社区",
                    "geometry": geom,
                }
            )
    return gpd.GeoDataFrame(rows, crs=32650)


def broken_frame() -> gpd.GeoDataFrame:
    """The lattice with a bow-tie, an overlap, a duplicate code and a cell outside."""
    frame = lattice_frame()
    x0, y0, x1, y1 = frame.geometry.iloc[5].bounds
    # Row 5: the ring dips 5 cm below its south edge and crosses it (a bow-tie knot).
    frame.loc[5, "geometry"] = shapely.Polygon(
        [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0 + 0.05, y0 - 0.05)]
    )
    # Row 10 reaches 50 m into its eastern neighbour, row 11.
    a0, b0, a1, b1 = frame.geometry.iloc[10].bounds
    frame.loc[10, "geometry"] = shapely.box(a0, b0, a1 + 50.0, b1)
    # Row 12 carries the code of row 13.
    frame.loc[12, "code"] = frame.loc[13, "code"]
    # Row 16: an extra cell 2 km east of the district.
    extra = frame.iloc[[15]].copy()
    extra["code"] = "370102001002009"
    extra["geometry"] = [shapely.affinity.translate(extra.geometry.iloc[0], 2000.0, 0.0)]
    return gpd.GeoDataFrame([*frame.to_dict("records"), *extra.to_dict("records")], crs=32650)


def lattice_outline_wgs84():
    """The lattice's outline in WGS-84."""
    union = shapely.union_all(lattice_frame().geometry.values)
    return gpd.GeoSeries([union], crs=32650).to_crs(4326).iloc[0]
