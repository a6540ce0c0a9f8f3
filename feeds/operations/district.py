"""The district engine: the center and its departments working cases, as discrete events.

A virtual clock and a queue of what is due when. Reports arrive as the day's rhythm says
(see arrivals) and go through the intake like every other report, so they are validated
and located, and a refused one is kept in ``rejected_reports``; each case that opens is
then worked step by step (see casework) through the real ``Store.apply``, and its state is
what the store says it became. Nothing here writes the article's figures down: they come
out of the parameters (staffing, handling times, probabilities).
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np

from cases import clock
from cases.catalog import Category
from cases.model import Case, CaseError, Event, Status
from cases.store import Store
from cases.workflow import Actor
from feeds.intake import Intake, Rejection
from feeds.operations.arrivals import DayRhythm, arrivals
from feeds.operations.casework import Casework
from feeds.operations.parameters import OpsParams
from feeds.operations.responders import Responders
from feeds.operations.staff import Job, Pool, Staff
from feeds.simulator import Simulator
from geo.grid import Grid

TICK_S = 1800.0  # crews and shifts change on the half hour
COUNTS = (
    "sent",  # reports sent to the intake
    "reports",  # ... that opened a case
    "rejected",  # ... that the intake refused
    "filed",
    "voided",
    "dispatched",
    "returned",
    "reworked",
    "extended",
    "handled",
    "closed",
    "rated",
    "satisfied",
    "conflicts",  # actions the store refused (someone else acted on the case)
)


@dataclass(slots=True, eq=False)
class DistrictCase:
    """What the district remembers of a case it works (the store has the rest)."""

    id: int
    category: Category
    department: str
    duty: bool  # worked round the clock (urgent, or the limit runs on calendar hours)
    cell: str
    created: float
    at_risk: float
    deadline: float
    status: Status = Status.REPORTED
    dispatches: int = 0
    returns: int = 0
    reworks: int = 0
    extensions: int = 0
    closed: float = 0.0


class District:
    """The simulation on a virtual clock ``t`` (epoch seconds) from ``start`` to ``end``.

    ``begin`` starts the reports; ``step_until`` does everything due by a time. The
    caller decides what the store's clock is meanwhile (simulated or real time).
    """

    def __init__(
        self,
        store: Store,
        grid: Grid,
        params: OpsParams,
        seed: int,
        start: float,
        end: float = math.inf,
        *,
        intake: Intake | None = None,
        progress: Callable[[float], None] | None = None,
        run: str | None = None,
    ) -> None:
        self.store = store
        self.intake = intake or Intake(store, grid)
        self.p = params
        self.seed = seed
        self.start = start
        self.end = end
        self.progress = progress
        self.rng = random.Random(seed)
        self.t = start
        self.moment = datetime.fromtimestamp(start, UTC)
        self.heap: list[tuple[float, int, Callable[[Any], None], Any]] = []
        self.serial = 0
        self.counts: dict[str, int] = dict.fromkeys(COUNTS, 0)
        self.report_limit: int | None = None  # send no more than this many reports
        self._held: int | None = None  # the stream the limit stopped
        # part of every report id: a run repeated on the same store adds nothing
        self.run = run if run is not None else str(int(start))
        self.cases: dict[int, DistrictCase] = {}
        self.reporters = Simulator(grid, store.catalog, seed=seed)
        self.bodies: list[dict[str, Any]] = []
        self.stream: Iterator[float] = iter(())
        self.stream_id = 0
        self.staff = Staff(params, store.catalog, self.rng, store)
        self.casework = Casework(self)
        self.responders = Responders(self)  # the urgent cases' people on the spot

    # -- the virtual clock --------------------------------------------------------------
    def at(self, when: float, fn: Callable[[Any], None], arg: Any = None) -> None:
        self.serial += 1
        heapq.heappush(self.heap, (when, self.serial, fn, arg))

    def after(self, seconds: float, fn: Callable[[Any], None], arg: Any = None) -> None:
        self.at(self.t + seconds, fn, arg)

    def lognormal(self, median: float, sigma: float) -> float:
        return median * math.exp(sigma * self.rng.gauss(0.0, 1.0))

    def minutes(self, median_min: float) -> float:
        return 60.0 * self.lognormal(median_min, self.p.desk_sigma)

    def rhythm(self, floor: float = 0.0) -> DayRhythm:
        """The district's day rhythm (its reporters' hours, its rest days), with a floor."""
        return DayRhythm(self.reporters.rhythm, self.p.weekend_rate, floor, self.store)

    def begin(
        self,
        reports_per_day: float,
        rhythm: DayRhythm | None = None,
        *,
        at: float | None = None,
        capacity_scale: float | None = None,
    ) -> None:
        """Start the reports (at ``start``, or later ``at``) and the half-hourly shift
        changes; ``capacity_scale`` replaces the parameters' staffing scale."""
        if capacity_scale is not None:
            self._restaff(capacity_scale)
        first = self.start if at is None else max(at, self.start)
        self._stream(first, reports_per_day, rhythm or self.rhythm(), 1)
        self.at(clock.next_local_step(first, TICK_S), self._tick)

    def retune(
        self, at: float, reports_per_day: float, capacity_scale: float, rhythm: DayRhythm
    ) -> None:
        """From ``at`` on: a new report rate and rhythm, and staff scaled by ``capacity_scale``."""
        self._restaff(capacity_scale)
        # The arrival already waiting was drawn at the old rate; it still comes.
        self._stream(max(at, self.t), reports_per_day, rhythm, 2)

    def _restaff(self, capacity_scale: float) -> None:
        self.p = replace(self.p, capacity_scale=capacity_scale)
        self.staff.rescale(self.p)

    def step_until(self, until: float) -> float | None:
        """Do everything due by ``until`` (epoch s); returns when the next thing is due."""
        heap = self.heap
        limit = min(until, self.end)
        while heap and heap[0][0] <= limit:
            when, _, fn, arg = heapq.heappop(heap)
            if when != self.t:
                self.t = when
                self.moment = datetime.fromtimestamp(when, UTC)
            fn(arg)
        return heap[0][0] if heap and heap[0][0] <= self.end else None

    def _tick(self, _: Any) -> None:
        for pool in self.staff.pools:
            if pool.queue:
                pool.fill(self.t)
        if self.progress is not None and math.isfinite(self.end):
            self.progress(min(1.0, (self.t - self.start) / (self.end - self.start)))
        self.after(TICK_S, self._tick)

    def submit(self, pool: Pool, case: DistrictCase, job: Job) -> None:
        """Queue ``job`` for ``case`` on ``pool``; it starts when someone is free."""
        # Urgent first, then the earliest deadline: what the desk's colours ask for.
        self.serial += 1
        key = (0 if case.category.priority == "urgent" else 1, case.deadline)
        pool.submit(key, self.serial, job, self.t)

    # -- the store ----------------------------------------------------------------------
    def apply(
        self, case: DistrictCase, name: str, actor: Actor, reason: str = "", **params: Any
    ) -> Event | None:
        """Take an action; the case's status becomes what the store's event says."""
        if case.id not in self.cases:
            return None  # given up after a refusal
        try:
            ev = self.store.apply(case.id, name, actor, reason, **params)
        except CaseError:
            # Someone outside the simulation acted on this case: leave it to them.
            self.counts["conflicts"] += 1
            self.cases.pop(case.id, None)
            return None
        case.status = ev.to_status
        return ev

    # -- reports ------------------------------------------------------------------------
    def _stream(self, at: float, reports_per_day: float, rhythm: DayRhythm, key: int) -> None:
        self.stream_id += 1
        rng = np.random.default_rng([self.seed, key])
        self.stream = arrivals(at, reports_per_day, rhythm, rng, self.end)
        self._next_arrival(self.stream_id)

    def _next_arrival(self, stream_id: int) -> None:
        if stream_id == self.stream_id:  # an older stream ends with its last arrival
            when = next(self.stream, None)
            if when is not None:
                self.at(when, self._arrive, stream_id)

    def allow_reports(self, more: int | None) -> None:
        """Send at most ``more`` reports from now on (None: no limit)."""
        self.report_limit = None if more is None else self.counts["sent"] + max(0, more)
        if self._held is not None and self._held == self.stream_id:
            self._held = None
            self._next_arrival(self.stream_id)

    def _arrive(self, stream_id: int) -> None:
        limit = self.report_limit
        if limit is not None and self.counts["sent"] >= limit:
            self._held = stream_id
            return
        self.counts["sent"] += 1
        if limit is None or self.counts["sent"] < limit:
            self._next_arrival(stream_id)
        else:
            self._held = stream_id
        if not self.bodies:
            self.bodies = self.reporters.reports(64)
            self.bodies.reverse()
        report_id = f"ops-{self.seed}-{self.run}-{self.counts['sent']}"
        body = {**self.bodies.pop(), "report_id": report_id}
        try:
            accepted = self.intake.accept(body)
        except Rejection:  # the intake kept it in rejected_reports
            self.counts["rejected"] += 1
            return
        if not accepted.created:
            return
        self.counts["reports"] += 1
        case = self._remember(accepted.case)
        self.casework.received(case)
        self.responders.alarm(case, accepted.case)

    def resume(self, open_cases: Iterable[Case]) -> int:
        """Take over cases already open in the store (from before a restart, so they do
        not stand still); returns how many."""
        taken = 0
        for stored in open_cases:
            if stored.id in self.cases or not stored.status.is_open:
                continue
            if stored.category_code not in self.store.catalog.categories:
                continue
            self.casework.resumed(self._remember(stored))
            taken += 1
        return taken

    def _remember(self, stored: Case) -> DistrictCase:
        category = self.store.catalog.categories[stored.category_code]
        case = DistrictCase(
            id=stored.id,
            category=category,
            department=stored.department,
            duty=not category.working_hours or category.priority == "urgent",
            cell=stored.cell_code,
            created=clock.epoch(stored.created_at),
            at_risk=clock.epoch(stored.at_risk_at or stored.deadline),
            deadline=clock.epoch(stored.deadline),
            status=stored.status,
            dispatches=stored.dispatch_count,
            returns=stored.return_count,
            reworks=stored.rework_count,
            extensions=stored.extension_count,
        )
        self.cases[case.id] = case
        return case
