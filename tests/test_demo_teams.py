"""`gridcc demo`'s synthetic 1+6 teams: seeded once for the bundled synthetic grid, on duty
today and tomorrow, the demo's grid worker linked to a cell of 姚家, and the shifts rolled on
from then by a background task."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta

from app import GridCC
from cases import clock
from cli import seed_demo_teams, seed_demo_users


def test_the_demo_seeds_its_teams_once_and_keeps_them_on_duty(
    make_app: Callable[..., GridCC],
) -> None:
    g = make_app()
    seed_demo_users(g)
    stop = seed_demo_teams(g)
    assert stop is not None
    try:
        roster = g.core.roster
        people = roster.people()
        assert people and all(p.synthetic for p in people)
        mine = roster.by_username("worker")
        assert mine is not None and mine.kind == "grid_worker"
        assert any(c.startswith("370102009") for c in roster.cells_of(mine.id))
        today = clock.as_utc(g.store.now()).astimezone(clock.LOCAL_TZ).date()
        for day in (today, today + timedelta(days=1)):
            at = datetime.combine(day, time(10), tzinfo=clock.LOCAL_TZ)
            assert roster.on_duty(at, [mine.id]) == {mine.id}
        count = roster.count()
        again = seed_demo_teams(g)  # a restarted demo: the same people, rolling on
        assert again is not None and roster.count() == count
        again.set()
    finally:
        stop.set()


def test_no_synthetic_team_outside_development(make_app: Callable[..., GridCC]) -> None:
    g = make_app(gridcc_env="production", secret_key="x" * 40)
    assert seed_demo_teams(g) is None and g.core.roster.count() == 0
