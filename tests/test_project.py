"""The README never lies: every setting is documented, and CI runs the README's command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import DEV_SECRET, SETTINGS, Settings
from cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def command_block(marker: str) -> str:
    match = re.search(rf"<!-- {marker} -->\s*```bash\n(.+?)\n```", README, re.S)
    assert match, f"README.md has no {marker} block"
    return match.group(1).strip()


@pytest.mark.parametrize("name", [name for name, _default, _help in SETTINGS])
def test_every_setting_is_documented(name: str) -> None:
    assert f"| `{name}` |" in README


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "<!-- test-command -->" in ci and "README.md" in ci
    command = command_block("test-command")
    assert "pytest" in command and "pip install" in command


def test_run_command_starts_the_demo() -> None:
    command = command_block("run-command")
    assert command.endswith("gridcc demo")
    args = build_parser().parse_args(["demo"])
    assert args.command == "demo" and args.history_days > 0


def test_secret_never_prints_and_default_is_refused_in_production() -> None:
    settings = Settings.from_env({"SECRET_KEY": "s3cret-value"})
    assert "s3cret" not in repr(settings)
    with pytest.raises(SystemExit, match="SECRET_KEY"):
        Settings.from_env({"GRIDCC_ENV": "production"})
    with pytest.raises(SystemExit, match="at least 32"):
        Settings.from_env({"GRIDCC_ENV": "production", "SECRET_KEY": "x"})
    long_enough = "k" * 32
    assert Settings.from_env({"GRIDCC_ENV": "production", "SECRET_KEY": long_enough}).secret_key
    assert Settings.from_env({"SECRET_KEY": "x"}).secret_key != DEV_SECRET  # development


def test_geo_and_cases_never_import_dash_or_flask() -> None:
    for package in ("geo", "cases"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"^\s*(from|import) (dash|flask)", text, re.M), path


def test_user_add_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    from cases.db import make_engine
    from cases.users import UserDirectory
    from cli import main

    url = f"sqlite:///{tmp_path}/users.db"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret!-of-the-wall\n"))
    main(["user", "add", "wall-1", "--role", "wall", "--password-stdin"])
    out = capsys.readouterr().out
    # The kiosk link carries the token in the fragment, which no access log sees.
    assert "kiosk link" in out and "/kiosk#" in out and "?kiosk=" not in out
    token = out.rsplit("/kiosk#", 1)[1].strip()
    directory = UserDirectory(make_engine(url))
    assert directory.by_token(token) is not None
    assert directory.authenticate("wall-1", "s3cret!-of-the-wall") is not None
    assert directory.authenticate("wall-1", "wrong") is None
    monkeypatch.setattr("sys.stdin", io.StringIO("pw12\n"))
    with pytest.raises(SystemExit, match="at least 12 characters"):
        main(["user", "add", "op-2", "--role", "operator", "--password-stdin"])
    monkeypatch.setattr("sys.stdin", io.StringIO("long-enough-password-1\n"))
    with pytest.raises(SystemExit, match="department"):
        main(["user", "add", "li", "--role", "liaison", "--password-stdin"])


def test_the_fanout_channel_names_the_store_however_it_is_spelt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def channel(url: str, **extra: str) -> str:
        return Settings.from_env({"DATABASE_URL": url, **extra}).fanout_channel

    pg = channel("postgresql://gridcc:pw@db:5432/city?sslmode=require&application_name=a")
    assert pg == channel("postgres://gridcc@db:5432/city?application_name=a&sslmode=require")
    assert pg == channel(
        "postgresql+psycopg://gridcc:rotated@db:5432/city?sslmode=require&application_name=a"
    )
    assert pg != channel("postgresql://gridcc@db:5432/town?sslmode=require&application_name=a")
    monkeypatch.chdir(tmp_path)
    assert channel("sqlite:///var/gridcc.db") == channel(f"sqlite:///{tmp_path}/var/gridcc.db")
    assert channel("sqlite:///var/gridcc.db", FANOUT_CHANNEL="shared") == "shared"
