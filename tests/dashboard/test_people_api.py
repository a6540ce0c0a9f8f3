"""The roster over HTTP (dashboard/people_api.py, dashboard/admin_people_api.py) on SQLite and
PostgreSQL: every viewer reads the teams, phones only where the access policy allows them;
only an admin, with the session's CSRF token, changes the roster."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import Workbook

from app import GridCC
from cases import clock
from cases.people import Person
from cases.workflow import Role
from tests.dashboard.conftest import PASSWORD, login

PHONE = "13800000001"


@pytest.fixture
def roster_center(center: tuple[GridCC, dict[str, str]]) -> tuple[GridCC, str]:
    g, _tokens = center
    g.users.add("gw", Role.WORKER, PASSWORD)
    g.users.add("gw2", Role.WORKER, PASSWORD)
    roster = g.core.roster
    roster.put_people(
        [
            Person("gw-1", "王伟", "grid_worker", PHONE, "community_1", "gw"),
            Person("sec-1", "李娜", "branch_secretary", "13800000002", "community_1"),
            Person("ss-1", "赵六", "street_staff", "13800000003", "street_1", synthetic=True),
        ]
    )
    cell = g.grid.codes[0]
    roster.put_team(
        cell, "一支部", [("gw-1", "worker"), ("sec-1", "secretary"), ("ss-1", "member")]
    )
    now = clock.utcnow()
    roster.add_shifts([("gw-1", now - timedelta(hours=1), now + timedelta(hours=1))])
    return g, cell


def test_phones_only_for_the_desks_admins_and_the_person_themself(
    roster_center: tuple[GridCC, str],
) -> None:
    g, cell = roster_center
    for name, sees in (
        ("op", True),
        ("lead", True),
        ("admin", True),
        ("wall", False),
        ("li-cg", False),
        ("gw2", False),
    ):
        client = login(g, name)
        team = client.get(f"/api/teams/{cell}").json
        people = client.get("/api/people").json["people"]
        for rows in (team["members"], people):
            assert ("phone" in rows[0]) is sees, name
            assert all(("phone" in r) is sees for r in rows), name
        assert all(("username" in r) is (name == "admin") for r in people), name
    # A grid worker sees their own phone, and no one else's.
    mine = login(g, "gw").get(f"/api/teams/{cell}").json["members"]
    assert {r["id"]: r.get("phone") for r in mine} == {"sec-1": None, "gw-1": PHONE, "ss-1": None}


def test_a_wall_key_reads_the_team_without_phones(roster_center: tuple[GridCC, str]) -> None:
    g, cell = roster_center
    key = g.keys.create("wall-1", "wall", None, created_by="admin")
    r = g.server.test_client().get(f"/api/teams/{cell}", headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 200 and r.json["members"]
    assert not any("phone" in m for m in r.json["members"])


def test_a_team_says_who_is_on_duty_now_secretary_first(roster_center: tuple[GridCC, str]) -> None:
    g, cell = roster_center
    team = login(g, "lead").get(f"/api/teams/{cell}").json
    assert team["branch"] == "一支部" and team["on_duty"] == 1
    assert [(m["id"], m["part"], m["on_duty"]) for m in team["members"]] == [
        ("sec-1", "secretary", False),
        ("gw-1", "worker", True),
        ("ss-1", "member", False),
    ]
    assert [m["synthetic"] for m in team["members"]] == [False, False, True]
    assert team["members"][0]["part_name"] == {"zh": "书记", "en": "Secretary"}
    empty = login(g, "lead").get(f"/api/teams/{g.grid.codes[1]}").json
    assert empty["members"] == [] and empty["branch"] == ""


def test_people_filters_and_refusals(roster_center: tuple[GridCC, str]) -> None:
    g, cell = roster_center
    lead = login(g, "lead")
    assert [p["id"] for p in lead.get("/api/people?kind=grid_worker").json["people"]] == ["gw-1"]
    in_cell = lead.get(f"/api/people?cell={cell}&kind=street_staff").json["people"]
    assert [(p["id"], p["part"]) for p in in_cell] == [("ss-1", "member")]
    assert lead.get("/api/people?kind=mayor").status_code == 400
    assert lead.get("/api/people?cell=nowhere").status_code == 400
    r = lead.get("/api/teams/nowhere")
    assert r.status_code == 404 and r.json["error"] == "unknown_cell"
    anonymous = g.server.test_client()
    assert anonymous.get("/api/people").status_code == 401
    assert anonymous.get(f"/api/teams/{cell}").status_code == 401


ADMIN_CALLS = (
    ("post", "/api/admin/people/import?kind=people", {"data": b"id,name,kind\nx,X,grid_worker\n"}),
    ("put", "/api/admin/people/x", {"json": {"name": "X", "kind": "grid_worker"}}),
    ("put", "/api/admin/teams/{cell}", {"json": {"branch": "b", "members": []}}),
    ("post", "/api/admin/shifts", {"json": {"shifts": []}}),
)


def test_only_an_admin_changes_the_roster(roster_center: tuple[GridCC, str]) -> None:
    g, cell = roster_center
    before = g.core.roster.team(cell)
    for name in ("op", "lead", "wall", "li-cg", "gw"):
        client = login(g, name)
        for method, path, kwargs in ADMIN_CALLS:
            r = getattr(client, method)(path.format(cell=cell), **kwargs)
            assert r.status_code == 403 and r.json["error"] == "forbidden", (name, path)
    for method, path, kwargs in ADMIN_CALLS:
        r = getattr(g.server.test_client(), method)(path.format(cell=cell), **kwargs)
        assert r.status_code == 401
    # An admin's session without its CSRF token changes nothing either.
    admin = login(g, "admin")
    del admin.environ_base["HTTP_X_CSRFTOKEN"]
    for method, path, kwargs in ADMIN_CALLS:
        r = getattr(admin, method)(path.format(cell=cell), **kwargs)
        assert r.status_code == 403 and r.json["error"] == "csrf", path
    assert g.core.roster.person("x") is None and g.core.roster.team(cell) == before


def test_an_admin_imports_a_file_whole_or_not_at_all(roster_center: tuple[GridCC, str]) -> None:
    g, cell = roster_center
    admin = login(g, "admin")
    good = "编号,姓名,类别\nx-1,<b>钱七</b>,网格员\n".encode()
    r = admin.post("/api/admin/people/import", data=good)
    assert r.status_code == 200 and r.json == {
        "kind": "people",
        "rows": 1,
        "people": 1,
        "teams": 0,
        "shifts": 0,
    }
    assert g.core.roster.person("x-1").name == "<b>钱七</b>"  # type: ignore[union-attr]
    bad = f"cell_code,person_id,part\n{cell},x-1,member\nnowhere,x-1,member\n{cell},ghost,member\n"
    r = admin.post("/api/admin/people/import", data=bad.encode())
    assert r.status_code == 400 and r.json["error"] == "invalid_roster"
    assert [p["row"] for p in r.json["problems"]] == [3, 4]
    assert "不是本网格的网格" in r.json["problems"][0]["message_zh"]
    assert "x-1" not in [p.id for p in g.core.roster.team(cell).people]  # type: ignore[union-attr]
    # An Excel file sent as a form's upload.
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["person_id", "starts", "ends"])
    sheet.append(["x-1", "2026-12-01 08:00", "2026-12-01 18:00"])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    r = admin.post(
        "/api/admin/people/import",
        data={"file": (data, "shifts.xlsx")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 200 and r.json["shifts"] == 1, r.json
    assert admin.post("/api/admin/people/import?kind=robots", data=good).status_code == 400
    r = admin.post("/api/admin/people/import", data=b"x" * (2 * 1024 * 1024))
    assert r.status_code == 413


def test_an_admin_edits_a_person_a_team_and_shifts(roster_center: tuple[GridCC, str]) -> None:
    g, cell = roster_center
    admin = login(g, "admin")
    body = {"name": "赵六六", "kind": "street_staff", "phone": "", "unit": "s", "username": "gw2"}
    r = admin.put("/api/admin/people/ss-1", json=body)
    assert r.status_code == 200 and r.json["username"] == "gw2" and r.json["synthetic"] is True
    assert g.core.roster.by_username("gw2").id == "ss-1"  # type: ignore[union-attr]
    r = admin.put("/api/admin/people/ss-1", json={**body, "username": "nobody"})
    assert r.status_code == 400 and "no account named nobody" in r.json["message"]
    r = admin.put("/api/admin/people/ss-1", json={**body, "active": False})
    assert r.status_code == 200 and g.core.roster.by_username("gw2") is None
    for wrong in ([], {"name": 5, "kind": "grid_worker"}, {**body, "active": "no"}):
        assert admin.put("/api/admin/people/ss-1", json=wrong).status_code == 400
    members = [{"person_id": "gw-1", "part": "worker"}, {"person_id": "sec-1", "part": "secretary"}]
    r = admin.put(f"/api/admin/teams/{cell}", json={"branch": "新支部", "members": members})
    assert r.status_code == 200 and [m["id"] for m in r.json["members"]] == ["sec-1", "gw-1"]
    assert r.json["branch"] == "新支部" and r.json["members"][1]["phone"] == PHONE
    r = admin.put("/api/admin/teams/nowhere", json={"branch": "", "members": members})
    assert r.status_code == 400
    r = admin.put(f"/api/admin/teams/{cell}", json={"members": [{"person_id": "ghost"}]})
    assert r.status_code == 400
    shift = {"person_id": "sec-1", "starts": "2026-12-01 09:00", "ends": "2026-12-01 17:00"}
    assert admin.post("/api/admin/shifts", json={"shifts": [shift]}).json == {"added": 1}
    assert admin.post("/api/admin/shifts", json={"shifts": [shift]}).json == {"added": 0}
    r = admin.post("/api/admin/shifts", json={"shifts": [{**shift, "ends": "soon"}]})
    assert r.status_code == 400 and r.json["problems"][0]["row"] == 1
    assert admin.post("/api/admin/shifts", json={"shifts": "all"}).status_code == 400
