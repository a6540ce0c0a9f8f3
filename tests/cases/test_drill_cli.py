"""``gridcc drill`` opens a marked drill of the urgent fast path that counts nowhere."""

from __future__ import annotations

from pathlib import Path

import pytest

import cli
from app import Settings, build_core


def test_gridcc_drill_opens_a_drill_that_counts_nowhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'drill.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("REDIS_URL", raising=False)
    cli.main(["drill", "--category", "AQ04"])
    assert "opened as a drill" in capsys.readouterr().out
    core = build_core(Settings.from_env({}, database_url=url))
    [case] = core.store.open_cases()
    assert case.drill and case.urgent and case.category_code == "AQ04"
    assert case.source == "drill" and "演练" in case.description
    assert core.store.snapshot()["counters"] == {"open": 0, "today": 0, "closed_today": 0}
    with pytest.raises(SystemExit, match="no grid cell"):
        cli.main(["drill", "--cell", "370102999999999"])
    with pytest.raises(SystemExit, match="no category"):
        cli.main(["drill", "--category", "ZZ99"])
    core.store.engine.dispose()
