"""An id no platform table can hold is no item: 404 on both stores, never a server error
(the fuzzing of the API's description found these)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.dashboard.conftest import login
from tests.dashboard.quanxinyuan.conftest import public_client

TOO_BIG = (2**31, 2**63)
READS = (
    "/api/qxy/wishes/{}",
    "/api/qxy/problems/{}",
    "/api/qxy/needs/{}",
    "/api/qxy/needs/{}/suggestions",
    "/api/qxy/resources/{}",
    "/api/qxy/projects/{}",
)
STEPS = (
    "/api/qxy/wishes/{}/withdraw",
    "/api/qxy/problems/{}/accept",
    "/api/qxy/needs/{}/withdraw",
    "/api/qxy/projects/{}/done",
    "/api/qxy/calls/{}/close",
)


@pytest.mark.parametrize("big", TOO_BIG)
def test_an_id_too_big_for_a_table_is_not_found(qxy_center: tuple[Any, Any, Any], big: int) -> None:
    g, _parts, outbox = qxy_center
    sq = login(g, "sq")
    for path in READS:
        r = sq.get(path.format(big))
        assert r.status_code == 404 and r.json["error"] == "not_found", (path, r.json)
    for path in STEPS:
        r = sq.post(path.format(big), json={"reason": "x", "note": "x"})
        assert r.status_code == 404 and r.json["error"] == "not_found", (path, r.json)
    phone = public_client(g, outbox, "13800000001")
    for path in ("/api/qxy/photos/{}", "/api/qxy/problems/{}", "/api/qxy/wishes/{}"):
        r = phone.get(path.format(big))
        assert r.status_code == 404 and r.json["error"] == "not_found", (path, r.json)


def test_a_text_no_store_holds_names_nothing(qxy_center: tuple[Any, Any, Any]) -> None:
    g, _parts, _outbox = qxy_center
    sq, wall = login(g, "sq"), login(g, "wall")
    for path in ("/api/qxy/units/%00", "/api/qxy/wishes/1/%00", "/api/qxy/problems/1/%00"):
        r = (sq.get if path.startswith("/api/qxy/units") else sq.post)(path, json={})
        assert r.status_code == 404 and r.json["error"] == "not_found", (path, r.json)
    for path in ("/api/qxy/projects", "/api/qxy/needs", "/api/qxy/problems", "/api/qxy/teams"):
        r = wall.get(path, query_string={"community": "\x00"})
        assert r.status_code == 400 and r.json["error"] == "query", (path, r.json)
    r = wall.get("/api/qxy/needs", query_string={"community": "370102009001"})
    assert r.status_code == 200


def test_the_largest_id_is_still_asked_of_the_store(qxy_center: tuple[Any, Any, Any]) -> None:
    g, _parts, _outbox = qxy_center
    r = login(g, "sq").get(f"/api/qxy/needs/{2**31 - 1}")
    assert r.status_code == 404 and r.json["message"] == f"no need {2**31 - 1}"
