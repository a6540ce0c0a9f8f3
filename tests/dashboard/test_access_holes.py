"""Holes found by probing from outside (issue: the door other systems use): each test
failed before its fix. Production mode, real users, real stores (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from typing import Any

from app import GridCC
from geo.grid import Grid
from tests.dashboard.conftest import act, login, open_case


def test_another_departments_case_looks_like_no_case_at_all(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, _ = center
    case_id, v = open_case(g, grid)  # 城管
    op = login(g, "op")
    act(op, case_id, "file", v)
    act(op, case_id, "dispatch", v + 1)
    li_sz = login(g, "li-sz")
    missing = case_id + 1000
    for r_other, r_none in (
        (li_sz.get(f"/api/cases/{case_id}"), li_sz.get(f"/api/cases/{missing}")),
        (act(li_sz, case_id, "accept", v + 2), act(li_sz, missing, "accept", 1)),
    ):
        assert (r_other.status_code, r_none.status_code) == (404, 404)
        assert r_other.json["error"] == r_none.json["error"] == "unknown_case"
        assert "chengguan" not in r_other.json["message"]
        assert r_other.json["message"] == r_none.json["message"].replace(str(missing), str(case_id))


def test_a_liaison_learns_nothing_of_the_districts_activity(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, _ = center
    li_sz = login(g, "li-sz")
    before = li_sz.get("/api/seq").json["seq"]
    for _ in range(3):
        open_case(g, grid)  # 城管's cases: nothing of 市政's
    assert li_sz.get("/api/seq").json["seq"] == before
    page = li_sz.get("/api/events?since=0").json
    assert page["events"] == [] and page["through"] == before
    # The district's own screens see the district's head.
    assert login(g, "op").get("/api/seq").json["seq"] == 3


def test_huge_ids_and_unstorable_text_are_clear_refusals_not_500s(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, _ = center
    op = login(g, "op")
    case_id, v = open_case(g, grid)
    for big in (2**31, 2**63, 10**30):
        assert op.get(f"/api/cases/{big}").status_code == 404
        assert act(op, big, "file", 1).status_code == 404
    for bad in ("x\x00y", "x\ud800y"):
        r: Any = op.post(
            f"/api/cases/{case_id}/actions/void",
            data=json.dumps({"expected_version": v, "reason": bad}),
            content_type="application/json",
        )
        assert r.status_code == 400, r.data
    anon = g.server.test_client()
    assert anon.post("/api/login", json={"username": "a\x00b", "password": "p"}).status_code in (
        400,
        401,
    )
    assert op.get("/api/kpis?dim=dep%00artment").status_code == 400


def test_an_unreachable_store_is_a_json_503_with_retry_after(make_app: Any, grid: Grid) -> None:
    from cases.db import make_engine
    from tests.serving import free_port

    g = make_app()  # development mode: the wall and the intake are open
    client = g.server.test_client()
    assert client.get("/api/seq").status_code == 200
    # The database goes away: nothing listens where the store's engine now points.
    g.store.engine.dispose()
    g.store.engine = make_engine(f"postgresql://postgres@127.0.0.1:{free_port()}/gone")
    lon, lat = grid.geometries[20].representative_point().coords[0]
    report = {"category": "SR01", "description": "x", "lon": lon, "lat": lat}
    for r in (client.get("/api/seq"), client.post("/api/reports", json=report)):
        assert r.status_code == 503, r.data
        assert r.is_json and r.json["error"] == "store_unavailable"
        assert r.headers["Retry-After"].isdigit()


def test_refusals_while_the_store_is_away_are_kept_and_moved_in_when_it_is_back(
    make_app: Any, grid: Grid
) -> None:
    from sqlalchemy import select

    from cases.db import make_engine
    from cases.schema import rejected_reports
    from tests.serving import free_port

    g = make_app()
    client = g.server.test_client()
    lon, lat = grid.geometries[20].representative_point().coords[0]
    report = {"category": "SR01", "description": "x", "lon": lon, "lat": lat}
    assert client.post("/api/reports", json=report).status_code == 201  # at work, then:
    working = g.store.engine
    g.store.engine = make_engine(f"postgresql://postgres@127.0.0.1:{free_port()}/gone")
    refused = [
        client.post("/api/reports", json={"category": "SR01", "lon": "east"}),
        client.post("/api/reports", data="not json", content_type="application/json"),
        client.post("/api/reports", data=b"\xff\xfe", content_type="text/plain"),
    ]
    # Each refusal is answered as ever: the caller's fault does not wait for the store.
    assert [r.status_code for r in refused] == [400, 400, 415]
    g.store.engine.dispose()
    g.store.engine = working  # the store is back
    assert client.post("/api/reports", json={"category": "nope"}).status_code == 400
    with working.connect() as conn:
        bodies = [r.body for r in conn.execute(select(rejected_reports.c.body)).all()]
    assert len(bodies) == 4
    assert any('"lon": "east"' in b for b in bodies)
    assert "not json" in bodies
    assert "\\xff\\xfe" in bodies
    assert g.store.spool is not None and not g.store.spool.waiting()
