"""A production-mode center on SQLite and PostgreSQL, with a reporting key, a wall's key and
helpers that read Open311 answers the way a client would (lxml, json)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from lxml import etree

from app import GridCC
from cases.workflow import Actor, Role
from tests.dashboard.conftest import PASSWORD, TEST_SECRET

BASE = "/open311/v2"
DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'


@dataclass
class Center:
    g: GridCC
    keys: dict[str, str]

    @property
    def client(self) -> Any:
        return self.g.server.test_client()

    def point(self, index: int = 20) -> tuple[float, float]:
        """(lon, lat) inside grid cell ``index``."""
        lon, lat = self.g.grid.geometries[index].representative_point().coords[0]
        return float(lon), float(lat)

    def post(self, fmt: str, **form: Any) -> Any:
        return self.client.post(f"{BASE}/requests.{fmt}", data=form)

    def file(self, code: str = "SR01", index: int = 20, **form: Any) -> int:
        """File a request as the operator's key; its service_request_id."""
        lon, lat = self.point(index)
        r = self.post("json", api_key=self.keys["op"], service_code=code, lat=lat, long=lon, **form)
        assert r.status_code == 201, r.data
        return int(r.json[0]["service_request_id"])

    def report(self, code: str, index: int = 20) -> int:
        """Report through the center's own intake (/api/reports), any category."""
        lon, lat = self.point(index)
        r = self.client.post(
            "/api/reports",
            json={"category": code, "description": "家里吵架", "lon": lon, "lat": lat},
            headers={"Authorization": f"Bearer {self.keys['op']}"},
        )
        assert r.status_code == 201, r.data
        return int(r.json["case_id"])

    def walk(self, case_id: int, *actions: str) -> None:
        """Take ``actions`` on the case through the store's workflow, as the desk and the
        case's department would."""
        desk = Actor("op", Role.OPERATOR)
        for name in actions:
            case = self.g.store.get(case_id)
            liaison = Actor("li", Role.LIAISON, case.department)
            actor = liaison if name in ("accept", "handle") else desk
            reason = "重复上报" if name == "void" else ""
            self.g.store.apply(case_id, name, actor, reason=reason)


@pytest.fixture
def center(database_url: str, make_app: Callable[..., GridCC]) -> Center:
    return _center(database_url, make_app)


@pytest.fixture(scope="module")
def reading_center(module_database_url: str, make_module_app: Callable[..., GridCC]) -> Center:
    """One center for a module's tests that only read (bad queries answered 400)."""
    return _center(module_database_url, make_module_app)


def _center(database_url: str, make_app: Callable[..., GridCC]) -> Center:
    # The fuzz sends hundreds of reads a minute from one address: the public door's own
    # limit is tested by itself (test_fuzz_open311.py).
    g = make_app(
        database_url,
        gridcc_env="production",
        secret_key=TEST_SECRET,
        public_rate_limit="100000/minute",
    )
    keys = {
        # What a third party holds: an API key scoped to intake (the hotline's, say).
        "op": g.keys.create("hotline-12345", "intake"),
        "wall": g.keys.create("wall-1", "wall"),
        "dept": g.keys.create("chengguan-system", "department", "chengguan"),
        # A person's own token (a liaison may report what they see on the street).
        "li": g.users.add("li", Role.LIAISON, PASSWORD, department="chengguan"),
    }
    return Center(g, keys)


def xml_root(response: Any) -> Any:
    """The answer's root element, after checking the XML declaration and content type."""
    assert response.content_type == "text/xml; charset=utf-8"
    assert response.data.startswith(DECLARATION)
    return etree.fromstring(response.data)


def json_body(response: Any) -> Any:
    assert response.content_type == "application/json; charset=utf-8"
    return json.loads(response.data.decode("utf-8"))


def children(element: Any) -> dict[str, str]:
    """An element's child elements as {tag: text} ('' for an empty element)."""
    return {child.tag: child.text or "" for child in element}


def tags(element: Any) -> list[str]:
    return [child.tag for child in element]


def error_list(response: Any, fmt: str) -> list[tuple[int, str]]:
    """The errors array of an answer, checked for its shape in either format."""
    if fmt == "xml":
        root = xml_root(response)
        assert root.tag == "errors" and tags(root) and set(tags(root)) == {"error"}
        out = []
        for error in root:
            assert tags(error) == ["code", "description"]
            out.append((int(error.findtext("code")), error.findtext("description")))
        return out
    from tests.feeds.open311.schemas import ERRORS, validate

    body = json_body(response)
    validate(ERRORS, body)
    return [(int(e["code"]), e["description"]) for e in body]
