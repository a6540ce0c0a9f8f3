"""The production server end to end: `gridcc serve --workers 2` (gunicorn) on PostgreSQL and
Redis, behind nginx run from the committed config, reached only through nginx."""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
from sqlalchemy.engine import make_url

from app import Settings
from cases.catalog import load_catalog
from cases.db import make_engine
from cases.store import Store
from cases.users import UserDirectory
from cases.workflow import Role
from geo.grid import Grid
from tests.dashboard.test_fanout import wait_subscribed
from tests.deploy.nginx import running_nginx
from tests.feeds.tcp_proxy import TcpProxy
from tests.serving import server_process

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
SECRET = "production-test-secret-" + "x" * 32
PASSWORD = "a-long-test-password-1"


def until(what: str, check: Callable[[], Any], seconds: float = 20) -> Any:
    deadline = time.monotonic() + seconds
    while not (found := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds} s")
        time.sleep(0.05)
    return found


def children(pid: int) -> dict[int, str]:
    """``pid``'s child processes and their command lines (arguments NUL-separated)."""
    out = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            out[int(child)] = _cmdline(int(child))
    return out


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def test_two_workers_behind_nginx(
    postgres_url: str, redis_url: str, grid: Grid, tmp_path: Path
) -> None:
    engine = make_engine(postgres_url)
    Store(engine, load_catalog()).create_schema()
    UserDirectory(engine).add("op", Role("operator"), PASSWORD)
    engine.dispose()
    real = make_url(postgres_url)
    store_link = TcpProxy((real.host or "127.0.0.1", real.port or 5432))
    through_link = real.set(port=store_link.port).render_as_string(hide_password=False)
    env = {
        "GRIDCC_ENV": "production",
        "PLAIN_HTTP": "0",  # served over https by nginx
        "SECRET_KEY": SECRET,
        "PROXY_HOPS": "1",
        "SPOOL_DIR": str(tmp_path / "spool"),
        "MEDIA_DIR": str(tmp_path / "media"),
    }
    serve = ("--workers", "2", "--threads", "20", "--simulate", "1")
    with (
        server_process(through_link, redis_url, tmp_path / "server.log", serve, env) as (up, proc),
        running_nginx(int(up.rsplit(":", 1)[1]), tmp_path / "nginx") as (base, cert),
    ):
        web = requests.Session()
        web.trust_env = False  # REQUESTS_CA_BUNDLE would override the certificate below
        web.verify = str(cert)
        # Health, open to anyone; the proxy's scheme reached the app (HSTS on https only).
        r = web.get(f"{base}/healthz", timeout=5)
        assert r.status_code == 200 and r.json() == {"status": "ok"}
        assert r.headers["Strict-Transport-Security"].startswith("max-age=")
        r = web.get(f"{base}/readyz", timeout=5)
        assert r.status_code == 200, r.text
        assert r.json() == {
            "status": "ready",
            "failed": [],
            "checks": {"store": "ok", "redis": "ok"},
        }

        # The feeds' worker runs as a process of its own beside the two web processes.
        feeds = until(
            "the simulator's process",
            lambda: {p: c for p, c in children(proc.pid).items() if "\x00simulate\x00" in c},
        )
        assert len(feeds) == 1 and "\x00--rate\x001" in next(iter(feeds.values()))

        # Sign in; the session cookie is Secure (served over https).
        r = web.post(f"{base}/api/login", json={"username": "op", "password": PASSWORD})
        assert r.status_code == 200, r.text
        assert any(c.name == "session" and c.secure for c in web.cookies)
        csrf = r.json()["csrf_token"]

        # A socket through nginx (websocket upgrade) receives the report posted through it.
        received: queue.Queue[dict[str, Any]] = queue.Queue()
        client = socketio.Client(ssl_verify=False)
        client.on("case_event", received.put)
        client.on("case_events", lambda batch: [received.put(e) for e in batch])
        cookie = "; ".join(f"{c.name}={c.value}" for c in web.cookies)
        client.connect(base, transports=["websocket"], headers={"Cookie": cookie}, wait_timeout=10)
        try:
            wait_subscribed(
                redis_url, Settings.from_env({}, database_url=through_link).fanout_channel, 1
            )
            lon, lat = grid.geometries[5].representative_point().coords[0]
            body = {"category": "CG01", "description": "违停 nginx", "lon": lon, "lat": lat}
            r = web.post(f"{base}/api/reports", json=body, headers={"X-CSRFToken": csrf})
            assert r.status_code == 201, r.text
            case_id = r.json()["case_id"]
            deadline = time.monotonic() + 15
            while True:
                event = received.get(timeout=max(0.1, deadline - time.monotonic()))
                if event["case_id"] == case_id:
                    break
            assert event["kind"] == "case.reported"
        finally:
            client.disconnect()

        # The store cut: /readyz says so within its bound, and recovers with the store.
        store_link.cut()
        began = time.monotonic()
        r = web.get(f"{base}/readyz", timeout=5)
        assert r.status_code == 503 and r.json()["failed"] == ["store"], r.text
        assert r.json()["checks"]["redis"] == "ok"
        assert time.monotonic() - began < 3
        assert web.get(f"{base}/healthz", timeout=5).status_code == 200
        store_link.restore()
        until("ready again", lambda: web.get(f"{base}/readyz", timeout=5).status_code == 200)
    # Stopped with the server: no feed process left behind.
    until("the feeds stopped", lambda: not any(_cmdline(p) == c for p, c in feeds.items()))
