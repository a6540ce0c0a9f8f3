"""Every route the desks added, asked by every kind of caller about one department's case:
the answer each may get, in one table (issue 9's access checks, role by role)."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from app import GridCC
from geo.grid import Grid
from tests.dashboard.conftest import act, login, open_case

Center = tuple[GridCC, dict[str, str]]

CALLERS = ("anonymous", "op", "lead", "admin", "wall", "li-cg", "li-sz", "wall-key", "cg-key")

# route template → expected status per caller, for a case of chengguan's ({case}, {photo})
READS: dict[str, dict[str, int]] = {
    "/api/cases": dict(
        anonymous=401,
        op=200,
        lead=200,
        admin=200,
        wall=403,
        **{"li-cg": 200, "li-sz": 200},
        **{"wall-key": 403, "cg-key": 200},
    ),
    "/api/queue": dict(
        anonymous=401,
        op=200,
        lead=200,
        admin=403,
        wall=403,
        **{"li-cg": 403, "li-sz": 403},
        **{"wall-key": 403, "cg-key": 403},
    ),
    "/api/cases/{case}/sheet": dict(
        anonymous=401,
        op=200,
        lead=200,
        admin=200,
        wall=403,
        **{"li-cg": 200, "li-sz": 404},
        **{"wall-key": 403, "cg-key": 200},
    ),
    "/api/cases/{case}/timeline": dict(
        anonymous=401,
        op=200,
        lead=200,
        admin=200,
        wall=403,
        **{"li-cg": 200, "li-sz": 404},
        **{"wall-key": 403, "cg-key": 200},
    ),
    "/api/cases/{case}/duplicates": dict(
        anonymous=401,
        op=200,
        lead=200,
        admin=403,
        wall=403,
        **{"li-cg": 403, "li-sz": 403},
        **{"wall-key": 403, "cg-key": 403},
    ),
    "/api/cases/{case}/photos": dict(
        anonymous=401,
        op=200,
        lead=200,
        admin=200,
        wall=404,
        **{"li-cg": 200, "li-sz": 404},
        **{"wall-key": 404, "cg-key": 200},
    ),
    "/api/photos/{photo}": dict(
        anonymous=401,
        op=200,
        lead=200,
        admin=200,
        wall=404,
        **{"li-cg": 200, "li-sz": 404},
        **{"wall-key": 404, "cg-key": 200},
    ),
    "/api/presence?case={case}": dict(
        anonymous=401,
        op=200,
        lead=200,
        admin=200,
        wall=200,
        **{"li-cg": 200, "li-sz": 404},
        **{"wall-key": 200, "cg-key": 200},
    ),
}


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 40)).save(out, "JPEG")
    return out.getvalue()


def _clients(g: GridCC, tokens: dict[str, str]) -> dict[str, Any]:
    clients: dict[str, Any] = {"anonymous": g.server.test_client()}
    for name in ("op", "lead", "admin", "wall", "li-cg", "li-sz"):
        clients[name] = login(g, name)
    for name, scope, dept in (("wall-key", "wall", None), ("cg-key", "department", "chengguan")):
        key = g.keys.create(name, scope, department=dept)
        client = g.server.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        clients[name] = client
    return clients


def test_every_desk_route_answers_each_caller_as_the_policy_says(
    center: Center, grid: Grid
) -> None:
    g, tokens = center
    case_id, _ = open_case(g, grid, "SR01")  # chengguan's
    op = login(g, "op")
    assert act(op, case_id, "file", 1).status_code == 200
    assert act(op, case_id, "dispatch", 2).status_code == 200
    r = op.post(f"/api/cases/{case_id}/photos", data={"photo": (io.BytesIO(_jpeg()), "a.jpg")})
    assert r.status_code == 201, r.json
    photo = r.json["id"]
    clients = _clients(g, tokens)
    wrong: list[tuple[str, str, int, int]] = []
    for template, expected in READS.items():
        url = template.format(case=case_id, photo=photo)
        for caller in CALLERS:
            with clients[caller].get(url) as answer:
                got = answer.status_code
            if got != expected[caller]:
                wrong.append((url, caller, expected[caller], got))
    assert wrong == []
    # What another department's liaison gets back never names the case's department.
    for template in READS:
        with clients["li-sz"].get(template.format(case=case_id, photo=photo)) as answer:
            text = answer.get_data(as_text=True)
        assert "chengguan" not in text, template


def test_a_liaison_s_lists_and_bulk_actions_never_reach_another_department(
    center: Center, grid: Grid
) -> None:
    g, tokens = center
    case_id, _ = open_case(g, grid, "SR01")
    op = login(g, "op")
    act(op, case_id, "file", 1)
    act(op, case_id, "dispatch", 2)
    li = login(g, "li-sz")
    for query in (
        "",
        "?department=chengguan",
        "?open=0",
        f"?cell={g.store.get(case_id).cell_code}",
    ):
        assert li.get(f"/api/cases{query}").json["cases"] == [], query
    body = {"cases": [{"id": case_id, "expected_version": 3}], "reason": "x"}
    for action in ("accept", "return", "handle"):
        r = li.post(f"/api/cases/actions/{action}", json=body)
        assert r.json["results"][0]["error"] == "unknown_case", action
    assert g.store.get(case_id).status.value == "dispatched"
    # keys never act; the wall never acts
    clients = _clients(g, tokens)
    for caller in ("wall-key", "cg-key", "wall"):
        client = clients[caller]
        assert client.post("/api/cases/actions/accept", json=body).status_code == 403, caller


def test_the_desk_pages_open_for_their_roles_only(center: Center) -> None:
    from dashboard.site import render
    from dashboard.wall import WallContext

    g, tokens = center
    ctx = WallContext(store=g.store, grid=g.grid, auth=g.server.extensions["gridcc_auth"])
    clients = _clients(g, tokens)
    opens = {
        "/desk": {"op", "lead"},
        "/lead": {"lead"},
        "/dept": {"li-cg", "li-sz"},
    }
    for path, allowed in opens.items():
        for caller in CALLERS:
            client = clients[caller]
            cookie = client.get_cookie("session")
            headers = {"Cookie": f"session={cookie.value}"} if cookie else {}
            headers.update(
                {"Authorization": client.environ_base["HTTP_AUTHORIZATION"]}
                if "HTTP_AUTHORIZATION" in client.environ_base
                else {}
            )
            with g.server.test_request_context("/", headers=headers):
                text = str(render(ctx, path, ""))
            refused = "wall-denied" in text
            assert refused == (caller not in allowed), (path, caller)
            if not refused:  # the header links the role's other pages, never this one
                assert f"{path}?lang=" not in text, (path, caller)
