"""A third-party client that knows only the GeoReport v2 specification, over plain HTTP
against a real server thread: it lists services, files one request in XML and one in JSON,
and follows both until the center closes them (结案) through its own workflow."""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from werkzeug.serving import make_server

from tests.feeds.open311.conftest import Center


class GeoReportClient:
    """What any Open311 app does: format suffixes, form-encoded POSTs, the api_key."""

    def __init__(self, endpoint: str, api_key: str, jurisdiction_id: str) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.api_key = api_key
        self.jurisdiction_id = jurisdiction_id

    def _get(self, resource: str, fmt: str, **query: str) -> requests.Response:
        query["jurisdiction_id"] = self.jurisdiction_id
        r = requests.get(f"{self.endpoint}/{resource}.{fmt}", params=query, timeout=10)
        r.raise_for_status()
        return r

    @staticmethod
    def _xml_items(r: requests.Response, root: str) -> list[dict[str, str]]:
        assert r.headers["Content-Type"].startswith("text/xml")
        tree = ET.fromstring(r.content)
        assert tree.tag == root
        return [{child.tag: child.text or "" for child in item} for item in tree]

    def services(self, fmt: str) -> list[dict[str, Any]]:
        r = self._get("services", fmt)
        return r.json() if fmt == "json" else self._xml_items(r, "services")

    def create(self, fmt: str, **fields: Any) -> str:
        form = {"api_key": self.api_key, "jurisdiction_id": self.jurisdiction_id, **fields}
        r = requests.post(f"{self.endpoint}/requests.{fmt}", data=form, timeout=10)
        r.raise_for_status()
        items = r.json() if fmt == "json" else self._xml_items(r, "service_requests")
        return str(items[0]["service_request_id"])

    def request(self, fmt: str, service_request_id: str) -> dict[str, Any]:
        r = self._get(f"requests/{service_request_id}", fmt)
        items = r.json() if fmt == "json" else self._xml_items(r, "service_requests")
        return dict(items[0])

    def requests(self, fmt: str, **query: str) -> list[dict[str, Any]]:
        r = self._get("requests", fmt, **query)
        return r.json() if fmt == "json" else self._xml_items(r, "service_requests")


@pytest.fixture
def endpoint(center: Center) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, center.g.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/open311/v2"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_a_client_files_requests_and_tracks_them_to_closed(center: Center, endpoint: str) -> None:
    client = GeoReportClient(endpoint, center.keys["op"], "jinan-lixia")
    by_xml = {s["service_name"]: s for s in client.services("xml")}
    by_json = {s["service_name"]: s for s in client.services("json")}
    assert by_xml.keys() == by_json.keys()
    garbage = by_xml["暴露垃圾"]["service_code"]
    light = by_json["路灯不亮"]["service_code"]

    lon, lat = center.point(20)
    first = client.create("xml", service_code=garbage, lat=lat, long=lon, description="垃圾")
    second = client.create("json", service_code=light, lat=lat, long=lon, description="灯不亮")
    for fmt in ("xml", "json"):
        listed = {str(r["service_request_id"]) for r in client.requests(fmt, status="open")}
        assert {first, second} <= listed
        assert client.request(fmt, first)["status"] == "open"

    path = ("file", "dispatch", "accept", "handle", "verify", "close")
    for step, action in enumerate(path, start=1):
        center.walk(int(first), action)
        seen = client.request("xml", first)
        assert seen["status"] == ("closed" if step == len(path) else "open"), action
    center.walk(int(second), *path)

    for fmt in ("xml", "json"):
        for service_request_id in (first, second):
            record = client.request(fmt, service_request_id)
            assert record["status"] == "closed" and record["status_notes"] == "已办结"
        closed = {str(r["service_request_id"]) for r in client.requests(fmt, status="closed")}
        assert closed == {first, second}
        assert client.requests(fmt, status="open") == []
