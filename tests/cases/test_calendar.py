"""The working calendar: the package's years, the statutory fallback past them, an entered
year's schedule, and the clock counting on each (across 2026-12-31 → 2027-01-04)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from cases.calendar import (
    CalendarDay,
    WorkCalendar,
    coverage_notice,
    default_calendar,
    package_schedules,
)
from cases.calendar_file import parse_schedule
from cases.clock import LOCAL_TZ
from cases.sla import SlaClock
from tests.cases.calendar_samples import NEW_YEAR_MAKE_UP_2027, SCHEDULE_2027

SHIPPED_2026 = Path(__file__).resolve().parents[2] / "cases" / "data" / "calendar-2026.txt"


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


def with_year(text: str) -> WorkCalendar:
    """The package's calendar with one more year entered from ``text``."""
    entered = parse_schedule(text)
    base = package_schedules()
    days = [d for s in base for d in s.days] + list(entered.days)
    return WorkCalendar(days, [s.year for s in base] + [entered.year])


def test_the_package_years_are_covered_and_2027_is_not() -> None:
    calendar = default_calendar()
    assert min(calendar.years) == 2004 and max(calendar.years) == 2026
    assert calendar.first_uncovered(date(2026, 11, 30)) == date(2027, 1, 1)
    assert calendar.covered_until(date(2026, 11, 30)) == date(2026, 12, 31)
    # a day in an uncovered year: that year is the first uncovered one
    assert calendar.first_uncovered(date(2027, 3, 1)) == date(2027, 1, 1)


def test_the_calendar_agrees_with_the_package_on_every_day_it_covers() -> None:
    calendar = default_calendar()
    day, end = date(2004, 1, 1), date(2026, 12, 31)
    while day <= end:
        assert calendar.is_working_day(day) is chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_the_shipped_2026_file_is_the_package_s_2026() -> None:
    shipped = parse_schedule(SHIPPED_2026.read_text(encoding="utf-8"))
    assert shipped == next(s for s in package_schedules() if s.year == 2026)
    days = {d.day: d for d in shipped.days}
    assert days[date(2026, 10, 1)] == CalendarDay(date(2026, 10, 1), False, "国庆节")
    assert days[date(2026, 9, 20)].working and days[date(2026, 9, 20)].name == "国庆节调休"


def test_past_the_package_statutory_holidays_rest_and_no_make_up_day_works() -> None:
    calendar = default_calendar()
    assert calendar.is_working_day(date(2026, 12, 31)) is True  # Thursday
    assert calendar.is_working_day(date(2027, 1, 1)) is False  # 元旦, a Friday
    assert calendar.day_name(date(2027, 1, 1)) == "元旦"
    assert calendar.is_working_day(date(2027, 1, 2)) is False  # Saturday
    assert calendar.is_working_day(date(2027, 1, 4)) is True  # Monday
    assert calendar.is_working_day(date(2027, 2, 8)) is False  # 春节
    assert calendar.is_working_day(date(2027, 2, 20)) is False  # a Saturday: no make-up day


def test_an_entered_schedule_is_the_truth_for_its_year() -> None:
    calendar = with_year(SCHEDULE_2027)
    assert 2027 in calendar.years
    assert calendar.first_uncovered(date(2026, 11, 30)) == date(2028, 1, 1)
    assert calendar.is_working_day(date(2027, 2, 11)) is False  # the schedule's, not the law's
    assert calendar.is_working_day(date(2027, 2, 20)) is True  # make-up Saturday
    assert calendar.day_name(date(2027, 2, 20)) == "春节调休"
    assert calendar.is_working_day(date(2027, 6, 10)) is True  # an ordinary Thursday


# --- the clock across 2026-12-31 → 2027-01-04 ------------------------------------------------
# Thu 2026-12-31 16:00 + 8 working hours: 16:00–17:30 is 1 h 30, 6 h 30 remain; a next
# working day's 08:30–12:00 and 13:30–16:30 take them: due 16:30 of that day.
START = local(2026, 12, 31, 16, 0)


def test_without_the_2027_schedule_new_year_s_day_is_skipped_by_law() -> None:
    clock = SlaClock()
    assert clock.deadline(START, 8, working=True) == local(2027, 1, 4, 16, 30)
    # the old Monday–Friday fallback would have said Fri 2027-01-01 16:30
    assert clock.deadline(START, 8, working=True) != local(2027, 1, 1, 16, 30)


def test_with_the_2027_schedule_new_year_s_day_is_skipped_as_it_says() -> None:
    clock = SlaClock(calendar=with_year(SCHEDULE_2027))
    assert clock.deadline(START, 8, working=True) == local(2027, 1, 4, 16, 30)


def test_a_make_up_workday_in_the_entered_schedule_counts() -> None:
    clock = SlaClock(calendar=with_year(NEW_YEAR_MAKE_UP_2027))
    assert clock.deadline(START, 8, working=True) == local(2027, 1, 2, 16, 30)
    assert clock.elapsed_hours(START, local(2027, 1, 4, 8, 30), working=True) == 9.0


def test_an_entered_year_without_new_year_s_day_works_it() -> None:
    # Whatever the law says, the entered schedule is the year's truth (a day it does not
    # name is an ordinary day).
    clock = SlaClock(calendar=with_year("year: 2027\n2027-02-08,rest,春节\n"))
    assert clock.deadline(START, 8, working=True) == local(2027, 1, 1, 16, 30)


def test_a_new_calendar_empties_the_clock_s_cache_of_days() -> None:
    clock = SlaClock()
    before = clock.deadline(START, 8, working=True)  # fills the per-day cache
    clock.use_calendar(with_year(NEW_YEAR_MAKE_UP_2027))
    assert clock.is_working_day(date(2027, 1, 2)) is True
    assert clock.deadline(START, 8, working=True) == local(2027, 1, 2, 16, 30) != before
    # calendar hours never depend on the calendar
    assert clock.deadline(START, 8, working=False) == START + timedelta(hours=8)


# --- the warning ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "shown"),
    [
        (date(2026, 11, 1), False),  # 61 days before 2027-01-01
        (date(2026, 11, 2), True),  # 60 days before
        (date(2026, 11, 30), True),
        (date(2026, 12, 31), True),
        (date(2027, 3, 1), True),  # past it, 2027 still not entered
    ],
)
def test_the_warning_shows_from_60_days_before_the_first_uncovered_day(
    today: date, shown: bool
) -> None:
    notice = coverage_notice(default_calendar(), today, 60)
    assert (notice is not None) is shown
    if notice is not None:
        assert notice.first_uncovered == date(2027, 1, 1)
        assert notice.days_left == (date(2027, 1, 1) - today).days
        assert notice.text("zh") == (
            "工作日历仅录入至 2026-12-31，2027-01-01 起按法定节假日推算，请录入 2027 年安排"
        )
        assert "2027-01-01" in notice.text("en") and "2027 schedule" in notice.text("en")


def test_no_warning_once_the_next_year_is_entered() -> None:
    assert coverage_notice(with_year(SCHEDULE_2027), date(2026, 11, 30), 60) is None
    # … until 60 days before 2028
    assert coverage_notice(with_year(SCHEDULE_2027), date(2027, 11, 2), 60) is not None
