"""Urgent alerts through real Redis, to real socket clients: a fire hazard reported on one
app process alerts the addressed worker and the wall connected to another process, and
not a worker who is not addressed (PostgreSQL, Redis, two ``gridcc serve`` processes)."""

from __future__ import annotations

import queue
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from geo.grid import Grid
from tests.dashboard.conftest import PASSWORD, TEST_SECRET
from tests.dashboard.test_fanout import channel_of, wait_subscribed
from tests.serving import running_server

pytestmark = pytest.mark.redis
N = 20


def seed(url: str, grid: Grid) -> None:
    from cases.db import make_engine
    from cases.people import Person, Roster
    from cases.store import Store
    from cases.users import UserDirectory
    from cases.workflow import Role

    engine = make_engine(url)
    store = Store(engine)
    store.create_schema()
    users = UserDirectory(engine)
    for name, role in (("gw-team", Role.WORKER), ("gw-away", Role.WORKER), ("wall", Role.WALL)):
        users.add(name, role, PASSWORD)
    roster = Roster(engine)
    roster.put_people(
        [
            Person("gw", "李网格", "grid_worker", "19900000002", username="gw-team"),
            Person("away", "周远", "grid_worker", "19900000006", username="gw-away"),
        ]
    )
    roster.put_team(grid.codes[N], "一支部", [("gw", "worker")])
    now = store.now()
    roster.add_shifts(
        (p, now - timedelta(hours=1), now + timedelta(hours=8)) for p in ("gw", "away")
    )
    engine.dispose()


def session_of(base: str, name: str) -> requests.Session:
    session = requests.Session()
    r = session.post(f"{base}/api/login", json={"username": name, "password": PASSWORD}, timeout=10)
    assert r.status_code == 200, r.text
    session.headers["X-CSRFToken"] = r.json()["csrf_token"]
    return session


@contextmanager
def alerts_of(base: str, name: str) -> Iterator[queue.Queue[dict[str, Any]]]:
    """A real Socket.IO client signed in as ``name``; its urgent alerts in a queue."""
    cookies = "; ".join(f"{k}={v}" for k, v in session_of(base, name).cookies.items())
    got: queue.Queue[dict[str, Any]] = queue.Queue()
    client = socketio.Client()
    client.on("urgent_alert", got.put)
    client.connect(base, transports=["websocket"], headers={"Cookie": cookies}, wait_timeout=10)
    try:
        yield got
    finally:
        client.disconnect()


def test_an_alert_raised_on_one_process_reaches_the_addressed_on_another(
    postgres_url: str, redis_url: str, grid: Grid, tmp_path: Path
) -> None:
    seed(postgres_url, grid)
    env = {"GRIDCC_ENV": "production", "SECRET_KEY": TEST_SECRET}
    with (
        running_server(postgres_url, redis_url, tmp_path / "a.log", env=env) as a,
        running_server(postgres_url, redis_url, tmp_path / "b.log", env=env) as b,
        alerts_of(b, "gw-team") as worker,
        alerts_of(b, "gw-away") as away,
        alerts_of(b, "wall") as wall,
        alerts_of(a, "wall") as wall_a,
    ):
        wait_subscribed(redis_url, channel_of(postgres_url), 2)
        lon, lat = grid.geometries[N].representative_point().coords[0]
        body = {"category": "AQ03", "description": "楼道充电冒烟", "lon": lon, "lat": lat}
        r = session_of(a, "gw-team").post(f"{a}/api/reports", json=body, timeout=10)
        assert r.status_code == 201, r.text
        case_id = r.json()["case_id"]
        mine = worker.get(timeout=10)
        assert mine["case_id"] == case_id and mine["why"] == ["team"] and mine["personal"]
        seen = wall.get(timeout=10)
        assert seen["case_id"] == case_id and [p["id"] for p in seen["addressed"]] == ["gw"]
        assert wall_a.get(timeout=10)["case_id"] == case_id
        # The center's alert is published last: once the wall has it, every room has had its
        # own, and the worker elsewhere had none.
        assert away.empty()
