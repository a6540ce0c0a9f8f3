"""The SLA clock, against deadlines worked out by hand.

Default working hours: 08:30–12:00 and 13:30–17:30 local, i.e. 3.5 h + 4 h = 7.5 h a day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import chinese_calendar
import pytest

from cases.clock import LOCAL_TZ
from cases.sla import RISK_LEVELS, SlaClock, WorkingHours, risk_level


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


@pytest.fixture
def clock() -> SlaClock:
    return SlaClock()


# --- calendar hours -----------------------------------------------------------------------


def test_calendar_deadline_is_start_plus_limit_in_utc(clock: SlaClock) -> None:
    start = local(2025, 3, 15, 19, 0)  # a Saturday evening: calendar hours don't care
    due = clock.deadline(start, 24, working=False)
    assert due == datetime(2025, 3, 16, 11, 0, tzinfo=UTC)  # Sun 19:00 local
    assert due.tzinfo is UTC


def test_calendar_fraction(clock: SlaClock) -> None:
    start = local(2025, 3, 15, 19, 0)
    assert clock.fraction(start, start + timedelta(hours=18), 24, working=False) == 0.75
    assert clock.fraction(start, start + timedelta(hours=36), 24, working=False) == 1.5
    assert clock.fraction(start, start - timedelta(hours=1), 24, working=False) == 0.0
    # an approved 延期 of 24 h: allowed = 24 + 24
    assert clock.fraction(start, start + timedelta(hours=36), 24 + 24, working=False) == 0.75


# --- working hours on ordinary weeks ---------------------------------------------------------


def test_working_deadline_from_wednesday_mid_morning(clock: SlaClock) -> None:
    # Wed 2025-03-12 10:15, 8 working hours:
    #   10:15–12:00 = 1 h 45, lunch skipped, 13:30–17:30 = 4 h   -> 5 h 45 used, 2 h 15 left;
    #   the evening and night skipped, Thu 08:30 + 2 h 15       -> Thu 2025-03-13 10:45 local.
    start = local(2025, 3, 12, 10, 15)
    due = clock.deadline(start, 8, working=True)
    assert due == local(2025, 3, 13, 10, 45)
    assert due == datetime(2025, 3, 13, 2, 45, tzinfo=UTC)
    assert due.tzinfo is UTC
    # the same instant given in UTC gives the same deadline
    assert clock.deadline(start.astimezone(UTC), 8, working=True) == due
    # at 12:30 (lunch) the case has used 1 h 45 of its 8 h
    assert clock.elapsed_hours(start, local(2025, 3, 12, 12, 30), working=True) == 1.75
    # at Thu 08:00 it has used 5 h 45
    assert clock.elapsed_hours(start, local(2025, 3, 13, 8, 0), working=True) == 5.75


def test_working_deadline_from_saturday_evening_starts_monday_morning(clock: SlaClock) -> None:
    # Sat 2025-03-15 19:00, 4 working hours: nothing runs until Mon 08:30;
    #   08:30–12:00 = 3 h 30, then 13:30 + 0 h 30 -> Mon 2025-03-17 14:00 local.
    start = local(2025, 3, 15, 19, 0)
    assert clock.deadline(start, 4, working=True) == local(2025, 3, 17, 14, 0)
    assert clock.elapsed_hours(start, local(2025, 3, 17, 8, 30), working=True) == 0.0
    assert clock.elapsed_hours(start, local(2025, 3, 17, 9, 0), working=True) == 0.5


def test_limit_used_up_at_a_period_end_falls_due_at_that_end(clock: SlaClock) -> None:
    # Mon 2025-03-17 08:30 + 3.5 h = 12:00 exactly, not 13:30 after lunch
    assert clock.deadline(local(2025, 3, 17, 8, 30), 3.5, working=True) == local(2025, 3, 17, 12)
    # a whole day's 7 h 30 from the Saturday before ends Monday 17:30, not Tuesday 08:30
    saturday = local(2025, 3, 15, 19, 0)
    assert clock.deadline(saturday, 7.5, working=True) == local(2025, 3, 17, 17, 30)
    assert clock.deadline(saturday, 15, working=True) == local(2025, 3, 18, 17, 30)
    # and a limit of 0 is due at once, even outside working time
    assert clock.deadline(saturday, 0, working=True) == saturday


# --- 国庆 2025 -------------------------------------------------------------------------------
# Official schedule: Wed Oct 1 – Wed Oct 8 2025 off (国庆 + 中秋); make-up workdays
# Sun Sep 28 and Sat Oct 11.


def test_national_day_2025_calendar(clock: SlaClock) -> None:
    assert clock.is_working_day(date(2025, 9, 27)) is False  # ordinary Saturday
    assert clock.is_working_day(date(2025, 9, 28)) is True  # make-up Sunday
    for day in range(1, 9):
        assert clock.is_working_day(date(2025, 10, day)) is False
    assert clock.is_working_day(date(2025, 10, 9)) is True
    assert clock.is_working_day(date(2025, 10, 11)) is True  # make-up Saturday
    assert clock.is_working_day(date(2025, 10, 12)) is False


def test_case_opened_before_national_day_lands_after_it(clock: SlaClock) -> None:
    # Tue 2025-09-30 16:00, 8 working hours:
    #   Tue 16:00–17:30 = 1 h 30 (6 h 30 left); Oct 1–8 are holidays;
    #   Thu Oct 9 08:30–12:00 = 3 h 30 (3 h left); 13:30 + 3 h -> Thu 2025-10-09 16:30 local
    #   (08:30 UTC).
    start = local(2025, 9, 30, 16, 0)
    due = clock.deadline(start, 8, working=True)
    assert due == datetime(2025, 10, 9, 8, 30, tzinfo=UTC)
    assert due == local(2025, 10, 9, 16, 30)
    # in the middle of the holiday only the Tuesday's 1 h 30 has run
    assert clock.fraction(start, local(2025, 10, 5, 12), 8, working=True) == 1.5 / 8


def test_case_runs_into_the_make_up_sunday(clock: SlaClock) -> None:
    # Fri 2025-09-26 17:00, 4 working hours:
    #   Fri 17:00–17:30 = 0 h 30 (3 h 30 left); Sat Sep 27 rest;
    #   Sun Sep 28 is a working day: 08:30 + 3 h 30 = 12:00 -> Sun 2025-09-28 12:00 local.
    start = local(2025, 9, 26, 17, 0)
    assert clock.deadline(start, 4, working=True) == local(2025, 9, 28, 12, 0)
    # 4.5 h instead goes on after lunch: 13:30 + 0 h 30
    assert clock.deadline(start, 4.5, working=True) == local(2025, 9, 28, 14, 0)


def test_case_runs_into_the_make_up_saturday(clock: SlaClock) -> None:
    # Fri 2025-10-10 16:30, 2 h: Fri 16:30–17:30 = 1 h; Sat Oct 11 08:30 + 1 h = 09:30
    start = local(2025, 10, 10, 16, 30)
    assert clock.deadline(start, 2, working=True) == local(2025, 10, 11, 9, 30)


# --- 春节 2026 -------------------------------------------------------------------------------
# Official schedule (国务院办公厅, as shipped in chinesecalendar 1.11): Sun Feb 15 (腊月二十八)
# to Mon Feb 23 2026 (正月初七) off, 9 days; make-up workdays Sat Feb 14 and Sat Feb 28.

SPRING_FESTIVAL_2026_OFF = {date(2026, 2, d) for d in range(15, 24)}
SPRING_FESTIVAL_2026_MAKE_UP = {date(2026, 2, 14), date(2026, 2, 28)}


def test_spring_festival_2026_calendar(clock: SlaClock) -> None:
    for d in range(1, 29):
        day = date(2026, 2, d)
        if day in SPRING_FESTIVAL_2026_OFF:
            expected = False
        elif day in SPRING_FESTIVAL_2026_MAKE_UP:
            expected = True
        else:
            expected = day.weekday() < 5
        assert clock.is_working_day(day) is expected, day


def test_case_crossing_spring_festival_2026(clock: SlaClock) -> None:
    # Fri 2026-02-13 15:00, 16 working hours:
    #   Fri 15:00–17:30 = 2 h 30 (13 h 30 left);
    #   Sat Feb 14 (make-up) a full 7 h 30 (6 h left);
    #   Sun Feb 15 – Mon Feb 23 off;
    #   Tue Feb 24 08:30–12:00 = 3 h 30 (2 h 30 left); 13:30 + 2 h 30 -> Tue 16:00 local.
    start = local(2026, 2, 13, 15, 0)
    assert clock.deadline(start, 16, working=True) == local(2026, 2, 24, 16, 0)
    # crossings: 50% = 8 h -> Sat 14 08:30 + 5 h 30 = 08:30–12:00 (3 h 30) + 13:30 + 2 h = 15:30;
    #            80% = 12 h 48 -> Tue 24 08:30 + 2 h 48 = 11:18; 100% = the deadline.
    assert clock.crossings(start, 16, working=True) == (
        local(2026, 2, 14, 15, 30),
        local(2026, 2, 24, 11, 18),
        local(2026, 2, 24, 16, 0),
    )
    # by Wed Feb 25 09:00: 2 h 30 + 7 h 30 + 7 h 30 (Tue) + 0 h 30 = 18 h -> overdue
    now = local(2026, 2, 25, 9, 0)
    assert clock.elapsed_hours(start, now, working=True) == 18
    assert risk_level(clock.fraction(start, now, 16, working=True)) == "overdue"
    # an approved 延期 of 8 working hours: 18 / 24 = 0.75 -> watch
    assert risk_level(clock.fraction(start, now, 16 + 8, working=True)) == "watch"


# --- consistency -----------------------------------------------------------------------------

STARTS = [
    local(2025, 3, 12, 10, 15),  # Wednesday morning
    local(2025, 3, 12, 12, 0),  # lunch starts
    local(2025, 3, 15, 19, 0),  # Saturday evening
    local(2025, 9, 26, 17, 7),  # before 国庆 and its make-up Sunday
    local(2025, 9, 30, 23, 59),  # the night before 国庆
    local(2026, 2, 13, 15, 0),  # before 春节
    local(2026, 12, 31, 16, 0),  # runs out of the calendar's years
    datetime(2025, 6, 3, 1, 2, 3, 456789, tzinfo=UTC),  # odd microseconds, given in UTC
]
HOURS = [0.25, 1, 3.5, 7.5, 8, 13.3, 24, 40, 72, 168, 200.75]


@pytest.mark.parametrize("working", [True, False])
def test_elapsed_at_the_deadline_is_the_limit(clock: SlaClock, working: bool) -> None:
    for start in STARTS:
        for hours in HOURS:
            due = clock.deadline(start, hours, working)
            assert clock.elapsed_hours(start, due, working) == hours, (start, hours)
            # one microsecond earlier the limit has not been reached
            earlier = due - timedelta(microseconds=1)
            assert clock.elapsed_hours(start, earlier, working) < hours, (start, hours)


@pytest.mark.parametrize("working", [True, False])
def test_crossings_increase_and_end_at_the_deadline(clock: SlaClock, working: bool) -> None:
    for start in STARTS:
        for hours in HOURS:
            watch, at_risk, overdue = clock.crossings(start, hours, working)
            assert start < watch < at_risk < overdue, (start, hours)
            assert watch == clock.deadline(start, 0.5 * hours, working)
            assert at_risk == clock.deadline(start, 0.8 * hours, working)
            assert overdue == clock.deadline(start, hours, working)


@pytest.mark.parametrize("working", [True, False])
def test_browser_colours_agree_with_risk_level(clock: SlaClock, working: bool) -> None:
    # What the browser does with the crossings matches risk_level(fraction) on the server.
    for start in STARTS:
        for hours in HOURS:
            for level, crossing in enumerate(clock.crossings(start, hours, working), start=1):
                before = crossing - timedelta(microseconds=1)
                at = clock.fraction(start, crossing, hours, working)
                assert risk_level(at) == RISK_LEVELS[level], (start, hours, level)
                just_before = clock.fraction(start, before, hours, working)
                assert risk_level(just_before) == RISK_LEVELS[level - 1], (start, hours, level)


def test_risk_level_thresholds() -> None:
    assert risk_level(0.0) == "ok"
    assert risk_level(0.4999) == "ok"
    assert risk_level(0.5) == "watch"
    assert risk_level(0.7999) == "watch"
    assert risk_level(0.8) == "at_risk"
    assert risk_level(0.9999) == "at_risk"
    assert risk_level(1.0) == "overdue"
    assert risk_level(2.5) == "overdue"
    assert RISK_LEVELS == ("ok", "watch", "at_risk", "overdue")


# --- outside the calendar's years ------------------------------------------------------------


def test_years_outside_the_package_count_statutory_holidays(clock: SlaClock) -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2040, 1, 2))  # the package itself gives up
    # Past it: the statutory holidays (``holidays``), weekends, and no make-up workdays.
    assert clock.is_working_day(date(2040, 1, 2)) is False  # Monday, 元旦 in lieu of Sunday
    assert clock.is_working_day(date(2040, 1, 3)) is True  # Tuesday
    assert clock.is_working_day(date(2040, 1, 7)) is False  # Saturday
    assert clock.is_working_day(date(2003, 1, 1)) is False  # 元旦, before the package's years
    assert clock.is_working_day(date(2003, 1, 2)) is True  # a Thursday
    assert clock.is_working_day(date(2003, 1, 4)) is False  # Saturday


def test_deadline_runs_across_the_end_of_the_calendar(clock: SlaClock) -> None:
    # Thu 2026-12-31 16:00, 4 h: 16:00–17:30 = 1 h 30; Fri 2027-01-01 is 元旦 by law (the
    # package's years end with 2026), then the weekend: Mon 08:30 + 2 h 30 = 11:00.
    start = local(2026, 12, 31, 16, 0)
    assert clock.deadline(start, 4, working=True) == local(2027, 1, 4, 11, 0)
    # a long case far outside the data: Mon 2040-01-02 is 元旦 in lieu, so from Tue Jan 3,
    # 168 h = 22 days of 7.5 h and 3 h more: 22 working days end on Thu Feb 1; Fri 08:30 +
    # 3 h = 11:30
    start = local(2040, 1, 2, 8, 30)
    assert clock.deadline(start, 168, working=True) == local(2040, 2, 2, 11, 30)


# --- other working hours and bad input -------------------------------------------------------


def test_other_working_hours() -> None:
    clock = SlaClock(WorkingHours(periods=((time(9), time(17)),)))
    # Fri 2025-03-14 16:00, 2 h: 16:00–17:00 = 1 h; Mon 09:00 + 1 h = 10:00
    assert clock.deadline(local(2025, 3, 14, 16), 2, working=True) == local(2025, 3, 17, 10)


@pytest.mark.parametrize(
    "periods",
    [
        (),
        ((time(12), time(8, 30)),),
        ((time(8, 30), time(12)), (time(11), time(17))),
        ((time(8, 30, tzinfo=UTC), time(12)),),
    ],
)
def test_bad_working_hours_are_refused(periods: tuple[tuple[time, time], ...]) -> None:
    with pytest.raises(ValueError):
        WorkingHours(periods=periods)


def test_bad_input_is_refused(clock: SlaClock) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.deadline(datetime(2025, 3, 12, 10), 8, working=True)
    with pytest.raises(ValueError):
        clock.deadline(local(2025, 3, 12, 10), -1, working=True)
    with pytest.raises(ValueError):
        clock.deadline(local(2025, 3, 12, 10), float("nan"), working=False)
    with pytest.raises(ValueError):
        clock.fraction(local(2025, 3, 12, 10), local(2025, 3, 12, 11), 0, working=True)
