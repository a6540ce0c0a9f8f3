"""The dashboard's half of one web instance: the Flask server and its sign-in, the hub
and presence on Socket.IO, the dashboard's API routes, and at the end the Dash pages and
the guards (which go on last, once every route and Dash's inline scripts are known).

The composition root (app.py) calls these in order and adds the feeds' routes between
them: the dashboard never imports the feeds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dash import Dash
from flask import Flask
from flask_socketio import SocketIO

from cases.photos import PhotoFiles
from cases.readiness import Readiness, redis_check, store_check
from dashboard import errors, guards, quanxinyuan, request_log
from dashboard.admin_api import admin_api
from dashboard.api import read_api
from dashboard.auth import Auth
from dashboard.calendar_api import calendar_api
from dashboard.cases_api import cases_api
from dashboard.desk_api import desk_api
from dashboard.export_api import export_api
from dashboard.fanout import Fanout
from dashboard.health_api import health_api
from dashboard.hub import Hub
from dashboard.limits import Limits
from dashboard.login import login_blueprint, refuse_kiosk_query
from dashboard.metrics_api import metrics_api
from dashboard.openapi import openapi_blueprint
from dashboard.patrol_page import patrol_blueprint
from dashboard.photos_api import photos_api
from dashboard.positions_api import positions_api
from dashboard.positions_hub import PositionsHub
from dashboard.presence import PresenceHub
from dashboard.presence_api import presence_api
from dashboard.site import PageContext, build_dash
from dashboard.urgent_alerts import UrgentAlerts
from dashboard.urgent_api import urgent_api

if TYPE_CHECKING:
    from app import Core, Settings
    from cases.outbox import Outbox
    from cases.positions import PositionBook
    from cases.presence import PresenceBook

JSON_TYPES = [
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/geo+json",
]


def create_server(settings: Settings) -> Flask:
    server = Flask("gridcc")
    server.config["SECRET_KEY"] = str(settings.secret_key)
    server.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    # Session cookies never ride along on another site's requests (CSRF), nor reach scripts.
    server.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    server.config["SESSION_COOKIE_HTTPONLY"] = True
    server.config["COMPRESS_MIMETYPES"] = JSON_TYPES
    # A production site is served over TLS (nginx in front): the cookie never goes over
    # plain http, where anyone on the path could take the session, unless PLAIN_HTTP says
    # the site has no TLS (a closed network).
    server.config["SESSION_COOKIE_SECURE"] = (
        settings.env != "development" and not settings.plain_http
    )
    return server


def behind_proxy(server: Flask, hops: int) -> None:
    """Trust the ``X-Forwarded-For`` and ``-Proto`` headers of ``hops`` proxies in front
    (nginx: 1), so the rate limits see the client's address and the cookies and the
    websocket's origin check the scheme the client used (wrapped outside Socket.IO's
    middleware). The proxy passes the client's Host itself. With 0 the headers are ignored:
    anyone could write them."""
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        server.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            server.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0
        )


def presence_book(settings: Settings) -> PresenceBook:
    """Who has what open: in Redis when the deployment has one (every process shares it),
    else in this process."""
    from cases.presence import LocalPresence

    if not settings.redis_url:
        return LocalPresence(settings.presence_seconds)
    from cases.presence_redis import RedisPresence, connect

    return RedisPresence(
        connect(settings.redis_url), settings.presence_prefix, settings.presence_seconds
    )


def position_book(settings: Settings) -> PositionBook:
    """Where the people on patrol are: in Redis when the deployment has one (every process
    shares it, under this deployment's own prefix), else in this process."""
    from cases.positions import LocalPositions

    if not settings.redis_url:
        return LocalPositions()
    from cases.positions_redis import RedisPositions
    from cases.presence_redis import connect

    return RedisPositions(connect(settings.redis_url), f"{settings.fanout_channel}-positions")


@dataclass
class Web:
    """What the dashboard's half has built so far, for the composition root to extend."""

    server: Flask
    socketio: SocketIO
    auth: Auth
    limits: Limits
    hub: Hub
    presence: PresenceHub
    positions: PositionBook
    alerts: UrgentAlerts
    # Logs besides the cases' that this web instance publishes (泉心愿's), started with it.
    outboxes: list[Outbox] = field(default_factory=list)


def start(
    core: Core,
    settings: Settings,
    socketio_for: Callable[[Settings, Flask], SocketIO],
    doors: dict[str, Any],
) -> Web:
    """The server with sign-in, the error pages (``doors``: prefix → how that door words
    an error), the limits, and the hub with presence subscribed to the core's events."""
    auth = Auth(core.users, core.keys, core.sessions, open_wall=settings.env == "development")
    server = create_server(settings)
    socketio = socketio_for(settings, server)
    behind_proxy(server, settings.proxy_hops)
    request_log.init_app(server)  # outermost: Socket.IO's requests get their line too
    auth.init_app(server)
    errors.init_app(server, doors)
    limits = Limits(server, auth, settings)
    refuse_kiosk_query(server)
    server.register_blueprint(login_blueprint(auth, limits))
    server.register_blueprint(admin_api(auth))
    presence = PresenceHub(socketio, presence_book(settings), core.store, core.grid, core.users)
    positions = position_book(settings)
    people = PositionsHub(socketio, positions, roles=settings.position_roles)
    hub = Hub(socketio, auth, settings.session_sweep_seconds, presence, people)
    hub.init_handlers()
    core.bus.subscribe_batch(hub.publish_batch)  # one frame per room per batch
    manager = socketio.server.manager if socketio.server else None
    if isinstance(manager, Fanout):  # Redis between the processes
        manager.on_relisten.append(lambda since: hub.replay(since, core.store))
    alerts = UrgentAlerts(socketio, core.store, core.roster, core.users, positions)
    core.bus.subscribe(alerts.publish)  # at once on the event: no desk in between
    hub.on_admit.append(alerts.resend)
    return Web(server, socketio, auth, limits, hub, presence, positions, alerts)


def add_routes(web: Web, core: Core, settings: Settings) -> None:
    """The dashboard's API: reads, case work, the desks, photos, presence, exports, the
    working calendar."""
    server, auth = web.server, web.auth
    server.register_blueprint(read_api(core.store, core.grid, auth))
    server.register_blueprint(cases_api(core.store, auth))
    server.register_blueprint(desk_api(core.store, core.grid, auth))
    # Before guards.init_app: its upload size hook must run before the CSRF check reads a form.
    server.register_blueprint(
        photos_api(core.store, auth, PhotoFiles(settings.media_dir), settings.photo_limits)
    )
    server.register_blueprint(presence_api(web.presence, auth))
    server.register_blueprint(
        positions_api(
            core.store, core.grid, core.roster, web.positions, auth, settings.position_roles
        )
    )
    server.register_blueprint(openapi_blueprint())
    server.register_blueprint(metrics_api(auth, core.store.engine))
    server.register_blueprint(health_api(readiness(core, settings)))
    server.register_blueprint(export_api(core.store, auth))
    server.register_blueprint(calendar_api(core.store, auth, settings.calendar_warn_days))
    server.register_blueprint(urgent_api(core.store, auth, web.alerts, core.grid))
    server.register_blueprint(patrol_blueprint(web, core))
    add_people_routes(web, core)
    quanxinyuan.register(web, core, settings)


def readiness(core: Core, settings: Settings) -> Readiness:
    """What /readyz checks: the store, and Redis when the deployment fans out through it."""
    checks = [store_check(core.store.engine)]
    if settings.redis_url:
        checks.append(redis_check(settings.redis_url))
    return Readiness(checks)


def add_people_routes(web: Web, core: Core) -> None:
    """The roster: read by every viewer (phones by the access policy), kept by admins."""
    from cases.people_admin import RosterAdmin
    from dashboard.admin_people_api import admin_people_api
    from dashboard.people_api import people_api

    cells = frozenset(core.grid.codes)
    web.server.register_blueprint(people_api(core.roster, cells, core.store.now, web.auth))
    admin = RosterAdmin(core.roster, cells, lambda name: core.users.get(name) is not None)
    web.server.register_blueprint(admin_people_api(admin, web.auth, core.store.now))


def finish(web: Web, core: Core, settings: Settings, assets: Path) -> Dash:
    """The Dash pages, then the guards with the CSP of every inline script now known."""
    pages = PageContext(
        core.store,
        core.grid,
        web.auth,
        settings.tile_url,
        settings.calendar_warn_days,
        settings.position_roles,
    )
    dash_app = build_dash(web.server, pages, assets)
    csp = guards.content_security_policy(settings.tile_url, dash_app.csp_hashes())
    guards.init_app(web.server, web.auth, csp)
    return dash_app
