"""Fan-out through real Redis: app processes share events; a dropped Redis loses no report."""

from __future__ import annotations

import queue
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from app import Settings
from geo.grid import Grid
from tests.conftest import missing_service
from tests.serving import free_port, running_server

pytestmark = pytest.mark.redis


def channel_of(database_url: str) -> str:
    """The Redis channel a server on ``database_url`` publishes and listens on."""
    return Settings.from_env({}, database_url=database_url).fanout_channel


def wait_subscribed(redis_url: str, channel: str, listeners: int) -> None:
    """Wait until ``listeners`` server processes listen on ``channel`` (each subscribes on
    its first client): no fixed sleep, the subscription itself."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        deadline = time.monotonic() + 20
        while dict(client.pubsub_numsub(channel)).get(channel.encode(), 0) < listeners:
            if time.monotonic() > deadline:
                raise AssertionError(f"{listeners} listeners never subscribed to {channel}")
            time.sleep(0.02)
    finally:
        client.close()


@contextmanager
def listening(base: str) -> Iterator[queue.Queue[dict[str, Any]]]:
    """A Socket.IO client on the websocket transport, its events in a queue."""
    received: queue.Queue[dict[str, Any]] = queue.Queue()
    client = socketio.Client(reconnection_delay=0.2, reconnection_delay_max=1)
    client.on("case_events", lambda batch: [received.put(ev) for ev in batch])
    client.connect(base, transports=["websocket"], wait_timeout=10)
    assert client.transport() == "websocket"
    try:
        yield received
    finally:
        client.disconnect()


def report(grid: Grid, n: int) -> dict[str, Any]:
    lon, lat = grid.geometries[n].representative_point().coords[0]
    return {
        "category": "CG01",
        "description": f"违停 {n}",
        "lon": lon,
        "lat": lat,
        "report_id": f"fan-{n}",
    }


def test_case_created_on_one_process_reaches_a_client_of_another(
    postgres_url: str, redis_url: str, grid: Grid, tmp_path: Path
) -> None:
    with (
        running_server(postgres_url, redis_url, tmp_path / "a.log") as a,
        running_server(postgres_url, redis_url, tmp_path / "b.log") as b,
        listening(b) as on_b,
        listening(a) as on_a,
    ):
        wait_subscribed(redis_url, channel_of(postgres_url), 2)
        r = requests.post(f"{a}/api/reports", json=report(grid, 3), timeout=10)
        assert r.status_code == 201, r.text
        ev = on_b.get(timeout=10)
        assert (ev["case_id"], ev["kind"], ev["seq"]) == (r.json()["case_id"], "case.reported", 1)
        assert on_a.get(timeout=10)["seq"] == 1
        # and the other way round, with the next sequence number
        r2 = requests.post(f"{b}/api/reports", json=report(grid, 4), timeout=10)
        assert on_a.get(timeout=10)["seq"] == on_b.get(timeout=10)["seq"] == 2
        assert r2.json()["case_id"] != r.json()["case_id"]


@contextmanager
def own_redis(port: int) -> Iterator[subprocess.Popen[bytes]]:
    server = shutil.which("redis-server")
    if server is None:
        missing_service("redis-server binary", "not on PATH")
    proc = subprocess.Popen(
        [
            str(server),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_dropped_redis_loses_no_report_and_live_events_resume(grid: Grid, tmp_path: Path) -> None:
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    db = f"sqlite:///{tmp_path / 'drop.db'}"
    with (
        own_redis(port) as first,
        running_server(db, url, tmp_path / "server.log") as base,
        listening(base) as events,
    ):
        wait_subscribed(url, channel_of(db), 1)
        assert (
            requests.post(f"{base}/api/reports", json=report(grid, 1), timeout=10).status_code
            == 201
        )
        assert events.get(timeout=10)["seq"] == 1

        first.terminate()
        first.wait(timeout=10)
        # Redis is gone: the report is still taken and stored, with its event in the log.
        r = requests.post(f"{base}/api/reports", json=report(grid, 2), timeout=20)
        assert r.status_code == 201, r.text
        log = requests.get(f"{base}/api/events?since=1", timeout=10).json()["events"]
        assert [(e["seq"], e["case_id"]) for e in log] == [(2, r.json()["case_id"])]

        with own_redis(port):
            # Once Redis is back, live fan-out resumes without restarting anything.
            deadline = time.monotonic() + 30
            seen: list[int] = []
            n = 3
            while time.monotonic() < deadline:
                requests.post(f"{base}/api/reports", json=report(grid, n), timeout=10)
                n += 1
                try:
                    seen.append(events.get(timeout=1.0)["seq"])
                    break
                except queue.Empty:
                    continue
            assert seen, "no live event reached the client after Redis came back"
            # A client catches up on what it missed by sequence number.
            assert requests.get(f"{base}/api/seq", timeout=10).json()["seq"] == n - 1


def test_a_separate_simulator_process_reaches_browsers_through_redis(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    import os
    import sys

    from tests.serving import ROOT

    with (
        running_server(postgres_url, redis_url, tmp_path / "a.log") as base,
        listening(base) as events,
    ):
        wait_subscribed(redis_url, channel_of(postgres_url), 1)
        env = {**os.environ, "DATABASE_URL": postgres_url, "REDIS_URL": redis_url}
        done = subprocess.run(
            [sys.executable, "-m", "cli", "simulate", "--rate", "6000", "--count", "5"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        kinds = []
        while True:
            try:
                kinds.append(events.get(timeout=5)["kind"])
            except queue.Empty:
                break
        assert kinds.count("case.reported") == 5
        assert requests.get(f"{base}/api/snapshot", timeout=10).json()["counters"]["today"] == 5


def test_two_deployments_sharing_one_redis_never_see_each_others_events(
    redis_url: str, grid: Grid, tmp_path: Path
) -> None:
    """Redis pub/sub ignores the database number: each deployment has its own channel."""
    first_db, second_db = (f"sqlite:///{tmp_path / name}" for name in ("one.db", "two.db"))
    assert channel_of(first_db) != channel_of(second_db)
    with (
        running_server(first_db, redis_url, tmp_path / "one.log") as one,
        running_server(second_db, redis_url, tmp_path / "two.log") as two,
        listening(one) as on_one,
        listening(two) as on_two,
    ):
        wait_subscribed(redis_url, channel_of(first_db), 1)
        wait_subscribed(redis_url, channel_of(second_db), 1)
        for n in range(3):
            assert requests.post(f"{one}/api/reports", json=report(grid, n), timeout=10).ok
        r = requests.post(f"{two}/api/reports", json=report(grid, 9), timeout=10)
        assert [on_one.get(timeout=10)["seq"] for _ in range(3)] == [1, 2, 3]
        ev = on_two.get(timeout=10)
        assert (ev["seq"], ev["case_id"]) == (1, r.json()["case_id"])
        # Nothing of the first deployment's three reports reached the second, or the reverse.
        for q in (on_one, on_two):
            with pytest.raises(queue.Empty):
                q.get(timeout=1.0)
