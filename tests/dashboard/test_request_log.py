"""One JSON log line per request with its id, and no token, session, password or phone in
any log line of a real server's run; sockets counted by role on ``/metrics``."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
from sqlalchemy import create_engine

from app import GridCC, chosen_log_format
from cases import logs
from cases.catalog import load_catalog
from cases.keys import KeyRing
from cases.store import Store
from cases.users import UserDirectory
from cases.workflow import Role
from geo.grid import Grid
from tests.dashboard.conftest import PASSWORD, TEST_SECRET, form_login, login
from tests.dashboard.test_metrics_api import figure
from tests.serving import server_process

PHONE = "13912345678"


@contextmanager
def logging_into(log_format: str, quiet_requests: bool = False) -> Iterator[io.StringIO]:
    """Logs set up as a process sets them, into a buffer; pytest's own are put back after."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    buffer = io.StringIO()
    logs.configure(log_format, quiet_requests, stream=buffer)
    try:
        yield buffer
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])
        for name in ("werkzeug", logs.REQUESTS_LOGGER):
            logging.getLogger(name).setLevel(logging.NOTSET)


@pytest.fixture
def log_lines() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """As a production process logs (JSON): the lines so far, decoded."""
    with logging_into("json") as buffer:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]


def requests_logged(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if line["logger"] == logs.REQUESTS_LOGGER]


def test_a_request_has_one_json_line_with_its_id(
    center: tuple[GridCC, dict[str, str]], log_lines: Callable[[], list[dict[str, Any]]]
) -> None:
    g, tokens = center
    client = g.server.test_client()
    given = "0123456789abcdef0123456789abcdef"  # nginx's $request_id
    with client.get(
        "/api/snapshot?lang=en",
        headers={"X-Request-Id": given, "Authorization": f"Bearer {tokens['op']}"},
    ) as r:
        assert r.status_code == 200 and r.headers["X-Request-Id"] == given
    for bad in ("short", "x" * 65, "a b c d e f g h", "<script>alert(1)</script>"):
        with client.get("/api/seq", headers={"X-Request-Id": bad}) as r:
            made = r.headers["X-Request-Id"]
            assert made != bad and len(made) == 32
    (line, *others) = requests_logged(log_lines())
    assert line["request_id"] == given
    assert line["method"] == "GET" and line["path"] == "/api/snapshot"  # no query string
    assert line["status"] == 200 and line["role"] == "operator"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert len(others) == 4
    assert all(o["status"] == 401 and o["role"] == "nobody" for o in others)


def test_lines_made_in_a_request_carry_its_id(
    center: tuple[GridCC, dict[str, str]], log_lines: Callable[[], list[dict[str, Any]]]
) -> None:
    g, _ = center
    with g.server.test_request_context():
        logs.REQUEST_ID.set("feedfacefeedface")
        logging.getLogger("gridcc.anything").warning("inside")
        logs.REQUEST_ID.set("")
    logging.getLogger("gridcc.anything").warning("outside")
    inside, outside = [line for line in log_lines() if line["logger"] == "gridcc.anything"]
    assert inside["request_id"] == "feedfacefeedface" and outside["request_id"] == ""


def test_a_path_naming_a_person_is_logged_as_its_route(
    center: tuple[GridCC, dict[str, str]], log_lines: Callable[[], list[dict[str, Any]]]
) -> None:
    g, _ = center
    with login(g, "admin").delete("/api/admin/users/li-cg/sessions") as r:
        assert r.status_code == 200
    (line,) = [x for x in requests_logged(log_lines()) if x["method"] == "DELETE"]
    assert line["path"] == "/api/admin/users/<username>/sessions" and line["role"] == "admin"
    assert "li-cg" not in json.dumps(log_lines())


def test_the_demo_keeps_warnings_and_leaves_requests_out(make_app: Callable[..., GridCC]) -> None:
    g = make_app()
    with logging_into("text", quiet_requests=True) as buffer:
        with g.server.test_client().get("/api/seq") as r:
            assert r.status_code == 200
        logging.getLogger("gridcc.sim").warning("the calendar runs out")
    text = buffer.getvalue()
    assert "the calendar runs out" in text and "WARNING" in text
    assert "/api/seq" not in text


def prepared_store(tmp_path: Path) -> tuple[str, dict[str, str]]:
    """A production store with an operator, a wall key and a scraper's key."""
    url = f"sqlite:///{tmp_path / 'gridcc.db'}"
    engine = create_engine(url)
    Store(engine, load_catalog()).create_schema()
    secrets = {
        "op_token": UserDirectory(engine).add("op", Role.OPERATOR, PASSWORD),
        "wall_key": KeyRing(engine).create("wall-1", "wall"),
        "scraper": KeyRing(engine).create("prometheus", "metrics"),
    }
    engine.dispose()
    return url, secrets


def wait_for(check: Callable[[], bool], what: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"never: {what}")
        time.sleep(0.05)


def test_a_real_run_logs_no_secret_and_counts_sockets_by_role(tmp_path: Path, grid: Grid) -> None:
    url, secrets = prepared_store(tmp_path)
    log_path = tmp_path / "server.log"
    env = {"GRIDCC_ENV": "production", "SECRET_KEY": TEST_SECRET, "SPOOL_DIR": str(tmp_path)}
    seen: list[str] = []  # every secret and personal datum the run handles
    with server_process(url, "", log_path, env=env) as (base, _proc):

        def metrics() -> str:
            auth = {"Authorization": f"Bearer {secrets['scraper']}"}
            r = requests.get(f"{base}/metrics", headers=auth, timeout=5)
            assert r.status_code == 200
            return r.text

        # The wall: an old kiosk link (the key in the query), then the kiosk's sign-in.
        wall = requests.Session()
        old = wall.get(f"{base}/?kiosk={secrets['wall_key']}", allow_redirects=False, timeout=5)
        assert old.status_code == 302
        assert wall.post(f"{base}/api/kiosk", json={"token": secrets["wall_key"]}, timeout=5).ok
        seen.append(wall.cookies["session"])
        # A person by password, in the JSON sign-in and the form.
        desk = requests.Session()
        signed = desk.post(f"{base}/api/login", json={"username": "op", "password": PASSWORD})
        assert signed.ok
        seen += [signed.json()["csrf_token"], desk.cookies["session"]]
        page = requests.Session()
        assert form_login(_Browser(page, base), "op").status_code == 302
        seen.append(page.cookies["session"])
        # Reports with the reporter's phone: one taken, one refused.
        lon, lat = grid.geometries[5].representative_point().coords[0]
        report = {"category": "SR01", "description": "井盖缺失", "lon": lon, "lat": lat}
        report["reporter"] = f"张先生 {PHONE}"
        bearer = {"Authorization": f"Bearer {secrets['op_token']}"}
        assert requests.post(f"{base}/api/reports", json=report, headers=bearer).status_code == 201
        refused = {**report, "lat": 95.0}
        assert requests.post(f"{base}/api/reports", json=refused, headers=bearer).status_code == 400
        # A real socket, opened with the kiosk's session: counted under its role.
        before = figure(metrics(), "gridcc_connected_clients", role="wall")
        client = socketio.Client(reconnection=False)
        client.connect(
            base,
            transports=["websocket"],
            headers={"Cookie": f"session={wall.cookies['session']}"},
            wait_timeout=10,
        )
        try:
            wait_for(
                lambda: figure(metrics(), "gridcc_connected_clients", role="wall") == before + 1,
                "the wall's socket counted",
            )
            assert figure(metrics(), "gridcc_connected_clients", role="operator") == 0
        finally:
            client.disconnect()
        wait_for(
            lambda: figure(metrics(), "gridcc_connected_clients", role="wall") == before,
            "the wall's socket counted off",
        )
        refusals = figure(metrics(), "gridcc_intake_refusals_total", reason="invalid_report")
        assert refusals == 1
        wait_for(lambda: "/socket.io/" in log_path.read_text(), "the socket's request line")
    text = log_path.read_text(encoding="utf-8")
    seen += [secrets["wall_key"], secrets["op_token"], secrets["scraper"], PASSWORD, PHONE]
    for secret in seen:
        assert secret not in text, f"{secret[:6]}… is in the log"
    assert "kiosk=" not in text and "Bearer" not in text
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    logged = requests_logged(lines)
    assert {("GET", "/", 302), ("POST", "/api/kiosk", 200), ("POST", "/login", 302)} <= {
        (line["method"], line["path"], line["status"]) for line in logged
    }
    assert {"wall", "operator"} <= {line["role"] for line in logged}
    assert all(len(line["request_id"]) == 32 for line in logged)
    # Nothing but JSON lines and the start-up lines (ours, and Flask's banner: " * …").
    starts = ("{", "gridcc: http", " * ")
    assert not [x for x in text.splitlines() if x and not x.startswith(starts)]


class _Browser:
    """``form_login``'s client, over HTTP: a requests session at ``base``."""

    def __init__(self, session: requests.Session, base: str) -> None:
        self.session, self.base = session, base

    def get(self, path: str) -> Any:
        r = self.session.get(self.base + path, timeout=5)
        r.get_data = lambda as_text=False: r.text  # type: ignore[attr-defined]
        return r

    def post(self, path: str, data: dict[str, str]) -> Any:
        return self.session.post(self.base + path, data=data, allow_redirects=False, timeout=5)


def test_log_format_follows_the_environment_unless_set() -> None:
    assert chosen_log_format({}) == "text"
    assert chosen_log_format({"GRIDCC_ENV": "production"}) == "json"
    assert chosen_log_format({"GRIDCC_ENV": "production", "LOG_FORMAT": "text"}) == "text"
    with pytest.raises(SystemExit, match="LOG_FORMAT"):
        chosen_log_format({"LOG_FORMAT": "xml"})
