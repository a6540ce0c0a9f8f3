"""`gridcc calendar add | show`: a year entered from a file, refusals naming the line, and
a year shown as the file that enters it again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cli import build_parser
from tests.cases.calendar_samples import SCHEDULE_2027


def run(*argv: str) -> int | str:
    args = build_parser().parse_args(list(argv))
    try:
        args.func(args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, str) else int(exc.code or 0)
    return 0


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("GRIDCC_ENV", "development")
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("SPOOL_DIR", str(tmp_path / "spool"))
    return tmp_path


def test_a_year_is_entered_from_a_file_and_shown_back(env: Path, capsys: Any) -> None:
    assert run("calendar", "show") == 0
    shown = capsys.readouterr().out
    assert "2026   25 days  chinesecalendar" in shown
    assert "entered up to 2026-12-31" in shown
    assert "2027-01-01 起按法定节假日推算" in shown  # today is within 60 days of it, or past

    path = env / "2027.txt"
    path.write_text(SCHEDULE_2027, encoding="utf-8")
    assert run("calendar", "add", str(path)) == 0
    said = capsys.readouterr().out
    assert "2027: 21 days entered from 2027.txt; 0 open cases' deadlines recomputed" in said
    assert "entered up to 2027-12-31" in said

    assert run("calendar", "show", "--year", "2027") == 0
    again = env / "again.txt"
    again.write_text(capsys.readouterr().out, encoding="utf-8")
    assert run("calendar", "add", str(again)) == 0
    assert "replacing the schedule from 2027.txt" in capsys.readouterr().out
    assert run("calendar", "show", "--year", "2030") == "gridcc calendar show: 2030 is not entered"


def test_a_bad_file_is_refused_naming_its_line_and_enters_nothing(env: Path, capsys: Any) -> None:
    path = env / "bad.txt"
    path.write_text("year: 2027\n2027-01-01,rest,元旦\n2027-01-09,rest,元旦\n", encoding="utf-8")
    said = run("calendar", "add", str(path))
    assert isinstance(said, str)
    assert "line 3: 2027-01-09 is a Saturday" in said and "第 3 行" in said
    path.write_bytes("year: 2027\n2027-01-01,rest,元旦\n".encode("gbk"))
    assert run("calendar", "add", str(path)) == f"gridcc calendar add: {path} is not UTF-8"
    assert run("calendar", "add", str(env / "missing.txt")) != 0
    assert run("calendar", "show", "--year", "2027") == "gridcc calendar show: 2027 is not entered"
