"""Presence shared by two app processes through real Redis: people on different processes
see each other; a department on another process hears only its own cases; a process that
crashes takes its screens' presence with it once their time runs out."""

from __future__ import annotations

import queue
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from cases.workflow import Role
from geo.grid import Grid
from tests.dashboard.conftest import PASSWORD, TEST_SECRET
from tests.dashboard.test_fanout import channel_of, report, wait_subscribed
from tests.serving import server_process

pytestmark = pytest.mark.redis
PRESENCE_SECONDS = 3
PEOPLE = (
    ("zhang", Role.OPERATOR, None, "张三"),
    ("zhao", Role.OPERATOR, None, "赵六"),
    ("li-sz", Role.LIAISON, "shizheng", "市政联络"),
)


def _people(database_url: str) -> dict[str, str]:
    """The center's people, each with an API token (a person's own: they show presence)."""
    from cases.db import make_engine
    from cases.store import Store
    from cases.users import UserDirectory

    engine = make_engine(database_url)
    Store(engine).create_schema()
    users = UserDirectory(engine)
    tokens = {
        name: users.add(name, role, PASSWORD, department=dept, display_name=shown)
        for name, role, dept, shown in PEOPLE
    }
    engine.dispose()
    return tokens


class Screen:
    """A browser's socket as one person: its ``presence`` events in a queue."""

    def __init__(self, base: str, token: str) -> None:
        self.updates: queue.Queue[dict[str, Any]] = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        self.client.on("presence", self.updates.put)
        self.client.connect(
            base, headers={"Authorization": f"Bearer {token}"}, transports=["websocket"]
        )

    def announce(self, body: dict[str, Any]) -> dict[str, Any]:
        ack: dict[str, Any] = self.client.call("presence", body, timeout=10)
        return ack

    def next_about(self, key: str, value: Any, timeout: float = 10) -> dict[str, Any]:
        """The next update about ``key`` = ``value``; fails on an update about anything else."""
        update = self.updates.get(timeout=timeout)
        assert update.get(key) == value, update
        return update

    def close(self) -> None:
        self.client.disconnect()


def names(update: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p["name"], p["mode"]) for p in update["people"]]


def test_two_processes_share_presence_and_a_crashed_ones_runs_out(
    postgres_url: str, redis_url: str, grid: Grid, tmp_path: Path
) -> None:
    tokens = _people(postgres_url)
    settings = {
        "GRIDCC_ENV": "production",
        "SECRET_KEY": TEST_SECRET,
        "PRESENCE_SECONDS": str(PRESENCE_SECONDS),
        "SESSION_SWEEP_SECONDS": "0.2",
    }
    with ExitStack() as stack:
        a, a_proc = stack.enter_context(
            server_process(postgres_url, redis_url, tmp_path / "a.log", env=settings)
        )
        b, _ = stack.enter_context(
            server_process(postgres_url, redis_url, tmp_path / "b.log", env=settings)
        )
        zhang_auth = {"Authorization": f"Bearer {tokens['zhang']}"}
        made = requests.post(
            f"{a}/api/reports", json=report(grid, 5), headers=zhang_auth, timeout=10
        )
        sz = {**report(grid, 6), "category": "AQ05"}  # 市政
        made_sz = requests.post(f"{a}/api/reports", json=sz, headers=zhang_auth, timeout=10)
        assert made.status_code == made_sz.status_code == 201, made.text
        case, sz_case = made.json()["case_id"], made_sz.json()["case_id"]

        zhang = Screen(a, tokens["zhang"])
        zhao = Screen(b, tokens["zhao"])
        li_sz = Screen(b, tokens["li-sz"])
        for screen in (li_sz, zhao):
            stack.callback(screen.close)
        wait_subscribed(redis_url, channel_of(postgres_url), 2)

        ack = zhang.announce({"case": case, "mode": "editing"})
        assert ack["ok"] and names(ack) == [("张三", "editing")]
        assert names(zhao.next_about("case", case)) == [("张三", "editing")]
        ack = zhao.announce({"case": case, "mode": "viewing"})
        assert names(ack) == [("张三", "editing"), ("赵六", "viewing")]
        assert names(zhang.next_about("case", case)) == [("张三", "editing")]  # its own
        assert names(zhang.next_about("case", case)) == [("张三", "editing"), ("赵六", "viewing")]
        assert names(zhao.next_about("case", case)) == [("张三", "editing"), ("赵六", "viewing")]
        # The starting state, read on either process, is the same.
        read = requests.get(f"{b}/api/presence?case={case}", headers=zhang_auth, timeout=10)
        assert names(read.json()) == [("张三", "editing"), ("赵六", "viewing")]

        # A marker the other department may see: it hears that, and nothing before it.
        assert zhang.announce({"case": sz_case})["ok"]
        assert names(li_sz.next_about("case", sz_case)) == [("张三", "viewing")]
        assert names(zhao.next_about("case", case)) == [("赵六", "viewing")]
        assert names(zhao.next_about("case", sz_case)) == [("张三", "viewing")]
        assert zhang.announce({"case": case, "mode": "editing"})["ok"]
        assert names(zhao.next_about("case", case)) == [("张三", "editing"), ("赵六", "viewing")]
        assert names(zhao.next_about("case", sz_case)) == []

        # Process a dies without a word; 张三's screen there is gone with it. The others
        # keep their heartbeats; B's sweep tells them 张三 has left once his time ran out.
        a_proc.kill()
        a_proc.wait(timeout=10)
        deadline = time.monotonic() + 5 * PRESENCE_SECONDS
        left = None
        while left is None and time.monotonic() < deadline:
            assert zhao.announce({"case": case, "mode": "viewing"})["ok"]
            try:
                update = zhao.updates.get(timeout=PRESENCE_SECONDS / 3)
            except queue.Empty:
                continue
            if update.get("case") == case and names(update) == [("赵六", "viewing")]:
                left = update
        assert left is not None, "张三's presence never ran out after his process died"
        read = requests.get(
            f"{b}/api/presence?case={case}",
            headers={"Authorization": f"Bearer {tokens['zhao']}"},
            timeout=10,
        )
        assert names(read.json()) == [("赵六", "viewing")]
        # Nothing of the 城管 case ever reached the 市政 liaison.
        while True:
            try:
                assert li_sz.updates.get_nowait().get("case") == sz_case
            except queue.Empty:
                break
