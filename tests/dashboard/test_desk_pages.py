"""The shift lead's map (/lead) and a department's desk (/dept), role by role: who may open
each page, and what the snapshot each starts from holds (/api/snapshot and the page's own):
the district for a lead, the department's own cases for its liaison, nothing of another
department's."""

from __future__ import annotations

import json
from typing import Any

from app import GridCC
from cases import access
from cases.workflow import UNDO_WINDOW, Actor, Role
from dashboard import dept_page, ids, lead_page
from dashboard.i18n import LABELS
from dashboard.site import render
from dashboard.wall import WallContext
from tests.dashboard.conftest import login

OPERATOR = Actor("op", Role.OPERATOR)
LEAD = Actor("lead", Role.LEAD)


def _cases(g: GridCC) -> dict[str, int]:
    """A case of 城管 accepted, one reassigned from 城管 to 市政, one of 交警 just reported."""
    cells = [g.grid.codes[i] for i in (20, 40, 60)]
    made = {}
    for name, category, cell in (
        ("cg", "SR01", cells[0]),
        ("moved", "SR01", cells[1]),
        ("jj", "MS11", cells[2]),
    ):
        lon, lat = g.grid.geometries[g.grid.codes.index(cell)].representative_point().coords[0]
        r = login(g, "op").post(
            "/api/reports", json={"category": category, "description": name, "lon": lon, "lat": lat}
        )
        assert r.status_code == 201, r.json
        made[name] = r.json["case_id"]
    for case_id in (made["cg"], made["moved"]):
        g.store.apply(case_id, "file", OPERATOR)
        g.store.apply(case_id, "dispatch", OPERATOR)
    g.store.apply(made["moved"], "reassign", LEAD, "归市政", department="shizheng")
    return made


def _open_ids(snap: dict[str, Any]) -> set[int]:
    return {row[0] for row in snap["open_cases"]}


def _render(g: GridCC, client: Any, layout: Any, **query: str) -> Any:
    ctx = WallContext(store=g.store, grid=g.grid, auth=g.server.extensions["gridcc_auth"])
    cookie = f"session={client.get_cookie('session').value}" if client else ""
    with g.server.test_request_context("/", headers={"Cookie": cookie} if cookie else {}):
        return layout(ctx, **query)


def _find(component: Any, wanted: str) -> Any:
    if getattr(component, "id", None) == wanted:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            found = _find(child, wanted)
            if found is not None:
                return found
    return None


def _page_data(page: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    node = _find(page, ids.MAP_DESK_CONFIG)
    assert node is not None, "the page carries its config"
    props = node.to_plotly_json()["props"]
    return json.loads(props["data-md-config"]), json.loads(props["data-md-snapshot"])


def test_each_role_starts_from_its_own_snapshot(center: tuple[GridCC, dict[str, str]]) -> None:
    g, _ = center
    made = _cases(g)
    everything = set(made.values())
    assert g.server.test_client().get("/api/snapshot").status_code == 401
    for name in ("wall", "op", "lead", "admin"):
        r = login(g, name).get("/api/snapshot")
        assert r.status_code == 200 and _open_ids(r.json) == everything, name
        assert r.json["seq"] == g.store.head()
    own = login(g, "li-cg").get("/api/snapshot").json
    assert _open_ids(own) == {made["cg"]}
    assert own["seq"] == g.store.head("dept:chengguan")
    assert {e["case_id"] for e in own["recent"]} == {made["cg"]}
    other = login(g, "li-sz").get("/api/snapshot").json
    assert _open_ids(other) == {made["moved"]}
    assert other["recent"] == []  # the moved case was reported to 城管, not to them
    assert made["jj"] not in _open_ids(own) | _open_ids(other)
    # Its catch-up reaches what its snapshot says: the same audience, no gap, no more.
    events = login(g, "li-cg").get("/api/events?since=0").json
    assert events["through"] == own["seq"]
    # A department's own system reads its department's; an intake key reads none.
    key = g.keys.create("cg-system", "department", department="chengguan")
    by_key = g.server.test_client().get("/api/snapshot", headers={"Authorization": f"Bearer {key}"})
    assert _open_ids(by_key.json) == {made["cg"]}
    intake = g.keys.create("hotline", "intake")
    refused = g.server.test_client().get(
        "/api/snapshot", headers={"Authorization": f"Bearer {intake}"}
    )
    assert refused.status_code == 403


def test_the_lead_map_opens_for_a_lead_only(center: tuple[GridCC, dict[str, str]]) -> None:
    g, _ = center
    made = _cases(g)
    page = _render(g, login(g, "lead"), lead_page.layout)
    cfg, snap = _page_data(page)
    assert cfg["page"] == "lead" and cfg["department"] is None
    assert _open_ids(snap) == set(made.values())
    # The undo window is the server's, not a copy in the browser.
    assert cfg["undoWindowMs"] == UNDO_WINDOW.total_seconds() * 1000
    assert cfg["mapDeskIds"] == ids.map_desk_ids()
    assert {d["code"] for d in cfg["departments"]} == set(g.store.catalog.departments)
    assert "值班长地图" in str(page)
    for name in ("op", "li-cg", "wall", "admin"):
        text = str(_render(g, login(g, name), lead_page.layout))
        assert "此页面不对您的角色开放" in text and ids.MAP_DESK_CONFIG not in text, name
    anonymous = str(_render(g, None, lead_page.layout))
    assert "/login?next=/lead" in anonymous and ids.MAP_DESK_CONFIG not in anonymous


def test_a_department_desk_holds_its_own_cases_only(center: tuple[GridCC, dict[str, str]]) -> None:
    g, _ = center
    made = _cases(g)
    page = _render(g, login(g, "li-cg"), dept_page.layout)
    cfg, snap = _page_data(page)
    assert cfg["page"] == "dept" and cfg["department"] == "chengguan"
    assert _open_ids(snap) == {made["cg"]}
    assert set(cfg["heldStates"]) == {s.value for s in access.HELD_STATES}
    assert "城管 · 部门工作台" in str(page)
    _, theirs = _page_data(_render(g, login(g, "li-sz"), dept_page.layout))
    assert _open_ids(theirs) == {made["moved"]}
    for name in ("op", "lead", "wall", "admin"):
        text = str(_render(g, login(g, name), dept_page.layout))
        assert "此页面不对您的角色开放" in text and ids.MAP_DESK_CONFIG not in text, name
    assert "/login?next=/dept" in str(_render(g, None, dept_page.layout))


def test_the_desks_speak_english_when_asked(center: tuple[GridCC, dict[str, str]]) -> None:
    g, _ = center
    lead = _render(g, login(g, "lead"), lambda ctx: render(ctx, "/lead", "?lang=en"))
    cfg, _ = _page_data(lead)
    assert cfg["lang"] == "en" and "Shift lead's map" in str(lead)
    assert cfg["labels"]["reassign"] == "Reassign"
    dept = _render(g, login(g, "li-cg"), lambda ctx: render(ctx, "/dept", "?lang=en"))
    assert "City Management · Department desk" in str(dept)
    assert _page_data(dept)[0]["statuses"]["reported"] == "reported"


def test_every_word_is_in_both_languages() -> None:
    assert set(LABELS["zh"]) == set(LABELS["en"])
