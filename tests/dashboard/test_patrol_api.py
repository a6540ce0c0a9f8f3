"""The patrol API and page, on SQLite and PostgreSQL: only a grid worker on the roster may
patrol (everyone else 403, anonymous 401); positions in WGS-84, GCJ-02 or BD-09 land in
the book as WGS-84; bad positions are clear 400s and change nothing; positions are
rate-limited; check-in converts too; the worker's own reports and tasks; the page."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from app import GridCC
from cases.people import Person
from cases.positions import distance_m
from cases.workflow import Role
from dashboard.patrol_api import POSITION_RATE
from geo.coords import wgs84_to_bd09, wgs84_to_gcj02
from geo.grid import Grid
from tests.dashboard.conftest import PASSWORD, act, form_login, login

CELL = 40  # the worker's cell (index in the grid)


@pytest.fixture
def patrol(center, grid: Grid) -> GridCC:  # type: ignore[no-untyped-def]
    return _patrol(center[0], grid)


@pytest.fixture(scope="module")
def refusing_patrol(module_center, grid: Grid) -> GridCC:  # type: ignore[no-untyped-def]
    """One patrol center for the many bad positions, each refused with nothing kept."""
    return _patrol(module_center[0], grid)


def _patrol(g: GridCC, grid: Grid) -> GridCC:
    for name in ("w1", "w-unlinked", "w-pm"):
        g.users.add(name, Role.WORKER, PASSWORD)
    roster = g.core.roster
    roster.put_people(
        [
            Person("gw-1", "王<b>网格</b>", "grid_worker", username="w1"),
            Person("pm-1", "物业", "property_manager", username="w-pm"),
            Person("gw-op", "值班员也在册", "grid_worker", username="op"),
        ]
    )
    roster.put_team(grid.codes[CELL], "一支部", [("gw-1", "worker")])
    return g


def inside(grid: Grid, index: int = CELL) -> tuple[float, float]:
    x, y = grid.geometries[index].representative_point().coords[0]
    return float(x), float(y)


def book_of(g: GridCC) -> Any:
    return g.server.extensions["gridcc_patrols"].book


ROUTES = (
    ("post", "/api/patrol/start", {}),
    ("post", "/api/patrol/end", {}),
    ("post", "/api/patrol/position", {"lon": 117.0, "lat": 36.66}),
    ("post", "/api/patrol/check-in", {"case_id": 1, "lon": 117.0, "lat": 36.66}),
    ("get", "/api/patrol/mine", None),
)


@pytest.mark.parametrize("name", ["op", "lead", "admin", "wall", "li-cg", "w-unlinked", "w-pm"])
def test_only_a_grid_worker_on_the_roster_may_patrol(patrol: GridCC, name: str) -> None:
    client = login(patrol, name)
    for method, path, body in ROUTES:
        r = getattr(client, method)(path, **({"json": body} if body is not None else {}))
        assert r.status_code == 403, (name, path, r.status_code)
        assert r.json["error"] == "forbidden" and r.json["message_zh"]
    page = client.get("/patrol")
    assert page.status_code == 403 and "网格员" in page.get_data(as_text=True)
    assert patrol.core.roster.by_username("op") is not None  # linked, but an operator


def test_anonymous_is_asked_to_sign_in(patrol: GridCC) -> None:
    client = patrol.server.test_client()
    for method, path, body in ROUTES:
        r = getattr(client, method)(path, **({"json": body} if body is not None else {}))
        assert r.status_code == 401, path
    page = client.get("/patrol")
    assert page.status_code == 302 and page.headers["Location"].endswith("/login?next=/patrol")


def test_a_workers_own_token_patrols_from_an_app_but_a_key_never(patrol: GridCC) -> None:
    token = patrol.users.add("w-app", Role.WORKER, PASSWORD)
    patrol.core.roster.put_people([Person("gw-app", "应用", "grid_worker", username="w-app")])
    app = patrol.server.test_client()
    app.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    assert app.post("/api/patrol/start", json={}).status_code == 201
    assert app.get("/api/patrol/mine").json["person"]["id"] == "gw-app"
    key = patrol.keys.create("patrol-app", "intake")
    system = patrol.server.test_client()
    system.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    assert system.post("/api/patrol/start", json={}).status_code == 403


def test_start_end_and_positions(patrol: GridCC, grid: Grid) -> None:
    client = login(patrol, "w1")
    x, y = inside(grid)
    assert client.post("/api/patrol/position", json={"lon": x, "lat": y}).status_code == 409
    first = client.post("/api/patrol/start", json={})
    assert first.status_code == 201 and first.json["started"] is True
    again = client.post("/api/patrol/start", json={})
    assert again.status_code == 200 and again.json["patrol"]["id"] == first.json["patrol"]["id"]
    r = client.post("/api/patrol/position", json={"lon": x, "lat": y, "accuracy": 7})
    assert r.status_code == 200, r.json
    assert r.json["cell_code"] == grid.codes[CELL] and r.json["new_cell"] is True
    assert r.json["place"] == grid.names[CELL]
    held = book_of(patrol).all()
    assert [(p.person_id, p.cell_code, p.accuracy_m) for p in held] == [
        ("gw-1", grid.codes[CELL], 7.0)
    ]
    assert held[0].name == "王<b>网格</b>"
    mine = client.get("/api/patrol/mine").json
    assert mine["patrol"]["id"] == first.json["patrol"]["id"]
    assert mine["cells"] == [grid.codes[CELL]] and mine["patrol_cells"] == [grid.codes[CELL]]
    ended = client.post("/api/patrol/end", json={})
    assert ended.status_code == 200 and ended.json["patrol"]["ended_at"]
    assert book_of(patrol).all() == []
    assert client.post("/api/patrol/end", json={}).json["patrol"] is None


@pytest.mark.parametrize(
    ("crs", "convert"),
    [("gcj02", wgs84_to_gcj02), ("bd09", wgs84_to_bd09), ("GCJ02", wgs84_to_gcj02)],
)
def test_chinese_map_coordinates_are_converted(patrol: GridCC, grid: Grid, crs, convert) -> None:  # type: ignore[no-untyped-def]
    client = login(patrol, "w1")
    client.post("/api/patrol/start", json={})
    x, y = inside(grid)
    gx, gy = convert(x, y)
    assert distance_m(x, y, gx, gy) > 100  # the offset is real: unconverted, it would miss
    r = client.post("/api/patrol/position", json={"lon": gx, "lat": gy, "crs": crs})
    assert r.status_code == 200, r.json
    assert distance_m(x, y, r.json["lon"], r.json["lat"]) < 1.0
    (held,) = book_of(patrol).all()
    assert distance_m(x, y, held.lon, held.lat) < 1.0 and held.cell_code == grid.codes[CELL]


@pytest.mark.parametrize(
    "body",
    [
        {"lon": "117.0", "lat": 36.66},
        {"lon": 117.0},
        {"lon": True, "lat": 36.66},
        {"lon": -0.12, "lat": 51.5},  # London
        {"lon": 0, "lat": 0},
        {"lon": 1e308, "lat": 36.66},
        {"lon": 10**400, "lat": 36.66},  # an integer no float holds
        {"lon": 117.0, "lat": 36.66, "accuracy": 10**400},
        {"lon": 117.0, "lat": 36.66, "crs": "epsg:3857"},
        {"lon": 117.0, "lat": 36.66, "crs": 4326},
        {"lon": 117.0, "lat": 36.66, "accuracy": -5},
        {"lon": 117.0, "lat": 36.66, "accuracy": "good"},
        {"lon": 117.0, "lat": 36.66, "accuracy": 1e12},
    ],
)
def test_bad_positions_are_refused_clearly(refusing_patrol: GridCC, body: dict[str, Any]) -> None:
    patrol = refusing_patrol
    client = login(patrol, "w1")
    client.post("/api/patrol/start", json={})
    r = client.post("/api/patrol/position", json=body)
    assert r.status_code == 400, r.json
    assert r.json["error"] == "invalid_position" and r.json["message"] and r.json["message_zh"]
    assert book_of(patrol).all() == []


def test_not_a_number_and_not_json(patrol: GridCC) -> None:
    client = login(patrol, "w1")
    client.post("/api/patrol/start", json={})
    nan = client.post(
        "/api/patrol/position",
        data='{"lon": NaN, "lat": 36.66}',
        content_type="application/json",
    )
    assert nan.status_code == 400 and nan.json["error"] == "invalid_position"
    junk = client.post("/api/patrol/position", data="lon=1", content_type="text/plain")
    assert junk.status_code == 400 and junk.json["error"] == "invalid_body"
    listed = client.post("/api/patrol/position", json=[117.0, 36.66])
    assert listed.status_code == 400
    assert book_of(patrol).all() == []


def test_positions_are_rate_limited_per_person(patrol: GridCC, grid: Grid) -> None:
    allowed = int(POSITION_RATE.split("/")[0])
    client = login(patrol, "w1")
    client.post("/api/patrol/start", json={})
    x, y = inside(grid)
    answers = [
        client.post("/api/patrol/position", json={"lon": x, "lat": y}).status_code
        for _ in range(allowed + 1)
    ]
    assert answers[:allowed] == [200] * allowed and answers[allowed] == 429
    assert "Retry-After" in client.post("/api/patrol/position", json={"lon": x, "lat": y}).headers
    # Another person's positions are their own count; starting and ending are not limited.
    assert client.post("/api/patrol/end", json={}).status_code == 200


def report(client: Any, grid: Grid, index: int, text: str, **extra: Any) -> Any:
    x, y = inside(grid, index)
    body = {"category": "SR01", "description": text, "lon": x, "lat": y, "source": "patrol"}
    return client.post("/api/reports", json={**body, **extra})


def test_mine_lists_my_reports_and_the_tasks_in_my_cells(patrol: GridCC, grid: Grid) -> None:
    worker, op = login(patrol, "w1"), login(patrol, "op")
    report_id = str(uuid.uuid4())
    sent = report(worker, grid, CELL, "<script>alert(1)</script> 井盖缺失", report_id=report_id)
    assert sent.status_code == 201
    resent = report(worker, grid, CELL, "<script>alert(1)</script> 井盖缺失", report_id=report_id)
    assert resent.status_code == 200 and resent.json["case_id"] == sent.json["case_id"]
    public = report(op, grid, CELL, "a desk's report in my cell")
    elsewhere = report(op, grid, CELL + 300, "not my cell")
    worker.post("/api/patrol/start", json={})
    worker.post("/api/patrol/position", json=dict(zip(("lon", "lat"), inside(grid), strict=True)))
    mine = worker.get("/api/patrol/mine").json
    assert [c["id"] for c in mine["reported"]] == [sent.json["case_id"]]
    assert mine["reported"][0]["description"].startswith("<script>")  # text, as sent
    assert mine["reported"][0]["external_id"] == report_id
    assert "reporter" not in mine["reported"][0]
    tasks = {c["id"]: c for c in mine["tasks"]}
    assert set(tasks) == {public.json["case_id"]}  # not my own report: I saw it
    assert elsewhere.json["case_id"] not in tasks
    task = tasks[public.json["case_id"]]
    assert task["task"] == "confirm" and task["distance_m"] is not None
    assert "confirm" in {a["name"] for a in task["actions"]}
    # Off patrol, the phone says where it is: tasks still come nearest first.
    worker.post("/api/patrol/end", json={})
    x, y = inside(grid)
    placed = worker.get(f"/api/patrol/mine?lon={x}&lat={y}").json["tasks"]
    assert placed and placed[0]["distance_m"] < 1.0
    unplaced = worker.get("/api/patrol/mine?lon=nan&lat=inf").json["tasks"]
    assert unplaced and unplaced[0]["distance_m"] is None
    # 核实 through the case action API, as the page does: the task is done.
    done = act(worker, task["id"], "confirm", task["version"], reason="现场属实")
    assert done.status_code == 200, done.json
    after = worker.get("/api/patrol/mine?lang=en").json
    assert public.json["case_id"] not in {c["id"] for c in after["tasks"]}
    assert after["reported"][0]["category_name"] != mine["reported"][0]["category_name"]


def test_check_in_converts_and_refuses_others(patrol: GridCC, grid: Grid) -> None:
    worker, op = login(patrol, "w1"), login(patrol, "op")
    case_id = report(op, grid, CELL, "x").json["case_id"]
    x, y = patrol.store.get(case_id).lon, patrol.store.get(case_id).lat
    gx, gy = wgs84_to_gcj02(x, y)
    r = worker.post(
        "/api/patrol/check-in",
        json={"case_id": case_id, "lon": gx, "lat": gy, "accuracy": 9, "crs": "gcj02"},
    )
    assert r.status_code == 200, r.json
    assert r.json["distance_m"] < 1.0 and r.json["on_site"] is True
    assert patrol.store.get(case_id).version == 2
    # Unconverted, the same numbers are hundreds of metres off.
    raw = worker.post("/api/patrol/check-in", json={"case_id": case_id, "lon": gx, "lat": gy})
    assert raw.json["distance_m"] > 100 and raw.json["on_site"] is False
    stale = worker.post(
        "/api/patrol/check-in",
        json={"case_id": case_id, "lon": x, "lat": y, "expected_version": 1},
    )
    assert stale.status_code == 409 and stale.json["error"] == "conflict"
    for bad in (
        {"case_id": case_id, "lon": "x", "lat": y},
        {"case_id": "1", "lon": x, "lat": y},
        {"case_id": case_id, "lon": x, "lat": y, "accuracy": -1},
    ):
        assert worker.post("/api/patrol/check-in", json=bad).status_code == 400, bad
    missing = worker.post("/api/patrol/check-in", json={"case_id": 99999, "lon": x, "lat": y})
    assert missing.status_code == 404
    assert (
        op.post("/api/patrol/check-in", json={"case_id": case_id, "lon": x, "lat": y}).status_code
        == 403
    )
    # The workflow's own door takes WGS-84 from any role the table names (an operator too).
    direct = act(op, case_id, "check_in", 3, lon=x, lat=y)
    assert direct.status_code == 200, direct.json


def test_the_page(patrol: GridCC) -> None:
    client = patrol.server.test_client()
    landed = form_login(client, "w1")
    assert landed.status_code == 302 and landed.headers["Location"].endswith("/patrol")
    page = client.get("/patrol")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "geolocation=(self)" in page.headers["Permissions-Policy"]
    assert '<html lang="zh-CN">' in html and "开始巡查" in html
    assert "王&lt;b&gt;网格&lt;/b&gt;" in html and "王<b>" not in html.split("patrol-config")[0]
    config_text = html.split('id="patrol-config">')[1].split("</script>")[0]
    config = json.loads(config_text)
    assert "<" not in config_text  # nothing in it can close the script element
    assert config["checkInRadiusM"] > 0 and config["crs"] == "wgs84"
    assert config["me"]["personName"] == "王<b>网格</b>"
    assert config["words"]["patrol_start"] == "开始巡查"
    en = client.get("/patrol?lang=en").get_data(as_text=True)
    assert "Start patrol" in en and '<html lang="en">' in en
    assert "Start patrol" in client.get("/patrol").get_data(as_text=True)  # remembered
    assert "_csrf_token" in page.headers.get("Set-Cookie", "")
    for script in ("http.js", "patrolqueue.js", "patrolstore.js", "patrolview.js", "patrol.js"):
        assert f"/assets/gridcc/{script}?v=" in html
    # The page's service worker (it keeps only the page and its files, no data).
    worker = patrol.server.test_client().get("/patrol-sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert worker.headers["Cache-Control"] == "no-cache"
    assert config["urls"]["serviceWorker"] == "/patrol-sw.js"
