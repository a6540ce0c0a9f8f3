"""Presence over the hub's sockets (Flask-SocketIO's test client: each emit is handled, and
everything it sends delivered, before ``emit`` returns): who has a case or grid cells open
reaches exactly the views that may see it, and goes when the screen goes."""

from __future__ import annotations

from typing import Any

import pytest

from app import GridCC
from cases.workflow import Role
from geo.grid import Grid
from tests.dashboard.conftest import PASSWORD, act, login, open_case

Center = tuple[GridCC, dict[str, str]]


def _socket(g: GridCC, name: str) -> Any:
    client = login(g, name)
    sock = g.socketio.test_client(g.server, flask_test_client=client)
    assert sock.is_connected()
    sock.http = client  # the signed-in browser the socket belongs to
    return sock


def presence_events(sock: Any) -> list[dict[str, Any]]:
    """The ``presence`` events ``sock`` received since last asked (other events dropped)."""
    return [m["args"][0] for m in sock.get_received() if m["name"] == "presence"]


def people(update: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(p["name"], p["role"], p["mode"]) for p in update["people"]]


@pytest.fixture
def room(center: Center, grid: Grid) -> dict[str, Any]:
    """Two operators (张三 and 赵六), a lead, both liaisons and the wall, each with a socket;
    a chengguan case and a shizheng case."""
    g, _ = center
    g.users.add("zhang", Role.OPERATOR, PASSWORD, display_name="张三")
    g.users.add("zhao", Role.OPERATOR, PASSWORD, display_name="赵六")
    cg_case, _ = open_case(g, grid, "SR01")  # 城管
    sz_case, _ = open_case(g, grid, "AQ05")  # 市政
    socks = {n: _socket(g, n) for n in ("zhang", "zhao", "lead", "li-cg", "li-sz", "wall")}
    for sock in socks.values():
        sock.get_received()  # what connecting brought
    return {"g": g, "cg": cg_case, "sz": sz_case, **socks}


def test_two_operators_see_each_other_on_the_same_case(room: dict[str, Any]) -> None:
    zhang, zhao, case = room["zhang"], room["zhao"], room["cg"]
    ack = zhang.emit("presence", {"case": case, "mode": "editing"}, callback=True)
    assert ack["ok"] and ack["you"] == "zhang" and ack["ttl"] == 90
    assert (ack["case"], people(ack)) == (case, [("张三", "operator", "editing")])
    [seen] = presence_events(zhao)
    assert seen["case"] == case and people(seen) == [("张三", "operator", "editing")]
    assert seen["cell"] and isinstance(seen["at"], int)
    assert presence_events(zhang) == [seen]  # the announcer's own room hears it too

    ack = zhao.emit("presence", {"case": case, "mode": "viewing"}, callback=True)
    both = [("张三", "operator", "editing"), ("赵六", "operator", "viewing")]
    assert people(ack) == both
    [seen] = presence_events(zhang)
    assert people(seen) == both
    presence_events(zhao)
    # A heartbeat (the same presence again) is answered, and tells nobody anything new.
    assert people(zhang.emit("presence", {"case": case, "mode": "editing"}, callback=True)) == both
    assert presence_events(zhao) == []


def test_a_case_reaches_its_departments_liaison_and_no_other(room: dict[str, Any]) -> None:
    zhang, lead, li_cg, li_sz, wall = (room[n] for n in ("zhang", "lead", "li-cg", "li-sz", "wall"))
    for sock in (lead, li_sz):
        sock.get_received()
    zhang.emit("presence", {"case": room["cg"], "mode": "editing"}, callback=True)
    [seen] = presence_events(li_cg)
    assert seen["case"] == room["cg"] and people(seen) == [("张三", "operator", "editing")]
    assert [u["case"] for u in presence_events(lead)] == [room["cg"]]
    assert [u["case"] for u in presence_events(wall)] == [room["cg"]]  # the district's room
    # Then a marker the other department may see: it receives that, and nothing before it.
    ack = zhang.emit("presence", {"case": room["sz"], "mode": "viewing"}, callback=True)
    assert ack["ok"]
    assert [u["case"] for u in presence_events(li_sz)] == [room["sz"]]
    # The first liaison hears that 张三 left its case, and nothing of the other department's.
    [left] = presence_events(li_cg)
    assert left["case"] == room["cg"] and left["people"] == []
    # A liaison announces on its own department's case; the district hears it.
    ack = li_cg.emit("presence", {"case": room["cg"], "mode": "viewing"}, callback=True)
    assert ack["ok"] and people(ack) == [("li-cg", "liaison", "viewing")]
    assert people(presence_events(lead)[-1]) == [("li-cg", "liaison", "viewing")]


def test_cells_are_the_districts_only(room: dict[str, Any], grid: Grid) -> None:
    lead, zhang, li_cg, li_sz = (room[n] for n in ("lead", "zhang", "li-cg", "li-sz"))
    codes = grid.codes[:3]
    ack = lead.emit("presence", {"cells": codes, "mode": "viewing"}, callback=True)
    assert ack["ok"] and set(ack["cells"]) == set(codes)
    [seen] = presence_events(zhang)
    assert {c: people({"people": p}) for c, p in seen["cells"].items()} == {
        c: [("lead", "lead", "viewing")] for c in codes
    }
    # Marker: a presence on the second liaison's case, which it may see.
    zhang.emit("presence", {"case": room["sz"]}, callback=True)
    assert [u.get("case") for u in presence_events(li_sz)] == [room["sz"]]
    assert presence_events(li_cg) == []
    presence_events(zhang)
    # A liaison may not watch cells.
    refused = li_cg.emit("presence", {"cells": codes}, callback=True)
    assert refused == {"ok": False, "error": "forbidden", "message": refused["message"]}
    # Watching fewer cells tells the cells left behind.
    lead.emit("presence", {"cells": codes[:1]}, callback=True)
    [seen] = presence_events(zhang)
    assert seen["cells"] == {codes[1]: [], codes[2]: []}


def test_presence_goes_when_the_socket_closes_or_the_session_ends(room: dict[str, Any]) -> None:
    zhang, zhao, lead, case = room["zhang"], room["zhao"], room["lead"], room["cg"]
    zhang.emit("presence", {"case": case, "mode": "editing"}, callback=True)
    zhao.emit("presence", {"case": case, "mode": "viewing"}, callback=True)
    lead.get_received()
    zhang.disconnect()
    [seen] = presence_events(lead)
    assert people(seen) == [("赵六", "operator", "viewing")]
    assert zhao.http.post("/api/logout").status_code == 200
    assert not zhao.is_connected()
    [seen] = presence_events(lead)
    assert seen["case"] == case and seen["people"] == []
    assert room["g"].hub.presence.book.on_case(case) == []


def test_presence_goes_when_the_sweep_closes_the_socket(room: dict[str, Any]) -> None:
    g, zhang, lead = room["g"], room["zhang"], room["lead"]
    zhang.emit("presence", {"case": room["cg"], "mode": "editing"}, callback=True)
    lead.get_received()
    admin = login(g, "admin")
    assert admin.post("/api/admin/users/zhang/deactivate").status_code == 200
    assert g.hub.sweep() == 1
    [seen] = presence_events(lead)
    assert seen["people"] == []


def test_a_case_one_may_not_see_gets_an_error_and_nothing_is_told(
    room: dict[str, Any],
) -> None:
    li_sz = room["li-sz"]
    ack = li_sz.emit("presence", {"case": room["cg"], "mode": "editing"}, callback=True)
    # Worded as a case that does not exist: the answer tells nothing of whose case it is.
    assert ack == {"ok": False, "error": "unknown_case", "message": f"no case {room['cg']}"}
    missing = li_sz.emit("presence", {"case": 999_999}, callback=True)
    assert missing == {"ok": False, "error": "unknown_case", "message": "no case 999999"}
    for name in ("zhang", "zhao", "lead", "li-cg", "li-sz", "wall"):
        assert presence_events(room[name]) == [], name
    assert room["g"].hub.presence.book.on_case(room["cg"]) == []


def test_a_refused_presence_leaves_nothing_open(room: dict[str, Any]) -> None:
    li_sz, lead = room["li-sz"], room["lead"]
    li_sz.emit("presence", {"case": room["sz"], "mode": "editing"}, callback=True)
    lead.get_received()
    ack = li_sz.emit("presence", {"case": room["cg"]}, callback=True)
    assert not ack["ok"]
    [seen] = presence_events(lead)
    assert seen["case"] == room["sz"] and seen["people"] == []


MALFORMED: list[Any] = [
    None,
    "case 1",
    42,
    [1, 2],
    {"case": "1"},
    {"case": True},
    {"case": 0},
    {"case": -4},
    {"case": 2**40},
    {"case": 1.5},
    {"case": 1, "mode": "typing"},
    {"case": 1, "mode": ["editing"]},
    {"case": 1, "cells": []},
    {"case": 1, "who": "admin"},
    {"mode": "viewing"},
    {"cells": "370102001001001"},
    {"cells": ["370102001001001"], "mode": "editing"},
    {"cells": ["not-a-cell"]},
    {"cells": [1, 2]},
    {"cells": [["370102001001001"]]},
    {"cells": [{"a": 1}]},
    {"cells": ["370102001001001"] * 201},
]


def test_malformed_payloads_get_an_error_ack_and_never_a_crash(room: dict[str, Any]) -> None:
    zhang, lead = room["zhang"], room["lead"]
    for payload in MALFORMED:
        ack = zhang.emit("presence", payload, callback=True)
        assert ack["ok"] is False and ack["error"] == "invalid_presence", (payload, ack)
        assert ack["message"]
    for args in ((), (1, 2), ({"case": room["cg"]}, "extra")):
        ack = zhang.emit("presence", *args, callback=True)
        assert ack["ok"] is False and ack["error"] == "invalid_presence", args
    assert zhang.is_connected()
    assert presence_events(lead) == []
    # ... and the socket still works.
    assert zhang.emit("presence", {"case": room["cg"]}, callback=True)["ok"]


def test_a_wall_shows_no_presence_of_its_own(room: dict[str, Any]) -> None:
    ack = room["wall"].emit("presence", {"case": room["cg"]}, callback=True)
    assert ack["ok"] is False and ack["error"] == "forbidden"
    assert room["wall"].emit("presence", {}, callback=True)["ok"] is False
    assert presence_events(room["lead"]) == []


def test_nothing_open_clears_and_is_told(room: dict[str, Any]) -> None:
    zhang, lead = room["zhang"], room["lead"]
    zhang.emit("presence", {"case": room["cg"]}, callback=True)
    lead.get_received()
    assert zhang.emit("presence", {}, callback=True) == {"ok": True, "you": "zhang", "ttl": 90}
    assert presence_events(lead)[0]["people"] == []
    assert zhang.emit("presence", {"cells": []}, callback=True)["ok"]  # nothing watched
    assert presence_events(lead) == []


def test_presence_that_ran_out_is_told_by_the_sweep(room: dict[str, Any]) -> None:
    g, zhang, lead = room["g"], room["zhang"], room["lead"]
    book = g.hub.presence.book
    start = book.now()
    zhang.emit("presence", {"case": room["cg"], "mode": "editing"}, callback=True)
    lead.get_received()
    book.now = lambda: start + book.ttl + 1  # the heartbeat stopped
    g.hub.presence.expire()
    [seen] = presence_events(lead)
    assert seen["people"] == []


def test_a_case_reassigned_away_is_no_longer_its_former_liaisons(
    room: dict[str, Any], grid: Grid
) -> None:
    g, li_cg = room["g"], room["li-cg"]
    case = room["cg"]
    op = login(g, "op")
    assert act(op, case, "file", 1).status_code == 200
    assert act(op, case, "dispatch", 2).status_code == 200
    li_cg.emit("presence", {"case": case, "mode": "editing"}, callback=True)
    lead = login(g, "lead")
    r = act(lead, case, "reassign", 3, department="shizheng", reason="市政管线")
    assert r.status_code == 200, r.json
    assert lead.get(f"/api/presence?case={case}").json["people"] == []
    # Its next heartbeat is refused: the case is another department's now.
    ack = li_cg.emit("presence", {"case": case, "mode": "editing"}, callback=True)
    assert ack["error"] == "unknown_case"
