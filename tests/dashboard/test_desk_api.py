"""The desks' routes (dashboard/desk_api.py), role by role, and landing by role."""

from __future__ import annotations

from typing import Any

from app import GridCC
from geo.grid import Grid
from tests.dashboard.conftest import act, form_login, login, open_case

Center = tuple[GridCC, dict[str, str]]


def dispatched(g: GridCC, grid: Grid, category: str = "SR01") -> int:
    op = login(g, "op")
    case_id, _ = open_case(g, grid, category)
    assert act(op, case_id, "file", 1).status_code == 200
    assert act(op, case_id, "dispatch", 2).status_code == 200
    return case_id


def listed(client: Any, url: str) -> list[int]:
    r = client.get(url)
    assert r.status_code == 200, r.json
    return [row["id"] for row in r.json["cases"]]


HOMES = {"op": "/desk", "lead": "/lead", "li-cg": "/dept", "admin": "/admin", "wall": "/"}


def test_each_role_lands_on_its_own_page(center: Center) -> None:
    g, _ = center
    for name, page in HOMES.items():
        r = form_login(g.server.test_client(), name)
        assert r.status_code == 302 and r.headers["Location"] == page, name
        # a page asked for is kept
        r = form_login(g.server.test_client(), name, next_="/kpi")
        assert r.headers["Location"] == "/kpi"
        assert login(g, name).get("/api/me").status_code == 200


def test_lists_are_read_in_each_one_s_view(center: Center, grid: Grid) -> None:
    g, tokens = center
    cg = dispatched(g, grid, "SR01")  # chengguan
    sz = dispatched(g, grid, "CG05")  # shizheng
    waiting, _ = open_case(g, grid, "SR01")
    for name in ("op", "lead"):
        assert set(listed(login(g, name), "/api/cases")) == {cg, sz, waiting}
    li = login(g, "li-cg")
    # a department's view: its cases (a report not yet dispatched is provisionally its
    # category's department's, as in the live view), never another department's
    assert set(listed(li, "/api/cases")) == {cg, waiting}
    assert listed(li, "/api/cases?department=shizheng") == []
    assert listed(li, "/api/cases?open=0&status=dispatched,accepted") == [cg]
    # the wall opens no case; a key reads its department's like its liaison
    wall = g.server.test_client()
    assert (
        wall.get("/api/cases", headers={"Authorization": f"Bearer {tokens['wall']}"}).status_code
        == 403
    )
    assert g.server.test_client().get("/api/cases").status_code == 401


BAD_QUERIES = [
    "sort=colour",
    "order=sideways",
    "limit=0",
    "limit=201",
    "offset=-1",
    "risk=late",
    "status=lost",
    "cell=abc",
    "open=2",
    "cell=" + ",".join(["370102001001001"] * 501),
]


def test_a_query_the_desk_cannot_read_is_a_clear_400(center: Center) -> None:
    g, _ = center
    lead = login(g, "lead")
    for query in BAD_QUERIES:
        r = lead.get(f"/api/cases?{query}")
        assert r.status_code == 400 and r.json["error"] == "invalid_query", (query, r.json)
        assert r.json["message"]


def test_the_queue_and_duplicates_are_the_desk_s(center: Center, grid: Grid) -> None:
    g, tokens = center
    first, _ = open_case(g, grid, "SR01")
    second, _ = open_case(g, grid, "SR01")
    op = login(g, "op")
    queue = op.get("/api/queue").json["cases"]
    assert [row["id"] for row in queue] == [first, second]
    assert queue[0]["suggested_department"] == "chengguan"
    assert queue[0]["category_name"] == "暴露垃圾" and queue[0]["street_name"]
    r = op.get(f"/api/cases/{second}/duplicates")
    assert [row["id"] for row in r.json["duplicates"]] == [first]
    for name in ("li-cg", "admin"):
        client = login(g, name)
        assert client.get("/api/queue").status_code == 403
        assert client.get(f"/api/cases/{second}/duplicates").status_code == 403
    key = {"Authorization": f"Bearer {tokens['wall']}"}
    assert g.server.test_client().get("/api/queue", headers=key).status_code == 403


def test_the_sheet_offers_this_actor_s_actions_with_their_parameters(
    center: Center, grid: Grid
) -> None:
    g, _ = center
    case_id = dispatched(g, grid)
    lead = login(g, "lead").get(f"/api/cases/{case_id}/sheet?lang=en").json
    assert [a["name"] for a in lead["actions"]] == ["extend", "reassign"]
    reassign = lead["actions"][1]
    assert reassign["needs_reason"] and reassign["label"] == "reassign"
    assert reassign["params"] == [
        {
            "name": "department",
            "label": "department",
            "kind": "department",
            "required": True,
            "choices": [],
        }
    ]
    assert lead["sla"]["working_hours"] is True and lead["sla"]["left_hours"] > 0
    assert lead["reporter"] is not None
    li = login(g, "li-cg").get(f"/api/cases/{case_id}/sheet").json
    assert [a["label"] for a in li["actions"]] == ["签收", "退回", "延期申请"]
    assert login(g, "li-sz").get(f"/api/cases/{case_id}/sheet").status_code == 404
    assert login(g, "admin").get(f"/api/cases/{case_id}/sheet").json["actions"] == []
    assert "reporter" not in login(g, "admin").get(f"/api/cases/{case_id}/sheet").json


def test_the_timeline_says_who_when_from_to_and_why(center: Center, grid: Grid) -> None:
    g, _ = center
    case_id = dispatched(g, grid)
    li = login(g, "li-cg")
    assert act(li, case_id, "return", 3, reason="<b>不属</b>本部门").status_code == 200
    events = li.get(f"/api/cases/{case_id}/timeline").json["events"]
    assert [e["kind"] for e in events] == [
        "case.reported",
        "case.file",
        "case.dispatch",
        "case.return",
    ]
    last = events[-1]
    assert (last["from"], last["to"], last["reason"]) == ("派遣", "退回", "<b>不属</b>本部门")
    assert last["actor"].endswith("部门联络员")
    assert login(g, "li-sz").get(f"/api/cases/{case_id}/timeline").status_code == 404


def test_a_bulk_reassign_answers_each_case_and_refuses_a_stale_one(
    center: Center, grid: Grid
) -> None:
    g, _ = center
    a, b, c = (dispatched(g, grid) for _ in range(3))
    op = login(g, "op")
    lead = login(g, "lead")
    body = {
        "cases": [{"id": a, "expected_version": 3}, {"id": b, "expected_version": 3}],
        "reason": "错派",
        "department": "shizheng",
    }
    # another lead (here: the same desk, another tab) moved c meanwhile
    assert act(lead, c, "reassign", 3, reason="x", department="huanbao").status_code == 200
    body["cases"].append({"id": c, "expected_version": 3})
    r = lead.post("/api/cases/actions/reassign", json=body)
    assert r.status_code == 200 and r.json["done"] == 2
    results = {x["id"]: x for x in r.json["results"]}
    assert results[a]["ok"] and results[a]["case"]["department"] == "shizheng"
    stale = results[c]
    assert (stale["ok"], stale["error"], stale["current_status"]) == (
        False,
        "conflict",
        "dispatched",
    )
    assert stale["changed_by"].startswith("lead") and stale["changed_at"]
    assert g.store.get(c).department == "huanbao"  # never overwritten
    # the operator may not reassign; the bulk route says so per case
    r = op.post(
        "/api/cases/actions/reassign", json={**body, "cases": [{"id": a, "expected_version": 4}]}
    )
    assert r.json["results"][0]["error"] == "forbidden"
    assert r.json["results"][0]["message_zh"] == "「改派」由值班长办理"  # the page's language
    # undo: one request, a compensating event per case
    undo = {"cases": [{"id": a, "expected_version": 4}, {"id": b, "expected_version": 4}]}
    r = lead.post("/api/cases/actions/undo_reassign", json=undo)
    assert r.json["done"] == 2 and g.store.get(a).department == "chengguan"


BAD_BODIES: list[Any] = [
    None,
    [],
    {"cases": []},
    {"cases": [{"id": 1}]},
    {"cases": [{"id": True, "expected_version": 1}]},
    {"cases": [{"id": 1, "expected_version": 1}] * 2},
    {"cases": [{"id": i, "expected_version": 1} for i in range(1, 202)]},
    {"cases": [{"id": 1, "expected_version": 1}], "reason": "x" * 501},
    {"cases": [{"id": 1, "expected_version": 1}], "reason": "a\x00b"},
]


def test_a_bulk_body_the_desk_cannot_read_is_a_clear_400(center: Center) -> None:
    g, _ = center
    lead = login(g, "lead")
    for body in BAD_BODIES:
        r = lead.post("/api/cases/actions/reassign", json=body)
        assert r.status_code == 400 and r.json["error"] == "invalid_body", body


def test_a_bulk_action_on_another_department_s_case_tells_nothing(
    center: Center, grid: Grid
) -> None:
    g, _ = center
    sz = dispatched(g, grid, "CG05")
    li = login(g, "li-cg")
    r = li.post("/api/cases/actions/accept", json={"cases": [{"id": sz, "expected_version": 3}]})
    assert r.json["results"][0]["error"] == "unknown_case"
    assert "shizheng" not in r.get_data(as_text=True)
    assert li.post("/api/cases/actions/fly", json={"cases": []}).status_code == 404
    # an API key never acts
    assert g.server.test_client().post("/api/cases/actions/accept", json={}).status_code == 401


def test_a_409_on_one_case_says_who_changed_it(center: Center, grid: Grid) -> None:
    g, _ = center
    case_id = dispatched(g, grid)
    li = login(g, "li-cg")
    assert act(li, case_id, "accept", 3).status_code == 200
    r = act(login(g, "li-cg"), case_id, "return", 3, reason="x")
    assert r.status_code == 409
    assert (r.json["current_status"], r.json["current_version"]) == ("accepted", 4)
    assert r.json["changed_by"].startswith("li-cg") and r.json["last_step"] == "case.accept"
