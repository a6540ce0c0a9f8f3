"""When reports arrive: a Poisson process shaped by the day's rhythm.

The rhythm is the hour of the day (quiet at night, busy mid-morning and afternoon, local
time) times the kind of day (working day, or a rest day on the working calendar with its
holidays and make-up workdays: the store's, the one its SLA clock counts on). A live demo
may put a floor under it, so that the wall moves at 03:00 too while the district keeps its
shape by day.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from cases import clock
from cases.calendar import WorkingDays, default_calendar


def working_day(days: WorkingDays, day_number: int) -> bool:
    """Whether local day ``day_number`` (days since 1970-01-01) is a working day on ``days``
    (a district's store: the calendar its SLA clock counts on)."""
    return days.is_working_day(clock.day_number_date(day_number))


@dataclass(frozen=True)
class DayRhythm:
    """How busy the district is at an instant, relative to its mean over an ordinary week.

    ``hourly`` gives the hour-of-day profile (mean 1 over a day, e.g. Simulator.rhythm);
    a rest day has ``weekend_rate`` of a working day's reports, the two scaled so that an
    ordinary week (5 working, 2 rest days) averages 1. ``floor``: never quieter than this
    (0: the district as it is; 1: the mean rate is a minimum, busier by day). ``days``:
    which days are working days (None: ``cases.calendar.default_calendar()``).
    """

    hourly: Callable[[datetime], float]
    weekend_rate: float = 0.6
    floor: float = 0.0
    days: WorkingDays | None = None

    def at(self, epoch_s: float) -> float:
        norm = (5 + 2 * self.weekend_rate) / 7
        days = self.days or default_calendar()
        day = 1.0 if working_day(days, clock.local_day_number(epoch_s)) else self.weekend_rate
        shape = self.hourly(datetime.fromtimestamp(epoch_s, UTC)) * (day / norm)
        return max(self.floor, shape)

    def week_mean(self) -> float:
        """The mean of ``at`` over an ordinary week (1 without a floor; more with one)."""
        norm = (5 + 2 * self.weekend_rate) / 7
        total = 0.0
        for hour in range(24):
            profile = self.hourly(datetime(2000, 1, 1, hour, 30, tzinfo=clock.LOCAL_TZ))
            working = max(self.floor, profile / norm)
            rest = max(self.floor, profile * self.weekend_rate / norm)
            total += (5 * working + 2 * rest) / 7
        return total / 24


def arrivals(
    start: float,
    reports_per_day: float,
    rhythm: DayRhythm,
    rng: np.random.Generator,
    end: float = math.inf,
) -> Iterator[float]:
    """Report instants (epoch seconds, ascending) from ``start`` on, drawn an hour at a time.

    The rate is piecewise constant per local hour: ``reports_per_day / 24`` times
    ``rhythm.at`` that hour. Endless unless ``end`` is given, so a live district can run
    for weeks at thousands of reports a minute without drawing them all up front.
    """
    if reports_per_day <= 0:
        return
    t = start
    while t < end:
        hour_end = min(end, clock.next_local_step(t, clock.HOUR_S))
        rate = reports_per_day / clock.DAY_S * rhythm.at(t)
        n = int(rng.poisson(rate * (hour_end - t)))
        if n:
            yield from np.sort(rng.uniform(t, hour_end, n)).tolist()
        t = hour_end


def arrival_times(
    start: float,
    days: float,
    reports_per_day: float,
    rhythm: Callable[[datetime], float],
    rng: np.random.Generator,
    weekend_rate: float = 0.6,
) -> np.ndarray:
    """Report instants (epoch seconds, sorted) of the Poisson process over ``days``.

    ``rhythm`` is the hour-of-day profile (mean 1 over a day); rest days have
    ``weekend_rate`` of a working day's reports, and an ordinary week averages
    ``reports_per_day``.
    """
    shape = DayRhythm(rhythm, weekend_rate)
    times = arrivals(start, reports_per_day, shape, rng, end=start + days * clock.DAY_S)
    return np.fromiter(times, dtype=float)
