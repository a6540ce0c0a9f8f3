"""The people on the spot answering an urgent case, in the simulated district.

When an urgent case opens (its item takes the fast path), the cell's grid worker on patrol,
or the nearest one, is alerted at once. The simulation then takes the response's steps
through the real workflow, each as the person who would take it:

- **acknowledged** (收到) after a look at the phone: a lognormal delay, median 50 s;
- **on site** (到场签到): the responder goes there — at ``HURRY_MPS`` from where they are
  (live, a walker of ``feeds.operations.walkers`` really walks there and checks in on
  arrival; in fast history the distance is drawn: the nearest worker on patrol is a few
  hundred metres away, further at night) — and checks in with their position;
- **hazard removed** (险情已排除) after the work on the spot: median 2.5 min, longer for
  structural danger and gas (the utility must come).

The figures come out of these parameters and of the walking, never written down; with the
defaults most fire hazards are removed within the article's 8 minutes and some are not.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cases import clock
from cases.model import Case, CaseError, Event
from cases.workflow import Actor, Role
from feeds.operations.walkers import HURRY_MPS, Walkers

if TYPE_CHECKING:
    from feeds.operations.district import District

ACK_MEDIAN_S = 50.0
ACK_SIGMA = 0.6
WORK_MEDIAN_S = {"AQ04": 600.0, "AQ15": 480.0, "AQ07": 1800.0, "AQ10": 1200.0}
WORK_DEFAULT_S = 150.0
WORK_SIGMA = 0.5
DISTANCE_MEDIAN_M = 450.0  # the nearest worker on patrol, by day (history, no walkers)
NIGHT_FACTOR = 2.5  # fewer people about at night: further to go
ARRIVED_M = 25.0  # a walker this close checks in
CHECK_EVERY_S = 5.0


@dataclass
class Response:
    case: Any  # the district's case
    lon: float
    lat: float
    responder: str  # a person id
    walking: bool = False


class Responders:
    """Answers the district's urgent cases; ``walkers`` (live) makes the way there real,
    ``on_patrol`` names who may be called (person ids); ``names`` gives their names."""

    def __init__(
        self,
        district: District,
        walkers: Walkers | None = None,
        on_patrol: Callable[[], set[str]] | None = None,
        worker_of: Callable[[str], str | None] | None = None,
    ) -> None:
        self.d = district
        self.walkers = walkers
        self.on_patrol = on_patrol or (lambda: set())
        self.worker_of = worker_of or (lambda cell: None)
        self.counts = {"alarms": 0, "acknowledged": 0, "on_site": 0, "removed": 0}

    def alarm(self, case: Any, stored: Case) -> None:
        """An urgent case opened: someone answers it."""
        if not stored.urgent or stored.drill:
            return
        self.counts["alarms"] += 1
        responder = self._pick(stored)
        response = Response(case, stored.lon, stored.lat, responder)
        self.d.after(self.d.lognormal(ACK_MEDIAN_S, ACK_SIGMA), self._acknowledge, response)

    def _pick(self, stored: Case) -> str:
        walkers, here = self.walkers, self.on_patrol()
        if walkers is not None and here:
            candidates = [pid for pid in here if pid in walkers]
            if candidates:
                return min(candidates, key=lambda p: walkers.distance(p, stored.lon, stored.lat))
        return self.worker_of(stored.cell_code) or f"gw-{stored.cell_code}"

    def _act(self, r: Response, name: str, reason: str = "", **params: Any) -> Event | None:
        """Take a step of the response as the responder (a refusal — the case closed or
        changed meanwhile — ends the response, and leaves the case's own work alone)."""
        try:
            return self.d.store.apply(
                r.case.id, name, Actor(r.responder, Role.WORKER), reason, **params
            )
        except CaseError:
            return None

    def _acknowledge(self, r: Response) -> None:
        if self._act(r, "acknowledge") is None:
            return
        self.counts["acknowledged"] += 1
        walkers = self.walkers
        # Live, a responder out on patrol walks there for real; in the fast history (no one
        # is out walking: the walkers stand still) the way is drawn.
        if walkers is not None and r.responder in self.on_patrol():
            walkers.call_to(r.responder, r.lon, r.lat)
            r.walking = True
            self.d.after(CHECK_EVERY_S, self._walking, r)
            return
        hour = clock.local_hour(self.d.t)
        median = DISTANCE_MEDIAN_M * (NIGHT_FACTOR if hour < 7 or hour >= 20 else 1.0)
        metres = self.d.lognormal(median, 0.7)
        self.d.after(metres / HURRY_MPS + 30.0, self._arrive, r)  # +30 s: stairs, a gate

    def _walking(self, r: Response) -> None:
        assert self.walkers is not None
        if self.walkers.distance(r.responder, r.lon, r.lat) <= ARRIVED_M:
            self._arrive(r)
        else:
            self.d.after(CHECK_EVERY_S, self._walking, r)

    def _arrive(self, r: Response) -> None:
        if self.walkers is not None and r.walking:
            lon, lat = self.walkers.where(r.responder)
        else:  # a few metres off the reported point, as a phone's fix is
            angle = self.d.rng.uniform(0, 2 * math.pi)
            off = self.d.rng.uniform(0, 20) / 111_320.0
            lon = r.lon + off * math.cos(angle) / math.cos(math.radians(r.lat))
            lat = r.lat + off * math.sin(angle)
        ev = self._act(r, "check_in", lon=lon, lat=lat, accuracy=10.0)
        if ev is None:
            return
        self.counts["on_site"] += 1
        median = WORK_MEDIAN_S.get(r.case.category.code, WORK_DEFAULT_S)
        self.d.after(self.d.lognormal(median, WORK_SIGMA), self._remove, r)

    def _remove(self, r: Response) -> None:
        ev = self._act(r, "remove_hazard", "已现场处置")
        if ev is not None:
            self.counts["removed"] += 1
        if self.walkers is not None and r.walking:
            self.walkers.release(r.responder)
