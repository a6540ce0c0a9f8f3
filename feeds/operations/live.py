"""The district in real time: feeding a running center, in its process or in its own.

``LiveDistrict`` first writes ``history_days`` of past work fast (so the wall opens on a
believable fortnight), then keeps the same simulation going on the real clock, every step
through the intake, the store and its event bus. ``run_live`` is the same without history:
a separate process feeding reports at a given rate until stopped, for a given time, or
for a given number of reports.

A live rate is what a demo asks for (a few reports a minute, where the real district has
a few dozen a day), so the staff scale with it and the district keeps up as it did. The
district's rhythm stays (busier by day, quieter on rest days), but live it has a floor,
``LIVE_FLOOR``: with the default 1.0 the live rate is a minimum, so a wall looked at
03:00 on a Sunday still gets a report every minute or so at 3 a minute.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from datetime import datetime

from cases import clock
from cases.store import Store
from feeds.intake import Intake
from feeds.operations.district import District
from feeds.operations.history import default_start
from feeds.operations.parameters import REPORTS_PER_DAY, OpsParams
from feeds.operations.summary import OpsSummary, summarize
from geo.grid import Grid

log = logging.getLogger(__name__)

LIVE_FLOOR = 1.0  # live, the rhythm never goes below the mean: the live rate is a minimum
MINUTES_PER_DAY = 24 * 60
_MAX_WAIT_S = 1.0  # look at the clock (and at stop) at least this often


class LiveDistrict:
    """The simulated district feeding a running center.

    ``reports_per_day`` is the district's own rate (its staff table is sized for the real
    district's 45), used for the history; ``live_reports_per_day``, if given, is the rate
    from ``run`` on, with the staff scaled to it and the rhythm floored at ``live_floor``.
    The store's clock is the simulated one only while catching up; live, it is real time.
    ``resume_open``: going live, also take over the cases already open in the store (after
    a restart, so they do not stand still; two districts doing so on one store each drop
    a case the other moved first). ``now`` and ``wait`` (seconds; returns early when
    stopped) stand in for the real clock in tests; ``stop``, if given, ends ``run``.
    """

    def __init__(
        self,
        store: Store,
        grid: Grid,
        *,
        reports_per_day: float = REPORTS_PER_DAY,
        live_reports_per_day: float | None = None,
        history_days: float = 14,
        seed: int = 0,
        params: OpsParams | None = None,
        intake: Intake | None = None,
        live_floor: float = LIVE_FLOOR,
        resume_open: bool = False,
        now: Callable[[], datetime] = clock.utcnow,
        wait: Callable[[float], object] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        if reports_per_day < 0 or (live_reports_per_day or 0) < 0:
            raise ValueError("report rates must not be negative")
        self.store = store
        self.params = params or OpsParams()
        self.rate = reports_per_day
        self.live_rate = live_reports_per_day
        self.live_floor = live_floor
        self.resume_open = resume_open
        self._now = now
        self._stop = stop or threading.Event()
        self._wait = wait or self._stop.wait
        self._started = time.perf_counter()
        self._first_seq = store.last_seq()
        self._live = False
        t = self._clock()
        self.history = history_days > 0
        if self.history:
            start, run = default_start(history_days, now()).timestamp(), None
        else:
            start, run = t, f"{t * 1000:.0f}"  # two live runs are never duplicates
        self.district = District(store, grid, self.params, seed, start, intake=intake, run=run)
        # Called with the district as it goes live (e.g. the grid workers' patrols start).
        self.on_live: list[Callable[[District], None]] = []
        if self.history:
            self.district.begin(reports_per_day)

    def _clock(self) -> float:
        return clock.epoch(self._now())

    def catch_up(self) -> int:
        """Write the simulated past up to now as fast as the store takes it; returns events."""
        first = self.store.last_seq()
        saved = self.store.now
        self.store.now = lambda: self.district.moment
        try:
            self.district.step_until(self._clock())
        finally:
            self.store.now = saved
        return self.store.last_seq() - first

    def run(self, *, count: int | None = None, seconds: float | None = None) -> OpsSummary:
        """Keep the district working in real time until ``stop()``, until ``count`` more
        reports were sent to the intake, or for ``seconds``; returns the summary so far."""
        began = self._clock()
        self._go_live(began)
        d = self.district
        d.allow_reports(count)
        until = math.inf if seconds is None else began + seconds
        while not self._stop.is_set():
            now = min(self._clock(), until)
            try:
                due = d.step_until(now)
            except Exception:
                log.exception("live district step failed")
                due = None
            if now >= until or (d.report_limit is not None and d.counts["sent"] >= d.report_limit):
                break
            wait = _MAX_WAIT_S if due is None else max(0.02, due - now)
            self._wait(min(_MAX_WAIT_S, wait, until - now))
        return self.summary()

    def stop(self) -> None:
        self._stop.set()

    def summary(self) -> OpsSummary:
        """What the district did since it was made (history included)."""
        return summarize(
            self.district,
            end=max(self.district.t, self._clock()),
            reports_per_day=self.live_rate if self.live_rate is not None else self.rate,
            events=self.store.last_seq() - self._first_seq,
            started=self._started,
        )

    def _go_live(self, at: float) -> None:
        """From ``at``: the live rate, its floored rhythm and staff scaled to match."""
        if self._live:
            return
        self._live = True
        d = self.district
        if self.live_rate is None:
            rate, rhythm, scale = self.rate, d.rhythm(), self.params.capacity_scale
        else:
            rate, rhythm = self.live_rate, d.rhythm(self.live_floor)
            load = self.live_rate * rhythm.week_mean()  # reports a day, floor included
            scale = self.params.capacity_scale * (load / self.rate if self.rate > 0 else 1.0)
        if self.history:
            d.retune(at, rate, scale, rhythm)
        else:
            d.begin(rate, rhythm, at=at, capacity_scale=scale)
        if self.resume_open:
            taken = d.resume(self.store.open_cases())
            log.info("live district: took over %d open cases", taken)
        for start in self.on_live:
            start(d)


def run_live(
    store: Store,
    grid: Grid,
    per_minute: float,
    *,
    count: int | None = None,
    seconds: float | None = None,
    seed: int = 0,
    intake: Intake | None = None,
    params: OpsParams | None = None,
    live_floor: float = LIVE_FLOOR,
    resume_open: bool = False,
    stop: threading.Event | None = None,
    now: Callable[[], datetime] = clock.utcnow,
    wait: Callable[[float], object] | None = None,
) -> OpsSummary:
    """Feed ``store`` with the simulated district, live, from now on (no history).

    Reports arrive at ``per_minute`` (a minimum with the default ``live_floor`` of 1.0:
    busier by day, up to twice that at 10:00 on a working day), each through ``intake``
    (by default an ``Intake`` on ``store`` and ``grid``), and their cases move along the
    lifecycle as the district's staff work them. Blocks until ``count`` reports were sent
    to the intake, ``seconds`` have passed, or ``stop`` is set (or Ctrl-C); the cases
    opened stay where they are. With ``resume_open`` it also works the cases already open
    in the store. Returns what it did.
    """
    if per_minute <= 0:
        raise ValueError("per_minute must be positive")
    district = LiveDistrict(
        store,
        grid,
        live_reports_per_day=per_minute * MINUTES_PER_DAY,
        history_days=0,
        seed=seed,
        params=params,
        intake=intake,
        live_floor=live_floor,
        resume_open=resume_open,
        now=now,
        wait=wait,
        stop=stop,
    )
    return district.run(count=count, seconds=seconds)
