"""微心愿 over HTTP: the whole path, and who may do and see what on every route (another
community, a unit publishing, the center claiming, the public seeing only its own wish)."""

from __future__ import annotations

import base64
import threading
from datetime import timedelta
from typing import Any

import pytest

from cases.quanxinyuan.units import Unit
from cases.quanxinyuan.wishes import local_today
from tests.cases.photo_samples import jpeg
from tests.dashboard.quanxinyuan.conftest import COMMUNITY, login, public_client

PHONE = "13900139000"


def photo() -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg()).decode()


@pytest.fixture
def desk(qxy_center: Any) -> Any:
    g, parts, outbox = qxy_center
    for uid in ("unit-a", "unit-b"):
        parts.units.put(
            Unit(uid, f"单位{uid}", "city", COMMUNITY, "张三", "13800000000"), "admin:admin"
        )
    return g, parts, outbox


def fetched(client: Any, url: str) -> int:
    """The status of a GET, its body (a photo's file) closed."""
    r = client.get(url)
    r.close()
    return int(r.status_code)


def wish_body(parts: Any, **given: Any) -> dict[str, Any]:
    today = local_today(parts.platform.now())
    body = {
        "title": "帮王奶奶修水龙头",
        "text": "<b>厨房</b>",
        "category": "repair",
        "cell_code": parts.platform.places.cells_of(COMMUNITY)[0],
        "resident_name": "王奶奶",
        "resident_phone": PHONE,
        "due": (today + timedelta(days=2)).isoformat(),
        "photos": [photo()],
    }
    body.update(given)
    return body


def publish(g: Any, parts: Any, **given: Any) -> dict[str, Any]:
    r = login(g, "sq").post("/api/qxy/wishes", json=wish_body(parts, **given))
    assert r.status_code == 201, r.json
    return dict(r.json)


def test_a_wish_end_to_end_over_http(desk: Any) -> None:
    g, parts, _outbox = desk
    seen: list[Any] = []
    parts.platform.subscribe(seen.append)
    wish = publish(g, parts)
    assert wish["state"] == "open" and wish["resident_phone"] == PHONE
    assert wish["text"] == "<b>厨房</b>" and len(wish["photos"]) == 1
    sq, unit = login(g, "sq"), login(g, "unit-a")
    r = unit.post(f"/api/qxy/wishes/{wish['id']}/claim", json={"version": wish["version"]})
    assert r.status_code == 200 and r.json["state"] == "claimed" and r.json["mine"] is True
    r = unit.post(f"/api/qxy/wishes/{wish['id']}/fulfil", json={"note": "修好了"})
    assert r.status_code == 422 and r.json["error"] == "photo"
    r = unit.post(
        f"/api/qxy/wishes/{wish['id']}/fulfil", json={"note": "修好了", "photos": [photo()]}
    )
    assert r.status_code == 200 and r.json["state"] == "fulfilled"
    assert fetched(unit, r.json["fulfil_photos"][0]["url"]) == 200
    r = sq.post(f"/api/qxy/wishes/{wish['id']}/confirm", json={"note": "王奶奶很满意"})
    assert r.status_code == 200 and r.json["state"] == "confirmed"
    assert r.json["unit_name"] == "单位unit-a" and r.json["confirm_note"] == "王奶奶很满意"
    assert [e.kind for e in seen] == ["wish.publish", "wish.claim", "wish.fulfil", "wish.confirm"]


def test_who_may_publish(desk: Any) -> None:
    g, parts, outbox = desk
    for name in ("sq2", "unit-a", "op", "lead", "wall", "admin", "li-cg"):
        r = login(g, name).post("/api/qxy/wishes", json=wish_body(parts))
        assert r.status_code == 403, name
        assert r.json["error"] == "forbidden"
    assert g.server.test_client().post("/api/qxy/wishes", json=wish_body(parts)).status_code in (
        400,
        401,
        403,
    )
    phone = public_client(g, outbox, PHONE)
    assert phone.post("/api/qxy/wishes", json=wish_body(parts)).status_code == 403
    assert login(g, "sq").get("/api/qxy/wishes").json["wishes"] == []


def test_who_may_take_each_step(desk: Any) -> None:
    g, parts, outbox = desk
    wish = publish(g, parts)
    url = f"/api/qxy/wishes/{wish['id']}"
    for name in ("sq", "sq2", "op", "lead", "wall", "admin"):  # only a unit claims
        assert login(g, name).post(f"{url}/claim", json={}).status_code == 403, name
    phone = public_client(g, outbox, PHONE)
    assert phone.post(f"{url}/claim", json={}).status_code == 403
    a, b = login(g, "unit-a"), login(g, "unit-b")
    assert a.post(f"{url}/claim", json={}).status_code == 200
    r = b.post(f"{url}/claim", json={})
    assert r.status_code == 409 and r.json["error"] == "taken"
    assert b.post(f"{url}/fulfil", json={"photos": [photo()]}).status_code == 403
    assert login(g, "sq2").post(f"{url}/release", json={}).status_code == 404
    assert login(g, "op").post(f"{url}/withdraw", json={"reason": "x"}).status_code == 403
    assert a.post(f"{url}/withdraw", json={"reason": "x"}).status_code == 403
    assert login(g, "sq").post(f"{url}/nonsense", json={}).status_code == 404
    r = login(g, "sq").post(f"{url}/release", json={"version": 1})
    assert r.status_code == 409 and r.json["error"] == "stale"
    r = login(g, "sq").post(f"{url}/release", json="not an object")
    assert r.status_code == 400 and r.json["error"] == "body"
    assert login(g, "sq").post(f"{url}/release", json={}).json["state"] == "open"


def test_who_sees_what(desk: Any) -> None:
    g, parts, outbox = desk
    mine = publish(g, parts, title="mine")
    theirs = publish(g, parts, title="theirs", resident_phone="13900139001")
    login(g, "unit-b").post(f"/api/qxy/wishes/{theirs['id']}/claim", json={})
    a = login(g, "unit-a")
    listed = a.get("/api/qxy/wishes").json["wishes"]
    assert [w["id"] for w in listed] == [mine["id"]]  # open ones; not unit-b's claim
    assert "resident_phone" not in listed[0] and "resident_name" not in listed[0]
    assert a.get(f"/api/qxy/wishes/{theirs['id']}").status_code == 404
    photo_url = mine["photos"][0]["url"]
    assert fetched(a, photo_url) == 200  # an open wish's photo
    their_photo = theirs["photos"][0]["url"]
    assert fetched(a, their_photo) == 404
    assert fetched(login(g, "unit-b"), their_photo) == 200
    other = login(g, "sq2")
    assert other.get("/api/qxy/wishes").json["wishes"] == []
    assert other.get(f"/api/qxy/wishes/{mine['id']}").status_code == 404
    assert fetched(other, photo_url) == 404
    center = login(g, "wall").get("/api/qxy/wishes").json["wishes"]
    assert len(center) == 2 and all("resident_phone" not in w for w in center)
    assert login(g, "li-cg").get("/api/qxy/wishes").status_code == 403
    resident = public_client(g, outbox, PHONE)
    own = resident.get("/api/qxy/wishes").json["wishes"]
    assert [w["id"] for w in own] == [mine["id"]] and set(own[0]) >= {"state", "title"}
    assert "resident_phone" not in own[0] and "photos" not in own[0]
    assert resident.get(f"/api/qxy/wishes/{theirs['id']}").status_code == 404
    assert fetched(resident, photo_url) == 404
    assert g.server.test_client().get("/api/qxy/wishes").status_code == 401


def test_units_and_their_contact(desk: Any) -> None:
    g, _parts, outbox = desk
    own = login(g, "sq").get("/api/qxy/units").json["units"]
    assert {u["id"] for u in own} == {"unit-a", "unit-b"}
    assert own[0]["contact_phone"] == "13800000000"
    assert login(g, "sq2").get("/api/qxy/units").json["units"] == []
    assert "contact_phone" not in login(g, "sq2").get("/api/qxy/units/unit-a").json
    center = login(g, "op").get("/api/qxy/units").json["units"]
    assert len(center) == 2 and all("contact_phone" not in u for u in center)
    me = login(g, "unit-a").get("/api/qxy/units").json["units"]
    assert [u["id"] for u in me] == ["unit-a"] and me[0]["contact_name"] == "张三"
    assert "contact_phone" not in login(g, "unit-b").get("/api/qxy/units/unit-a").json
    assert login(g, "li-cg").get("/api/qxy/units").status_code == 403
    assert login(g, "op").get("/api/qxy/units/nobody").status_code == 404
    assert public_client(g, outbox, PHONE).get("/api/qxy/units").status_code == 403


def test_the_pages_carry_the_tab(desk: Any) -> None:
    g, _parts, outbox = desk
    page = login(g, "sq").get("/community").get_data(as_text=True)
    assert 'id="wi-publish"' in page and "qxywishes.js" in page and "微心愿" in page
    assert 'id="wi-open-list"' in login(g, "unit-a").get("/unit").get_data(as_text=True)
    english = login(g, "unit-a").get("/unit?lang=en").get_data(as_text=True)
    assert "Wishes open to claim" in english and '"wish_claim": "Claim"' in english
    public = public_client(g, outbox, PHONE).get("/qxy").get_data(as_text=True)
    assert 'id="wi-public-list"' in public and 'id="wi-publish"' not in public


def test_two_units_claim_at_once_over_http(desk: Any) -> None:
    g, parts, _outbox = desk
    wish = publish(g, parts, photos=[])
    clients = [login(g, "unit-a"), login(g, "unit-b")]
    barrier = threading.Barrier(len(clients))
    answers: list[int] = []

    def claim(client: Any) -> None:
        barrier.wait()
        answers.append(client.post(f"/api/qxy/wishes/{wish['id']}/claim", json={}).status_code)

    threads = [threading.Thread(target=claim, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(answers) == [200, 409]
