"""GET /api/presence: a page's starting state, checked as the socket's presence is."""

from __future__ import annotations

from app import GridCC
from cases.workflow import Role
from geo.grid import Grid
from tests.dashboard.conftest import PASSWORD, login, open_case

Center = tuple[GridCC, dict[str, str]]


def test_who_has_a_case_or_cells_open_as_each_view_may_see_it(center: Center, grid: Grid) -> None:
    g, _ = center
    g.users.add("zhang", Role.OPERATOR, PASSWORD, display_name="张三")
    cg_case, _ = open_case(g, grid, "SR01")
    codes = grid.codes[:2]
    zhang = g.socketio.test_client(g.server, flask_test_client=login(g, "zhang"))
    assert zhang.emit("presence", {"case": cg_case, "mode": "editing"}, callback=True)["ok"]
    lead = login(g, "lead")
    lead_socket = g.socketio.test_client(g.server, flask_test_client=lead)
    assert lead_socket.emit("presence", {"cells": codes}, callback=True)["ok"]

    body = lead.get(f"/api/presence?case={cg_case}").json
    assert body["you"] == "lead" and body["case"] == cg_case
    assert body["people"] == [
        {
            "user": "zhang",
            "name": "张三",
            "role": "operator",
            "department": None,
            "mode": "editing",
        }
    ]
    assert (
        login(g, "li-cg").get(f"/api/presence?case={cg_case}").json["people"][0]["name"] == "张三"
    )
    cells = login(g, "op").get("/api/presence?cells=" + ",".join(codes)).json
    assert {c: [p["user"] for p in ps] for c, ps in cells["cells"].items()} == {
        codes[0]: ["lead"],
        codes[1]: ["lead"],
    }
    assert login(g, "wall").get(f"/api/presence?case={cg_case}").status_code == 200


def test_what_one_may_not_see_is_refused_in_the_same_words_as_nothing(
    center: Center, grid: Grid
) -> None:
    g, _ = center
    cg_case, _ = open_case(g, grid, "SR01")
    li_sz = login(g, "li-sz")
    other = li_sz.get(f"/api/presence?case={cg_case}")
    missing = li_sz.get("/api/presence?case=999999")
    assert (other.status_code, other.json["error"]) == (404, "unknown_case")
    assert other.json["message"] == f"no case {cg_case}"
    assert (missing.status_code, missing.json["message"]) == (404, "no case 999999")
    refused = li_sz.get("/api/presence?cells=" + grid.codes[0])
    assert (refused.status_code, refused.json["error"]) == (403, "forbidden")
    anonymous = g.server.test_client().get(f"/api/presence?case={cg_case}")
    assert anonymous.status_code == 401


def test_bad_queries_are_400s(center: Center, grid: Grid) -> None:
    g, _ = center
    op = login(g, "op")
    too_many = ",".join(grid.codes[:201])
    for query in (
        "",
        f"case=1&cells={grid.codes[0]}",
        "case=abc",
        "case=0",
        "case=-1",
        "case=١",
        f"case={2**64}",
        "cells=123",
        "cells=,,,",
        f"cells={too_many}",
    ):
        r = op.get(f"/api/presence?{query}")
        assert r.status_code == 400 and r.json["error"] == "invalid_query", (query, r.json)
        assert r.json["message"]


def test_a_presence_book_that_is_away_answers_and_never_crashes(center: Center, grid: Grid) -> None:
    from cases.presence_redis import RedisPresence, connect
    from tests.serving import free_port

    g, _ = center
    cg_case, _ = open_case(g, grid, "SR01")
    hub = g.hub.presence
    assert hub is not None
    hub.book = RedisPresence(connect(f"redis://127.0.0.1:{free_port()}/0"), "away")
    op = login(g, "op")
    sock = g.socketio.test_client(g.server, flask_test_client=op)
    ack = sock.emit("presence", {"case": cg_case}, callback=True)
    assert ack["ok"] is False and ack["error"] == "unavailable"
    assert sock.is_connected()
    r = op.get(f"/api/presence?case={cg_case}")
    assert r.status_code == 503 and r.json["error"] == "presence_unavailable"
    assert r.headers["Retry-After"] == "5"
    sock.disconnect()  # dropping the presence fails too: logged, not raised
    assert not sock.is_connected()


def test_many_cases_at_once_leave_out_what_one_may_not_see(center: Center, grid: Grid) -> None:
    """A desk's list asks for its cases' presence in one request (cases=…)."""
    from tests.dashboard.conftest import open_case

    g, _ = center
    cg, _ = open_case(g, grid, "SR01")  # chengguan
    sz, _ = open_case(g, grid, "CG05")  # shizheng
    li = login(g, "li-cg")
    r = li.get(f"/api/presence?cases={cg},{sz},999999")
    assert r.status_code == 200 and [u["case"] for u in r.json["updates"]] == [cg]
    r = login(g, "op").get(f"/api/presence?cases={cg},{sz}")
    assert sorted(u["case"] for u in r.json["updates"]) == [cg, sz]
    for bad in ("", "1,x", ",".join(["1"] * 201), f"{cg}&case={cg}"):
        assert li.get(f"/api/presence?cases={bad}").status_code == 400, bad
