"""The platform's live events reach exactly the screens allowed to see them: the item's
community and the center get the event, the unit it concerns gets it, every other unit is
told only that the open wishes changed, and another community, a department's liaison and
a grid worker get nothing. Real Socket.IO clients on the app's own server."""

from __future__ import annotations

from typing import Any

from cases.quanxinyuan.access import deliveries
from cases.workflow import Role
from dashboard.quanxinyuan import EVENT_NAME
from tests.dashboard.conftest import PASSWORD, frames, login
from tests.dashboard.quanxinyuan.conftest import COMMUNITY


def _socket(g: Any, name: str) -> Any:
    sock = g.socketio.test_client(g.server, flask_test_client=login(g, name))
    assert sock.is_connected(), name
    sock.gridcc = g  # whose outboxes publish to it
    return sock


def _received(sock: Any) -> list[dict[str, Any]]:
    return [m["args"][0] for m in frames(sock.gridcc, sock) if m["name"] == EVENT_NAME]


def test_each_event_reaches_only_its_rooms(qxy_center: Any) -> None:
    g, parts, _outbox = qxy_center
    g.users.add("worker", Role.WORKER, PASSWORD)
    names = ("sq", "sq2", "unit-a", "unit-b", "wall", "op", "li-cg", "worker")
    socks = {name: _socket(g, name) for name in names}
    for sock in socks.values():
        sock.get_received()  # what a connect brings (standing alerts …)
    with parts.platform.writing() as step:
        step.record(
            kind="wish.claim",
            item_kind="wish",
            item_id=7,
            community_code=COMMUNITY,
            unit_id="unit-a",
            actor="unit-a (unit)",
            from_state="open",
            to_state="claimed",
        )
    got = {name: _received(sock) for name, sock in socks.items()}
    full = [m for m in got["sq"] if m.get("to_state") == "claimed"]
    assert len(full) == 1 and full[0]["unit_id"] == "unit-a"
    for name in ("wall", "op"):
        assert [m["item_id"] for m in got[name]] == [7], name
    # The claimant: the event itself, and the units' bare notice (its page keeps one).
    assert {m["kind"] for m in got["unit-a"]} == {"wish.claim", "changed"}
    # Another unit learns that the open wishes changed, not who claimed which wish.
    assert got["unit-b"] == [{"seq": full[0]["seq"], "item_kind": "wish", "kind": "changed"}]
    for name in ("sq2", "li-cg", "worker"):
        assert got[name] == [], name


def test_a_sign_up_goes_to_its_community_and_the_center_only() -> None:
    from datetime import UTC, datetime

    from cases.quanxinyuan.log import QxyEvent

    event = QxyEvent(
        1, "call.sign_up", "signup", 3, COMMUNITY, datetime.now(UTC), "public:4", "signed"
    )
    rooms = [room for room, _ in deliveries(event)]
    assert rooms == [f"qxy:community:{COMMUNITY}", "qxy:center"]
