"""Locate throughput: Grid.locate_many against naive per-point loops.

Run ``.venv/bin/python bench/locate.py`` (1,000,000 points against a
synthetic 历下区 grid of about 10,000 cells) or ``--quick`` for a smoke run.
Prints points per second for:

* ``locate_many`` — the vectorised lookup (bucket raster + STRtree);
* ``per-point locate`` — a Python loop calling ``Grid.locate`` per point
  (spatial index, no batching), timed on a sample and extrapolated;
* ``per-point brute force`` — a loop testing every cell per point (no index),
  on a smaller sample.

All coordinates are WGS-84 lon/lat; points are uniform over the grid's
bounding box (about half fall inside the district).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.generate import cells_to_grid, generate_grid
from geo.grid import Grid


def _rate(points: int, seconds: float) -> float:
    return points / seconds if seconds > 0 else float("inf")


def run(cells: int, points: int, sample: int, brute_sample: int, seed: int = 0) -> dict[str, float]:
    """Time the three ways; returns the figures printed by :func:`main`.

    Parameters
    ----------
    cells : int
        Cells in the synthetic grid (generated inside the 历下区 outline).
    points : int
        Points for ``locate_many``.
    sample : int
        Points for the per-point ``locate`` loop.
    brute_sample : int
        Points for the per-point brute-force loop.
    seed : int, optional
        Seed of the grid and the points.

    Returns
    -------
    dict
        ``cells``, ``build_s``, ``many_pps``, ``loop_pps``, ``brute_pps``,
        ``ratio_loop`` and ``ratio_brute`` (points/s of locate_many over each
        loop), ``agree`` (1.0 when all three agree on the shared points).
    """
    start = time.perf_counter()
    grid: Grid = cells_to_grid(generate_grid(seed=seed, target_cells=cells))
    generated = time.perf_counter() - start
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = grid.bounds
    lons = rng.uniform(minx, maxx, points)
    lats = rng.uniform(miny, maxy, points)

    start = time.perf_counter()
    grid.locate_many(lons[:4096], lats[:4096])  # builds the tree and the bucket raster
    build = time.perf_counter() - start
    start = time.perf_counter()
    found = grid.locate_many(lons, lats)
    many = time.perf_counter() - start

    start = time.perf_counter()
    loop = [grid.locate(x, y).index for x, y in zip(lons[:sample], lats[:sample], strict=True)]
    per_point = time.perf_counter() - start

    start = time.perf_counter()
    brute = []
    for x, y in zip(lons[:brute_sample], lats[:brute_sample], strict=True):
        hits = np.flatnonzero(shapely.intersects(grid.geometries, shapely.Point(x, y)))
        brute.append(min(hits, key=lambda i: grid.codes[i]) if hits.size else -1)
    brute_time = time.perf_counter() - start

    agree = found[:sample].tolist() == loop and found[:brute_sample].tolist() == brute
    many_pps = _rate(points, many)
    return {
        "cells": float(len(grid)),
        "generate_s": generated,
        "build_s": build,
        "many_pps": many_pps,
        "loop_pps": _rate(sample, per_point),
        "brute_pps": _rate(brute_sample, brute_time),
        "ratio_loop": many_pps / _rate(sample, per_point),
        "ratio_brute": many_pps / _rate(brute_sample, brute_time),
        "inside": float((found >= 0).mean()),
        "agree": 1.0 if agree else 0.0,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns 1 when the three ways disagree."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument("--cells", type=int, help="grid size (default 10,000)")
    parser.add_argument("--points", type=int, help="points (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    cells = args.cells or (1_000 if args.quick else 10_000)
    points = args.points or (20_000 if args.quick else 1_000_000)
    sample = min(points, 1_000 if args.quick else 20_000)
    brute_sample = min(points, 100 if args.quick else 1_000)
    r = run(cells, points, sample, brute_sample, seed=args.seed)
    print(f"grid: {int(r['cells']):,} cells (generated in {r['generate_s']:.1f} s)")
    print(f"index build (tree + bucket raster): {r['build_s']:.2f} s")
    print(f"locate_many:            {r['many_pps']:>13,.0f} points/s  ({points:,} points)")
    print(f"per-point locate loop:  {r['loop_pps']:>13,.0f} points/s  ({sample:,} points)")
    print(f"per-point brute force:  {r['brute_pps']:>13,.0f} points/s  ({brute_sample:,} points)")
    print(f"ratio locate_many / per-point locate: {r['ratio_loop']:,.0f}x")
    print(f"ratio locate_many / brute force:      {r['ratio_brute']:,.0f}x")
    print(f"inside the district: {r['inside']:.0%}; results agree: {bool(r['agree'])}")
    target = "met" if r["many_pps"] >= 1_000_000 else "NOT met"
    print(f"target 1,000,000 points/s: {target}")
    return 0 if r["agree"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
