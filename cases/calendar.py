"""The working calendar: which local (Asia/Shanghai) days are working days in mainland China.

A year is **covered** when its official schedule (国务院办公厅 节假日安排) is known: then its
working days are Monday to Friday, except the days the schedule names — statutory holidays
that fall on a weekday (rest) and make-up workdays (调休上班) that fall on a Saturday or
Sunday (work). The store keeps exactly those days per covered year (``work_calendar``) and
the years themselves (``calendar_years``), seeded from the ``chinesecalendar`` package for
every year it covers and extended by an admin one year at a time (cases/calendar_file.py).

**Past the covered years** (and before them) the schedule is not known. There the calendar
says what the law says without the year's notice: the statutory holidays that the
``holidays`` package computes for China (元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆 and the
weekdays it gives in their place) are rest days, Saturdays and Sundays are rest days, and
no day is a make-up workday (those are known only from the notice). Such a year is marked
uncovered, so a screen can warn (``coverage_notice``) until an admin enters the schedule,
and entering it recomputes the open cases' deadlines (cases/recompute.py).

No dash or flask here; the store's rows are read and written in cases/calendar_rows.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Protocol

SOURCE_PACKAGE = "chinesecalendar"
WARN_DAYS = 60  # screens warn this many days before the first uncovered day (a setting)
REST, WORK = "rest", "work"


class WorkingDays(Protocol):
    """Anything that answers whether a local date is a working day (a calendar, a store)."""

    def is_working_day(self, day: date) -> bool: ...


@dataclass(frozen=True)
class CalendarDay:
    """A day a year's schedule names: a weekday of rest or a weekend day of work."""

    day: date
    working: bool
    name: str  # the holiday (元旦, 春节, …) or, on a make-up workday, e.g. 春节调休

    @property
    def word(self) -> str:
        return WORK if self.working else REST


@dataclass(frozen=True)
class YearSchedule:
    """One year's official schedule: the days that differ from Monday–Friday, in order."""

    year: int
    days: tuple[CalendarDay, ...]


class WorkCalendar:
    """Working days from the covered years' schedules, and the statutory fallback past them.

    ``days``: the named days of the covered years (a day of an uncovered year is ignored);
    ``covered_years``: the years whose schedule is known.
    """

    def __init__(self, days: Iterable[CalendarDay], covered_years: Iterable[int]) -> None:
        self.years = frozenset(covered_years)
        self._days = {d.day: d for d in days if d.day.year in self.years}

    def covers(self, day: date) -> bool:
        return day.year in self.years

    def is_working_day(self, day: date) -> bool:
        if day.year in self.years:
            named = self._days.get(day)
            return named.working if named is not None else day.weekday() < 5
        return day.weekday() < 5 and day not in statutory_holidays(day.year)

    def day_name(self, day: date) -> str:
        """The holiday or make-up workday's name ('' for an ordinary day)."""
        if day.year in self.years:
            named = self._days.get(day)
            return named.name if named is not None else ""
        return statutory_holidays(day.year).get(day, "")

    def schedule(self, year: int) -> YearSchedule | None:
        """The named days of a covered year (None: not covered)."""
        if year not in self.years:
            return None
        days = sorted((d for d in self._days.values() if d.day.year == year), key=_by_day)
        return YearSchedule(year, tuple(days))

    def first_uncovered(self, since: date) -> date:
        """The first day of the first uncovered year from ``since``'s year on (Jan 1st of
        ``since``'s own year when that one is not covered)."""
        year = since.year
        while year in self.years:
            year += 1
        return date(year, 1, 1)

    def covered_until(self, since: date) -> date:
        """The last day of the covered run of years that ``since`` falls in (the day before
        ``first_uncovered``; before ``since`` when its year is not covered)."""
        return self.first_uncovered(since) - timedelta(days=1)


@dataclass(frozen=True)
class CoverageNotice:
    """The warning a screen shows while the calendar runs out soon (or has run out)."""

    covered_until: date
    first_uncovered: date
    days_left: int  # until first_uncovered (0 or less: already past it)

    def text(self, lang: str) -> str:
        year = self.first_uncovered.year
        if lang == "en":
            return (
                f"Calendar entered up to {self.covered_until.isoformat()}; from "
                f"{self.first_uncovered.isoformat()} statutory holidays only. "
                f"Enter the {year} schedule."
            )
        return (
            f"工作日历仅录入至 {self.covered_until.isoformat()}，"
            f"{self.first_uncovered.isoformat()} 起按法定节假日推算，请录入 {year} 年安排"
        )


def coverage_notice(calendar: WorkCalendar, today: date, warn_days: int) -> CoverageNotice | None:
    """The warning to show on ``today``: from ``warn_days`` before the first uncovered day
    on (and every day after it, until that year is entered); None before that."""
    first = calendar.first_uncovered(today)
    left = (first - today).days
    if left > warn_days:
        return None
    return CoverageNotice(first - timedelta(days=1), first, left)


@cache
def statutory_holidays(year: int) -> dict[date, str]:
    """China's statutory holidays of ``year`` as the ``holidays`` package computes them (by
    law, without a year's notice): date → Chinese name. Imported on first use."""
    import holidays

    found = holidays.country_holidays("CN", years=year, language="zh_CN")
    return {day: str(name) for day, name in found.items()}


@cache
def package_schedules() -> tuple[YearSchedule, ...]:
    """Every year ``chinesecalendar`` covers, as the days that differ from Monday–Friday."""
    import chinese_calendar

    names = {h.value: h.chinese for h in chinese_calendar.Holiday}
    rest = chinese_calendar.holidays
    work = chinese_calendar.workdays
    first, last = min(rest).year, max(rest).year
    days: dict[int, list[CalendarDay]] = {year: [] for year in range(first, last + 1)}
    for day, name in rest.items():
        if day.weekday() < 5:
            days[day.year].append(CalendarDay(day, False, names.get(name, name)))
    for day, name in work.items():
        if day.weekday() >= 5:
            days[day.year].append(CalendarDay(day, True, f"{names.get(name, name)}调休"))
    return tuple(
        YearSchedule(year, tuple(sorted(found, key=_by_day))) for year, found in days.items()
    )


@cache
def default_calendar() -> WorkCalendar:
    """The calendar without a store: the package's years, the statutory fallback past them."""
    schedules = package_schedules()
    return WorkCalendar((d for s in schedules for d in s.days), (s.year for s in schedules))


def _by_day(day: CalendarDay) -> date:
    return day.day
