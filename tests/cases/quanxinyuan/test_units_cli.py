"""`gridcc qxy units import | show | link`: a file of units taken whole, a refused file naming
its rows and changing nothing, the units in figures and one community's, an account linked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cli import build_parser

COMMUNITY = "370102009001"


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


def test_units_imported_shown_and_linked(env: Path, capsys: Any) -> None:
    good = env / "units.csv"
    good.write_text(
        "编号,单位名称,级别,社区,联系人,联系电话,可提供\n"
        f"sgj,济南市市场监管局,市级,{COMMUNITY},李四,13800000001,助老;维修\n"
        f"bank,明湖银行,企业,{COMMUNITY},王五,13800000002,goods\n",
        encoding="gb18030",
    )
    assert run("qxy", "units", "import", str(good)) == 0
    assert "2 units imported (1 city, 1 enterprise)" in capsys.readouterr().out
    bad = env / "bad.csv"
    bad.write_text(
        f"编号,单位名称,级别,社区\nx,单位X,村级,{COMMUNITY}\ny,单位Y,市级,nowhere\n",
        encoding="utf-8",
    )
    said = run("qxy", "units", "import", str(bad))
    assert isinstance(said, str) and "refused, nothing changed" in said
    assert "row 2: level" in said and "第 3 行" in said
    assert run("qxy", "units", "show") == 0
    assert "2 units (0 synthetic) in 1 of" in capsys.readouterr().out
    assert run("qxy", "units", "show", "--community", COMMUNITY) == 0
    shown = capsys.readouterr().out
    assert "济南市市场监管局" in shown and "13800000001" in shown
    said = run("qxy", "units", "link", "sgj", "sgj-account")
    assert isinstance(said, str) and "no such account" in said
    assert run("qxy", "units", "link", "sgj", "sgj-account", "--create") == 0
    out = capsys.readouterr().out
    assert "created (role unit)" in out and "unit sgj acts as sgj-account" in out
    said = run("qxy", "units", "link", "bank", "sgj-account")  # another unit's account
    assert isinstance(said, str) and "department sgj" not in said and "bank" in said
