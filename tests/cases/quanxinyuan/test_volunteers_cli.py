"""`gridcc qxy teams import | show | synthetic` (``register_teams``, which the qxy command
adds): a file of teams taken whole, a refused one naming its rows and changing nothing."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from cases.quanxinyuan.volunteers_cli import register_teams

COMMUNITY = "370102009001"


def run(*argv: str) -> int | str:
    parser = argparse.ArgumentParser(prog="gridcc qxy")
    register_teams(parser.add_subparsers(dest="qxy_command", required=True))
    args = parser.parse_args(list(argv))
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


def test_a_teams_file_whole_or_not_at_all(env: Path, capsys: Any) -> None:
    good = env / "teams.csv"
    good.write_text(f"编号,名称,社区\nt-1,姚家青年志愿队,{COMMUNITY}\nt-2,文明实践队,新台社区\n")
    said = run("teams", "import", str(good))
    out = capsys.readouterr().out
    assert said == 0 and "2 teams imported; 2 teams in all" in out
    bad = env / "bad.csv"
    bad.write_text(f"id,name,community\nt-3,好队,{COMMUNITY}\nt-4,,{COMMUNITY}\n")
    refused = run("teams", "import", str(bad))
    assert isinstance(refused, str) and "row 3: name is empty" in refused
    assert "第 3 行：名称为空" in refused and "nothing changed" in refused
    assert run("teams", "show", "--community", COMMUNITY) == 0
    shown = capsys.readouterr().out
    assert "t-1" in shown and "t-3" not in shown
    assert isinstance(run("teams", "import", str(env / "missing.csv")), str)
