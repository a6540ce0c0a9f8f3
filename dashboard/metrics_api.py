"""``GET /metrics``: what this deployment counts (cases/metrics.py), in Prometheus's text
format, and the counts only the web side can keep: sockets by role, the store's pool.

Who may read it: a key of scope ``metrics`` (the scraper), or an admin signed in; in
development anyone, like the wall. With ``PROMETHEUS_MULTIPROC_DIR`` set (``gridcc serve
--workers N``) the answer adds up every worker's figures, whichever worker is asked.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from flask import Blueprint, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import Engine, event

from cases import access
from cases.metrics import CONNECTED_CLIENTS, DB_POOL_CHECKED_OUT, DB_POOL_SIZE
from cases.workflow import Actor
from dashboard.auth import Auth
from dashboard.request_log import note_role

PATH = "/metrics"
MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"

# This process's admitted sockets and the role each was counted under, so that a socket
# closed for whatever reason is taken off its own role's count (the gauge, like this
# map, is per process; multiprocess mode adds the live processes up).
_clients: dict[str, str] = {}
_clients_lock = threading.Lock()


def client_admitted(sid: str, actor: Actor | None) -> None:
    """The hub admitted socket ``sid`` for ``actor``: one more client of that role."""
    role = actor.role.value if actor is not None else "nobody"
    note_role(role)
    with _clients_lock:
        if sid in _clients:
            return
        _clients[sid] = role
    CONNECTED_CLIENTS.labels(role=role).inc()


def client_gone(sid: str) -> None:
    """Socket ``sid`` closed (said as often as the hub likes: counted off once)."""
    with _clients_lock:
        role = _clients.pop(sid, None)
    if role is not None:
        CONNECTED_CLIENTS.labels(role=role).dec()


def watch_pool(engine: Engine) -> None:
    """Keep the pool's figures current as connections are taken and given back: under
    several workers each one's figure must be current whichever worker is scraped."""

    def sample(*_args: Any) -> None:
        pool_figures(engine)

    event.listen(engine, "checkout", sample)
    event.listen(engine, "checkin", sample)


def pool_figures(engine: Engine) -> None:
    """Connections in use and the pool's size, read from the engine's pool now."""
    pool: Any = engine.pool
    if hasattr(pool, "checkedout"):
        DB_POOL_CHECKED_OUT.set(pool.checkedout())
    if hasattr(pool, "size"):
        DB_POOL_SIZE.set(pool.size())


def exposition() -> bytes:
    """Every metric in the text format: this process's, or every worker's in multiprocess
    mode (each writes its figures to files in ``PROMETHEUS_MULTIPROC_DIR``)."""
    if os.environ.get(MULTIPROC_DIR):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def metrics_api(auth: Auth, engine: Engine) -> Blueprint:
    """Open to all where the wall is (development), else to ``access.may_read_metrics``."""
    bp = Blueprint("metrics", __name__)
    watch_pool(engine)

    def metrics() -> Response:
        pool_figures(engine)
        return Response(
            exposition(), content_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"}
        )

    view = metrics if auth.open_wall else auth.require(access.may_read_metrics)(metrics)
    bp.add_url_rule(PATH, "metrics", view, methods=["GET"])
    return bp
