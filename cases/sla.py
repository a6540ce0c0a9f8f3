"""The SLA clock: when a case falls due, and how much of its allowance it has used.

A case's category gives it a time limit in hours. The limit runs either on calendar hours
or on working hours: the working periods (``WorkingHours``, local Asia/Shanghai time) of the
days that the working calendar (``cases.calendar.WorkCalendar``: statutory holidays and
make-up workdays (调休) of the years whose schedule is entered, the statutory holidays alone
past them) calls working days. A store gives its clock the calendar it keeps and swaps it
when an admin enters a year (``use_calendar``); a clock made alone counts on the calendar of
the ``chinesecalendar`` package. An approved extension (延期) adds hours of the same kind to
the allowed time: ``allowed = limit + extensions``.

Risk is ``elapsed / allowed``: ok < 50% ≤ watch < 80% ≤ at_risk < 100% ≤ overdue.

Datetimes in must be timezone-aware; datetimes out are in UTC. Internally every instant is
an integer count of microseconds since the Unix epoch, so ``elapsed_hours(start,
deadline(start, h)) == h`` holds exactly for any ``h`` that is a whole number of
microseconds.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from cases.calendar import WorkCalendar, default_calendar
from cases.clock import LOCAL_TZ

RISK_LEVELS = ("ok", "watch", "at_risk", "overdue")
RISK_THRESHOLDS = (0.5, 0.8, 1.0)  # where watch, at_risk and overdue begin

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_US_PER_HOUR = 3_600_000_000

Periods = tuple[tuple[int, int], ...]  # (start, end) in µs since the epoch
WorkingDay = tuple[Periods, int]  # a day's periods and their total length in µs


def risk_level(fraction: float) -> str:
    """The risk level of a case that has used ``fraction`` of its allowed time."""
    return RISK_LEVELS[bisect_right(RISK_THRESHOLDS, fraction)]


@dataclass(frozen=True)
class WorkingHours:
    """Local (Asia/Shanghai) working periods of a working day, in order, not overlapping."""

    periods: tuple[tuple[time, time], ...] = (
        (time(8, 30), time(12, 0)),
        (time(13, 30), time(17, 30)),
    )

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError("working hours need at least one period")
        previous_end = time(0)
        for start, end in self.periods:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("working periods are local wall-clock times, without tzinfo")
            if not previous_end <= start < end:
                raise ValueError(f"working periods must be ordered and disjoint: {self.periods}")
            previous_end = end

    @property
    def day_hours(self) -> float:
        """The length of a working day: what one working day (工作日) of a limit means."""
        return (
            sum(
                (
                    datetime.combine(date.min, end) - datetime.combine(date.min, start)
                ).total_seconds()
                for start, end in self.periods
            )
            / 3600
        )


DEFAULT_HOURS = WorkingHours()


def _to_us(moment: datetime) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"SLA times must be timezone-aware, got {moment!r}")
    return (moment - _EPOCH) // _MICROSECOND


def _from_us(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


def _hours_to_us(hours: float) -> int:
    if not math.isfinite(hours) or hours < 0:
        raise ValueError(f"a time limit must be a finite, non-negative number of hours: {hours}")
    return round(hours * _US_PER_HOUR)


def _local_ordinal(us: int) -> int:
    return _from_us(us).astimezone(LOCAL_TZ).date().toordinal()


class SlaClock:
    """Deadlines and elapsed time on calendar or working hours."""

    def __init__(
        self, hours: WorkingHours = DEFAULT_HOURS, calendar: WorkCalendar | None = None
    ) -> None:
        self.hours = hours
        self._days = _Days(hours, calendar or default_calendar())

    @property
    def calendar(self) -> WorkCalendar:
        return self._days.calendar

    def use_calendar(self, calendar: WorkCalendar) -> None:
        """Count on ``calendar`` from now on (its per-day table starts afresh); a deadline
        being computed meanwhile finishes on the calendar it began with."""
        self._days = _Days(self.hours, calendar)

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` (a local calendar date) is a working day on this clock's calendar."""
        return self._days.calendar.is_working_day(day)

    def deadline(self, start: datetime, limit_hours: float, working: bool) -> datetime:
        """The instant (UTC) at which ``limit_hours`` have run since ``start``.

        On working hours the clock runs only inside working periods of working days; a
        start outside working time begins at the next working period, and a limit used up
        exactly at the end of a period falls due at that end (12:00, not 13:30). The
        deadline is the earliest instant at which the elapsed time reaches the limit, so a
        limit of 0 is due at ``start``.
        """
        return self._reach(start, [_hours_to_us(limit_hours)], working)[0]

    def elapsed_hours(self, start: datetime, now: datetime, working: bool) -> float:
        """Calendar or working hours between ``start`` and ``now`` (0 if now <= start)."""
        return self._elapsed_us(start, now, working) / _US_PER_HOUR

    def fraction(
        self, start: datetime, now: datetime, allowed_hours: float, working: bool
    ) -> float:
        """Share of the allowed time used by ``now``; 1.0 or more is overdue."""
        allowed_us = _hours_to_us(allowed_hours)
        if allowed_us <= 0:
            raise ValueError(f"allowed time must be positive, got {allowed_hours} hours")
        return self._elapsed_us(start, now, working) / allowed_us

    def crossings(
        self, start: datetime, allowed_hours: float, working: bool
    ) -> tuple[datetime, datetime, datetime]:
        """The instants (UTC) at which the risk reaches 50%, 80% and 100% (the deadline).

        Equal to ``deadline(start, f * allowed_hours, working)`` for f = 0.5, 0.8, 1.0, but
        walks the calendar once. A browser compares "now" to them to colour a case.
        """
        amounts = [_hours_to_us(f * allowed_hours) for f in RISK_THRESHOLDS]
        watch, at_risk, overdue = self._reach(start, amounts, working)
        return watch, at_risk, overdue

    def _reach(self, start: datetime, amounts: list[int], working: bool) -> list[datetime]:
        """The instants at which the elapsed time reaches each of ``amounts`` (ascending, µs)."""
        start_us = _to_us(start)
        if not working:
            return [_from_us(start_us + amount) for amount in amounts]
        reached = [start_us] * sum(1 for amount in amounts if amount <= 0)
        pending = amounts[len(reached) :]
        if not pending:
            return [_from_us(us) for us in reached]
        at, worked, ordinal = start_us, 0, _local_ordinal(start_us)
        working_day = self._days.working_day  # one calendar for the whole walk
        # Ends: a covered year has the working days its schedule leaves, and past the
        # covered years every week has some (Mon–Fri less holidays); periods are non-empty.
        while True:
            periods, day_total = working_day(ordinal)
            ordinal += 1
            if not periods:
                continue
            if at <= periods[0][0] and worked + day_total < pending[0]:
                # the whole day runs and nothing is reached: skip it in one step
                worked, at = worked + day_total, periods[-1][1]
                continue
            for begin, end in periods:
                if end <= at:
                    continue
                at = max(at, begin)
                worked_by_end = worked + (end - at)
                while pending[0] <= worked_by_end:
                    reached.append(at + pending.pop(0) - worked)
                    if not pending:
                        return [_from_us(us) for us in reached]
                worked, at = worked_by_end, end

    def _elapsed_us(self, start: datetime, now: datetime, working: bool) -> int:
        start_us, now_us = _to_us(start), _to_us(now)
        if now_us <= start_us:
            return 0
        return self._worked(start_us, now_us) if working else now_us - start_us

    def _worked(self, start_us: int, end_us: int) -> int:
        """Working microseconds in [start_us, end_us)."""
        first, last = _local_ordinal(start_us), _local_ordinal(end_us)
        working_day = self._days.working_day
        total = 0
        for ordinal in range(first, last + 1):
            periods, day_total = working_day(ordinal)
            if first < ordinal < last:  # a whole day between the two
                total += day_total
                continue
            for begin, end in periods:
                overlap = min(end, end_us) - max(begin, start_us)
                if overlap > 0:
                    total += overlap
        return total


class _Days:
    """One calendar's working periods by local day (keyed by date ordinal), cached: a new
    calendar gets a new table, so no day is ever read from a calendar's stale cache."""

    def __init__(self, hours: WorkingHours, calendar: WorkCalendar) -> None:
        self.hours = hours
        self.calendar = calendar
        self.working_day = lru_cache(maxsize=8192)(self._compute)

    def _compute(self, ordinal: int) -> WorkingDay:
        day = date.fromordinal(ordinal)
        if not self.calendar.is_working_day(day):
            return (), 0
        periods = tuple(
            (
                _to_us(datetime.combine(day, begin, tzinfo=LOCAL_TZ)),
                _to_us(datetime.combine(day, end, tzinfo=LOCAL_TZ)),
            )
            for begin, end in self.hours.periods
        )
        return periods, sum(end - begin for begin, end in periods)
