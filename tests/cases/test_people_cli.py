"""`gridcc people import | show`: files of people, teams and shifts taken whole, a refused
file naming its rows and changing nothing, the roster in figures and one cell's team."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cli import build_parser


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


def test_files_are_imported_and_a_cells_team_shown(env: Path, capsys: Any, grid: Any) -> None:
    cell = grid.codes[0]
    people = env / "people.csv"
    people.write_text(
        "编号,姓名,类别,电话,单位,账号\n"
        "gw-1,王伟,网格员,13800000001,community_1,\n"
        "sec-1,李娜,网格党支部书记,13800000002,community_1,\n",
        encoding="utf-8",
    )
    assert run("people", "import", str(people)) == 0
    assert "people, 2 rows: 2 people, 0 cells' teams, 0 shifts added" in capsys.readouterr().out
    teams = env / "teams.csv"
    teams.write_text(
        f"cell_code,branch,person_id,part\n{cell},一支部,sec-1,secretary\n{cell},,gw-1,worker\n",
        encoding="utf-8",
    )
    assert run("people", "import", str(teams), "--kind", "teams") == 0
    assert "teams, 2 rows: 0 people, 1 cells' teams" in capsys.readouterr().out
    shifts = env / "shifts.csv"
    shifts.write_text("person_id,starts,ends\ngw-1,2026-12-01 08:00,2026-12-01 18:00\n")
    assert run("people", "import", str(shifts)) == 0
    assert "1 shifts added" in capsys.readouterr().out

    assert run("people", "show") == 0
    shown = capsys.readouterr().out
    assert "网格员" in shown and "2 people (0 synthetic), teams in 1 of" in shown
    assert run("people", "show", cell) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{cell}  一支部"
    assert "书记" in lines[1] and "sec-1" in lines[1] and "13800000002" in lines[1]
    assert "网格员" in lines[2] and "gw-1" in lines[2]
    assert run("people", "show", "370102999999999") == (
        "gridcc people show: no team for cell 370102999999999"
    )


def test_a_bad_file_is_refused_naming_its_rows_and_imports_nothing(env: Path, capsys: Any) -> None:
    path = env / "bad.csv"
    path.write_text("id,name,kind\ngw-1,王伟,grid_worker\ngw-2,李娜,mayor\ngw-3,,grid_worker\n")
    said = run("people", "import", str(path))
    assert isinstance(said, str) and "refused, nothing changed" in said
    assert "row 3: kind 'mayor'" in said and "第 3 行" in said and "row 4" in said
    assert run("people", "show") == 0
    assert "0 people (0 synthetic)" in capsys.readouterr().out
    assert run("people", "import", str(env / "missing.csv")).startswith(  # type: ignore[union-attr]
        "gridcc people import: [Errno 2]"
    )
