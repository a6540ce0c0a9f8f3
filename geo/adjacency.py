"""Which cells border which: the neighbours of a cell, for reports that may repeat one
another across a cell's edge (cases/lists.py looks in a cell and its neighbours).

Two cells are neighbours when their polygons touch or overlap (a shared edge or corner);
computed once per grid with an STRtree over the cells' WGS-84 geometries.
"""

from __future__ import annotations

import shapely

from geo.grid import Grid


def _adjacency(grid: Grid) -> dict[str, tuple[str, ...]]:
    tree = shapely.STRtree(grid.geometries)
    left, right = tree.query(grid.geometries, predicate="intersects")
    found: dict[str, set[str]] = {code: set() for code in grid.codes}
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i != j:
            found[grid.codes[i]].add(grid.codes[j])
    return {code: tuple(sorted(near)) for code, near in found.items()}


def neighbours(grid: Grid, cell_code: str) -> tuple[str, ...]:
    """The cells that share an edge or a corner with ``cell_code`` (sorted; empty for a
    code the grid does not hold)."""
    table = grid._cache_get("adjacency", lambda: _adjacency(grid))
    return table.get(cell_code, ())
