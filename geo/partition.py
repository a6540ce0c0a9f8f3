"""Split polygons into exact coverages: Voronoi subdivision with sliver merging.

Used by the synthetic grid generator.  Every function works in one planar
metric CRS (the generator uses :class:`geo.metric.LocalPlane` metres) and returns geometry in
that same CRS.  Results are exact coverages: every region is a single valid
Polygon, neighbours share their border vertex for vertex, and the regions
fill their parents without gaps or overlaps.

How: all parent borders and all Voronoi edges are noded together once and
polygonised, so every border exists exactly once; faces are then labelled by
parent and nearest seed and dissolved.  Pieces cut off from their seed's main
part, and pieces smaller than a minimum area, join the neighbour (inside the
same parent) with which they share the longest border.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = ["Subdivision", "subdivide", "weighted_kmeans"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

# Voronoi edges run this far (metres) past their parent before noding, so that
# they cross the parent's border properly instead of stopping a hair short.
_OVERSHOOT_M = 1.0


@dataclass(frozen=True)
class Subdivision:
    """Regions produced by :func:`subdivide` (metric CRS of the input).

    Attributes
    ----------
    regions : numpy.ndarray of shapely.Polygon
        The regions, an exact coverage of the parents.
    parent : numpy.ndarray of intp
        Index of the parent each region lies in.
    seed : numpy.ndarray of intp
        Index (within its parent's seeds) of the seed whose region it is.
    """

    regions: npt.NDArray[np.object_]
    parent: IntArray
    seed: IntArray


def weighted_kmeans(
    points: FloatArray, weights: FloatArray, k: int, rng: np.random.Generator, rounds: int = 60
) -> FloatArray:
    """Centres of a weighted Lloyd k-means with k-means++ seeding.

    Parameters
    ----------
    points : numpy.ndarray, shape (n, 2)
        Planar points (metres).
    weights : numpy.ndarray, shape (n,)
        Positive weight per point (e.g. expected cells per sample).
    k : int
        Number of centres (at most n).
    rng : numpy.random.Generator
        Source of the seeding randomness (the result is deterministic for a
        given generator state).
    rounds : int, optional
        Maximum Lloyd iterations.

    Returns
    -------
    numpy.ndarray, shape (k, 2)
        Cluster centres in the points' CRS.
    """
    n = len(points)
    k = min(k, n)
    centres = np.empty((k, 2), dtype=np.float64)
    centres[0] = points[rng.choice(n, p=weights / weights.sum())]
    d2 = np.sum((points - centres[0]) ** 2, axis=1)
    for c in range(1, k):
        p = d2 * weights
        centres[c] = points[rng.choice(n, p=p / p.sum())] if p.sum() > 0 else points[c]
        d2 = np.minimum(d2, np.sum((points - centres[c]) ** 2, axis=1))
    labels = np.full(n, -1, dtype=np.intp)
    for _ in range(rounds):
        dist = np.sum((points[:, None, :] - centres[None, :, :]) ** 2, axis=2)
        new = np.argmin(dist, axis=1).astype(np.intp)
        if np.array_equal(new, labels):
            break
        labels = new
        for c in range(k):
            mine = labels == c
            if mine.any():
                w = weights[mine]
                centres[c] = (points[mine] * w[:, None]).sum(axis=0) / w.sum()
    return centres


def _faces(
    parents: npt.NDArray[np.object_], seeds: Sequence[FloatArray]
) -> tuple[npt.NDArray[np.object_], IntArray, IntArray]:
    """Polygonise parent borders + Voronoi edges; label faces by parent and seed."""
    lines: list[BaseGeometry] = list(shapely.boundary(parents))
    for parent, pts in zip(parents, seeds, strict=True):
        if len(pts) < 2:
            continue
        edges = shapely.voronoi_polygons(
            shapely.multipoints(pts), extend_to=parent, only_edges=True
        )
        lines.append(shapely.intersection(edges, shapely.buffer(parent, _OVERSHOOT_M)))
    noded = shapely.union_all(lines)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    reps = shapely.point_on_surface(faces)
    face_idx, parent_idx = shapely.STRtree(parents).query(reps, predicate="within")
    order = np.argsort(face_idx, kind="stable")
    face_idx, parent_idx = face_idx[order], parent_idx[order]
    faces, reps = faces[face_idx], reps[face_idx]
    xy = shapely.get_coordinates(reps)
    seed_idx = np.zeros(len(faces), dtype=np.intp)
    for p in np.unique(parent_idx):
        mine = np.flatnonzero(parent_idx == p)
        pts = seeds[p]
        if len(pts) > 1:
            d2 = np.sum((xy[mine, None, :] - pts[None, :, :]) ** 2, axis=2)
            seed_idx[mine] = np.argmin(d2, axis=1)
    return faces, parent_idx.astype(np.intp), seed_idx


def _adjacency(polys: npt.NDArray[np.object_]) -> dict[int, dict[int, float]]:
    """Shared border length between touching polygons of a coverage."""
    a, b = shapely.STRtree(polys).query(polys, predicate="intersects")
    keep = a < b
    a, b = a[keep], b[keep]
    shared = shapely.length(
        shapely.intersection(shapely.boundary(polys[a]), shapely.boundary(polys[b]))
    )
    adjacency: dict[int, dict[int, float]] = {i: {} for i in range(len(polys))}
    for i, j, length in zip(a.tolist(), b.tolist(), shared.tolist(), strict=True):
        if length > 0.0:
            adjacency[i][j] = length
            adjacency[j][i] = length
    return adjacency


def _merge(
    pieces: npt.NDArray[np.object_],
    group: IntArray,
    must_merge: npt.NDArray[np.bool_],
    min_area: FloatArray,
) -> list[list[int]]:
    """Merge pieces into neighbours of the same group; returns member lists.

    A piece flagged `must_merge`, or whose accumulated area is below its
    `min_area`, joins the neighbour in its group with which it shares the
    longest border (preferring neighbours that are themselves fine), smallest
    first.  Pieces with no neighbour in their group stay as they are.
    """
    adjacency = _adjacency(pieces)
    for i in adjacency:
        adjacency[i] = {j: v for j, v in adjacency[i].items() if group[j] == group[i]}
    members: dict[int, list[int]] = {i: [i] for i in range(len(pieces))}
    area = {i: float(v) for i, v in enumerate(shapely.area(pieces))}
    pending = {i: bool(must_merge[i]) for i in range(len(pieces))}

    def bad(g: int) -> bool:
        return pending[g] or area[g] < min_area[g]

    while True:
        todo = [g for g in members if bad(g) and adjacency[g]]
        if not todo:
            break
        g = min(todo, key=lambda k: (area[k], k))
        h = max(adjacency[g].items(), key=lambda kv: (not bad(kv[0]), kv[1], -kv[0]))[0]
        members[h].extend(members.pop(g))
        area[h] += area.pop(g)
        pending.pop(g)
        for k, length in adjacency.pop(g).items():
            del adjacency[k][g]
            if k != h:
                adjacency[h][k] = adjacency[h].get(k, 0.0) + length
                adjacency[k][h] = adjacency[k].get(h, 0.0) + length
    return [sorted(m) for _, m in sorted(members.items())]


def subdivide(
    parents: Sequence[BaseGeometry] | npt.NDArray[np.object_],
    seeds: Sequence[FloatArray],
    min_area: Callable[[FloatArray], FloatArray] | None = None,
) -> Subdivision:
    """Split each parent into the Voronoi regions of its seeds, as one coverage.

    Parameters
    ----------
    parents : sequence of shapely.Polygon
        An exact coverage of single polygons, in a planar metric CRS.
    seeds : sequence of numpy.ndarray, shape (k, 2)
        Seed points per parent, same CRS; at least one per parent.
    min_area : callable, optional
        Given representative points (n, 2) of regions, the smallest area in
        m² each may keep; smaller ones are merged into a neighbour.  Default:
        only pieces cut off from their seed's main part are merged.

    Returns
    -------
    Subdivision
        Regions (single Polygons, same CRS), each with its parent and seed.
        A seed whose region was merged away has no region; every parent has
        at least one.
    """
    parents_arr = np.asarray(list(parents), dtype=object)
    faces, face_parent, face_seed = _faces(parents_arr, seeds)
    # Dissolve faces per (parent, seed) and split into connected pieces.
    key = face_parent * 100_000 + face_seed
    pieces: list[BaseGeometry] = []
    piece_key: list[int] = []
    for k in np.unique(key):
        union = shapely.coverage_union_all(faces[key == k])
        for part in shapely.get_parts(union):
            pieces.append(part)
            piece_key.append(int(k))
    piece_arr = np.asarray(pieces, dtype=object)
    keys = np.asarray(piece_key, dtype=np.intp)
    areas = shapely.area(piece_arr)
    # The largest piece of each seed is its main part; the others must go.
    main = np.zeros(len(piece_arr), dtype=bool)
    for k in np.unique(keys):
        mine = np.flatnonzero(keys == k)
        main[mine[np.argmax(areas[mine])]] = True
    if min_area is None:
        floor = np.zeros(len(piece_arr))
    else:
        floor = min_area(shapely.get_coordinates(shapely.point_on_surface(piece_arr)))
    groups = _merge(piece_arr, keys // 100_000, ~main, floor)
    regions = np.empty(len(groups), dtype=object)
    parent = np.empty(len(groups), dtype=np.intp)
    seed = np.empty(len(groups), dtype=np.intp)
    for n, members in enumerate(groups):
        # The region takes the seed of its largest main piece.
        owner = max(members, key=lambda m: (main[m], areas[m], -m))
        geom = (
            piece_arr[members[0]]
            if len(members) == 1
            else shapely.coverage_union_all(piece_arr[members])
        )
        regions[n] = geom
        parent[n] = keys[owner] // 100_000
        seed[n] = keys[owner] % 100_000
    return Subdivision(regions=regions, parent=parent, seed=seed)
