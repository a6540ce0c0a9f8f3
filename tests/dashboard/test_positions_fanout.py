"""Positions fanned out by two app processes sharing PostgreSQL and real Redis, to real
Socket.IO clients: only the screens whose role may see positions get them (a lead, an
operator, the wall), each frame once, whichever process their socket is on; a liaison, a
grid worker and an admin get none. A screen joining gets the whole set first; a dropped
person and a position older than 30 s are taken off."""

from __future__ import annotations

import queue
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import socketio

from app import Settings
from cases.positions import MAX_AGE_S, Position
from cases.workflow import Role
from tests.dashboard.conftest import PASSWORD, TEST_SECRET
from tests.serving import running_server

pytestmark = pytest.mark.redis
PEOPLE = (
    ("lead", Role.LEAD, None),
    ("op", Role.OPERATOR, None),
    ("wall", Role.WALL, None),
    ("li-cg", Role.LIAISON, "chengguan"),
    ("worker", Role.WORKER, None),
    ("admin", Role.ADMIN, None),
)
ALLOWED = ("lead", "op", "wall")
REFUSED = ("li-cg", "worker", "admin")
LON, LAT = 117.05, 36.66


def tokens_for(database_url: str) -> dict[str, str]:
    from cases.db import make_engine
    from cases.store import Store
    from cases.users import UserDirectory

    engine = make_engine(database_url)
    Store(engine).create_schema()
    users = UserDirectory(engine)
    made = {name: users.add(name, role, PASSWORD, department=d) for name, role, d in PEOPLE}
    engine.dispose()
    return made


def book_of(database_url: str, redis_url: str) -> Any:
    """The deployment's positions book, as the servers open it (dashboard.web)."""
    from dashboard.web import position_book

    return position_book(Settings.from_env({}, database_url=database_url, redis_url=redis_url))


class Screen:
    """One socket of one person: its ``positions`` frames in a queue."""

    def __init__(self, base: str, token: str) -> None:
        self.frames: queue.Queue[dict[str, Any]] = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        self.client.on("positions", self.frames.put)
        self.client.connect(
            base, headers={"Authorization": f"Bearer {token}"}, transports=["websocket"]
        )

    def next(self, timeout: float = 10) -> dict[str, Any]:
        return self.frames.get(timeout=timeout)

    def until(self, wanted: Any, timeout: float = 10) -> list[dict[str, Any]]:
        """Frames up to the first for which ``wanted(frame)`` holds."""
        seen, deadline = [], time.monotonic() + timeout
        while True:
            frame = self.frames.get(timeout=max(0.01, deadline - time.monotonic()))
            seen.append(frame)
            if wanted(frame):
                return seen

    def close(self) -> None:
        self.client.disconnect()


def puts(frame: dict[str, Any], person: str) -> bool:
    return any(r["id"] == person for r in frame["put"])


def test_positions_reach_only_the_screens_allowed_each_frame_once(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    tokens = tokens_for(postgres_url)
    env = {"GRIDCC_ENV": "production", "SECRET_KEY": TEST_SECRET}
    book = book_of(postgres_url, redis_url)
    now = time.time()
    book.put(Position("gw-early", "早班网格员", LON, LAT, now, 5.0, 1, "370102001001001"))
    with ExitStack() as stack:
        a = stack.enter_context(
            running_server(postgres_url, redis_url, tmp_path / "a.log", env=env)
        )
        b = stack.enter_context(
            running_server(postgres_url, redis_url, tmp_path / "b.log", env=env)
        )
        screens: dict[str, Screen] = {}
        for n, (name, _role, _d) in enumerate(PEOPLE):
            screens[name] = Screen(a if n % 2 == 0 else b, tokens[name])
            stack.callback(screens[name].close)

        # A screen allowed gets the whole set first, on either process.
        for name in ALLOWED:
            first = screens[name].next()
            assert first["full"] is True, first
            assert [(r["id"], r["name"]) for r in first["put"]] == [("gw-early", "早班网格员")]
            assert set(first["put"][0]) == {"id", "name", "lon", "lat", "at", "cell"}  # no phone

        book.put(Position("gw-1", "张网格员", LON + 0.001, LAT, time.time(), 5.0, 2, "c1"))
        for name in ALLOWED:
            [frame] = screens[name].until(lambda f: puts(f, "gw-1"))
            assert frame["full"] is False and frame["gone"] == []
            assert [(r["id"], r["lon"]) for r in frame["put"]] == [("gw-1", LON + 0.001)]

        # A patrol ended: the person is taken off.
        book.drop("gw-1")
        for name in ALLOWED:
            [frame] = screens[name].until(lambda f: "gw-1" in f["gone"])
            assert frame["put"] == []

        # A position that grows older than 30 s is taken off by itself.
        book.put(Position("gw-old", "老位置", LON, LAT, time.time() - MAX_AGE_S + 2, 5.0))
        for name in ALLOWED:
            frames = screens[name].until(lambda f: "gw-old" in f["gone"], timeout=15)
            assert puts(frames[0], "gw-old")
            # Each change came once: frames are sent by the socket's own process only.
            assert sum(puts(f, "gw-old") for f in frames) == 1

        # Nothing ever reached a liaison, a grid worker or an admin, though they were
        # connected all along (and heard case events would they be sent).
        for name in REFUSED:
            assert screens[name].client.connected
            with pytest.raises(queue.Empty):
                screens[name].frames.get_nowait()
    book.close()


def test_a_screen_joining_late_gets_the_whole_set_then_changes(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    tokens = tokens_for(postgres_url)
    env = {"GRIDCC_ENV": "production", "SECRET_KEY": TEST_SECRET}
    book = book_of(postgres_url, redis_url)
    with running_server(postgres_url, redis_url, tmp_path / "a.log", env=env) as base:
        first = Screen(base, tokens["lead"])
        empty = first.next()
        assert (empty["full"], empty["put"], empty["gone"]) == (True, [], [])
        for n in range(3):
            book.put(Position(f"gw-{n}", f"网格员{n}", LON + n / 1000, LAT, time.time(), 5.0))
        seen: set[str] = set()
        first.until(lambda f: seen.update(r["id"] for r in f["put"]) or len(seen) == 3)
        late = Screen(base, tokens["op"])
        whole = late.next()
        assert whole["full"] is True
        assert [r["id"] for r in whole["put"]] == ["gw-0", "gw-1", "gw-2"]
        book.put(Position("gw-1", "网格员1", LON + 0.5, LAT, time.time(), 5.0))
        for screen in (first, late):
            [frame] = screen.until(lambda f: puts(f, "gw-1"))
            assert [r["id"] for r in frame["put"]] == ["gw-1"]  # only what changed
        first.close()
        late.close()
    book.close()
