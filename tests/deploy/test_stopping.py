"""A stopping web process lets its screens' sockets go at once.

An open websocket is a request that never finishes: a worker that waited for it would hold
its screens for the whole graceful timeout (10 s) and then be killed, the screens
reconnecting only when their socket timed out. Here a real `gridcc serve` (gunicorn) with a
real Socket.IO client: on SIGINT the server is gone in a moment; on SIGTERM to one worker
(a graceful stop, as in a rolling restart) the screen is dropped at once, reconnects to the
worker gunicorn starts in its place, and hears the next report.
"""

from __future__ import annotations

import queue
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
import socketio
from sqlalchemy import create_engine

from cases.catalog import load_catalog
from cases.keys import KeyRing
from cases.store import Store
from cases.users import UserDirectory
from cases.workflow import Role
from geo.grid import Grid
from serving import GRACEFUL_S
from tests.dashboard.conftest import PASSWORD, TEST_SECRET
from tests.serving import children, server_process

# Well inside the graceful timeout: a worker that waited for its sockets takes all of it.
PROMPTLY_S = GRACEFUL_S / 2


@contextmanager
def production(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes], str, str]]:
    """`gridcc serve` as in production (gunicorn), with a wall's kiosk key and an
    operator's API token."""
    url = f"sqlite:///{tmp_path / 'gridcc.db'}"
    engine = create_engine(url)
    Store(engine, load_catalog()).create_schema()
    wall_key = KeyRing(engine).create("wall-1", "wall")
    token = UserDirectory(engine).add("op", Role.OPERATOR, PASSWORD)
    engine.dispose()
    env = {"GRIDCC_ENV": "production", "SECRET_KEY": TEST_SECRET, "SPOOL_DIR": str(tmp_path)}
    with server_process(url, "", tmp_path / "server.log", env=env) as (base, proc):
        yield base, proc, wall_key, token


def connected_client(
    base: str, wall_key: str
) -> tuple[socketio.Client, queue.Queue[tuple[str, Any]]]:
    """A wall's socket (the kiosk's session), its happenings in a queue."""
    with requests.Session() as kiosk:
        assert kiosk.post(f"{base}/api/kiosk", json={"token": wall_key}, timeout=5).ok
    heard: queue.Queue[tuple[str, Any]] = queue.Queue()
    client = socketio.Client(reconnection_delay=0.2, reconnection_delay_max=0.5)
    client.on("connect", lambda: heard.put(("connect", time.monotonic())))
    client.on("disconnect", lambda *why: heard.put(("disconnect", time.monotonic())))
    client.on("case_events", lambda batch: [heard.put(("event", e)) for e in batch])
    cookie = {"Cookie": f"session={kiosk.cookies['session']}"}
    client.connect(base, transports=["websocket"], headers=cookie, wait_timeout=10)
    assert heard.get(timeout=10)[0] == "connect"
    return client, heard


@contextmanager
def closed_at_the_end(client: socketio.Client) -> Iterator[None]:
    """Disconnect the client and close the websocket the server dropped: python-engineio's
    client leaves a dropped one for the collector (a ResourceWarning, an error here)."""
    dropped = client.eio.ws
    try:
        yield
    finally:
        client.disconnect()
        if dropped is not None:
            dropped.shutdown()


def next_of(heard: queue.Queue[tuple[str, Any]], kind: str, within_s: float) -> Any:
    deadline = time.monotonic() + within_s
    while True:
        what, value = heard.get(timeout=max(0.01, deadline - time.monotonic()))
        if what == kind:
            return value


def test_a_quick_stop_with_a_screen_open_ends_at_once(tmp_path: Path) -> None:
    with production(tmp_path) as (base, proc, wall_key, _token):
        client, heard = connected_client(base, wall_key)
        with closed_at_the_end(client):
            asked = time.monotonic()
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=PROMPTLY_S)
            except subprocess.TimeoutExpired:
                raise AssertionError(f"still running {PROMPTLY_S} s after SIGINT") from None
            assert proc.returncode == 0
            # The screen was told by its connection, not left to find out by timeout.
            assert next_of(heard, "disconnect", 5) - asked < PROMPTLY_S


def test_a_worker_stopped_gracefully_hands_its_screens_to_its_successor(
    tmp_path: Path, grid: Grid
) -> None:
    with production(tmp_path) as (base, proc, wall_key, token):
        (first,) = children(proc.pid)  # no feeds run here: the one worker
        client, heard = connected_client(base, wall_key)
        with closed_at_the_end(client):
            asked = time.monotonic()
            subprocess.run(["kill", "-TERM", str(first)], check=True)
            dropped = next_of(heard, "disconnect", PROMPTLY_S)
            back = next_of(heard, "connect", PROMPTLY_S)
            assert dropped - asked < PROMPTLY_S and back - asked < PROMPTLY_S
            (successor,) = children(proc.pid)
            assert successor != first
            # The successor's socket hears the next report.
            lon, lat = grid.geometries[7].representative_point().coords[0]
            body = {"category": "SR01", "description": "接班", "lon": lon, "lat": lat}
            bearer = {"Authorization": f"Bearer {token}"}
            made = requests.post(base + "/api/reports", json=body, headers=bearer, timeout=10)
            assert made.status_code == 201, made.text
            event = next_of(heard, "event", 10)
            assert event["case_id"] == made.json()["case_id"]
