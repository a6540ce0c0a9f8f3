"""The district's grid workers on patrol, live: on shift they start a patrol, walk their
cells (``walkers``), and their phones share a position every ``SHARE_EVERY_S``; off shift
they end it. Everything goes through the same ``Patrols`` the phone page uses, so the
lead's map, the coverage and the nearest-worker lists see simulated workers exactly as
they see real ones.

Runs on the district's clock (``District.after``), live only: the fast history writes
each past day's patrols at once instead (``past_days``).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from cases import clock
from cases.model import CaseError
from cases.patrols import Patrols
from cases.people import Roster
from feeds.operations.walkers import Walkers
from geo.grid import Grid

if TYPE_CHECKING:
    from feeds.operations.district import District
    from feeds.operations.live import LiveDistrict

log = logging.getLogger(__name__)
STEP_S = 5.0  # the walkers move on this often
SHARE_EVERY_S = 15.0  # a phone on patrol shares its position this often
DUTY_EVERY_S = 60.0  # who is on shift is looked at again this often
ACCURACY_M = 8.0


def workers_and_cells(
    roster: Roster, grid: Grid
) -> tuple[list[str], list[list[str]], dict[str, str]]:
    """The grid workers of the grid's teams, each with their cells, and their names."""
    cells: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for code, team in roster.teams(grid.codes).items():
        for person, part in team.members:
            if part == "worker" and person.kind == "grid_worker":
                cells.setdefault(person.id, []).append(code)
                names[person.id] = person.name
    ids = sorted(cells)
    return ids, [cells[i] for i in ids], names


def worker_of_cell(roster: Roster, grid: Grid) -> dict[str, str]:
    """Each cell's grid worker (a person id), for the cells whose team has one."""
    ids, cells, _names = workers_and_cells(roster, grid)
    return {code: pid for pid, mine in zip(ids, cells, strict=True) for code in mine}


class Patrolling:
    """The simulated grid workers' patrols, live, on ``district``'s clock."""

    def __init__(
        self, district: District, roster: Roster, patrols: Patrols, grid: Grid, seed: int = 0
    ) -> None:
        self.d = district
        self.roster = roster
        self.patrols = patrols
        ids, cells, self.names = workers_and_cells(roster, grid)
        self.walkers = Walkers(grid, ids, cells, seed)
        self.ids = ids
        self.on: set[str] = set()  # on patrol (as this simulation started them)
        self._last_share = 0.0
        self._last_duty = -DUTY_EVERY_S
        self.shared = 0

    def start(self) -> None:
        self.d.after(0.0, self._tick)

    def _tick(self, _: Any = None) -> None:
        try:
            self._step()
        except Exception:  # a store away for a moment: the next tick tries again
            log.exception("patrolling step failed")
        self.d.after(STEP_S, self._tick)

    def _step(self) -> None:
        t = self.d.t
        if t - self._last_duty >= DUTY_EVERY_S:
            self._last_duty = t
            self._shifts(self.roster.on_duty(self.d.moment, self.ids))
        self.walkers.step(STEP_S)
        if t - self._last_share >= SHARE_EVERY_S:
            self._last_share = t
            for pid in list(self.on):
                lon, lat = self.walkers.where(pid)
                try:
                    self.patrols.record(pid, self.names[pid], lon, lat, ACCURACY_M)
                    self.shared += 1
                except CaseError:  # the patrol was ended elsewhere (a person, an admin)
                    self.on.discard(pid)

    def _shifts(self, on_duty: set[str]) -> None:
        for pid in sorted(on_duty - self.on):
            self.patrols.start(pid)
            self.on.add(pid)
        for pid in sorted(self.on - on_duty):
            if not self.walkers.called[self.walkers.index(pid)]:  # never mid-emergency
                self.patrols.end(pid)
                self.on.discard(pid)

    def on_patrol(self) -> set[str]:
        return set(self.on)

    def stop(self) -> None:
        """End every patrol this simulation started (the demo is stopping)."""
        for pid in sorted(self.on):
            self.patrols.end(pid)
        self.on.clear()


def past_days(
    patrols: Patrols,
    roster: Roster,
    grid: Grid,
    days: Iterable[date],
    seed: int = 0,
    absent: float = 0.04,
) -> int:
    """Write the patrols of past local ``days`` at once: each grid worker, unless absent
    that day (``absent``), patrols their cells on the day shift, reaching each at some
    time of the morning or afternoon. Returns how many patrols."""
    rng = random.Random(seed)
    ids, cells, _names = workers_and_cells(roster, grid)
    rows: list[tuple[str, datetime, datetime, dict[str, datetime]]] = []
    for day in days:
        for pid, mine in zip(ids, cells, strict=True):
            if rng.random() < absent:
                continue
            began = _local(day, time(8)) + timedelta(minutes=rng.uniform(0, 40))
            ended = _local(day, time(17, 30)) + timedelta(minutes=rng.uniform(0, 30))
            passed = {code: began + timedelta(minutes=rng.uniform(5, 480)) for code in mine}
            rows.append((pid, began, ended, passed))
    patrols.write_past(rows)
    return len(rows)


def _local(day: date, at: time) -> datetime:
    return clock.as_utc(datetime.combine(day, at, tzinfo=clock.LOCAL_TZ))


def people_on_the_grid(
    live: LiveDistrict, roster: Roster, patrols: Patrols, grid: Grid, seed: int = 0
) -> Patrolling | None:
    """Put the roster's grid workers into a live district: its urgent cases are answered
    by them, the days of its history get their patrols, and from going live they patrol
    for real (walking, sharing positions). None: the roster has no grid workers."""
    workers = worker_of_cell(roster, grid)
    if not workers:
        return None
    d = live.district
    d.responders.worker_of = workers.get
    if live.history:
        first = clock.as_utc(d.moment).astimezone(clock.LOCAL_TZ).date()
        today = clock.utcnow().astimezone(clock.LOCAL_TZ).date()
        days = [first + timedelta(days=n) for n in range((today - first).days)]
        past_days(patrols, roster, grid, days, seed)
    patrolling = Patrolling(d, roster, patrols, grid, seed)
    d.responders.walkers = patrolling.walkers
    d.responders.on_patrol = patrolling.on_patrol
    live.on_live.append(lambda _d: patrolling.start())
    return patrolling
