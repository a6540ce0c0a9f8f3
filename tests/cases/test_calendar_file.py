"""The schedule file: read strictly, every refusal naming its line in English and Chinese,
and written back as what it reads."""

from __future__ import annotations

from datetime import date

import pytest

from cases.calendar import CalendarDay, YearSchedule
from cases.calendar_file import ScheduleRefused, format_schedule, parse_schedule
from tests.cases.calendar_samples import SCHEDULE_2027


def test_a_schedule_is_read_with_comments_blank_lines_and_a_bom() -> None:
    text = (
        "\ufeff# 注释\n\nyear: 2027   # 2027 年\n"
        "2027-01-01, rest ,元旦\n\n2027-02-20,work,春节调休\n"
    )
    assert parse_schedule(text) == YearSchedule(
        2027,
        (
            CalendarDay(date(2027, 1, 1), False, "元旦"),
            CalendarDay(date(2027, 2, 20), True, "春节调休"),
        ),
    )


def test_days_come_out_in_order_and_written_back_read_the_same() -> None:
    schedule = parse_schedule("year: 2027\n2027-10-09,work,国庆节调休\n2027-01-01,rest,元旦\n")
    assert [d.day for d in schedule.days] == [date(2027, 1, 1), date(2027, 10, 9)]
    assert parse_schedule(format_schedule(schedule, "a comment\n第二行")) == schedule
    whole = parse_schedule(SCHEDULE_2027)
    assert len(whole.days) == 21 and parse_schedule(format_schedule(whole)) == whole


@pytest.mark.parametrize(
    ("text", "line", "english", "chinese"),
    [
        ("2027-01-01,rest,元旦\n", 1, "the first line must be 'year: YYYY'", "第一行应为"),
        ("# only a comment\n", 0, "no 'year: YYYY' line", "缺少「year: YYYY」行"),
        ("year: 1999\n", 1, "year 1999 is outside", "年份 1999 不在"),
        ("year: 2027\n", 0, "no day of 2027 is listed", "没有列出 2027 年"),
        (
            "year: 2027\n2027-01-01,holiday,元旦\n",
            2,
            "unknown word 'holiday'",
            "无法识别「holiday」",
        ),
        ("year: 2027\n2027-01-01,REST,元旦\n", 2, "unknown word 'REST'", "应为 rest（放假）"),
        ("year: 2027\n2026-12-31,rest,元旦\n", 2, "2026-12-31 is not in 2027", "不在 2027 年内"),
        (
            "year: 2027\n2027-01-01,rest,元旦\n# x\n2027-01-01,rest,元旦\n",
            4,
            "2027-01-01 is listed twice",
            "2027-01-01 重复",
        ),
        ("year: 2027\n2027-02-30,rest,春节\n", 2, "'2027-02-30' is not a date", "不是日期"),
        ("year: 2027\n2027/01/01,rest,元旦\n", 2, "is not a date (YYYY-MM-DD)", "不是日期"),
        ("year: 2027\n2027-1-1,rest,元旦\n", 2, "is not a date", "不是日期"),
        ("year: 2027\n2027-01-01,rest\n", 2, "(3 fields), found 2", "实有 2 项"),
        ("year: 2027\n2027-01-01,rest,元旦,x\n", 2, "(3 fields), found 4", "实有 4 项"),
        ("year: 2027\n2027-01-01,rest,\n", 2, "the name must be 1–64", "名称应为 1–64"),
        (f"year: 2027\n2027-01-01,rest,{'节' * 65}\n", 2, "the name must be", "名称应为"),
        (
            "year: 2027\n2027-01-02,rest,元旦\n",
            2,
            "2027-01-02 is a Saturday, a rest day already",
            "2027-01-02 是星期六，本来就休息",
        ),
        (
            "year: 2027\n2027-02-19,work,春节调休\n",
            2,
            "2027-02-19 is a Friday, a working day already",
            "调休上班（work）只能是周六或周日",
        ),
        ("year: 2027\n2027-01-01,rest,元\x00旦\n", 0, "NUL", "无效字符"),
    ],
)
def test_a_bad_file_is_refused_naming_its_line(
    text: str, line: int, english: str, chinese: str
) -> None:
    with pytest.raises(ScheduleRefused) as refused:
        parse_schedule(text)
    assert refused.value.line == line
    assert english in str(refused.value)
    assert chinese in refused.value.zh
    if line:
        assert str(refused.value).startswith(f"line {line}: ")
        assert refused.value.zh.startswith(f"第 {line} 行：")


def test_a_file_too_long_is_refused_before_it_is_read() -> None:
    text = "year: 2027\n" + "# padding\n" * 7000
    with pytest.raises(ScheduleRefused, match="over 65536 characters"):
        parse_schedule(text)
