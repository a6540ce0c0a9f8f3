"""Permissions are enforced on the server: API routes, lifecycle actions, the Dash callback,
the wall page and socket rooms — in production mode, with real users in a real store."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from app import GridCC
from dashboard import kpi_page, wall
from geo.grid import Grid
from tests.dashboard.conftest import act, case_events, form_login, frames, login, open_case


def test_anonymous_gets_nothing_in_production(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, tokens = center
    case_id, version = open_case(g, grid)
    anon = g.server.test_client()
    body = {"category": "SR01", "description": "x", "lon": 117.05, "lat": 36.66}
    assert anon.post("/api/reports", json=body).status_code == 401  # reports need a token
    wall_token = {"Authorization": f"Bearer {tokens['wall']}"}
    assert anon.post("/api/reports", json=body, headers=wall_token).status_code == 401
    for url in (
        "/api/snapshot",
        "/api/events?since=0",
        "/api/seq",
        "/api/kpis",
        f"/api/cases/{case_id}",
    ):
        assert anon.get(url).status_code == 401, url
    assert act(anon, case_id, "file", version).status_code == 401
    assert anon.post("/api/login", json={"username": "op", "password": "wrong"}).status_code == 401


def test_roles_and_departments_are_checked_on_every_action(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, _ = center
    op, lead, li_cg, li_sz, wall_user = (
        login(g, n) for n in ("op", "lead", "li-cg", "li-sz", "wall")
    )
    case_id, v = open_case(g, grid)  # SR01 → 城管 (chengguan)
    assert act(wall_user, case_id, "file", v).status_code == 403  # the wall only watches
    assert act(li_cg, case_id, "file", v).status_code == 403  # filing is the desk's
    assert act(op, case_id, "file", v).status_code == 200
    assert act(op, case_id, "dispatch", v + 1).status_code == 200
    r = act(li_sz, case_id, "accept", v + 2)  # another department's case: as if none
    assert r.status_code == 404 and "chengguan" not in r.json["message"]
    assert act(op, case_id, "extend", v + 2, reason="x", hours=4).status_code == 403  # leads only
    assert act(lead, case_id, "extend", v + 2, reason="待协调", hours=4).status_code == 200
    assert act(li_cg, case_id, "accept", v + 3).status_code == 200
    # Liaisons see only their department: their own snapshot, not the district's, not
    # others' events.
    assert [row[0] for row in li_cg.get("/api/snapshot").json["open_cases"]] == [case_id]
    assert li_sz.get("/api/snapshot").json["open_cases"] == []
    assert {e["department"] for e in li_cg.get("/api/events?since=0").json["events"]} == {
        "chengguan"
    }
    assert li_sz.get("/api/events?since=0").json["events"] == []
    assert li_sz.get(f"/api/cases/{case_id}").status_code == 404
    assert li_cg.get(f"/api/cases/{case_id}").status_code == 200


def test_bearer_tokens_and_bad_tokens(center: tuple[GridCC, dict[str, str]], grid: Grid) -> None:
    g, tokens = center
    client = g.server.test_client()
    ok = client.get("/api/me", headers={"Authorization": f"Bearer {tokens['op']}"})
    assert ok.status_code == 200 and ok.json["role"] == "operator"
    assert client.get("/api/me", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_only_admins_edit_the_catalog_and_edits_apply_at_once(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, _ = center
    row = {
        "class_zh": "市容环境",
        "class_en": "City appearance",
        "name_zh": "暴露垃圾",
        "name_en": "Exposed garbage",
        "department": "huanbao",
        "limit": 6,
        "unit": "wh",
        "priority": "urgent",
        "weight": 14,
    }
    assert login(g, "op").put("/api/catalog/categories/SR01", json=row).status_code == 403
    admin = login(g, "admin")
    assert (
        admin.put("/api/catalog/categories/SR01", json={**row, "department": "nowhere"}).status_code
        == 400
    )
    assert admin.put("/api/catalog/categories/SR01", json=row).status_code == 200
    case_id, _ = open_case(g, grid)
    case = g.store.get(case_id)
    # 6 working hours to handle, plus the urgent working-time stages' limits.
    allowed = g.store.catalog.case_hours(g.store.catalog.category("SR01"))
    assert allowed == 6 + 0.5 + 0.5 + 1 + 4 + 1
    assert (case.department, case.priority, case.allowed_hours) == ("huanbao", "urgent", allowed)


def test_concurrent_actions_over_http_one_wins_one_conflicts(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, _ = center
    case_id, v = open_case(g, grid)
    op = login(g, "op")
    assert act(op, case_id, "file", v).status_code == 200
    assert act(op, case_id, "dispatch", v + 1).status_code == 200
    leads = [login(g, "lead"), login(g, "lead")]
    start = threading.Barrier(2)
    answers: list[Any] = []

    def reassign(client: Any, department: str) -> None:
        start.wait()
        answers.append(
            act(client, case_id, "reassign", v + 2, reason="改派", department=department)
        )

    threads = [
        threading.Thread(target=reassign, args=(c, d))
        for c, d in zip(leads, ("shizheng", "yuanlin"), strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(a.status_code for a in answers) == [200, 409]
    loser = next(a for a in answers if a.status_code == 409)
    assert loser.json["error"] == "conflict" and loser.json["current_status"] == "dispatched"


def test_the_kpi_callback_and_pages_check_the_role(center: tuple[GridCC, dict[str, str]]) -> None:
    g, _ = center
    payload = {
        "output": (
            f"..{kpi_page.CLOSURE}.figure...{kpi_page.TREND}.figure...{kpi_page.LEAGUE}.children"
            f"...{kpi_page.PEOPLE}.children.."
        ),
        "outputs": [
            {"id": kpi_page.CLOSURE, "property": "figure"},
            {"id": kpi_page.TREND, "property": "figure"},
            {"id": kpi_page.LEAGUE, "property": "children"},
            {"id": kpi_page.PEOPLE, "property": "children"},
        ],
        "inputs": [
            {"id": kpi_page.TICK, "property": "n_intervals", "value": 1},
            {"id": kpi_page.PERIOD, "property": "value", "value": 30},
            {"id": kpi_page.DIM, "property": "value", "value": "department"},
            {"id": kpi_page.SORT, "property": "value", "value": "handle_on_time"},
            {"id": kpi_page.LANG, "property": "data", "value": "zh"},
        ],
        "changedPropIds": [f"{kpi_page.TICK}.n_intervals"],
        "state": [],
    }
    anon = g.server.test_client()
    assert anon.post("/_dash-update-component", json=payload).status_code == 204
    r = login(g, "op").post("/_dash-update-component", json=payload)
    assert r.status_code == 200
    shown = json.loads(r.data)["response"]
    assert kpi_page.CLOSURE in shown
    # The league names the order it is in, and the center's own desks have their row.
    assert "按「按期处置率」排序" in json.dumps(shown[kpi_page.LEAGUE], ensure_ascii=False)
    assert "巡查覆盖率" not in json.dumps(shown[kpi_page.LEAGUE], ensure_ascii=False)
    assert kpi_page.PEOPLE in shown  # the people side, to the same people only
    # The page layouts themselves refuse to render data for an anonymous browser.
    ctx = wall.WallContext(store=g.store, grid=g.grid, auth=g.server.extensions["gridcc_auth"])
    with g.server.test_request_context("/"):
        assert "wall-denied" in str(wall.layout(ctx))
        assert "wall-denied" in str(kpi_page.layout(ctx))


def test_sockets_need_an_identity_and_get_their_room(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, _ = center
    anon = g.socketio.test_client(g.server, flask_test_client=g.server.test_client())
    assert not anon.is_connected()
    desk = g.socketio.test_client(g.server, flask_test_client=login(g, "op"))
    liaison = g.socketio.test_client(g.server, flask_test_client=login(g, "li-sz"))
    assert desk.is_connected() and liaison.is_connected()
    open_case(g, grid)  # 城管: the desk sees it, the 市政 liaison does not
    # (The desk may see the people on patrol too: their whole set comes with the positions
    # hub's next tick after the connect, on its own clock — not a case event.)
    got = [m["name"] for m in frames(g, desk) if m["name"] != "positions"]
    assert got == ["case_events"]
    assert frames(g, liaison) == []


def test_admins_add_departments_and_route_categories_to_them(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, _ = center
    dept = {"name_zh": "城市照明", "name_en": "Street lighting"}
    assert login(g, "lead").put("/api/catalog/departments/zhaoming", json=dept).status_code == 403
    admin = login(g, "admin")
    assert admin.put("/api/catalog/departments/bad code", json=dept).status_code == 400
    assert admin.put("/api/catalog/departments/zhaoming", json=dept).status_code == 200
    category = admin.get("/api/catalog").json["categories"]
    row = next(c for c in category if c["code"] == "CG05")  # 路灯不亮
    assert (
        admin.put(
            "/api/catalog/categories/CG05", json={**row, "department": "zhaoming"}
        ).status_code
        == 200
    )
    case_id, _ = open_case(g, grid, "CG05")
    assert g.store.get(case_id).department == "zhaoming"


def test_kiosk_sign_in_takes_only_wall_credentials(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, tokens = center
    kiosk = g.server.test_client()
    r = kiosk.post("/api/kiosk", json={"token": tokens["wall"]})
    assert r.status_code == 200
    assert kiosk.get("/api/me").json["role"] == "wall"
    admin_link = g.server.test_client()
    assert admin_link.post("/api/kiosk", json={"token": tokens["admin"]}).status_code == 401
    assert admin_link.get("/api/me").status_code == 401  # an admin token is no kiosk link


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "/%09/evil.example", "/\t/evil.example", "https://evil.example", "/\\evil"],
)
def test_login_never_redirects_off_site(center: tuple[GridCC, dict[str, str]], target: str) -> None:
    g, _ = center
    r = form_login(g.server.test_client(), "op", next_=target)
    # refused as a target: the operator lands on their own page, never the other site
    assert r.status_code == 302 and r.headers["Location"] == "/desk"


def test_liaisons_learn_nothing_about_other_departments_cases(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, _ = center
    case_id, v = open_case(g, grid)  # 城管
    op = login(g, "op")
    act(op, case_id, "file", v)
    act(op, case_id, "dispatch", v + 1)
    r = act(login(g, "li-sz"), case_id, "accept", -1)  # a stale version must not tell the state
    assert r.status_code == 404 and "current_status" not in r.json
    bad = act(login(g, "lead"), case_id, "reassign", v + 2, reason="x", department=["shizheng"])
    assert bad.status_code == 400


def test_query_values_out_of_range_are_400(center: tuple[GridCC, dict[str, str]]) -> None:
    g, _ = center
    op = login(g, "op")
    assert op.get("/api/events?since=99999999999999999999999").status_code == 400
    assert op.get("/api/kpis?start=0001-01-01&end=0001-01-05").status_code == 400
    assert op.get("/api/kpis?end=0001-01-05").status_code == 400


def test_a_case_leaving_a_department_reaches_its_liaison_live_and_in_catch_up(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, _ = center
    li_cg = login(g, "li-cg")
    on_cg = g.socketio.test_client(g.server, flask_test_client=li_cg)
    on_sz = g.socketio.test_client(g.server, flask_test_client=login(g, "li-sz"))
    case_id, v = open_case(g, grid)  # 城管
    op = login(g, "op")
    assert act(op, case_id, "file", v).status_code == 200
    assert act(op, case_id, "dispatch", v + 1).status_code == 200
    assert len(case_events(g, on_cg)) == 3 and frames(g, on_sz) == []
    r = act(login(g, "lead"), case_id, "reassign", v + 2, reason="属市政", department="shizheng")
    assert r.status_code == 200
    for client in (on_cg, on_sz):  # the old department too: its screen drops the case
        (ev,) = case_events(g, client)
        assert (ev["kind"], ev["department"], ev["from_department"]) == (
            "case.reassign",
            "shizheng",
            "chengguan",
        )
    caught_up = li_cg.get("/api/events?since=0").json
    assert [e["kind"] for e in caught_up["events"]][-1] == "case.reassign"
    assert caught_up["through"] == r.json["seq"]
    # A liaison's filtered log chains by department: no event they may not see looks like a gap.
    seen = caught_up["events"]
    assert [e["prev"]["chengguan"] for e in seen] == [0] + [e["seq"] for e in seen[:-1]]
