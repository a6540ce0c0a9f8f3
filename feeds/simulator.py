"""Simulated reporters: plausible report bodies, at a chosen rate.

Reports cluster around hot spots (markets, stations, old neighbourhoods), follow the
category mix of the catalog and the day's rhythm (quiet at night, busy mid-morning and
afternoon, Asia/Shanghai). The district (``feeds.operations``) sends them through the
intake for the demo, the simulated history and a separate ``gridcc simulate`` process;
``SimulatorLoop`` posts them to a server's intake over HTTP (``gridcc simulate --url``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from cases import clock
from cases.catalog import Catalog
from cases.workflow import Actor, Role
from geo.grid import Grid

log = logging.getLogger(__name__)

# Relative report rate by local hour, 0..23 (grid workers patrol by day).
HOURLY_RHYTHM = np.array(
    [
        0.15,
        0.1,
        0.08,
        0.08,
        0.1,
        0.2,
        0.45,
        0.8,
        1.2,
        1.45,
        1.5,
        1.3,
        1.0,
        1.05,
        1.35,
        1.45,
        1.4,
        1.2,
        0.95,
        0.8,
        0.6,
        0.45,
        0.3,
        0.2,
    ]
)
SOURCE_MIX = {"patrol": 0.62, "hotline": 0.2, "wish": 0.06, "department": 0.05, "citizen": 0.07}
SIM_ACTOR = Actor("sim", Role.SYSTEM)
DESCRIPTIONS = ("请尽快处理", "已拍照上传", "影响居民出行", "多次反映", "巡查发现", "市民来电反映")


@dataclass
class Simulator:
    """Makes report bodies (the JSON the intake takes)."""

    grid: Grid
    catalog: Catalog
    seed: int = 0
    hot_spots: int = 12
    run: str = "0"  # part of every report id: two runs with one seed are not duplicates

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)
        minx, miny, maxx, maxy = self.grid.bounds
        self._bounds = (minx, miny, maxx, maxy)
        # Hot spots are cells chosen once per seed; the west (old city) gets more of them.
        centroids = np.array([g.centroid.coords[0] for g in self.grid.geometries])
        west = 1.0 + 2.0 * (maxx - centroids[:, 0]) / (maxx - minx)
        picks = self.rng.choice(len(centroids), self.hot_spots, replace=False, p=west / west.sum())
        self._spots = centroids[picks]
        codes = list(self.catalog.categories)
        weights = np.array([self.catalog.categories[c].weight for c in codes])
        self._categories = codes
        self._category_p = weights / weights.sum()
        self._sources = list(SOURCE_MIX)
        self._source_p = np.array(list(SOURCE_MIX.values()))
        self._serial = 0

    def rhythm(self, moment: datetime) -> float:
        """Rate multiplier at ``moment`` (mean 1 over a day)."""
        hour = clock.as_utc(moment).astimezone(clock.LOCAL_TZ).hour
        return float(HOURLY_RHYTHM[hour] / HOURLY_RHYTHM.mean())

    def points(self, n: int) -> np.ndarray:
        """``n`` WGS-84 (lon, lat) points inside the grid: 70% near hot spots, 30% anywhere."""
        out = np.empty((0, 2))
        minx, miny, maxx, maxy = self._bounds
        while len(out) < n:
            k = max(2 * (n - len(out)), 8)
            near = self.rng.random(k) < 0.7
            spot = self._spots[self.rng.integers(0, len(self._spots), k)]
            jitter = self.rng.normal(0.0, 0.004, (k, 2))
            uniform = np.column_stack(
                [self.rng.uniform(minx, maxx, k), self.rng.uniform(miny, maxy, k)]
            )
            candidates = np.where(near[:, None], spot + jitter, uniform)
            inside = self.grid.locate_many(candidates[:, 0], candidates[:, 1]) >= 0
            out = np.vstack([out, candidates[inside]])
        return out[:n]

    def reports(self, n: int) -> list[dict[str, Any]]:
        """``n`` report bodies as the intake takes them."""
        pts = self.points(n)
        cats = self.rng.choice(len(self._categories), n, p=self._category_p)
        srcs = self.rng.choice(len(self._sources), n, p=self._source_p)
        out = []
        for (lon, lat), c, s in zip(pts, cats, srcs, strict=True):
            self._serial += 1
            category = self.catalog.categories[self._categories[c]]
            note = DESCRIPTIONS[int(self.rng.integers(0, len(DESCRIPTIONS)))]
            out.append(
                {
                    "category": category.code,
                    "description": f"{category.name_zh}，{note}",
                    "lon": round(float(lon), 6),
                    "lat": round(float(lat), 6),
                    "source": self._sources[s],
                    "report_id": f"sim-{self.seed}-{self.run}-{self._serial}",
                }
            )
        return out


class SimulatorLoop:
    """Runs a Simulator against a sink at ``rate`` reports per minute until stopped.

    ``submit`` takes one report body (an HTTP post to a running gridcc: ``gridcc simulate
    --url``; in-process, the district itself runs live, ``feeds.operations.run_live``).
    """

    def __init__(
        self,
        sim: Simulator,
        submit: Callable[[dict[str, Any]], Any],
        rate_per_minute: float,
        sleep: Callable[[float], Any] | None = None,
    ) -> None:
        self.sim = sim
        self.submit = submit
        self.rate = rate_per_minute
        self._stop = threading.Event()
        self._sleep = sleep or self._stop.wait

    def stop(self) -> None:
        self._stop.set()

    def run(self, limit: int | None = None) -> int:
        sent = 0
        while not self._stop.is_set() and (limit is None or sent < limit):
            rate = self.rate * self.sim.rhythm(clock.utcnow()) / 60.0
            self._sleep(float(self.sim.rng.exponential(1.0 / max(rate, 1e-6))))
            if self._stop.is_set():
                break
            try:
                self.submit(self.sim.reports(1)[0])
                sent += 1
            except Exception:
                log.exception("simulated report failed")
        return sent
