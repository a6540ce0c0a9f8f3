"""/admin's people section (dashboard/admin_people*.py) on SQLite and PostgreSQL: its callbacks
ask the access policy on the server (a non-admin's click sent straight to Dash's endpoint
changes nothing), an admin's change goes through the roster's checks, and names are text."""

from __future__ import annotations

import base64
import json
from typing import Any

from app import GridCC
from cases.people import Person
from dashboard import admin_people as ap
from dashboard.admin_calendar import LANG
from tests.dashboard.conftest import login


def payload(
    outputs: list[tuple[str, str]],
    inputs: list[tuple[str, str, Any]],
    trigger: str,
    state: list[tuple[str, str, Any]],
) -> dict[str, Any]:
    """A Dash update request, as the renderer sends it for a click on ``trigger``."""
    many = len(outputs) > 1
    out = "...".join(f"{i}.{p}" for i, p in outputs)
    return {
        "output": f"..{out}.." if many else out,
        "outputs": [{"id": i, "property": p} for i, p in outputs]
        if many
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
        "changedPropIds": [trigger],
    }


def team_save(cell: str, branch: str, members: str) -> dict[str, Any]:
    return payload(
        [
            (ap.TEAM_VIEW, "children"),
            (ap.TEAM_RESULT, "children"),
            (ap.BRANCH, "value"),
            (ap.MEMBERS, "value"),
        ],
        [(ap.TEAM_SHOW, "n_clicks", None), (ap.TEAM_SAVE, "n_clicks", 1)],
        f"{ap.TEAM_SAVE}.n_clicks",
        [
            (ap.CELL, "value", cell),
            (ap.BRANCH, "value", branch),
            (ap.MEMBERS, "value", members),
            (LANG, "data", "zh"),
        ],
    )


def person_click(button: str, person_id: str, **fields: Any) -> dict[str, Any]:
    return payload(
        [
            (ap.LIST, "children"),
            (ap.PERSON_RESULT, "children"),
            *((ap.FIELD_IDS[f], "value") for f in ap.FIELDS),
        ],
        [
            (b, "n_clicks", 1 if b == button else None)
            for b in (ap.FIND, ap.LOAD, ap.SAVE, ap.DEACTIVATE)
        ],
        f"{button}.n_clicks",
        [
            (ap.KIND_FILTER, "value", None),
            (ap.SEARCH, "value", ""),
            (ap.PERSON_ID, "value", person_id),
            *((ap.FIELD_IDS[f], "value", fields.get(f)) for f in ap.FIELDS),
            (LANG, "data", "en"),
        ],
    )


def shifts_add(text: str) -> dict[str, Any]:
    return payload(
        [(ap.SHIFTS_RESULT, "children")],
        [(ap.ADD_SHIFTS, "n_clicks", 1)],
        f"{ap.ADD_SHIFTS}.n_clicks",
        [(ap.SHIFTS, "value", text), (LANG, "data", "zh")],
    )


def upload(data: bytes, name: str = "people.csv", kind: str = "auto") -> dict[str, Any]:
    contents = "data:text/csv;base64," + base64.b64encode(data).decode()
    return payload(
        [(ap.IMPORT_RESULT, "children"), (ap.SUMMARY, "children")],
        [(ap.UPLOAD, "contents", contents)],
        f"{ap.UPLOAD}.contents",
        [(ap.UPLOAD, "filename", name), (ap.IMPORT_KIND, "value", kind), (LANG, "data", "zh")],
    )


def answer(r: Any) -> dict[str, Any]:
    assert r.status_code == 200, r.data
    return json.loads(r.data)["response"]  # type: ignore[no-any-return]


def seeded(g: GridCC) -> str:
    g.core.roster.put_people(
        [
            Person("gw-1", "王伟", "grid_worker", "13800000001"),
            Person("sec-1", "<b>李娜</b>", "branch_secretary", synthetic=True),
        ]
    )
    return g.grid.codes[0]


def test_only_an_admin_changes_the_roster_from_the_page(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    cell = seeded(g)
    clicks = [
        team_save(cell, "支部", "gw-1,worker"),
        person_click(ap.SAVE, "x-1", name="某", kind="grid_worker"),
        person_click(ap.DEACTIVATE, "gw-1"),
        shifts_add("gw-1,2026-12-01 08:00,2026-12-01 18:00"),
        upload(b"id,name,kind\nx-2,X,grid_worker\n"),
    ]
    for name in ("op", "lead", "wall", "li-cg"):
        client = login(g, name)
        for body in clicks:
            assert client.post("/_dash-update-component", json=body).status_code == 204, name
    roster = g.core.roster
    assert roster.team(cell) is None and roster.count() == 2
    assert roster.person("gw-1").active and roster.shifts(*_window()) == []  # type: ignore[union-attr]


def _window() -> tuple[Any, Any]:
    from datetime import datetime

    from cases import clock

    return (
        datetime(2026, 12, 1, tzinfo=clock.LOCAL_TZ),
        datetime(2026, 12, 2, tzinfo=clock.LOCAL_TZ),
    )


def test_an_admin_sets_a_team_edits_people_adds_shifts_and_imports(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    cell = seeded(g)
    admin = login(g, "admin")
    said = answer(
        admin.post(
            "/_dash-update-component", json=team_save(cell, "一支部", "sec-1,书记\ngw-1,worker\n")
        )
    )
    assert said[ap.TEAM_RESULT]["children"] == f"{cell}：团队已保存（2 人）"
    assert said[ap.MEMBERS]["value"] == "sec-1,secretary\ngw-1,worker\n"
    assert "<b>李娜</b>" in json.dumps(said[ap.TEAM_VIEW], ensure_ascii=False)  # text, kept
    bad = answer(
        admin.post("/_dash-update-component", json=team_save(cell, "一支部", "ghost,member"))
    )
    assert "ghost" in bad[ap.TEAM_RESULT]["children"]
    assert len(g.core.roster.team(cell).members) == 2  # type: ignore[union-attr]

    saved = answer(
        admin.post(
            "/_dash-update-component",
            json=person_click(
                ap.SAVE,
                "gw-1",
                name="王伟",
                kind="grid_worker",
                phone="13900000000",
                unit="u",
                username="lead",
            ),
        )
    )
    assert saved[ap.PERSON_RESULT]["children"] == "gw-1: saved"
    assert g.core.roster.by_username("lead").phone == "13900000000"  # type: ignore[union-attr]
    loaded = answer(admin.post("/_dash-update-component", json=person_click(ap.LOAD, "sec-1")))
    assert loaded[ap.FIELD_IDS["name"]]["value"] == "<b>李娜</b>"
    assert loaded[ap.FIELD_IDS["kind"]]["value"] == "branch_secretary"
    refused = answer(
        admin.post(
            "/_dash-update-component", json=person_click(ap.SAVE, "gw-1", name="王伟", kind="mayor")
        )
    )
    assert "row 1: kind 'mayor'" in refused[ap.PERSON_RESULT]["children"]
    answer(admin.post("/_dash-update-component", json=person_click(ap.DEACTIVATE, "gw-1")))
    assert not g.core.roster.person("gw-1").active  # type: ignore[union-attr]

    added = answer(
        admin.post(
            "/_dash-update-component", json=shifts_add("sec-1,2026-12-01 08:00,2026-12-01 18:00\n")
        )
    )
    assert added[ap.SHIFTS_RESULT]["children"] == "已添加 1 个班次"
    wrong = answer(admin.post("/_dash-update-component", json=shifts_add("sec-1,soon,later")))
    assert wrong[ap.SHIFTS_RESULT]["children"].startswith("第 1 行")

    took = answer(
        admin.post(
            "/_dash-update-component", json=upload("编号,姓名,类别\nx-1,钱七,网格员\n".encode())
        )
    )
    assert took[ap.IMPORT_RESULT]["children"].startswith("people.csv：导入 1 行")
    assert "共 2 人（其中合成示例 1 人）" in took[ap.SUMMARY]["children"]  # gw-1 is off
    no = answer(
        admin.post(
            "/_dash-update-component", json=upload(b"id,name,kind\nx-3,X,mayor\nx-4,,grid_worker\n")
        )
    )
    lines = no[ap.IMPORT_RESULT]["children"].splitlines()
    assert lines[0] == "people.csv：未导入，共 2 处问题："
    assert lines[1].startswith("第 2 行") and lines[2].startswith("第 3 行")
    assert g.core.roster.person("x-3") is None


def test_the_section_marks_synthetic_people_and_shows_names_as_text(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    cell = seeded(g)
    g.core.roster.put_team(cell, "一支部", [("sec-1", "secretary")])
    from dashboard.site import CONTENT, LOCATION

    layout = login(g, "admin").post(
        "/_dash-update-component",
        json=payload(
            [(CONTENT, "children")],
            [(LOCATION, "pathname", "/admin"), (LOCATION, "search", "")],
            f"{LOCATION}.pathname",
            [],
        ),
    )
    text = json.dumps(answer(layout), ensure_ascii=False)
    assert "people-synthetic" in text and "合成" in text
    assert '"<b>李娜</b>"' in text  # a string child: React writes it as text
