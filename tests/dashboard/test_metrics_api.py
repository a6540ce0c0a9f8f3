"""``GET /metrics``: who may read it, and what it counts (refusals by reason, the store's
pool; sockets by role are counted through a real server in test_request_log.py). Under
several worker processes the figures of all are added up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from app import GridCC
from geo.grid import Grid
from tests.dashboard.conftest import login

ROOT = Path(__file__).resolve().parents[2]


def figure(text: str, name: str, **labels: str) -> float:
    """One sample of the exposition ``text`` (0 when it is not there yet)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


def scrape(client: object, token: str) -> str:
    r = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})  # type: ignore[attr-defined]
    assert r.status_code == 200, r.data[:200]
    assert r.mimetype == "text/plain"
    return str(r.get_data(as_text=True))


def test_metrics_are_for_the_scraper_and_admins(center: tuple[GridCC, dict[str, str]]) -> None:
    g, tokens = center
    client = g.server.test_client()
    assert client.get("/metrics").status_code == 401
    for name in ("op", "lead", "wall", "li-cg"):
        r = client.get("/metrics", headers={"Authorization": f"Bearer {tokens[name]}"})
        assert r.status_code == 403, name
        assert r.json["error"] == "forbidden"
    for scope in ("intake", "wall"):
        key = g.keys.create(f"not-metrics-{scope}", scope)
        assert client.get("/metrics", headers={"Authorization": f"Bearer {key}"}).status_code == 403
    scraper = g.keys.create("prometheus", "metrics")
    assert "gridcc_intake_refusals_total" in scrape(client, scraper)
    # An admin signed in reads it by session; an admin's own token too.
    r = login(g, "admin").get("/metrics")
    assert r.status_code == 200 and "gridcc_db_pool_size" in r.get_data(as_text=True)
    assert scrape(client, tokens["admin"])
    # Revoked: refused at once.
    g.keys.revoke("prometheus")
    assert client.get("/metrics", headers={"Authorization": f"Bearer {scraper}"}).status_code == 401


def test_development_opens_metrics_like_the_wall(make_app: object) -> None:
    g = make_app()  # type: ignore[operator]
    r = g.server.test_client().get("/metrics")
    assert r.status_code == 200 and "gridcc_connected_clients" in r.get_data(as_text=True)


def test_refusals_are_counted_by_reason(center: tuple[GridCC, dict[str, str]], grid: Grid) -> None:
    g, _ = center
    client = g.server.test_client()
    scraper = g.keys.create("prometheus", "metrics")
    before = scrape(client, scraper)
    op = login(g, "op")
    assert op.post("/api/reports", json={"category": "SR01"}).status_code == 400
    assert op.post("/api/reports", json={"category": "SR01"}).status_code == 400
    far = {"category": "SR01", "description": "x", "lon": 100.0, "lat": 20.0}
    assert op.post("/api/reports", json=far).status_code == 422
    assert client.post("/api/reports", json=far).status_code == 401  # no credential at all
    lon, lat = grid.geometries[3].representative_point().coords[0]
    near = {"category": "SR01", "description": "x", "lon": lon, "lat": lat}
    assert op.post("/api/reports", json=near).status_code == 201  # accepted: no refusal
    after = scrape(client, scraper)
    name = "gridcc_intake_refusals_total"
    for reason, more in (("invalid_report", 2), ("outside_grid", 1), ("unauthenticated", 1)):
        grew = figure(after, name, reason=reason) - figure(before, name, reason=reason)
        assert grew == more, reason


def test_the_pool_is_read_when_scraped(center: tuple[GridCC, dict[str, str]]) -> None:
    g, _ = center
    client = g.server.test_client()
    scraper = g.keys.create("prometheus", "metrics")
    # Two held here, read at the scrape (not compared with an "idle" scrape before: the
    # outboxes' threads take a connection now and then, and one was out during it in CI).
    with g.store.engine.connect(), g.store.engine.connect():
        busy = scrape(client, scraper)
    assert figure(busy, "gridcc_db_pool_checked_out") >= 2
    assert figure(busy, "gridcc_db_pool_size") == g.store.engine.pool.size()  # type: ignore[attr-defined]


COUNT_ONE = """
from cases.metrics import INTAKE_REFUSALS
INTAKE_REFUSALS.labels(reason="invalid_report").inc()
"""
EXPOSE = """
import sys
from dashboard.metrics_api import exposition
sys.stdout.write(exposition().decode())
"""


def test_workers_figures_add_up_in_multiprocess_mode(tmp_path: Path) -> None:
    """Two worker processes count; a third, asked, answers with both."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}

    def run(code: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    run(COUNT_ONE)
    run(COUNT_ONE)
    text = run(EXPOSE)
    assert figure(text, "gridcc_intake_refusals_total", reason="invalid_report") == 2
