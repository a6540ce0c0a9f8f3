"""三张清单 over HTTP (both stores): a unit offers a resource, the community lists a need,
sees the suggestion with its reasons (never the unit's contact), accepts it; the unit
reports progress to done. Every route asked by every kind of viewer: the other community,
the other unit, the center, a department's liaison, the public and nobody."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import insert

from cases.quanxinyuan.schema import units
from tests.dashboard.conftest import login
from tests.dashboard.quanxinyuan.conftest import COMMUNITY, public_client

NEIGHBOUR = "370102009002"
PHONE = "13912345678"  # unit-a's contact: never sent by the lists


def add_units(parts: Any) -> None:
    with parts.platform.engine.begin() as conn:
        for unit_id, community, offers in (
            ("unit-a", COMMUNITY, ["elder"]),
            ("unit-b", NEIGHBOUR, []),
        ):
            conn.execute(
                insert(units).values(
                    id=unit_id,
                    name=f"{unit_id} 区卫健局",
                    level="district",
                    community_code=community,
                    contact_name="张联系",
                    contact_phone=PHONE,
                    offers=offers,
                )
            )


@pytest.fixture
def lists_center(qxy_center: Any) -> Any:
    g, parts, outbox = qxy_center
    add_units(parts)
    return g, parts, outbox


def seeded(g: Any) -> dict[str, Any]:
    """unit-a's resource, sq's need matched to it as a project, and sq's open need."""
    unit_a, sq = login(g, "unit-a"), login(g, "sq")
    r = unit_a.post(
        "/api/qxy/resources",
        json={"category": "elder", "title": "助老陪护", "text": "每周两次", "capacity": 10},
    )
    assert r.status_code == 201, r.json
    res = r.json
    need = sq.post("/api/qxy/needs", json={"category": "elder", "title": "陪护", "quantity": 6})
    assert need.status_code == 201, need.json
    project = sq.post(f"/api/qxy/needs/{need.json['id']}/accept", json={"resource_id": res["id"]})
    assert project.status_code == 201, project.json
    other = sq.post("/api/qxy/needs", json={"category": "elder", "title": "另一个", "quantity": 1})
    return {
        "resource": res["id"],
        "need": need.json["id"],
        "project": project.json["id"],
        "open_need": other.json["id"],
    }


def test_a_match_suggested_accepted_and_done(lists_center: Any) -> None:
    g, _parts, _outbox = lists_center
    unit_a, sq = login(g, "unit-a"), login(g, "sq")
    res = unit_a.post(
        "/api/qxy/resources", json={"category": "elder", "title": "<i>助老</i>", "capacity": 10}
    ).json
    assert (res["unit"], res["community_code"], res["remaining"]) == (
        "unit-a 区卫健局",
        COMMUNITY,
        10,
    )
    assert res["community"] and res["street"] == "姚家街道"
    cell = g.server.extensions["gridcc_qxy"].platform.places.cells_of(COMMUNITY)[2]
    need = sq.post(
        "/api/qxy/needs",
        json={"category": "elder", "title": "独居老人陪护", "quantity": 6, "cell_code": cell},
    ).json
    assert need["state"] == "open" and need["cell_code"] == cell
    r = sq.get(f"/api/qxy/needs/{need['id']}/suggestions")
    assert r.status_code == 200
    [s] = r.json["suggestions"]
    assert s["resource"]["title"] == "<i>助老</i>" and s["take"] == 6 and not s["partial"]
    assert [x["code"] for x in s["reasons"]] == [
        "same_category",
        "unit_offers",
        "same_community",
        "capacity_enough",
    ]
    assert s["reasons"][3]["values"] == {"capacity": 10, "quantity": 6}
    assert PHONE not in r.get_data(as_text=True) and "张联系" not in r.get_data(as_text=True)

    project = sq.post(f"/api/qxy/needs/{need['id']}/accept", json={"resource_id": res["id"]})
    assert project.status_code == 201 and project.json["state"] == "active"
    pid = project.json["id"]
    mine = unit_a.get("/api/qxy/projects").json["projects"]
    assert [p["id"] for p in mine] == [pid] and mine[0]["need"]["title"] == "独居老人陪护"
    assert [n["id"] for n in unit_a.get("/api/qxy/needs").json["needs"]] == [need["id"]]
    r = unit_a.post(f"/api/qxy/projects/{pid}/progress", json={"progress": 50, "note": "过半"})
    assert r.json["progress"] == 50 and r.json["last_note"] == "过半"
    r = unit_a.post(f"/api/qxy/projects/{pid}/progress", json={"progress": 100})
    assert r.json["state"] == "done"
    assert sq.get(f"/api/qxy/needs/{need['id']}").json["state"] == "done"
    assert sq.get("/api/qxy/projects").json["projects"][0]["state"] == "done"
    used = unit_a.get(f"/api/qxy/resources/{res['id']}").json
    assert (used["committed"], used["remaining"]) == (6, 4)
    for client in (unit_a, sq, login(g, "op")):
        for url in ("/api/qxy/needs", "/api/qxy/resources", "/api/qxy/projects"):
            text = client.get(url).get_data(as_text=True)
            assert PHONE not in text and "张联系" not in text


def test_who_reads_what(lists_center: Any) -> None:
    g, _parts, _outbox = lists_center
    ids = seeded(g)
    need, open_need, project, res = ids["need"], ids["open_need"], ids["project"], ids["resource"]

    def got(name: str, url: str) -> int:
        return int(login(g, name).get(url).status_code)

    # the community: its needs, their suggestions, its projects, the resources it uses
    for url in (
        f"/api/qxy/needs/{need}",
        f"/api/qxy/needs/{open_need}/suggestions",
        f"/api/qxy/projects/{project}",
        f"/api/qxy/resources/{res}",
    ):
        assert got("sq", url) == 200, url
        assert got("sq2", url) == (200 if "resources" in url else 404), url  # available: pool
        assert got("op", url) == 200 and got("wall", url) == 200, url
        assert got("li-cg", url) == 403, url  # a department's liaison runs no community
    # a unit: its resources and projects, the need they serve; not the other's
    assert got("unit-a", f"/api/qxy/needs/{need}") == 200
    assert got("unit-a", f"/api/qxy/needs/{open_need}") == 404
    assert got("unit-a", f"/api/qxy/needs/{need}/suggestions") == 404
    for url in (
        f"/api/qxy/needs/{need}",
        f"/api/qxy/projects/{project}",
        f"/api/qxy/resources/{res}",
    ):
        assert got("unit-b", url) == 404, url
    assert got("unit-a", f"/api/qxy/projects/{project}") == 200
    # the lists each sees
    assert len(login(g, "sq2").get("/api/qxy/needs").json["needs"]) == 0
    assert len(login(g, "sq2").get("/api/qxy/projects").json["projects"]) == 0
    assert len(login(g, "unit-b").get("/api/qxy/projects").json["projects"]) == 0
    assert len(login(g, "unit-b").get("/api/qxy/resources").json["resources"]) == 0
    assert len(login(g, "unit-b").get("/api/qxy/needs").json["needs"]) == 0
    assert len(login(g, "op").get("/api/qxy/needs").json["needs"]) == 2
    assert [r["id"] for r in login(g, "sq2").get("/api/qxy/resources").json["resources"]] == [res]


def test_who_changes_what(lists_center: Any) -> None:
    g, _parts, _outbox = lists_center
    ids = seeded(g)
    need, open_need, project, res = ids["need"], ids["open_need"], ids["project"], ids["resource"]
    body = {"category": "elder", "title": "x", "quantity": 1, "capacity": 1}

    def sent(name: str, url: str, payload: Any = None) -> int:
        return int(login(g, name).post(url, json=payload or {}).status_code)

    for name in ("unit-a", "op", "wall", "admin"):
        assert sent(name, "/api/qxy/needs", body) == 403, name
    for name in ("sq", "op", "lead"):
        assert sent(name, "/api/qxy/resources", body) == 403, name
    assert sent("li-cg", "/api/qxy/needs", body) == 403
    # another community, another unit: not theirs (not even seen)
    assert sent("sq2", f"/api/qxy/needs/{open_need}/withdraw") == 404
    assert sent("sq2", f"/api/qxy/needs/{open_need}/accept", {"resource_id": res}) == 404
    assert sent("sq2", f"/api/qxy/projects/{project}/progress", {"progress": 10}) == 404
    assert sent("sq2", f"/api/qxy/projects/{project}/done") == 404
    assert sent("unit-b", f"/api/qxy/projects/{project}/progress", {"progress": 10}) == 404
    assert sent("unit-b", f"/api/qxy/resources/{res}/withdraw") == 404
    # seen but not theirs to change
    assert sent("sq2", f"/api/qxy/resources/{res}/withdraw") == 403
    assert sent("unit-a", f"/api/qxy/needs/{need}/withdraw") == 403
    assert sent("unit-a", f"/api/qxy/projects/{project}/done") == 403
    assert sent("op", f"/api/qxy/projects/{project}/progress", {"progress": 10}) == 403
    assert sent("op", f"/api/qxy/needs/{open_need}/accept", {"resource_id": res}) == 403
    # theirs
    assert sent("unit-a", f"/api/qxy/projects/{project}/progress", {"progress": 10}) == 200
    assert sent("sq", f"/api/qxy/projects/{project}/progress", {"progress": 20}) == 200
    assert sent("sq", f"/api/qxy/projects/{project}/done", {"note": "完成"}) == 200
    assert sent("sq", f"/api/qxy/needs/{open_need}/withdraw") == 200
    assert sent("unit-a", f"/api/qxy/resources/{res}/withdraw") == 200


ROUTES = [
    ("get", "/api/qxy/needs"),
    ("post", "/api/qxy/needs"),
    ("get", "/api/qxy/needs/{need}"),
    ("post", "/api/qxy/needs/{need}/withdraw"),
    ("get", "/api/qxy/needs/{need}/suggestions"),
    ("post", "/api/qxy/needs/{need}/accept"),
    ("get", "/api/qxy/resources"),
    ("post", "/api/qxy/resources"),
    ("get", "/api/qxy/resources/{resource}"),
    ("post", "/api/qxy/resources/{resource}/withdraw"),
    ("get", "/api/qxy/projects"),
    ("get", "/api/qxy/projects/{project}"),
    ("post", "/api/qxy/projects/{project}/progress"),
    ("post", "/api/qxy/projects/{project}/done"),
]


def test_the_public_and_nobody_reach_no_route(lists_center: Any) -> None:
    g, _parts, outbox = lists_center
    ids = seeded(g)
    phone = public_client(g, outbox, "13900139001")
    nobody = g.server.test_client()
    for method, route in ROUTES:
        url = route.format(**ids)
        for client in (phone, nobody):
            r = getattr(client, method)(url, json={"progress": 10, "resource_id": ids["resource"]})
            assert r.status_code in (401, 403), (method, url, r.status_code)
    assert login(g, "sq").get(f"/api/qxy/projects/{ids['project']}").json["progress"] == 0


def test_bad_input_gets_a_clear_error(lists_center: Any) -> None:
    g, _parts, _outbox = lists_center
    sq = login(g, "sq")
    r = sq.post("/api/qxy/needs", data="nope", content_type="text/plain")
    assert r.status_code == 400 and r.json["error"] == "bad_body"
    r = sq.post("/api/qxy/needs", json={"category": "x", "title": "t"})
    assert r.status_code == 422 and r.json["error"] == "bad_category"
    r = sq.post("/api/qxy/needs", json={"category": "elder", "title": "t", "quantity": -1})
    assert r.status_code == 422 and r.json["error"] == "bad_quantity"
    need = sq.post("/api/qxy/needs", json={"category": "elder", "title": "t"}).json
    r = sq.post(f"/api/qxy/needs/{need['id']}/accept", json={"resource_id": "1"})
    assert r.status_code == 422 and r.json["error"] == "bad_resource_id"
    r = sq.post(f"/api/qxy/needs/{need['id']}/accept", json={"resource_id": 99})
    assert r.status_code == 409 and r.json["error"] == "not_suggested"
    assert sq.get("/api/qxy/needs/999").status_code == 404
    assert sq.get(f"/api/qxy/needs/{need['id']}").json["state"] == "open"  # nothing lost


def test_the_tab_is_on_both_pages_with_its_config(lists_center: Any) -> None:
    g, _parts, _outbox = lists_center
    page = login(g, "sq").get("/community").get_data(as_text=True)
    assert 'id="ql-need-form"' in page and "qxylists.js" in page and "三张清单" in page
    assert '"role": "community"' in page and COMMUNITY + "001" in page
    unit_page = login(g, "unit-a").get("/unit").get_data(as_text=True)
    assert 'id="ql-resource-form"' in unit_page and '"role": "unit"' in unit_page
