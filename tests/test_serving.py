"""What `gridcc serve` refuses and starts, decided before anything runs."""

from __future__ import annotations

import pytest

from app import Settings
from cli import main
from serving import Feed, feeds_for, refuse_workers

SECRET = "production-test-secret-" + "x" * 32


def settings(**values: str) -> Settings:
    return Settings.from_env({}, gridcc_env="production", secret_key=SECRET, **values)


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({"database_url": "postgresql://db/gridcc"}, "needs REDIS_URL"),
        ({"redis_url": "redis://r/0", "database_url": "sqlite:///var/x.db"}, "needs PostgreSQL"),
    ],
)
def test_several_workers_need_a_server_store_and_redis(values: dict[str, str], says: str) -> None:
    with pytest.raises(SystemExit, match=says):
        refuse_workers(settings(**values), 2)
    refuse_workers(settings(**values), 1)  # one process needs neither
    refuse_workers(settings(database_url="postgresql://db/g", redis_url="redis://r/0"), 4)


def test_workers_are_refused_before_anything_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in (("GRIDCC_ENV", "production"), ("SECRET_KEY", SECRET)):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("REDIS_URL", raising=False)
    with pytest.raises(SystemExit, match="needs REDIS_URL"):
        main(["serve", "--workers", "3"])
    monkeypatch.setenv("GRIDCC_ENV", "development")
    with pytest.raises(SystemExit, match="GRIDCC_ENV=production"):
        main(["serve", "--workers", "3"])


def test_the_feeds_workers_follow_the_settings() -> None:
    assert feeds_for(settings(), 0) == []
    assert feeds_for(settings(), 2.5) == [Feed("simulator", ("simulate", "--rate", "2.5"))]
    # The queue's consumer when the deployment names the stream its systems write to.
    assert feeds_for(settings(intake_stream="dept-intake"), 0) == []  # no Redis to read it from
    with_queue = settings(redis_url="redis://r/0", intake_stream="dept-intake")
    assert feeds_for(with_queue, 0) == [Feed("intake queue", ("queue", "consume"))]
