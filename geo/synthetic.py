"""The cell-size model and seed placement behind the synthetic starter grid.

Everything here works in the generator's local metric plane
(:class:`geo.metric.LocalPlane`: equirectangular metres around the district's
centre, an affine map of WGS-84 lon/lat).  The wanted cell area grows
exponentially with the distance from the old city centre (泉城广场): about
0.04 km² in the old city, about 0.25 km² at the eastern and southern ends of
历下区.  That matches how real grids are drawn: small where people, shops and
cases are dense, large over new districts and hills.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from geo.partition import subdivide, weighted_kmeans

__all__ = ["OLD_CITY", "CellModel", "Samples", "allocate", "community_seeds", "sample_district"]

FloatArray = npt.NDArray[np.float64]

#: Old city centre (泉城广场), WGS-84 lon/lat: cells are smallest here.
OLD_CITY = (117.019, 36.662)

_SAMPLE_STEP_M = 40.0
_GROWTH_M = 6500.0  # the wanted cell area grows e-fold over this distance
_LATTICE_JITTER = 0.3  # cell seeds move up to this share of the spacing
_LATTICE_TURN_DEG = 12.0  # spread of the lattice orientation per community


@dataclass(frozen=True)
class Samples:
    """A fine lattice of sample points inside the district (plane metres).

    Attributes
    ----------
    xy : numpy.ndarray, shape (n, 2)
        Sample points.
    area : float
        Area in m² that each sample stands for.
    """

    xy: FloatArray
    area: float


def sample_district(outline_m: BaseGeometry, step: float = _SAMPLE_STEP_M) -> Samples:
    """Sample the district on a square lattice.

    Parameters
    ----------
    outline_m : shapely Polygon
        District outline in plane metres.
    step : float, optional
        Lattice spacing in metres.

    Returns
    -------
    Samples
        The lattice points inside the outline.
    """
    minx, miny, maxx, maxy = outline_m.bounds
    gx, gy = np.meshgrid(
        np.arange(minx + step / 2, maxx, step), np.arange(miny + step / 2, maxy, step)
    )
    x, y = gx.ravel(), gy.ravel()
    inside = shapely.contains_xy(outline_m, x, y)
    return Samples(xy=np.column_stack([x[inside], y[inside]]), area=step * step)


@dataclass(frozen=True)
class CellModel:
    """Wanted cell area by position (plane metres).

    Attributes
    ----------
    base_m2 : float
        Wanted cell area at the old city centre, m².
    centre : tuple of float
        The old city centre in plane metres.
    growth_m : float
        Distance over which the wanted area grows by a factor e.
    """

    base_m2: float
    centre: tuple[float, float]
    growth_m: float = _GROWTH_M

    @classmethod
    def calibrate(cls, samples: Samples, target_cells: int, centre: tuple[Any, Any]) -> CellModel:
        """Model whose expected cell count over `samples` is `target_cells`.

        Parameters
        ----------
        samples : Samples
            The district's sample lattice (plane metres).
        target_cells : int
            Wanted number of cells.
        centre : tuple of float
            The old city centre (:data:`OLD_CITY`) in the samples' CRS.

        Returns
        -------
        CellModel
            The calibrated model.
        """
        unit = cls(base_m2=1.0, centre=(float(centre[0]), float(centre[1])))
        base = float(np.sum(samples.area / unit.target_area(samples.xy))) / target_cells
        return replace(unit, base_m2=base)

    def target_area(self, xy: FloatArray) -> FloatArray:
        """Wanted cell area in m² at points `xy` (n, 2), plane metres."""
        d = np.hypot(xy[:, 0] - self.centre[0], xy[:, 1] - self.centre[1])
        area: FloatArray = self.base_m2 * np.exp(d / self.growth_m)
        return area

    def expected_cells(self, samples: Samples, mask: npt.NDArray[np.bool_]) -> float:
        """Expected number of cells over the samples selected by `mask`."""
        return float(np.sum(samples.area / self.target_area(samples.xy[mask])))

    def cell_seeds(
        self, region: BaseGeometry, samples: Samples, rng: np.random.Generator
    ) -> FloatArray:
        """Jittered, slightly turned lattice of cell seeds inside `region`.

        Parameters
        ----------
        region : shapely Polygon
            A community in plane metres.
        samples : Samples
            The district's sample lattice (plane metres).
        rng : numpy.random.Generator
            Source of the lattice phase, turn and jitter.

        Returns
        -------
        numpy.ndarray, shape (k, 2)
            At least one seed, all inside `region`.
        """
        mask = shapely.contains_xy(region, samples.xy[:, 0], samples.xy[:, 1])
        wanted = max(self.expected_cells(samples, mask), 1.0)
        spacing = math.sqrt(region.area / wanted)
        turn = math.radians(rng.normal(0.0, _LATTICE_TURN_DEG))
        c, s = math.cos(turn), math.sin(turn)
        centre = np.asarray(region.centroid.coords[0])
        local = (shapely.get_coordinates(region) - centre) @ np.array([[c, -s], [s, c]])
        lo, hi = local.min(axis=0), local.max(axis=0)
        phase = rng.uniform(0.0, spacing, size=2)
        u, v = np.meshgrid(
            np.arange(lo[0] - phase[0], hi[0] + spacing, spacing),
            np.arange(lo[1] - phase[1], hi[1] + spacing, spacing),
        )
        uv = np.column_stack([u.ravel(), v.ravel()])
        uv += rng.uniform(-_LATTICE_JITTER, _LATTICE_JITTER, size=uv.shape) * spacing
        xy = uv @ np.array([[c, s], [-s, c]]) + centre
        xy = xy[shapely.contains_xy(region, xy[:, 0], xy[:, 1])]
        if len(xy) == 0:
            xy = shapely.get_coordinates(region.representative_point())
        return xy

    def split_cells(
        self,
        communities: Sequence[BaseGeometry],
        samples: Samples,
        rng: np.random.Generator,
        target_cells: int,
        sliver_fraction: float,
        rounds: int,
    ) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.intp]]:
        """Split communities into cells, re-scaling until the count is near target.

        Parameters
        ----------
        communities : sequence of shapely Polygon
            An exact coverage in plane metres.
        samples : Samples
            The district's sample lattice (plane metres).
        rng : numpy.random.Generator
            Source of the seeds' randomness.
        target_cells : int
            Wanted number of cells.
        sliver_fraction : float
            Cells smaller than this share of the local wanted area merge into
            a neighbour in their community.
        rounds : int
            Maximum attempts.

        Returns
        -------
        tuple
            Cell polygons (plane metres) and the index of each cell's community.
        """
        model = self
        best: tuple[npt.NDArray[np.object_], npt.NDArray[np.intp]] | None = None
        for _ in range(rounds):
            seeds = [model.cell_seeds(region, samples, rng) for region in communities]
            floor = partial(_sliver_floor, model, sliver_fraction)
            split = subdivide(communities, seeds, min_area=floor)
            count = len(split.regions)
            if best is None or abs(count - target_cells) < abs(len(best[0]) - target_cells):
                best = (split.regions, split.parent)
            if abs(count - target_cells) <= 0.02 * target_cells:
                break
            model = replace(model, base_m2=model.base_m2 * count / target_cells)
        assert best is not None
        return best


def _sliver_floor(model: CellModel, fraction: float, xy: FloatArray) -> FloatArray:
    """Smallest area a cell may keep at points `xy` (plane metres), m²."""
    return fraction * model.target_area(xy)


def community_seeds(
    samples: Samples,
    mask: npt.NDArray[np.bool_],
    model: CellModel,
    k: int,
    rng: np.random.Generator,
) -> FloatArray:
    """Seeds for `k` communities of one street, balanced by expected cells.

    Weighted k-means over the street's samples (weight: expected cells per
    sample); each centre is then moved to the nearest unused sample, so every
    seed lies inside the street.

    Parameters
    ----------
    samples : Samples
        The district's sample lattice (plane metres).
    mask : numpy.ndarray of bool
        Samples inside the street.
    model : CellModel
        Wanted cell area model.
    k : int
        Number of communities.
    rng : numpy.random.Generator
        Source of the k-means seeding.

    Returns
    -------
    numpy.ndarray, shape (k, 2)
        Seeds in plane metres.
    """
    pts = samples.xy[mask]
    weights = samples.area / model.target_area(pts)
    centres = weighted_kmeans(pts, weights, k, rng)
    used: set[int] = set()
    out = np.empty_like(centres)
    for i, centre in enumerate(centres):
        order = np.argsort(np.sum((pts - centre) ** 2, axis=1), kind="stable")
        pick = next(int(j) for j in order if int(j) not in used)
        used.add(pick)
        out[i] = pts[pick]
    return out


def allocate(total: int, weights: Sequence[float], minimum: int = 1) -> list[int]:
    """Split `total` into integer shares proportional to `weights` (largest remainder).

    Parameters
    ----------
    total : int
        Sum of the shares.
    weights : sequence of float
        Non-negative weights.
    minimum : int, optional
        Smallest share given to anyone.

    Returns
    -------
    list of int
        Shares summing to `total`.

    Raises
    ------
    ValueError
        If `total` cannot give everyone `minimum`.
    """
    n = len(weights)
    if total < minimum * n:
        raise ValueError(f"cannot give {n} shares of at least {minimum} out of {total}")
    w = np.asarray(weights, dtype=np.float64)
    spare = total - minimum * n
    raw = spare * w / w.sum() if w.sum() > 0 else np.full(n, spare / n)
    shares = np.floor(raw).astype(int)
    rest = spare - int(shares.sum())
    order = np.lexsort((np.arange(n), -(raw - shares)))
    shares[order[:rest]] += 1
    return [int(v) + minimum for v in shares]
