"""The positions hub in one process (the in-memory book, Flask-SocketIO's test client; each
frame made by calling ``tick`` as the hub's ticker does): whole set first, then only what
changed, only to sockets whose role may see positions; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from app import GridCC
from cases.positions import MAX_AGE_S, Position
from cases.workflow import Role
from dashboard.positions_hub import PositionsHub, changes
from tests.dashboard.conftest import PASSWORD, login


def frames(sock: Any) -> list[dict[str, Any]]:
    return [m["args"][0] for m in sock.get_received() if m["name"] == "positions"]


def ids(frame: dict[str, Any]) -> list[str]:
    return [r["id"] for r in frame["put"]]


def test_frames_go_only_to_the_screens_that_may_see_positions(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    g.users.add("gw", Role.WORKER, PASSWORD)
    hub = g.hub.positions
    assert isinstance(hub, PositionsHub)
    hub.every = 0  # no ticker: this test makes each frame
    book = hub.book
    now = book.now()
    book.put(Position("gw-1", "张", 117.0, 36.6, now - 1, 5.0, 1, "c1"))
    socks = {
        name: g.socketio.test_client(g.server, flask_test_client=login(g, name))
        for name in ("lead", "op", "wall", "li-cg", "gw", "admin")
    }
    for sock in socks.values():
        assert sock.is_connected()
    assert hub.tick() is None  # nothing changed yet; the newcomers get the whole set
    for name in ("lead", "op", "wall"):
        [whole] = frames(socks[name])
        assert whole["full"] is True and ids(whole) == ["gw-1"]
    book.put(Position("gw-2", "李", 117.01, 36.6, now, 5.0, 2, "c2"))
    book.put(Position("gw-1", "张", 117.0, 36.6, now - 1, 5.0, 1, "c1"))  # the same again
    frame = hub.tick()
    assert frame is not None and ids(frame) == ["gw-2"] and frame["gone"] == []
    book.drop("gw-1")
    gone = hub.tick()
    assert gone is not None and (gone["put"], gone["gone"]) == ([], ["gw-1"])
    for name in ("lead", "op", "wall"):
        got = frames(socks[name])
        assert [(f["full"], ids(f), f["gone"]) for f in got] == [
            (False, ["gw-2"], []),
            (False, [], ["gw-1"]),
        ]
    # A position growing older than 30 s is taken off.
    book.now = lambda: now + MAX_AGE_S + 0.5  # type: ignore[method-assign]
    aged = hub.tick()
    assert aged is not None and aged["gone"] == ["gw-2"]
    for name in ("li-cg", "gw", "admin"):
        assert frames(socks[name]) == [], name
    # A socket that closes is no longer written to; with no one left, nothing is read.
    for sock in socks.values():
        sock.disconnect()
    book.put(Position("gw-3", "王", 117.0, 36.6, now + MAX_AGE_S, 5.0))
    assert hub.tick() is None


def test_changes_are_what_moved_and_who_went() -> None:
    a = {"id": "a", "lon": 1.0, "at": 1}
    b = {"id": "b", "lon": 2.0, "at": 1}
    moved = {**a, "lon": 1.5, "at": 2}
    assert changes({}, {"a": a}) == ([a], [])
    assert changes({"a": a, "b": b}, {"a": a, "b": b}) == ([], [])
    assert changes({"a": a, "b": b}, {"a": moved}) == ([moved], ["b"])
