"""The HTTP intake against a real store (SQLite and PostgreSQL): every refusal is clear,
recorded, and changes nothing; every accepted report is one case."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest

from app import GridCC
from geo.coords import wgs84_to_gcj02
from geo.grid import Grid


@pytest.fixture
def gridcc(database_url: str, make_app: Callable[..., GridCC]) -> GridCC:
    return make_app(database_url)


@pytest.fixture
def client(gridcc: GridCC) -> Any:
    return gridcc.server.test_client()


def inside(grid: Grid, i: int = 10) -> tuple[float, float]:
    lon, lat = grid.geometries[i].representative_point().coords[0]
    return lon, lat


def body(grid: Grid, **changes: Any) -> dict[str, Any]:
    lon, lat = inside(grid)
    return {"category": "SR01", "description": "垃圾堆放", "lon": lon, "lat": lat, **changes}


def test_a_report_becomes_a_case_in_its_cell(client: Any, gridcc: GridCC, grid: Grid) -> None:
    r = client.post("/api/reports", json=body(grid, source="patrol"))
    assert r.status_code == 201
    assert r.json["cell_code"] == grid.codes[10]
    assert r.json["place"] == grid.names[10]
    case = gridcc.store.get(r.json["case_id"])
    assert case.source == "patrol" and case.department == "chengguan"
    events = client.get("/api/events?since=0").json["events"]
    assert [e["case_id"] for e in events] == [case.id]


def test_gcj02_points_are_converted_before_locating(
    client: Any, gridcc: GridCC, grid: Grid
) -> None:
    lon, lat = inside(grid, 500)
    glon, glat = wgs84_to_gcj02(lon, lat)
    r = client.post("/api/reports", json=body(grid, lon=float(glon), lat=float(glat), crs="gcj02"))
    assert r.status_code == 201
    case = gridcc.store.get(r.json["case_id"])
    assert case.cell_code == grid.codes[500]
    assert abs(case.lon - lon) < 1e-5 and abs(case.lat - lat) < 1e-5


MALFORMED = [
    ({"description": "x", "lon": 117.0, "lat": 36.6}, "category"),
    ({"category": "NOPE", "description": "x", "lon": 117.0, "lat": 36.6}, "category"),
    ({"category": "SR01", "description": "   ", "lon": 117.0, "lat": 36.6}, "description"),
    ({"category": "SR01", "description": "x" * 2001, "lon": 117.0, "lat": 36.6}, "description"),
    ({"category": "SR01", "description": "x", "lon": "117.0", "lat": 36.6}, "lon"),
    ({"category": "SR01", "description": "x", "lon": True, "lat": 36.6}, "lon"),
    ({"category": "SR01", "description": "x", "lon": 117.0, "lat": 91}, "lat"),
    ({"category": "SR01", "description": "x", "lon": 117.0, "lat": 36.6, "crs": "mars"}, "crs"),
    ({"category": "SR01", "description": "x", "lon": 117.0, "lat": 36.6, "source": "x"}, "source"),
    (
        {"category": "SR01", "description": "x", "lon": 117.0, "lat": 36.6, "report_id": "a b"},
        "report_id",
    ),
]


@pytest.mark.parametrize(("payload", "field"), MALFORMED)
def test_malformed_reports_name_the_field_and_store_nothing(
    client: Any, gridcc: GridCC, payload: dict[str, Any], field: str
) -> None:
    r = client.post("/api/reports", json=payload)
    assert r.status_code == 400
    assert r.json["error"] == "invalid_report"
    assert field in r.json["fields"]
    assert gridcc.store.last_seq() == 0
    [kept] = gridcc.store.rejections()
    assert kept["reason"] == "invalid_report" and json.loads(kept["body"]) == payload


@pytest.mark.parametrize(
    ("data", "content_type", "status", "error"),
    [
        ("{not json", "application/json", 400, "invalid_json"),
        ("NaN", "application/json", 400, "invalid_report"),
        ("[1, 2]", "application/json", 400, "invalid_report"),
        ("category=SR01", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ],
)
def test_bodies_that_are_not_a_report_object(
    client: Any, gridcc: GridCC, data: str, content_type: str, status: int, error: str
) -> None:
    r = client.post("/api/reports", data=data, content_type=content_type)
    assert r.status_code == status
    assert r.json["error"] == error
    assert gridcc.store.last_seq() == 0


def test_a_point_outside_every_cell_says_which_cell_is_nearest(
    client: Any, gridcc: GridCC, grid: Grid
) -> None:
    r = client.post("/api/reports", json=body(grid, lon=117.30, lat=36.65))
    assert r.status_code == 422
    assert r.json["error"] == "outside_grid"
    assert r.json["nearest_cell"] in grid.codes
    assert 5_000 < r.json["distance_m"] < 30_000
    assert gridcc.store.last_seq() == 0
    assert gridcc.store.rejections()[0]["reason"] == "outside_grid"


def test_oversized_body_is_refused_and_recorded(client: Any, gridcc: GridCC, grid: Grid) -> None:
    big = json.dumps(body(grid, description="字" * 9000))  # 27 KB of UTF-8
    r = client.post("/api/reports", data=big, content_type="application/json")
    assert r.status_code == 413
    assert r.json["error"] == "too_large"
    assert gridcc.store.last_seq() == 0
    assert gridcc.store.rejections()[0]["reason"] == "too_large"


def test_duplicate_submission_returns_the_same_case(
    client: Any, gridcc: GridCC, grid: Grid
) -> None:
    first = client.post("/api/reports", json=body(grid, report_id="app-42", source="patrol"))
    again = client.post("/api/reports", json=body(grid, report_id="app-42", source="patrol"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["case_id"] == first.json["case_id"] and again.json["duplicate"] is True
    assert gridcc.store.last_seq() == 1


def test_concurrent_duplicates_make_exactly_one_case(gridcc: GridCC, grid: Grid) -> None:
    answers: list[tuple[int, int]] = []
    start = threading.Barrier(8)

    def send() -> None:
        c = gridcc.server.test_client()
        start.wait()
        r = c.post("/api/reports", json=body(grid, report_id="storm-1"))
        answers.append((r.status_code, r.json["case_id"]))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(status for status, _ in answers) == [200] * 7 + [201]
    assert len({case_id for _, case_id in answers}) == 1
    assert gridcc.store.last_seq() == 1


def test_html_in_text_is_kept_verbatim_as_text(client: Any, gridcc: GridCC, grid: Grid) -> None:
    text = '<script>alert("x")</script>占道 & <b>经营</b>'
    r = client.post("/api/reports", json=body(grid, description=text))
    assert gridcc.store.get(r.json["case_id"]).description == text
    # JSON out is data, never markup; the page renders it with textContent (see e2e tests).
    assert client.get("/api/events?since=0").json["events"][0]["description"] == text


def test_control_characters_are_removed(client: Any, gridcc: GridCC, grid: Grid) -> None:
    r = client.post("/api/reports", json=body(grid, description="井盖\x00缺失\u202e\n第二行"))
    assert gridcc.store.get(r.json["case_id"]).description == "井盖缺失\n第二行"


def test_events_query_is_validated(client: Any) -> None:
    assert client.get("/api/events?since=abc").status_code == 400
    assert client.get("/api/events?since=-1").status_code == 400
    assert client.get("/api/events?since=0&limit=5").json == {
        "events": [],
        "through": 0,
        "more": False,
    }


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ("[" * 5000, "invalid_json"),  # nesting deep enough to exhaust the parser
        (
            '{"category": "SR01", "description": "x", "lon": 1' + "0" * 400 + ', "lat": 36.6}',
            "invalid_report",
        ),
    ],
)
def test_pathological_bodies_are_clear_400s(
    client: Any, gridcc: GridCC, data: str, error: str
) -> None:
    r = client.post("/api/reports", data=data, content_type="application/json")
    assert r.status_code == 400 and r.json["error"] == error
    assert gridcc.store.last_seq() == 0
    assert gridcc.store.rejections()[0]["reason"] == error


def test_lone_surrogates_and_nul_bytes_lose_nothing(
    client: Any, gridcc: GridCC, grid: Grid
) -> None:
    r = client.post("/api/reports", json=body(grid, description="井盖\ud800缺失"))
    assert r.status_code == 201
    assert gridcc.store.get(r.json["case_id"]).description == "井盖缺失"
    raw = '{"category": "SR01", "description": "x\x00", "lon": 117.0, "lat": 36.6}'
    r = client.post("/api/reports", data=raw, content_type="application/json")
    assert r.status_code == 400  # a raw NUL is not JSON; the refusal is still recorded
    assert "\\0" in gridcc.store.rejections()[0]["body"]


def test_same_report_id_with_other_content_is_refused(
    client: Any, gridcc: GridCC, grid: Grid
) -> None:
    first = client.post("/api/reports", json=body(grid, report_id="app-7", source="patrol"))
    other = client.post(
        "/api/reports", json=body(grid, report_id="app-7", source="patrol", description="别的事")
    )
    assert first.status_code == 201
    assert other.status_code == 409 and other.json["error"] == "duplicate_mismatch"
    assert other.json["case_id"] == first.json["case_id"]
    assert gridcc.store.last_seq() == 1
    assert gridcc.store.rejections()[0]["reason"] == "duplicate_mismatch"


def test_every_refusal_keeps_what_was_sent(client: Any, gridcc: GridCC, grid: Grid) -> None:
    """415s, bodies that are not UTF-8 and bodies over the limit are kept for review too:
    what arrived (its first 16 KB), not just that something did."""
    assert (
        client.post("/api/reports", data="category=SR01", content_type="text/plain").status_code
        == 415
    )
    bad = b'{"category": "SR01", "description": "\xff\xfe"}'
    assert client.post("/api/reports", data=bad, content_type="application/json").status_code == 400
    big = json.dumps(body(grid, description="字" * 9000))
    assert client.post("/api/reports", data=big, content_type="application/json").status_code == 413
    kept = {r["reason"]: r for r in gridcc.store.rejections()}
    assert kept["unsupported_media_type"]["body"] == "category=SR01"
    assert "text/plain" in kept["unsupported_media_type"]["detail"]
    assert kept["invalid_json"]["body"].startswith('{"category": "SR01"')
    assert "\\xff\\xfe" in kept["invalid_json"]["body"]
    too_large = kept["too_large"]["body"]
    assert len(too_large) > 5000 and big.startswith(too_large)
    assert gridcc.store.last_seq() == 0


def test_a_chunked_body_over_the_limit_is_413_not_400(
    client: Any, gridcc: GridCC, grid: Grid
) -> None:
    import io

    big = json.dumps(body(grid, description="字" * 9000)).encode()
    r = client.post(
        "/api/reports",
        input_stream=io.BytesIO(big),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        # as Werkzeug's server marks a chunked body: no Content-Length, the stream ends itself
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert r.status_code == 413, r.data
    assert gridcc.store.rejections()[0]["reason"] == "too_large"
