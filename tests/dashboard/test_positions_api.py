"""The nearest people on patrol to a case and today's patrol coverage, through the API, on
SQLite and PostgreSQL: who may ask (a liaison, a grid worker, the wall, an admin are
refused), what is answered (distance, on duty, phone only for those who may see phones)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from app import GridCC, Settings
from cases import clock
from cases.people import Person
from cases.positions import MAX_AGE_S, Position, distance_m
from cases.schema import patrol_cells, patrols
from cases.workflow import Actor, Role
from geo.grid import Grid
from tests.dashboard.conftest import PASSWORD, login, open_case


def _people(g: GridCC) -> None:
    roster = g.core.roster
    roster.put_people(
        [
            Person("gw-near", "近网格员", "grid_worker", "19900000001"),
            Person("gw-far", "远网格员", "grid_worker", "19900000002"),
            Person("gw-stale", "旧位置", "grid_worker", "19900000003"),
        ]
    )
    now = g.store.now()
    roster.add_shifts([("gw-far", now - timedelta(hours=1), now + timedelta(hours=1))])
    g.users.add("gw", Role.WORKER, PASSWORD)


def _positions(g: GridCC, lon: float, lat: float) -> None:
    book = g.hub.positions.book  # type: ignore[union-attr]
    now = book.now()
    book.put(Position("gw-far", "远网格员", lon + 0.004, lat, now - 3, 8.0, 1, "c"))
    book.put(Position("gw-near", "近网格员", lon + 0.001, lat, now - 1, 8.0, 2, "c"))
    book.put(Position("gw-stale", "旧位置", lon, lat, now - MAX_AGE_S - 1, 8.0, 3, "c"))


def test_the_nearest_people_on_patrol_to_a_case(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, _ = center
    _people(g)
    case_id, _ = open_case(g, grid)
    case = g.store.get(case_id)
    _positions(g, case.lon, case.lat)
    head = g.store.head("district")

    r = login(g, "lead").get(f"/api/cases/{case_id}/nearest")
    assert r.status_code == 200, r.json
    people: list[dict[str, Any]] = r.json["people"]
    # Nearest first; a position older than 30 s is no one on patrol.
    assert [p["id"] for p in people] == ["gw-near", "gw-far"]
    near = distance_m(case.lon, case.lat, case.lon + 0.001, case.lat)
    assert people[0]["distance_m"] == round(near)
    assert [p["on_duty"] for p in people] == [False, True]
    assert [p["phone"] for p in people] == ["19900000001", "19900000002"]
    assert people[0]["name"] == "近网格员"
    assert login(g, "op").get(f"/api/cases/{case_id}/nearest?k=1").json["people"][0]["id"] == (
        "gw-near"
    )
    # Positions are no case events: the log did not move.
    assert g.store.head("district") == head


def test_nearest_is_refused_to_those_who_may_not_see_positions(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, _ = center
    _people(g)
    case_id, _ = open_case(g, grid)
    for name in ("li-cg", "li-sz", "gw", "wall", "admin"):
        r = login(g, name).get(f"/api/cases/{case_id}/nearest")
        assert r.status_code == 403, (name, r.json)
        assert "people" not in r.json
    wall_key = g.keys.create("wall-screen", "wall")
    r = g.server.test_client().get(
        f"/api/cases/{case_id}/nearest", headers={"Authorization": f"Bearer {wall_key}"}
    )
    assert r.status_code == 403
    assert g.server.test_client().get(f"/api/cases/{case_id}/nearest").status_code == 401


def test_nearest_answers_bad_questions_clearly(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, _ = center
    case_id, _ = open_case(g, grid)
    lead = login(g, "lead")
    assert lead.get("/api/cases/999999/nearest").status_code == 404
    for k in ("0", "21", "x", "-1", "１"):
        r = lead.get(f"/api/cases/{case_id}/nearest?k={k}")
        assert r.status_code == 400 and r.json["error"] == "invalid_query", k
    r = lead.get(f"/api/cases/{case_id}/nearest")
    assert r.status_code == 200 and r.json["people"] == []


def test_patrol_coverage_today_per_cell_and_per_street(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, _ = center
    now = g.store.now()
    today = clock.local_day_start(now)
    with g.store.engine.begin() as conn:
        conn.execute(insert(patrols), [{"id": 1, "person_id": "gw-1", "started_at": today}])
        conn.execute(
            insert(patrol_cells),
            [
                {"patrol_id": 1, "cell_code": grid.codes[0], "first_at": today},
                {"patrol_id": 1, "cell_code": grid.codes[1], "first_at": today},
                # yesterday's: not today's coverage
                {
                    "patrol_id": 1,
                    "cell_code": grid.codes[2],
                    "first_at": today - timedelta(minutes=1),
                },
                {"patrol_id": 1, "cell_code": "not-a-cell", "first_at": today},
            ],
        )
    for name in ("lead", "op", "wall"):
        r = login(g, name).get("/api/patrol/coverage")
        assert r.status_code == 200, (name, r.json)
        body = r.json
        assert sorted(body["cells"]) == sorted(grid.codes[:2])
        assert body["patrolled"] == 2 and body["total"] == len(grid.codes)
        assert body["day"] == today.astimezone(clock.LOCAL_TZ).date().isoformat()
        street = grid.street_codes[0]
        [row] = [s for s in body["streets"] if s["code"] == street]
        assert row["cells"] == grid.street_codes.count(street)
        expected = sum(1 for c in grid.codes[:2] if grid.street_codes[grid.index_of(c)] == street)
        assert row["patrolled"] == expected
        assert sum(s["patrolled"] for s in body["streets"]) == 2
    for name in ("li-cg",):
        assert login(g, name).get("/api/patrol/coverage").status_code == 403
    assert g.server.test_client().get("/api/patrol/coverage").status_code == 401


def test_the_position_roles_setting_narrows_who_sees_positions(make_app: Any, grid: Grid) -> None:
    """POSITION_ROLES=lead: the operator is refused the nearest people and gets no dots in
    the page's config, nor does the wall's page; the lead still sees both. The setting can
    never widen the list."""
    from dashboard import people_map
    from tests.dashboard.conftest import TEST_SECRET

    g = make_app(gridcc_env="production", secret_key=TEST_SECRET, position_roles="lead")
    for name, role in (("op", "operator"), ("lead", "lead"), ("wall", "wall")):
        g.users.add(name, Role(role), PASSWORD)
    _people(g)
    case_id, _ = open_case(g, grid)
    case = g.store.get(case_id)
    _positions(g, case.lon, case.lat)
    assert login(g, "lead").get(f"/api/cases/{case_id}/nearest").status_code == 200
    assert login(g, "op").get(f"/api/cases/{case_id}/nearest").status_code == 403
    roles = g.settings.position_roles
    config = {"map": {"modes": {}}}
    for role, sees in (("lead", True), ("operator", False), ("wall", False)):
        actor = Actor(role, Role(role))
        assert (people_map.with_people(config, actor, "zh", roles)["people"] is not None) == sees
        assert g.hub.positions.roles == roles  # type: ignore[union-attr]
    with pytest.raises(SystemExit, match="POSITION_ROLES"):
        Settings.from_env({}, position_roles="lead,liaison")
