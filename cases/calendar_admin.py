"""The working calendar as the store keeps it: its coverage read, a year's schedule entered.

Entering a year replaces that year's days in one transaction, then recounts the deadlines
of the open cases on the new calendar (cases/recompute.py), each an audited event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cases import access, clock
from cases.calendar import CoverageNotice, YearSchedule, coverage_notice
from cases.calendar_rows import CoveredYear, covered_years, replace_year
from cases.model import Forbidden
from cases.recompute import Recompute
from cases.workflow import Actor

ADMIN_SOURCE = "admin"
MAX_SOURCE = 64


@dataclass(frozen=True)
class CalendarEntered:
    """What entering a year did: its days stored, what it replaced, cases recounted."""

    year: int
    days: int
    replaced: str | None  # the source of the year's schedule before (None: not covered)
    recomputed: int  # open cases whose deadlines moved


class CalendarAdmin(Recompute):
    def enter_calendar_year(
        self, schedule: YearSchedule, actor: Actor, source: str = ADMIN_SOURCE
    ) -> CalendarEntered:
        """Put ``schedule`` in force (admins only) and recount the open cases' deadlines."""
        if not access.may_edit_calendar(actor):
            raise Forbidden("only admins enter the working calendar", "只有管理员可以录入工作日历")
        source = (source.strip() or ADMIN_SOURCE)[:MAX_SOURCE]
        with self.engine.begin() as conn:
            before = {y.year: y.source for y in covered_years(conn)}.get(schedule.year)
            replace_year(conn, schedule, source, actor.label, self.now())
        reason = f"工作日历变更：录入 {schedule.year} 年安排（{source}）"
        changed = self.recompute_open_deadlines(actor.label, reason)
        return CalendarEntered(schedule.year, len(schedule.days), before, changed)

    def calendar_coverage(self) -> list[CoveredYear]:
        """Every covered year, oldest first, with where its schedule came from."""
        with self.read() as conn:
            return covered_years(conn)

    def calendar_schedule(self, year: int) -> YearSchedule | None:
        """The days a covered year's schedule names (None: the year is not covered)."""
        return self.work_calendar.schedule(year)

    def calendar_notice(self, warn_days: int) -> CoverageNotice | None:
        """The warning to show today (local), from ``warn_days`` before the first uncovered
        day on; None while the calendar reaches further."""
        return coverage_notice(self.work_calendar, self.local_today(), warn_days)

    def local_today(self) -> date:
        return clock.as_utc(self.now()).astimezone(clock.LOCAL_TZ).date()
