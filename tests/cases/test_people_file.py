"""People, teams and shifts from CSV and Excel files (cases/people_file.py), on SQLite and
PostgreSQL: a good file is taken whole, a file with a bad row changes nothing and says
which rows and why."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from cases import clock
from cases.people import Person, Roster
from cases.people_file import FileRefused, import_file, parse_file
from cases.table_file import MAX_FILE_BYTES, MAX_ROWS

DAY = date(2026, 12, 1)
ACCOUNTS = {"worker", "w2"}
PEOPLE_CSV = (
    "id,name,kind,phone,unit,username\n"
    "gw-1,王伟,grid_worker,13800000001,community_370102009001,worker\n"
    "sec-1,李娜,网格党支部书记,,community_370102009001,\n"
    "dm-1,张强,Department member,0531-8888 1234,chengguan,\n"
)


@pytest.fixture
def roster(store: Any) -> Roster:
    return Roster(store.engine)


@pytest.fixture
def cells(grid: Any) -> list[str]:
    return list(grid.codes[:5])


def take(roster: Roster, text: str | bytes, cells: list[str], kind: str | None = None) -> Any:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return import_file(roster, data, kind, cells, ACCOUNTS.__contains__)


def refused(roster: Roster, text: str | bytes, cells: list[str], kind: str | None = None) -> Any:
    before = (roster.people(with_inactive=True), roster.teams(cells))
    with pytest.raises(FileRefused) as info:
        take(roster, text, cells, kind)
    assert (roster.people(with_inactive=True), roster.teams(cells)) == before  # nothing
    return info.value


def test_a_people_file_is_taken_whole(roster: Roster, cells: list[str]) -> None:
    done = take(roster, PEOPLE_CSV, cells)
    assert (done.kind, done.rows, done.people) == ("people", 3, 3)
    assert roster.person("gw-1") == Person(
        "gw-1", "王伟", "grid_worker", "13800000001", "community_370102009001", "worker"
    )
    assert roster.person("sec-1").kind == "branch_secretary"  # type: ignore[union-attr]
    assert roster.person("dm-1").kind == "dept_member"  # type: ignore[union-attr]
    assert not roster.person("gw-1").synthetic  # type: ignore[union-attr]
    assert take(roster, PEOPLE_CSV, cells).people == 3  # again: the same three, replaced
    assert roster.count() == 3


def test_chinese_headers_and_excel_saved_gb18030(roster: Roster, cells: list[str]) -> None:
    text = "编号,姓名,类别,电话,单位,账号\r\ngw-9,赵六,网格员,,,\r\n"
    assert take(roster, text.encode("gb18030"), cells).people == 1
    assert roster.person("gw-9").name == "赵六"  # type: ignore[union-attr]
    assert take(roster, "\ufeff" + text, cells).people == 1  # UTF-8 with a BOM


def test_every_bad_row_is_named_with_why_and_nothing_is_written(
    roster: Roster, cells: list[str]
) -> None:
    text = (
        PEOPLE_CSV + "gw-1,重复,grid_worker,,,\n"  # row 5: id again
        "x-1,某人,mayor,,,\n"  # row 6: kind
        "x-2,某人,grid_worker,call me,,\n"  # row 7: phone
        "x-3,某人,grid_worker,,,nobody\n"  # row 8: no such account
        f"x-4,{'长' * 65},grid_worker,,,\n"  # row 9: too long
        "x-5,某人,grid_worker,,,worker\n"  # row 10: account on row 2 already
        "x-6,某人,grid_worker,,,,extra\n"  # row 11: more values than columns
    )
    exc = refused(roster, text, cells)
    assert [p.row for p in exc.problems] == [5, 6, 7, 8, 9, 10, 11]
    assert "row 5: id gw-1 also on row 2" in str(exc)
    assert "第 6 行" in exc.zh and "网格员" in exc.zh
    assert "no account named nobody" in exc.problems[3].message
    assert roster.count() == 0


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "empty"),
        ("id,name,kind\n", "no rows"),
        ("foo,bar\n1,2\n", "header row"),
        ("id,name,kind,colour\na,b,grid_worker,red\n", "columns must be"),
        ("id,name\na,b\n", "header row"),
        ("id,name,kind\na,b\x00,grid_worker\n", "NUL"),
        ("id,name,kind\na,b\x07,grid_worker\n", "control character"),
    ],
)
def test_a_file_that_is_no_roster_is_refused(
    roster: Roster, cells: list[str], text: str, why: str
) -> None:
    assert why in str(refused(roster, text, cells))


def test_html_is_kept_as_text(roster: Roster, cells: list[str]) -> None:
    take(roster, "id,name,kind\nh-1,<script>alert(1)</script>,grid_worker\n", cells)
    assert roster.person("h-1").name == "<script>alert(1)</script>"  # type: ignore[union-attr]


def test_oversized_files_are_refused_before_reading(roster: Roster, cells: list[str]) -> None:
    assert "KB" in str(refused(roster, b"id,name,kind\n" + b"x" * MAX_FILE_BYTES, cells))
    rows = "".join(f"p{n},某,grid_worker\n" for n in range(MAX_ROWS + 1))
    assert "rows" in str(refused(roster, "id,name,kind\n" + rows, cells))


def test_a_zip_that_is_no_workbook_is_refused(roster: Roster, cells: list[str]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "Excel" in str(refused(roster, buffer.getvalue(), cells))


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_excel_files_of_people_teams_and_shifts(roster: Roster, cells: list[str]) -> None:
    people = xlsx(
        [
            ["编号", "姓名", "类别", "电话", "单位", "账号"],
            ["gw-1", "王伟", "网格员", 13800000001, "c", None],  # a phone typed as a number
            ["sec-1", "李娜", "branch_secretary", None, "c", "w2"],
        ]
    )
    assert take(roster, people, cells).people == 2
    assert roster.person("gw-1").phone == "13800000001"  # type: ignore[union-attr]
    teams = xlsx(
        [
            ["网格编码", "党支部", "人员编号", "分工"],
            [int(cells[0]), "一支部", "sec-1", "书记"],  # a cell code typed as a number
            [cells[0], None, "gw-1", "worker"],
        ]
    )
    assert take(roster, teams, cells).teams == 1
    team = roster.team(cells[0])
    assert team is not None and team.branch == "一支部" and len(team.members) == 2
    starts = datetime.combine(DAY, time(8))
    shifts = xlsx([["人员编号", "开始", "结束"], ["gw-1", starts, datetime.combine(DAY, time(18))]])
    assert take(roster, shifts, cells).shifts == 1
    at = datetime.combine(DAY, time(9), tzinfo=clock.LOCAL_TZ)
    assert roster.on_duty(at) == {"gw-1"}


def test_a_teams_file_refuses_unknown_cells_people_and_two_secretaries(
    roster: Roster, cells: list[str]
) -> None:
    take(roster, PEOPLE_CSV, cells)
    good = f"cell_code,branch,person_id,part\n{cells[0]},一支部,sec-1,secretary\n"
    text = (
        good + "370102999999,x,gw-1,worker\n"  # row 3: not a cell of the grid
        f"{cells[0]},,ghost,member\n"  # row 4: nobody of that id
        f"{cells[0]},,gw-1,boss\n"  # row 5: part
        f"{cells[0]},,dm-1,secretary\n"  # row 6: a second secretary
        f"{cells[0]},二支部,gw-1,worker\n"  # row 7: another branch name
        f"{cells[0]},,sec-1,member\n"  # row 8: listed twice
    )
    exc = refused(roster, text, cells)
    assert [p.row for p in exc.problems] == [3, 4, 5, 6, 7, 8]
    assert "not a cell of the grid" in exc.problems[0].message
    assert take(roster, good + f"{cells[1]},二支部,gw-1,网格员\n", cells).teams == 2
    # The file gives each of its cells exactly the team its rows name.
    take(roster, f"cell_code,branch,person_id,part\n{cells[1]},二支部,dm-1,member\n", cells)
    assert [p.id for p in roster.team(cells[1]).people] == ["dm-1"]  # type: ignore[union-attr]
    assert [p.id for p in roster.team(cells[0]).people] == ["sec-1"]  # type: ignore[union-attr]


def test_a_shifts_file_in_local_time_taken_once(roster: Roster, cells: list[str]) -> None:
    take(roster, PEOPLE_CSV, cells)
    text = "person_id,starts,ends\ngw-1,2026-12-01 08:00,2026-12-01 18:00\n"
    assert take(roster, text, cells).shifts == 1
    assert take(roster, text, cells).shifts == 0  # the same file again: no second shift
    at = datetime(2026, 12, 1, 1, 0, tzinfo=clock.UTC)  # 09:00 in Shanghai
    assert roster.on_duty(at) == {"gw-1"}
    bad = (
        "person_id,starts,ends\n"
        "ghost,2026-12-01 08:00,2026-12-01 18:00\n"
        "gw-1,tomorrow,2026-12-01 18:00\n"
        "gw-1,2026-12-01 18:00,2026-12-01 08:00\n"
        "gw-1,2026-12-01 08:00,2026-12-03 08:00\n"
    )
    exc = refused(roster, bad, cells)
    assert [p.row for p in exc.problems] == [2, 3, 4, 5]
    assert "24 hours" in exc.problems[3].message


def test_the_kind_given_must_match_the_header(roster: Roster, cells: list[str]) -> None:
    assert "missing column" in str(refused(roster, PEOPLE_CSV, cells, kind="shifts"))
    with pytest.raises(FileRefused):
        parse_file(b"id,name,kind\n", "robots", cells, set, bool)


def test_many_problems_are_counted_past_the_listed_ones(roster: Roster, cells: list[str]) -> None:
    rows = "".join(f"p{n},某,mayor\n" for n in range(80))
    exc = refused(roster, "id,name,kind\n" + rows, cells)
    assert len(exc.problems) == 50 and exc.more == 30
    assert exc.lines("zh")[-1] == "另有 30 处问题"


@settings(max_examples=200, deadline=None)
@given(
    data=st.one_of(
        st.binary(max_size=400),
        st.text(max_size=300).map(lambda t: ("id,name,kind\n" + t).encode("utf-8", "replace")),
        st.lists(
            st.lists(st.text(max_size=12), min_size=1, max_size=6), min_size=1, max_size=6
        ).map(lambda rows: "\n".join(",".join(r) for r in rows).encode("utf-8", "replace")),
    ),
    kind=st.sampled_from([None, "people", "teams", "shifts"]),
)
def test_any_bytes_are_read_or_refused_never_an_error(data: bytes, kind: str | None) -> None:
    # Whatever arrives, the answer is a checked file or a refusal naming why; never a crash.
    try:
        parsed = parse_file(data, kind, ["370102001001001"], lambda ids: {"gw-1"}, "w".__eq__)
    except FileRefused as exc:
        assert exc.problems and all(p.message and p.zh for p in exc.problems)
        return
    assert parsed.rows >= 1
