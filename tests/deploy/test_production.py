"""The production server end to end: `gridcc serve --workers 2` (gunicorn) on PostgreSQL and
Redis, with its feeds' workers, behind nginx run from the committed config, reached only
through nginx (https, a certificate made for the test)."""

from __future__ import annotations

import json
import os
import queue
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
import socketio
from sqlalchemy.engine import make_url

from app import Settings
from cases.catalog import load_catalog
from cases.db import make_engine
from cases.store import Store
from cases.users import UserDirectory
from cases.workflow import Role
from feeds.stream_wire import StreamNames, send
from geo.grid import Grid
from tests.deploy.nginx import running_nginx
from tests.feeds.tcp_proxy import TcpProxy
from tests.serving import children, cmdline, server_process

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


def subscribed(redis_url: str, channel: str) -> None:
    """Wait until a web process listens on the deployment's channel (it subscribes on its
    first socket): the subscription itself, no fixed sleep."""
    client = redis.Redis.from_url(redis_url)
    try:
        until(
            "a process subscribed",
            lambda: dict(client.pubsub_numsub(channel)).get(channel.encode()),
        )
    finally:
        client.close()


def environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")
    return dict(item.split("=", 1) for item in raw.split("\0") if "=" in item)


def report(grid: Grid, n: int, text: str) -> dict[str, Any]:
    lon, lat = grid.geometries[n].representative_point().coords[0]
    return {"category": "CG01", "description": text, "lon": lon, "lat": lat}


@contextmanager
def listening(base: str, cookie: str) -> Iterator[queue.Queue[dict[str, Any]]]:
    """A socket through nginx (websocket upgrade, the session's cookie), its case events
    one by one (the hub's batches unpacked)."""
    received: queue.Queue[dict[str, Any]] = queue.Queue()
    client = socketio.Client(ssl_verify=False)
    client.on("case_events", lambda batch: [received.put(e) for e in batch])
    client.connect(base, transports=["websocket"], headers={"Cookie": cookie}, wait_timeout=10)
    try:
        yield received
    finally:
        client.disconnect()


def event_of(received: queue.Queue[dict[str, Any]], case_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + 15
    while True:
        event = received.get(timeout=max(0.1, deadline - time.monotonic()))
        if event["case_id"] == case_id:
            return event


def test_two_workers_and_the_feeds_behind_nginx(
    postgres_url: str, redis_url: str, grid: Grid, tmp_path: Path
) -> None:
    engine = make_engine(postgres_url)
    Store(engine, load_catalog()).create_schema()
    UserDirectory(engine).add("op", Role("operator"), PASSWORD)
    engine.dispose()
    real = make_url(postgres_url)
    store_link = TcpProxy((real.host or "127.0.0.1", real.port or 5432))
    through_link = real.set(port=store_link.port).render_as_string(hide_password=False)
    names = StreamNames(f"gridcc-test-{uuid.uuid4().hex[:8]}-intake")
    env = {
        "GRIDCC_ENV": "production",
        "PLAIN_HTTP": "0",  # served over https by nginx
        "SECRET_KEY": SECRET,
        "PROXY_HOPS": "1",
        "INTAKE_STREAM": names.stream,
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
        r = web.get(f"{base}/healthz?key=not-in-any-log", timeout=5)
        assert r.status_code == 200 and r.json() == {"status": "ok"}
        assert r.headers["Strict-Transport-Security"].startswith("max-age=")
        r = web.get(f"{base}/readyz", timeout=5)
        assert r.status_code == 200, r.text
        assert r.json() == {
            "status": "ready",
            "failed": [],
            "checks": {"store": "ok", "redis": "ok"},
        }
        assert "not-in-any-log" not in (tmp_path / "nginx" / "gridcc.access.log").read_text()

        # The feeds' workers are processes of their own beside the two web processes.
        def feeds_running() -> dict[int, str]:
            found = {p: c for p, c in children(proc.pid).items() if "\0cli\0serve" not in c}
            return found if len(found) == 2 else {}

        feeds = until("the feeds' processes", feeds_running)
        assert sorted(c.split("\0cli\0")[1] for c in feeds.values()) == [
            "queue\0consume\0",
            "simulate\0--rate\x001\0",
        ]
        web_workers = set(children(proc.pid)) - set(feeds)
        assert len(web_workers) == 2
        # Every process counts its metrics into one fresh folder, removed with the server.
        metrics = {environ(p).get("PROMETHEUS_MULTIPROC_DIR") for p in feeds}
        assert len(metrics) == 1 and Path(str(next(iter(metrics)))).is_dir()

        # Sign in; the session cookie is Secure (https).
        r = web.post(f"{base}/api/login", json={"username": "op", "password": PASSWORD})
        assert r.status_code == 200, r.text
        assert any(c.name == "session" and c.secure for c in web.cookies)
        csrf = r.json()["csrf_token"]
        cookie = "; ".join(f"{c.name}={c.value}" for c in web.cookies)

        channel = Settings.from_env({}, database_url=through_link).fanout_channel
        with listening(base, cookie) as received:
            subscribed(redis_url, channel)
            # A report posted through nginx reaches the socket.
            r = web.post(
                f"{base}/api/reports",
                json=report(grid, 5, "违停 nginx"),
                headers={"X-CSRFToken": csrf},
                timeout=10,
            )
            assert r.status_code == 201, r.text
            assert event_of(received, r.json()["case_id"])["kind"] == "case.reported"
            # A report a department system queued: the consumer's process makes the case.
            queued = {**report(grid, 6, "违停 queue"), "report_id": "q-1"}
            queue_client = redis.Redis.from_url(redis_url)
            send(queue_client, names, queued)
            result = until(
                "the queued report's result",
                lambda: queue_client.xrange(names.results),
                20,
            )[0][1]
            queue_client.close()
            assert result[b"outcome"] == b"created", result
            case_id = json.loads(result[b"answer"])["case_id"]
            assert event_of(received, case_id)["kind"] == "case.reported"

        # A web process killed is replaced; the site answers throughout.
        os.kill(min(web_workers), signal.SIGKILL)
        until(
            "a new web process",
            lambda: len(set(children(proc.pid)) - set(feeds) - {min(web_workers)}) == 2,
        )
        until("ready", lambda: web.get(f"{base}/readyz", timeout=5).status_code == 200)

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
        # Stopped as a service manager stops it: the workers finish (the one booting too).
        proc.terminate()
        assert proc.wait(timeout=60) == 0
    # Stopped with the server: no feed process is left behind.
    until("the feeds stopped", lambda: not any(cmdline(p) == c for p, c in feeds.items()))
    assert not Path(str(next(iter(metrics)))).exists()
