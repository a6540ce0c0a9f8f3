"""A street's office as a responsible unit on the web side, as a department is: the desk
suggests it, the lead may choose it, every page names it, its liaison works its case at
/dept and through the API, and another unit's liaison learns nothing of it."""

from __future__ import annotations

from typing import Any

from app import GridCC
from cases import access
from cases.workflow import Role
from dashboard import dept_page, lead_page
from tests.dashboard.conftest import PASSWORD, act, login
from tests.dashboard.test_desk_pages import _page_data, _render

Center = tuple[GridCC, dict[str, str]]
YAOJIA = "street_370102009"  # 姚家街道's office
DAMINGHU = "street_370102001"


def _report(g: GridCC, category: str, street: str = "370102009") -> int:
    i = next(i for i, code in enumerate(g.grid.codes) if code.startswith(street))
    lon, lat = g.grid.geometries[i].representative_point().coords[0]
    r = login(g, "op").post(
        "/api/reports", json={"category": category, "description": "x", "lon": lon, "lat": lat}
    )
    assert r.status_code == 201, r.json
    return int(r.json["case_id"])


def _liaisons(g: GridCC) -> None:
    for name, unit in (("li-yj", YAOJIA), ("li-dm", DAMINGHU), ("li-rq", "ranqi")):
        g.users.add(name, Role.LIAISON, PASSWORD, department=unit)


def test_the_desk_suggests_the_unit_the_case_was_routed_to(center: Center) -> None:
    g, _ = center
    made = {category: _report(g, category) for category in ("DJ04", "MD01", "AQ15", "SR01")}
    rows = {row["id"]: row for row in login(g, "op").get("/api/queue").json["cases"]}
    community = g.store.get(made["MD01"]).cell_code[:12]
    assert {c: rows[i]["suggested_department"] for c, i in made.items()} == {
        "DJ04": YAOJIA,
        "MD01": f"community_{community}",
        "AQ15": "ranqi",
        "SR01": "chengguan",
    }
    assert {c: rows[i]["department"] for c, i in made.items()} == {
        c: rows[i]["suggested_department"] for c, i in made.items()
    }
    assert rows[made["DJ04"]]["department_name"] == "姚家街道"


def test_a_streets_liaison_works_its_case_and_no_other_unit_sees_it(center: Center) -> None:
    g, _ = center
    _liaisons(g)
    case_id = _report(g, "DJ04")  # grid Party branch coordination: the street's
    op = login(g, "op")
    assert act(op, case_id, "file", 1).status_code == 200
    assert act(op, case_id, "dispatch", 2, department=YAOJIA).status_code == 200

    mine, theirs, cg = login(g, "li-yj"), login(g, "li-dm"), login(g, "li-cg")
    for other in (theirs, cg):
        assert other.get(f"/api/cases/{case_id}/sheet").status_code == 404
        assert act(other, case_id, "accept", 3).status_code == 404
        assert case_id not in {c["id"] for c in other.get("/api/cases").json["cases"]}
        assert other.get("/api/events?since=0").json["events"] == []
    sheet = mine.get(f"/api/cases/{case_id}/sheet").json
    assert sheet["department"] == YAOJIA and "accept" in {a["name"] for a in sheet["actions"]}
    assert act(mine, case_id, "accept", 3).status_code == 200
    assert act(mine, case_id, "handle", 4, reason="已协调").status_code == 200
    assert g.store.get(case_id).status.value == "handled"
    own = mine.get("/api/events?since=0").json["events"]
    assert {e["case_id"] for e in own} == {case_id} and len(own) == 5

    page = _render(g, mine, dept_page.layout)
    cfg, _snap = _page_data(page)
    assert cfg["department"] == YAOJIA and "姚家街道 · 部门工作台" in str(page)
    assert access.home_page(g.users.get("li-yj").actor) == "dept"  # type: ignore[union-attr]


def test_the_lead_may_reassign_to_a_street_or_a_utility_and_pages_name_them(
    center: Center,
) -> None:
    g, _ = center
    page = _render(g, login(g, "lead"), lead_page.layout)
    choices = _options(page, "to_department")
    assert choices[YAOJIA] == "姚家街道" and choices["ranqi"] == "燃气"
    codes = list(choices)
    assert codes.index("tongxin") < codes.index(YAOJIA) < codes.index("community_370102009001")
    cfg, _ = _page_data(page)
    names = {d["code"]: d["name"] for d in cfg["departments"]}
    assert names[YAOJIA] == "姚家街道" and names["gongdian"] == "供电"

    case_id = _report(g, "SR01")
    lead = login(g, "lead")
    assert act(lead, case_id, "file", 1).status_code == 200
    assert act(lead, case_id, "dispatch", 2).status_code == 200
    r = act(lead, case_id, "reassign", 3, department=YAOJIA, reason="街道统筹")
    assert r.status_code == 200 and g.store.get(case_id).department == YAOJIA
    refused = act(lead, case_id, "reassign", 4, department="street_370102999", reason="x")
    assert refused.status_code == 400


def _options(component: Any, name: str) -> dict[str, str]:
    """The choices of the select named ``name`` in a page: value → label, in order."""
    if getattr(component, "name", None) == name:  # an html.Select of html.Options
        return {o.value: o.children for o in component.children if o.value}
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            found = _options(child, name)
            if found:
                return found
    return {}
