"""A year's official schedule as a small text file, read strictly and written back.

The format (UTF-8; a byte-order mark is allowed)::

    # 2027 年部分节假日安排（国务院办公厅通知）   ← a comment: from # to the end of the line
    year: 2027
    2027-01-01,rest,元旦
    2027-02-20,work,春节调休

- blank lines and comments are skipped anywhere;
- the first other line is ``year: YYYY``;
- every other line is ``YYYY-MM-DD,WORD,NAME``: a date of that year, ``rest`` or ``work``,
  and the holiday's name (1–64 characters, no comma);
- list only the days that differ from Monday–Friday: a ``rest`` day falls on a weekday (a
  statutory holiday, or a day given in its place), a ``work`` day on a Saturday or Sunday
  (a make-up workday, 调休上班); the weekends inside a holiday need no line;
- each date once, at least one day.

Anything else is refused with the line's number and what is wrong, in English and Chinese;
a refused file changes nothing.
"""

from __future__ import annotations

import re
from datetime import date

from cases.calendar import REST, WORK, CalendarDay, YearSchedule
from cases.model import CaseError, storable

MAX_NAME = 64
MAX_FILE_CHARS = 64 * 1024
FIRST_YEAR, LAST_YEAR = 2000, 2100
_YEAR_LINE = re.compile(r"year:\s*(\d{4})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WEEKDAYS_ZH = "一二三四五六日"
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class ScheduleRefused(CaseError):
    """A schedule file that cannot be taken; says where and why, in English and Chinese."""

    def __init__(self, line: int, message: str, zh: str) -> None:
        where, where_zh = (f"line {line}: ", f"第 {line} 行：") if line else ("", "")
        super().__init__(where + message, where_zh + zh)
        self.line = line


def parse_schedule(text: str) -> YearSchedule:
    """Read a schedule file's text; raises ``ScheduleRefused`` naming the first bad line."""
    if len(text) > MAX_FILE_CHARS:
        raise ScheduleRefused(
            0, f"the file is over {MAX_FILE_CHARS} characters", f"文件超过 {MAX_FILE_CHARS} 字符"
        )
    if not storable(text):
        raise ScheduleRefused(0, "the text holds a NUL or a lone surrogate", "文本含有无效字符")
    year: int | None = None
    days: dict[date, CalendarDay] = {}
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if year is None:
            year = _year(number, line)
            continue
        day = _day(number, line, year)
        if day.day in days:
            raise ScheduleRefused(
                number, f"{day.day.isoformat()} is listed twice", f"{day.day.isoformat()} 重复"
            )
        days[day.day] = day
    if year is None:
        raise ScheduleRefused(0, "no 'year: YYYY' line", "缺少「year: YYYY」行")
    if not days:
        raise ScheduleRefused(0, f"no day of {year} is listed", f"没有列出 {year} 年的任何日期")
    return YearSchedule(year, tuple(sorted(days.values(), key=lambda d: d.day)))


def format_schedule(schedule: YearSchedule, comment: str = "") -> str:
    """The file for ``schedule`` (what ``parse_schedule`` reads back as the same)."""
    lines = [f"# {line}".rstrip() for line in comment.splitlines()]
    lines.append(f"year: {schedule.year}")
    lines.extend(f"{d.day.isoformat()},{d.word},{d.name}" for d in schedule.days)
    return "\n".join(lines) + "\n"


def _year(number: int, line: str) -> int:
    found = _YEAR_LINE.fullmatch(line)
    if found is None:
        raise ScheduleRefused(
            number,
            f"the first line must be 'year: YYYY', not {line[:40]!r}",
            f"第一行应为「year: YYYY」，而不是「{line[:40]}」",
        )
    year = int(found.group(1))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ScheduleRefused(
            number,
            f"year {year} is outside {FIRST_YEAR}–{LAST_YEAR}",
            f"年份 {year} 不在 {FIRST_YEAR}–{LAST_YEAR} 之间",
        )
    return year


def _day(number: int, line: str, year: int) -> CalendarDay:
    fields = [f.strip() for f in line.split(",")]
    if len(fields) != 3:
        raise ScheduleRefused(
            number,
            f"expected DATE,rest|work,NAME (3 fields), found {len(fields)}",
            f"应为「日期,rest|work,名称」3 项，实有 {len(fields)} 项",
        )
    text, word, name = fields
    day = _date(number, text)
    if day.year != year:
        raise ScheduleRefused(
            number, f"{text} is not in {year}", f"{text} 不在 {year} 年内（文件为 {year} 年）"
        )
    if word not in (REST, WORK):
        raise ScheduleRefused(
            number,
            f"unknown word {word[:20]!r}: write rest or work",
            f"无法识别「{word[:20]}」：应为 rest（放假）或 work（调休上班）",
        )
    if not name or len(name) > MAX_NAME:
        raise ScheduleRefused(
            number, f"the name must be 1–{MAX_NAME} characters", f"名称应为 1–{MAX_NAME} 个字符"
        )
    weekend = day.weekday() >= 5
    weekday_zh = f"星期{_WEEKDAYS_ZH[day.weekday()]}"
    if word == REST and weekend:
        raise ScheduleRefused(
            number,
            f"{text} is a {_WEEKDAYS_EN[day.weekday()]}, a rest day already: "
            "list only weekdays of rest and weekend days of work",
            f"{text} 是{weekday_zh}，本来就休息：只需列出放假的工作日和调休上班的周末",
        )
    if word == WORK and not weekend:
        raise ScheduleRefused(
            number,
            f"{text} is a {_WEEKDAYS_EN[day.weekday()]}, a working day already: "
            "a make-up workday (work) falls on a Saturday or Sunday",
            f"{text} 是{weekday_zh}，本来就上班：调休上班（work）只能是周六或周日",
        )
    return CalendarDay(day, word == WORK, name)


def _date(number: int, text: str) -> date:
    try:
        if _DATE.fullmatch(text) is None:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ScheduleRefused(
            number,
            f"{text[:20]!r} is not a date (YYYY-MM-DD)",
            f"「{text[:20]}」不是日期（应为 YYYY-MM-DD）",
        ) from None
