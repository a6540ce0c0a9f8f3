"""微志愿 over HTTP (SQLite and PostgreSQL): every route asks who is asking — the organising
community, another community, a department's liaison, a unit, the center, a volunteer, a
member of the public who is not one yet, nobody — and a volunteer sees no other
volunteer's phone or name."""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime, timedelta
from typing import Any

from PIL import Image

from tests.dashboard.quanxinyuan.conftest import COMMUNITY, login, public_client


def _iso(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).isoformat()


def call_body(wanted: int = 2, starts_in: timedelta = timedelta(minutes=30)) -> dict[str, Any]:
    return {
        "task": "网格走访 <script>",
        "text": "走访独居老人",
        "place": "姚家街道",
        "starts_at": _iso(starts_in),
        "ends_at": _iso(starts_in + timedelta(hours=3)),
        "wanted": wanted,
        "cell": f"{COMMUNITY}001",
    }


def jpeg_b64() -> str:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), "navy").save(out, "JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()


def status(client: Any, url: str) -> int:
    """A GET's status, its body read and closed (a photo is a file)."""
    r = client.get(url)
    r.get_data()
    r.close()
    return int(r.status_code)


def volunteer(g: Any, outbox: Any, phone: str, name: str) -> Any:
    client = public_client(g, outbox, phone, name=name)
    r = client.post("/api/qxy/volunteer", json={"community": COMMUNITY, "name": name})
    assert r.status_code == 200 and r.json["volunteer"] is True, r.json
    return client


def test_who_may_publish_and_end_a_call(qxy_center: Any) -> None:
    g, _parts, outbox = qxy_center
    for name in ("li-cg", "unit-a", "op", "wall", "admin"):
        r = login(g, name).post("/api/qxy/calls", json=call_body())
        assert r.status_code == 403, name
    # Another community publishes only in its own community: never in one of our cells.
    r = login(g, "sq2").post("/api/qxy/calls", json=call_body())
    assert r.status_code == 422 and r.json["error"] == "cell"
    assert g.server.test_client().post("/api/qxy/calls", json=call_body()).status_code in (
        401,
        403,
    )
    sq = login(g, "sq")
    r = sq.post("/api/qxy/calls", json=call_body())
    assert r.status_code == 201 and r.json["task"] == "网格走访 <script>"
    call_id = r.json["id"]
    bad = sq.post("/api/qxy/calls", json={**call_body(), "wanted": 0})
    assert bad.status_code == 422 and bad.json["error"] == "wanted"
    assert sq.post("/api/qxy/calls", data="x").status_code == 400
    phone = public_client(g, outbox, "13900000001")
    assert phone.post("/api/qxy/calls", json=call_body()).status_code == 401
    for name in ("sq2", "op", "unit-a"):
        client = login(g, name)
        assert client.post(f"/api/qxy/calls/{call_id}/close", json={}).status_code == 403
        assert (
            client.post(f"/api/qxy/calls/{call_id}/cancel", json={"reason": "x"}).status_code == 403
        )
    assert phone.post(f"/api/qxy/calls/{call_id}/close", json={}).status_code == 401
    assert sq.post(f"/api/qxy/calls/{call_id}/cancel", json={}).status_code == 422
    assert sq.post(f"/api/qxy/calls/{call_id}/cancel", json={"reason": "雨"}).json["state"] == (
        "cancelled"
    )
    assert sq.post("/api/qxy/calls/99999/close", json={}).status_code == 404


def test_sign_ups_and_who_reads_them(qxy_center: Any) -> None:
    g, _parts, outbox = qxy_center
    sq = login(g, "sq")
    call_id = sq.post("/api/qxy/calls", json=call_body(wanted=2)).json["id"]
    a = volunteer(g, outbox, "13900000001", "甲")
    b = volunteer(g, outbox, "13900000002", "乙")
    c = volunteer(g, outbox, "13900000003", "丙")
    plain = public_client(g, outbox, "13900000009")
    r = plain.post(f"/api/qxy/calls/{call_id}/signup")
    assert r.status_code == 403 and r.json["error"] == "not_volunteer"
    assert a.post(f"/api/qxy/calls/{call_id}/signup").status_code == 201
    assert a.post(f"/api/qxy/calls/{call_id}/signup").json["error"] == "already"
    assert b.post(f"/api/qxy/calls/{call_id}/signup").status_code == 201
    full = c.post(f"/api/qxy/calls/{call_id}/signup")
    assert full.status_code == 409 and full.json["error"] == "full"
    # The organising community: names and phones.
    mine = sq.get("/api/qxy/calls").json["calls"][0]
    assert (mine["signed"], mine["state"]) == (2, "full")
    assert {(s["name"], s["phone"]) for s in mine["signups"]} == {
        ("甲", "13900000001"),
        ("乙", "13900000002"),
    }
    assert {v["phone"] for v in sq.get("/api/qxy/volunteers").json["volunteers"]} == {
        "13900000001",
        "13900000002",
        "13900000003",
    }
    # Another community, the center: no names, no phones.
    assert login(g, "sq2").get("/api/qxy/calls").json["calls"] == []
    assert login(g, "sq2").get("/api/qxy/volunteers").json["volunteers"] == []
    for name in ("op", "wall", "lead", "admin"):
        body = login(g, name).get("/api/qxy/calls").get_data(as_text=True)
        assert (
            "13900000001" not in body and "甲" not in body and '"signed":2' in body.replace(" ", "")
        ), name
        assert login(g, name).get("/api/qxy/volunteers").status_code == 403
    for name in ("unit-a", "li-cg"):
        assert login(g, name).get("/api/qxy/calls").status_code == 403, name
    # A volunteer: counts and their own sign-up; never another's phone or name.
    for client in (a, c):
        seen = client.get("/api/qxy/calls/open").get_data(as_text=True)
        seen += client.get("/api/qxy/calls/mine").get_data(as_text=True)
        assert "13900000002" not in seen and "乙" not in seen
    assert a.get("/api/qxy/calls").status_code in (401, 403)  # the staff's list: not theirs
    assert a.get("/api/qxy/volunteers").status_code in (401, 403)
    # Withdrawing frees the place for the third.
    assert b.post(f"/api/qxy/calls/{call_id}/withdraw").json["state"] == "withdrawn"
    assert c.post(f"/api/qxy/calls/{call_id}/signup").status_code == 201
    # Signed out: nothing.
    nobody = g.server.test_client()
    assert nobody.get("/api/qxy/calls/open").status_code == 401
    assert nobody.get("/api/qxy/calls/mine").status_code == 401


def test_check_in_report_and_the_photo(qxy_center: Any) -> None:
    g, _parts, outbox = qxy_center
    sq = login(g, "sq")
    soon = sq.post("/api/qxy/calls", json=call_body(wanted=3)).json["id"]
    later = sq.post("/api/qxy/calls", json=call_body(starts_in=timedelta(days=2))).json["id"]
    a = volunteer(g, outbox, "13900000001", "甲")
    b = volunteer(g, outbox, "13900000002", "乙")
    for client in (a, b):
        assert client.post(f"/api/qxy/calls/{soon}/signup").status_code == 201
    assert a.post(f"/api/qxy/calls/{later}/signup").status_code == 201
    early = a.post(f"/api/qxy/calls/{later}/checkin")
    assert early.status_code == 409 and early.json["error"] == "window"
    assert a.post(f"/api/qxy/calls/{soon}/report", json={"text": "x"}).status_code == 409
    assert a.post(f"/api/qxy/calls/{soon}/checkin").json["state"] == "checked_in"
    assert b.post(f"/api/qxy/calls/{soon}/checkin").status_code == 200
    bad = a.post(f"/api/qxy/calls/{soon}/report", json={"text": "x", "photos": ["@@"]})
    assert bad.status_code == 422 and bad.json["error"] == "photos"
    done = a.post(
        f"/api/qxy/calls/{soon}/report", json={"text": "走访 3 户", "photos": [jpeg_b64()]}
    )
    assert done.status_code == 200 and done.json["state"] == "reported"
    assert sq.get("/api/qxy/calls").json["calls"][-1]["reported"] == 1
    mine = a.get("/api/qxy/calls/mine").json["signups"]
    photo = next(s for s in mine if s["call"]["id"] == soon)["photos"][0]["url"]
    # The photo: the volunteer and the organising community; nobody else.
    assert status(a, photo) == 200
    assert status(sq, photo) == 200
    assert status(b, photo) == 404
    for name in ("sq2", "op", "unit-a"):
        assert status(login(g, name), photo) == 404, name
    assert status(g.server.test_client(), photo) == 404


def test_teams_import_and_reads(qxy_center: Any) -> None:
    g, _parts, outbox = qxy_center
    ours = f"id,name,community\nt-1,姚家青年志愿队,{COMMUNITY}\n".encode()
    theirs = b"id,name,community\nt-2,x,370102009002\n"
    sq = login(g, "sq")
    r = sq.post("/api/qxy/teams/import", data={"file": (io.BytesIO(ours), "t.csv")})
    assert r.status_code == 200 and r.json["teams"] == 1
    r = sq.post("/api/qxy/teams/import", data={"file": (io.BytesIO(theirs), "t.csv")})
    assert r.status_code == 400 and r.json["problems"][0]["row"] == 2
    for name in ("op", "unit-a", "li-cg"):
        r = login(g, name).post("/api/qxy/teams/import", data={"file": (io.BytesIO(ours), "t.csv")})
        assert r.status_code == 403, name
    admin = login(g, "admin")
    r = admin.post("/api/qxy/teams/import", data={"file": (io.BytesIO(theirs), "t.csv")})
    assert r.status_code == 200
    assert [t["id"] for t in sq.get("/api/qxy/teams").json["teams"]] == ["t-1"]
    phone = public_client(g, outbox, "13900000001")
    teams = phone.get(f"/api/qxy/teams?community={COMMUNITY}").json["teams"]
    assert [t["id"] for t in teams] == ["t-1"]
    joined = phone.post(
        "/api/qxy/volunteer", json={"community": COMMUNITY, "team": "t-1", "name": "甲"}
    )
    assert joined.json["team"] == "t-1"
    wrong = phone.post("/api/qxy/volunteer", json={"community": COMMUNITY, "team": "t-2"})
    assert wrong.status_code == 422
    assert g.server.test_client().get("/api/qxy/teams").status_code == 401


def test_the_pages_carry_the_calls_tab(qxy_center: Any) -> None:
    g, _parts, outbox = qxy_center
    desk = login(g, "sq").get("/community").get_data(as_text=True)
    assert 'id="qc-publish"' in desk and "qxycalls.js" in desk and "call_progress" in desk
    phone = public_client(g, outbox, "13900000001").get("/qxy").get_data(as_text=True)
    assert 'id="qc-open"' in phone and '"refreshMs": 20000' in phone


def test_a_call_past_its_end_is_done_when_read(qxy_center: Any) -> None:
    from sqlalchemy import update

    from cases.quanxinyuan.schema import calls

    g, parts, outbox = qxy_center
    sq = login(g, "sq")
    call_id = sq.post("/api/qxy/calls", json=call_body()).json["id"]
    a = volunteer(g, outbox, "13900000001", "甲")
    assert [c["id"] for c in a.get("/api/qxy/calls/open").json["calls"]] == [call_id]
    past = datetime.now(UTC) - timedelta(minutes=1)
    with parts.platform.engine.begin() as conn:  # as if its hours had passed
        conn.execute(
            update(calls)
            .where(calls.c.id == call_id)
            .values(starts_at=past - timedelta(hours=2), ends_at=past)
        )
    assert sq.get("/api/qxy/calls").json["calls"][0]["state"] == "done"
    assert a.get("/api/qxy/calls/open").json["calls"] == []


def test_the_calls_routes_are_described(qxy_center: Any) -> None:
    from dashboard.openapi import build_spec
    from dashboard.openapi.qxy_calls_paths import paths
    from tests.dashboard.test_openapi import described, server_routes

    g, _parts, _outbox = qxy_center
    ours = ("/api/qxy/calls", "/api/qxy/teams", "/api/qxy/volunteer")
    served = {(p, m) for p, m in server_routes(g) if p.startswith(ours)}
    assert served == described(build_spec((paths,))) - {("/api/openapi.json", "get")}


def test_a_phones_steps_are_rationed(qxy_center: Any) -> None:
    from dashboard.quanxinyuan.call_desk import PUBLIC_STEP_LIMIT

    g, _parts, outbox = qxy_center
    a = volunteer(g, outbox, "13900000001", "甲")
    b = volunteer(g, outbox, "13900000002", "乙")
    allowed = int(PUBLIC_STEP_LIMIT.split()[0])
    said = [a.post("/api/qxy/calls/999999/checkin").status_code for _ in range(allowed + 1)]
    assert said[:-1] == [404] * allowed and said[-1] == 429
    assert b.post("/api/qxy/calls/999999/checkin").status_code == 404  # per phone, not per address
