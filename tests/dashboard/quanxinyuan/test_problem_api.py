"""微治理 over HTTP: who may call each route (the public uploads and reads their own; the
cell's community handles and sees who reported; the center reads without personal data;
units and other communities see nothing), a problem turned into a case on the operators'
desk and solved when that case closes (through the real case bus)."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from PIL import Image

from cases.quanxinyuan import log
from cases.workflow import Actor, Role
from tests.dashboard.conftest import login
from tests.dashboard.quanxinyuan.conftest import COMMUNITY, public_client

PHONE = "13900139001"
OTHER_PHONE = "13900139002"


def photo() -> str:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (30, 120, 200)).save(out, "JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()


def point(g: Any) -> tuple[float, float]:
    grid = g.core.grid
    i = next(i for i, c in enumerate(grid.codes) if c.startswith(COMMUNITY))
    x, y = grid.geometries[i].representative_point().coords[0]
    return float(x), float(y)


def body(g: Any, **over: Any) -> dict[str, Any]:
    lon, lat = point(g)
    out: dict[str, Any] = {
        "category": "parking",
        "text": "车辆堵住消防通道 <img src=x onerror=alert(1)>",
        "lon": lon,
        "lat": lat,
        "crs": "wgs84",
        "report_id": "r-1",
        "photos": [photo()],
    }
    out.update(over)
    return out


@pytest.fixture
def uploaded(qxy_center: Any) -> tuple[Any, Any, Any, int]:
    g, parts, outbox = qxy_center
    phone = public_client(g, outbox, PHONE, name="张三")
    r = phone.post("/api/qxy/problems", json=body(g))
    assert r.status_code == 201, r.json
    return g, parts, phone, r.json["id"]


def test_the_public_uploads_once_per_report_id(qxy_center: Any) -> None:
    g, _parts, outbox = qxy_center
    phone = public_client(g, outbox, PHONE, name="张三")
    first = phone.post("/api/qxy/problems", json=body(g))
    assert first.status_code == 201 and first.json["state"] == "new"
    assert first.json["text"].endswith("<img src=x onerror=alert(1)>")
    assert "reporter" not in first.json and len(first.json["photos"]) == 1
    again = phone.post("/api/qxy/problems", json=body(g))
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    mine = phone.get("/api/qxy/problems/mine").json["problems"]
    assert [p["id"] for p in mine] == [first.json["id"]]
    other = public_client(g, outbox, OTHER_PHONE)
    assert other.get("/api/qxy/problems/mine").json["problems"] == []
    assert other.post("/api/qxy/problems", json=body(g)).status_code == 409  # not theirs


@pytest.mark.parametrize(
    ("over", "status", "error"),
    [
        ({"category": "x"}, 422, "category"),
        ({"text": "a" * 2001}, 422, "text"),
        ({"lon": "east"}, 422, "position"),
        ({"lon": 116.0, "lat": 36.0}, 422, "outside"),
        ({"crs": "mercator"}, 422, "crs"),
        ({"photos": ["!!"]}, 422, "photos"),
        ({"photos": [photo()] * 5}, 422, "photos"),
    ],
)
def test_bad_uploads_get_a_clear_error(qxy_center: Any, over: Any, status: int, error: str) -> None:
    g, parts, outbox = qxy_center
    phone = public_client(g, outbox, PHONE)
    r = phone.post("/api/qxy/problems", json=body(g, **over))
    assert r.status_code == status and r.json["error"] == error, r.json
    assert parts.problems.find() == []


def test_upload_needs_a_public_session_and_its_csrf(qxy_center: Any) -> None:
    g, _parts, outbox = qxy_center
    assert g.server.test_client().post("/api/qxy/problems", json=body(g)).status_code in (401, 403)
    assert login(g, "sq").post("/api/qxy/problems", json=body(g)).status_code == 401
    phone = public_client(g, outbox, PHONE)
    phone.environ_base.pop("HTTP_X_CSRFTOKEN")
    assert phone.post("/api/qxy/problems", json=body(g)).status_code == 403
    assert phone.post("/api/qxy/problems", data="x").status_code in (400, 403)


def test_who_sees_the_list_and_the_reporter(uploaded: Any) -> None:
    g, _parts, phone, pid = uploaded
    sq = login(g, "sq").get("/api/qxy/problems").json["problems"]
    assert [p["id"] for p in sq] == [pid]
    assert sq[0]["reporter"] == {"name": "张三", "phone": PHONE}
    center = login(g, "op").get("/api/qxy/problems").json["problems"]
    assert [p["id"] for p in center] == [pid] and "reporter" not in center[0]
    assert PHONE not in str(center) and "张三" not in str(center)
    assert login(g, "sq2").get("/api/qxy/problems").json["problems"] == []
    for name in ("unit-a", "li-cg"):
        assert login(g, name).get("/api/qxy/problems").status_code == 403
    assert phone.get("/api/qxy/problems").status_code == 401
    assert g.server.test_client().get("/api/qxy/problems").status_code == 401
    assert login(g, "sq").get("/api/qxy/problems?state=bogus").status_code == 400
    assert login(g, "sq").get("/api/qxy/problems?state=solved").json["problems"] == []


def test_who_reads_one_problem_and_its_photo(uploaded: Any) -> None:
    g, _parts, phone, pid = uploaded
    photo_url = phone.get(f"/api/qxy/problems/{pid}").json["photos"][0]["url"]
    assert photo_status(phone, photo_url) == 200
    for name, status in (("sq", 200), ("op", 200), ("wall", 200), ("sq2", 404), ("unit-a", 404)):
        client = login(g, name)
        assert client.get(f"/api/qxy/problems/{pid}").status_code == status, name
        assert photo_status(client, photo_url) == status, name
    assert "reporter" in login(g, "sq").get(f"/api/qxy/problems/{pid}").json
    assert "reporter" not in login(g, "op").get(f"/api/qxy/problems/{pid}").json
    other = public_client(g, qxy_outbox(g), OTHER_PHONE)
    assert other.get(f"/api/qxy/problems/{pid}").status_code == 404
    assert photo_status(other, photo_url) == 404
    assert photo_status(g.server.test_client(), photo_url) == 404


def photo_status(client: Any, url: str) -> int:
    r = client.get(url)
    r.close()  # a file's response holds the file open until closed
    return int(r.status_code)


def qxy_outbox(g: Any) -> Any:
    return g.server.extensions["gridcc_qxy"].residents.sender


@pytest.mark.parametrize("action", ["accept", "solve", "reject", "to-case"])
def test_only_the_community_acts(uploaded: Any, action: str) -> None:
    g, parts, phone, pid = uploaded
    payload = {"note": "n", "reason": "r"}
    for name, status in (("sq2", 404), ("unit-a", 404), ("op", 403), ("lead", 403)):
        r = login(g, name).post(f"/api/qxy/problems/{pid}/{action}", json=payload)
        assert r.status_code == status, (name, r.json)
    assert phone.post(f"/api/qxy/problems/{pid}/{action}", json=payload).status_code == 401
    assert parts.problems.get(pid).state == "new"


def test_the_community_accepts_solves_and_rejects(qxy_center: Any) -> None:
    g, _parts, outbox = qxy_center
    phone = public_client(g, outbox, PHONE)
    a = phone.post("/api/qxy/problems", json=body(g, report_id="a")).json["id"]
    b = phone.post("/api/qxy/problems", json=body(g, report_id="b")).json["id"]
    sq = login(g, "sq")
    assert sq.post(f"/api/qxy/problems/{a}/solve", json={"note": "x"}).status_code == 409
    r = sq.post(f"/api/qxy/problems/{a}/accept", json={"expected_version": 1})
    assert r.status_code == 200 and r.json["state"] == "handling"
    assert sq.post(f"/api/qxy/problems/{a}/accept", json={}).status_code == 409
    assert sq.post(f"/api/qxy/problems/{a}/solve", json={"note": ""}).status_code == 422
    r = sq.post(f"/api/qxy/problems/{a}/solve", json={"note": "已清理", "expected_version": 2})
    assert r.status_code == 200 and r.json["state"] == "solved"
    r = sq.post(f"/api/qxy/problems/{b}/reject", json={"reason": "非公共区域"})
    assert r.json["state"] == "rejected" and r.json["note"] == "非公共区域"
    assert sq.post(f"/api/qxy/problems/{b}/fly", json={}).status_code == 404
    states = {p["id"]: p["state"] for p in phone.get("/api/qxy/problems/mine").json["problems"]}
    assert states == {a: "solved", b: "rejected"}


def test_to_case_is_one_case_on_the_desk_linked_both_ways(uploaded: Any) -> None:
    g, parts, phone, pid = uploaded
    sq = login(g, "sq")
    r = sq.post(f"/api/qxy/problems/{pid}/to-case", json={"category": "nope"})
    assert r.status_code == 400
    first = sq.post(f"/api/qxy/problems/{pid}/to-case", json={})
    assert first.status_code == 200 and first.json["state"] == "to_case"
    case_id = first.json["case_id"]
    second = sq.post(f"/api/qxy/problems/{pid}/to-case", json={})
    assert second.status_code == 200 and second.json["case_id"] == case_id
    op_client = login(g, "op")
    rows = op_client.get("/api/cases").json["cases"]
    assert [c["id"] for c in rows] == [case_id] and rows[0]["source"] == "wish"
    sheet = op_client.get(f"/api/cases/{case_id}").json["case"]
    assert sheet["external_id"] == f"qxy-problem-{pid}" and f"#{pid}" in sheet["description"]
    assert PHONE not in str(sheet) and "张三" not in str(sheet)
    mine = phone.get("/api/qxy/problems/mine").json["problems"][0]
    assert mine["case_id"] == case_id and mine["case_status"] == "reported"
    # The case runs its course on the desk; once closed, the problem counts as solved.
    store = g.store
    liaison = Actor("li", Role.LIAISON, department=store.get(case_id).department)
    op = Actor("op", Role.OPERATOR)
    for name, actor in (
        ("file", op),
        ("dispatch", op),
        ("accept", liaison),
        ("handle", liaison),
        ("verify", op),
    ):
        store.apply(case_id, name, actor)
    assert phone.get("/api/qxy/problems/mine").json["problems"][0]["case_status"] == "verified"
    store.apply(case_id, "close", op)
    g.core.outbox.drain()  # the problem follows its case as the outbox publishes the close
    mine = phone.get("/api/qxy/problems/mine").json["problems"][0]
    assert mine["state"] == "solved" and mine["case_status"] == "closed"
    with parts.platform.reading() as conn:
        kinds = [e.kind for e in log.of_item(conn, "problem", pid)]
    assert kinds == ["problem.upload", "problem.to_case", "problem.case_closed"]


def test_the_pages_carry_the_sections(qxy_center: Any) -> None:
    g, _parts, outbox = qxy_center
    desk = login(g, "sq").get("/community").get_data(as_text=True)
    assert 'id="qp-desk-list"' in desk and "qxyproblems.js" in desk and "微治理" in desk
    phone = public_client(g, outbox, PHONE).get("/qxy").get_data(as_text=True)
    assert 'id="qp-form"' in phone and "停车秩序" in phone


def test_uploads_are_rate_limited_per_person(qxy_center: Any) -> None:
    g, parts, outbox = qxy_center
    phone = public_client(g, outbox, PHONE)
    answers = [
        phone.post("/api/qxy/problems", json=body(g, report_id=f"n-{i}", photos=[])).status_code
        for i in range(31)
    ]
    assert answers[:30] == [201] * 30 and answers[30] == 429
    assert len(parts.problems.find()) == 30
    other = public_client(g, outbox, OTHER_PHONE)  # another person has their own allowance
    assert other.post("/api/qxy/problems", json=body(g, photos=[])).status_code == 201
