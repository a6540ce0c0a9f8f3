"""Faults survived with nothing lost: real processes, real Redis and PostgreSQL, and each test
owns the server or proxy it breaks (never the shared ones).

After each fault every client holds exactly the events of the log, each once, checked by
sequence number against ``/api/events``. A client does what the page does: it keeps what the
socket brings, and on every (re)connect asks for what it missed since its last event.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
from sqlalchemy.engine import make_url

from geo.grid import Grid
from tests.conftest import POSTGRES_URL
from tests.dashboard.test_fanout import channel_of, own_redis, report, wait_subscribed
from tests.feeds.tcp_proxy import TcpProxy
from tests.serving import free_port, running_server, server_process

pytestmark = pytest.mark.redis

FREEZE_S = 10.0  # the figures: Redis frozen 10 s, PostgreSQL away 10 s, a client 30 s
STORE_AWAY_S = 10.0
CLIENT_AWAY_S = 30.0


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
    return value


class Screen:
    """A socket client doing the page's part: live frames, and catch-up on every connect."""

    def __init__(self, base: str, socket_base: str | None = None) -> None:
        self.base = base
        self.held: dict[int, dict[str, Any]] = {}
        self.arrivals = 0
        self.connects = 0
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection_delay=0.2, reconnection_delay_max=1)
        self.client.on("case_events", self._frame)
        self.client.on("connect", self._connected)
        self.client.connect(socket_base or base, transports=["websocket"], wait_timeout=10)

    def _frame(self, batch: list[dict[str, Any]]) -> None:
        with self.lock:
            for ev in batch:
                self.arrivals += 1
                self.held.setdefault(ev["seq"], ev)

    def _connected(self) -> None:
        self.connects += 1
        # The page's snapshot, or after a reconnect what was missed meanwhile: from the log.
        threading.Thread(target=self.catch_up, daemon=True).start()

    def catch_up(self) -> None:
        with self.lock:
            since = max(self.held, default=0)
        try:
            page = requests.get(f"{self.base}/api/events?since={since}", timeout=5).json()
        except requests.RequestException:
            return  # the next connect tries again
        self._frame(page["events"])

    def seqs(self) -> list[int]:
        with self.lock:
            return sorted(self.held)

    def close(self) -> None:
        self.client.disconnect()


def log_seqs(base: str) -> list[int]:
    page = requests.get(f"{base}/api/events?since=0", timeout=10).json()
    return [e["seq"] for e in page["events"]]


def post(base: str, grid: Grid, n: int, timeout: float = 5.0) -> requests.Response:
    return requests.post(f"{base}/api/reports", json=report(grid, n), timeout=timeout)


@contextmanager
def screens(*bases: str) -> Iterator[list[Screen]]:
    opened = [Screen(b) for b in bases]
    try:
        yield opened
    finally:
        for s in opened:
            s.close()


def test_a_frozen_redis_never_holds_a_report_and_its_events_follow_when_it_thaws(
    grid: Grid, tmp_path: Path
) -> None:
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    db = f"sqlite:///{tmp_path / 'frozen.db'}"
    with (
        own_redis(port) as redis_proc,
        running_server(db, url, tmp_path / "server.log") as base,
        screens(base) as [screen],
    ):
        wait_subscribed(url, channel_of(db), 1)
        assert post(base, grid, 1).status_code == 201
        wait_for(lambda: screen.seqs() == [1], "the first event, live")
        redis_proc.send_signal(signal.SIGSTOP)
        frozen_at = time.monotonic()
        try:
            # Each report is taken while Redis stands still (it used to hang as long as Redis
            # did): the request commits and returns, the outbox waits.
            for n in (2, 3, 4):
                r = post(base, grid, n, timeout=FREEZE_S / 2)
                assert r.status_code == 201, r.text
            assert redis_proc.poll() is None
            time.sleep(max(0.0, FREEZE_S - (time.monotonic() - frozen_at)))
        finally:
            redis_proc.send_signal(signal.SIGCONT)
        # Live, without a reconnect: the outbox publishes what waited, once Redis answers.
        wait_for(lambda: screen.seqs() == [1, 2, 3, 4], "the events committed during the freeze")
        assert screen.connects == 1
        assert log_seqs(base) == screen.seqs()


def test_redis_killed_and_restarted_mid_stream_loses_no_live_event(
    grid: Grid, tmp_path: Path
) -> None:
    """Two processes: a publishes (it holds the lease), the client is on b, which hears of
    everything through Redis. While Redis is away a takes reports; once it is back, b's
    client gets them live: a publishes them again, and b, listening again, replays from the
    log what was published before it was."""
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    db = f"sqlite:///{tmp_path / 'killed.db'}"
    with (
        own_redis(port) as first_redis,
        running_server(db, url, tmp_path / "a.log") as a,
        screens(a) as [on_a],
    ):
        assert post(a, grid, 1).status_code == 201
        wait_for(lambda: on_a.seqs() == [1], "a publishing")
        with (
            running_server(db, url, tmp_path / "b.log") as b,
            screens(b) as [on_b],
        ):
            wait_subscribed(url, channel_of(db), 2)
            assert post(a, grid, 2).status_code == 201
            wait_for(lambda: on_b.seqs() == [1, 2], "b's client, through Redis")
            first_redis.terminate()
            first_redis.wait(timeout=10)
            # Redis is gone (killed with its data): reports are still taken.
            for n in (3, 4, 5):
                assert post(a, grid, n).status_code == 201
            with own_redis(port):
                # Nothing more is posted: what was committed meanwhile goes out now.
                everything = [1, 2, 3, 4, 5]
                wait_for(lambda: on_b.seqs() == everything, "b's client, after the outage")
                wait_for(lambda: on_a.seqs() == everything, "a's client, after the outage")
                assert post(a, grid, 6).status_code == 201
                wait_for(lambda: on_b.seqs() == [*everything, 6], "b's client, live again")
                assert log_seqs(b) == on_b.seqs()
                assert on_a.connects == on_b.connects == 1, "no reconnect, no catch-up"


def test_a_publisher_killed_outright_is_taken_over_and_nothing_is_lost(
    postgres_url: str, redis_url: str, grid: Grid, tmp_path: Path
) -> None:
    with server_process(postgres_url, redis_url, tmp_path / "a.log") as (a, a_proc):
        with screens(a) as [on_a_first]:
            # a started first and took the outbox's lease: it publishes a's and b's events.
            assert post(a, grid, 1).status_code == 201
            wait_for(lambda: on_a_first.seqs() == [1], "a publishing")
        with (
            running_server(postgres_url, redis_url, tmp_path / "b.log") as b,
            screens(b) as [on_b],
        ):
            wait_subscribed(redis_url, channel_of(postgres_url), 2)
            assert post(b, grid, 2).status_code == 201
            wait_for(lambda: on_b.seqs() == [1, 2], "b's client hearing of b's report from a")
            a_proc.send_signal(signal.SIGKILL)
            a_proc.wait(timeout=10)
            for n in (3, 4, 5):
                assert post(b, grid, n).status_code == 201
            wait_for(lambda: on_b.seqs() == [1, 2, 3, 4, 5], "b taking over the lease")
            # a comes back (a new process); its new client catches up, then hears live.
            with (
                running_server(postgres_url, redis_url, tmp_path / "a2.log") as a2,
                screens(a2) as [on_a2],
            ):
                on_a2.catch_up()  # the page's first snapshot
                wait_subscribed(redis_url, channel_of(postgres_url), 2)
                assert post(a2, grid, 6).status_code == 201
                everything = [1, 2, 3, 4, 5, 6]
                wait_for(lambda: on_b.seqs() == everything, "b's client, the sixth")
                wait_for(lambda: on_a2.seqs() == everything, "a2's client")
                assert log_seqs(b) == everything


def test_a_client_cut_off_for_30_s_holds_every_event_once_it_is_back(
    grid: Grid, tmp_path: Path, redis_url: str
) -> None:
    db = f"sqlite:///{tmp_path / 'client.db'}"
    with running_server(db, redis_url, tmp_path / "server.log") as base:
        host, port = base.removeprefix("http://").split(":")
        proxy = TcpProxy((host, int(port)))  # the client's own network path, cut below
        try:
            near = f"http://127.0.0.1:{proxy.port}"
            with screens(base) as [steady]:
                away = Screen(near)
                try:
                    assert post(base, grid, 1).status_code == 201
                    wait_for(lambda: away.seqs() == [1] == steady.seqs(), "both clients live")
                    proxy.cut()
                    cut_at = time.monotonic()
                    for n in (2, 3, 4):
                        assert post(base, grid, n).status_code == 201
                    wait_for(lambda: steady.seqs() == [1, 2, 3, 4], "the steady client")
                    assert away.seqs() == [1]
                    time.sleep(max(0.0, CLIENT_AWAY_S - (time.monotonic() - cut_at)))
                    proxy.restore()
                    wait_for(lambda: away.seqs() == [1, 2, 3, 4], "the catch-up after the cut")
                    assert post(base, grid, 5).status_code == 201
                    wait_for(lambda: away.seqs() == [1, 2, 3, 4, 5], "live again")
                    assert away.connects >= 2
                    assert log_seqs(base) == away.seqs() == steady.seqs()
                finally:
                    away.close()
        finally:
            proxy.cut()


def test_the_store_unreachable_refuses_with_503_and_records_every_refusal_once_back(
    grid: Grid, tmp_path: Path, redis_url: str
) -> None:
    from tests.conftest import postgres_schema_url

    schema_url = next(iter_schema := postgres_schema_url())
    try:
        direct = make_url(schema_url)
        target = make_url(POSTGRES_URL)
        proxy = TcpProxy((target.host or "127.0.0.1", target.port or 5432))
        through = direct.set(host="127.0.0.1", port=proxy.port).render_as_string(
            hide_password=False
        )
        env = {"SPOOL_DIR": str(tmp_path / "spool")}
        try:
            with (
                running_server(through, redis_url, tmp_path / "server.log", env=env) as base,
                screens(base) as [screen],
            ):
                assert post(base, grid, 1).status_code == 201
                wait_for(lambda: screen.seqs() == [1], "the first event")
                proxy.cut()
                cut_at = time.monotonic()
                r = post(base, grid, 2)
                assert r.status_code == 503 and r.json()["error"] == "store_unavailable"
                assert int(r.headers["Retry-After"]) > 0
                outside = {**report(grid, 3), "lon": 100.0, "lat": 20.0}
                refused = requests.post(f"{base}/api/reports", json=outside, timeout=5)
                assert refused.status_code == 422, refused.text  # refused, and kept aside
                time.sleep(max(0.0, STORE_AWAY_S - (time.monotonic() - cut_at)))
                proxy.restore()
                # The client retries as Retry-After says; the store takes it now.
                r = wait_for(
                    lambda: (x := post(base, grid, 2)).status_code == 201 and x,
                    "the store back",
                )
                garbled = requests.post(
                    f"{base}/api/reports",
                    data=b"{",
                    headers={"Content-Type": "application/json"},
                    timeout=5,
                )
                assert garbled.status_code == 400
                wait_for(lambda: screen.seqs() == [1, 2], "the event after the store is back")
                assert log_seqs(base) == [1, 2]  # nothing half-written: one case, one event
                refusals = _rejections(through)
                assert sorted(refusals) == ["invalid_json", "outside_grid"], refusals
        finally:
            proxy.cut()
    finally:
        for _ in iter_schema:
            pass


def _rejections(database_url: str) -> list[str]:
    from cases.db import make_engine
    from cases.store import Store

    engine = make_engine(database_url)
    try:
        return [row["reason"] for row in Store(engine).rejections()]
    finally:
        engine.dispose()
