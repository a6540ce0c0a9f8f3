"""gridcc's composition root: settings → core (store, bus, grid, clock) → Flask + Dash +
Socket.IO.

Nothing is opened or started at import time: ``build_core(settings)`` makes the parts every
command shares, ``create_app(settings)`` wires one web instance around them, and ``cli``
decides what to run.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cases.calendar import WARN_DAYS

if TYPE_CHECKING:
    from dash import Dash
    from flask import Flask
    from flask_socketio import SocketIO

    from cases.actors import Role
    from cases.bus import EventBus
    from cases.keys import KeyRing
    from cases.outbox import Outbox
    from cases.people import Roster
    from cases.photos import PhotoLimits
    from cases.sessions import Lifetimes, SessionBook
    from cases.store import Store
    from cases.users import UserDirectory
    from dashboard.hub import Hub
    from feeds.intake import Intake
    from geo.grid import Grid

ROOT = Path(__file__).resolve().parent
DEV_SECRET = "gridcc-development-only"
MIN_SECRET_LENGTH = 32
DEFAULT_GRID_FILE = "var/grid.geojson"


class Secret(str):
    """A string that never shows itself in logs, reprs or tracebacks."""

    def __repr__(self) -> str:
        return "Secret('**********')"


# name, default, help — the single list of settings (README documents each one).
SETTINGS: list[tuple[str, str, str]] = [
    (
        "DATABASE_URL",
        "sqlite:///var/gridcc.db",
        "SQLAlchemy URL of the case store (SQLite file or postgresql://…).",
    ),
    ("REDIS_URL", "", "Redis URL; when set, events fan out to every app process through Redis."),
    (
        "FANOUT_CHANNEL",
        "",
        "Redis pub/sub channel of this deployment's events; default: derived from "
        "DATABASE_URL, so deployments sharing one Redis server never see each other's events.",
    ),
    (
        "INTAKE_STREAM",
        "",
        "Redis stream department systems add reports to (`gridcc queue consume`); default: "
        "derived from DATABASE_URL like FANOUT_CHANNEL; dead letters go to <name>:dead.",
    ),
    ("HOST", "127.0.0.1", "Address the server listens on."),
    (
        "PROXY_HOPS",
        "0",
        "Proxies in front of gridcc whose X-Forwarded-For and X-Forwarded-Proto are trusted "
        "(deploy/nginx/gridcc.conf: 1); 0: none, the headers are ignored.",
    ),
    (
        "PLAIN_HTTP",
        "0",
        "1: the production site is served over plain http (no TLS, a closed network only), "
        "so the session cookie goes without the Secure flag; 0: Secure outside development.",
    ),
    ("PORT", "8050", "Port the server listens on."),
    (
        "SECRET_KEY",
        DEV_SECRET,
        "Flask secret key; the default is refused unless GRIDCC_ENV=development.",
    ),
    ("GRIDCC_ENV", "development", "development or production."),
    (
        "LOG_FORMAT",
        "",
        "json (one JSON object a line) or text; default: json in production, text in development.",
    ),
    (
        "GRID_FILE",
        DEFAULT_GRID_FILE,
        "GeoJSON of the grid cells (`gridcc grid import` writes it); while it does not exist, "
        "the bundled synthetic 历下区 grid.",
    ),
    (
        "TILE_URL",
        "",
        "Raster tiles under the map, a URL with {z}/{x}/{y} (天地图 or a local tile server); "
        "empty: no tiles, nothing fetched from outside.",
    ),
    (
        "SPOOL_DIR",
        "var/spool",
        "Where refused reports wait, one file per process, while the store is away; moved "
        "into the store by the next refusal once it is back.",
    ),
    (
        "MEDIA_DIR",
        "var/media",
        "Where photos attached to cases are kept, each file named by its SHA-256; every app "
        "process must see the same folder.",
    ),
    ("PHOTO_MAX_BYTES", str(8 * 1024 * 1024), "Largest photo upload taken, in bytes."),
    (
        "PHOTO_MAX_PIXELS",
        "40000000",
        "Most pixels (width × height) a photo may decode to: refuses decompression bombs.",
    ),
    (
        "SESSION_IDLE_MINUTES",
        "30",
        "A signed-in session ends after this long without a request (a wall's kiosk session "
        "does not idle out).",
    ),
    ("SESSION_MAX_HOURS", "12", "A signed-in session ends this long after sign-in, used or not."),
    ("KIOSK_SESSION_DAYS", "30", "A wall's kiosk session ends this long after it was opened."),
    (
        "SESSION_SWEEP_SECONDS",
        "5",
        "How often each process closes the sockets of sessions and keys that ended.",
    ),
    (
        "LOGIN_RATE_LIMIT",
        "10/minute;30/hour",
        "Sign-in attempts allowed per user name (each counted before the password is "
        "checked); past it every attempt answers 429.",
    ),
    ("LOGIN_ADDRESS_LIMIT", "60/minute;300/hour", "Failed sign-ins allowed per client address."),
    ("KEY_RATE_LIMIT", "600/minute", "Requests allowed per API key."),
    (
        "PUBLIC_RATE_LIMIT",
        "300/minute",
        "Requests allowed per client address on the public doors (Open311) without a key.",
    ),
    (
        "PRESENCE_SECONDS",
        "90",
        "How long a screen's presence on a case or on grid cells lasts without its heartbeat "
        "(browsers re-announce every third of it); a crashed process's presence runs out so.",
    ),
    (
        "CALENDAR_WARN_DAYS",
        str(WARN_DAYS),
        "Days before the first day past the working calendar (a year whose official schedule "
        "is not entered) from which the wall and the admin page warn.",
    ),
    (
        "POSITION_ROLES",
        "operator,lead,wall",
        "Who sees where the people on patrol are (the map's dots, the nearest people to a "
        "case): a comma-separated choice among operator, lead and wall; it can narrow that "
        "list, never widen it (liaisons, grid workers and admins never see positions).",
    ),
    (
        "SIMULATE_RATE",
        "0",
        "Simulated reports per minute (0 = none): in development fed in-process (`gridcc demo` "
        "sets 3), in production by a simulator process beside the server.",
    ),
]


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str
    fanout_channel_setting: str
    host: str
    port: int
    secret_key: Secret
    env: str
    grid_file: str
    simulate_rate: float
    tile_url: str = ""
    spool_dir: str = "var/spool"
    media_dir: str = "var/media"
    photo_max_bytes: int = 8 * 1024 * 1024
    photo_max_pixels: int = 40_000_000
    session_idle_minutes: float = 30.0
    session_max_hours: float = 12.0
    kiosk_session_days: float = 30.0
    session_sweep_seconds: float = 5.0
    login_rate_limit: str = "10/minute;30/hour"
    login_address_limit: str = "60/minute;300/hour"
    key_rate_limit: str = "600/minute"
    public_rate_limit: str = "300/minute"
    intake_stream_setting: str = ""
    presence_seconds: float = 90.0
    calendar_warn_days: int = WARN_DAYS
    position_roles_setting: str = "operator,lead,wall"
    log_format: str = "text"
    proxy_hops: int = 0
    plain_http: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        env = dict(os.environ if environ is None else environ)
        values = {name: env.get(name, default) for name, default, _help in SETTINGS}
        values.update({k.upper(): str(v) for k, v in overrides.items()})
        settings = cls(
            database_url=values["DATABASE_URL"],
            redis_url=values["REDIS_URL"],
            fanout_channel_setting=values["FANOUT_CHANNEL"],
            host=values["HOST"],
            port=int(values["PORT"]),
            secret_key=Secret(values["SECRET_KEY"]),
            env=values["GRIDCC_ENV"],
            grid_file=values["GRID_FILE"],
            simulate_rate=float(values["SIMULATE_RATE"]),
            tile_url=values["TILE_URL"],
            spool_dir=values["SPOOL_DIR"],
            media_dir=values["MEDIA_DIR"],
            photo_max_bytes=int(values["PHOTO_MAX_BYTES"]),
            photo_max_pixels=int(values["PHOTO_MAX_PIXELS"]),
            session_idle_minutes=float(values["SESSION_IDLE_MINUTES"]),
            session_max_hours=float(values["SESSION_MAX_HOURS"]),
            kiosk_session_days=float(values["KIOSK_SESSION_DAYS"]),
            session_sweep_seconds=float(values["SESSION_SWEEP_SECONDS"]),
            login_rate_limit=values["LOGIN_RATE_LIMIT"],
            login_address_limit=values["LOGIN_ADDRESS_LIMIT"],
            key_rate_limit=values["KEY_RATE_LIMIT"],
            public_rate_limit=values["PUBLIC_RATE_LIMIT"],
            intake_stream_setting=values["INTAKE_STREAM"],
            presence_seconds=float(values["PRESENCE_SECONDS"]),
            calendar_warn_days=int(values["CALENDAR_WARN_DAYS"]),
            position_roles_setting=values["POSITION_ROLES"],
            log_format=chosen_log_format(values),
            proxy_hops=int(values["PROXY_HOPS"]),
            plain_http=values["PLAIN_HTTP"].strip().lower() in ("1", "true", "yes"),
        )
        _ = settings.position_roles  # a wrong value stops the start, saying why
        if settings.env != "development" and (
            settings.secret_key == DEV_SECRET or len(settings.secret_key) < MIN_SECRET_LENGTH
        ):
            raise SystemExit(
                f"SECRET_KEY must be set outside development (GRIDCC_ENV={settings.env}), "
                f"at least {MIN_SECRET_LENGTH} characters: e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
            )
        return settings

    @property
    def position_roles(self) -> frozenset[Role]:
        """The roles that see the people on patrol (``POSITION_ROLES``, checked)."""
        from cases.access import position_roles

        try:
            return position_roles(self.position_roles_setting)
        except ValueError as exc:
            raise SystemExit(f"POSITION_ROLES: {exc}") from None

    @property
    def photo_limits(self) -> PhotoLimits:
        from cases.photos import PhotoLimits

        return PhotoLimits(self.photo_max_bytes, self.photo_max_pixels)

    @property
    def lifetimes(self) -> Lifetimes:
        from cases.sessions import Lifetimes

        return Lifetimes(
            idle_s=self.session_idle_minutes * 60,
            login_s=self.session_max_hours * 3600,
            kiosk_s=self.kiosk_session_days * 86400,
        )

    @property
    def fanout_channel(self) -> str:
        """This deployment's Redis channel: Redis pub/sub ignores the database number, so
        two deployments on one server are kept apart by the store they serve."""
        return self.fanout_channel_setting or f"gridcc-{self._store_digest()}"

    @property
    def intake_stream(self) -> str:
        """This deployment's intake stream (keys share a Redis database, so, as the channel,
        it is named after the store the reports go to)."""
        return self.intake_stream_setting or f"gridcc-{self._store_digest()}-intake"

    @property
    def presence_prefix(self) -> str:
        """Where this deployment keeps presence in Redis (named like the channel)."""
        return f"{self.fanout_channel}-presence"

    def _store_digest(self) -> str:
        return hashlib.sha256(store_identity(self.database_url).encode("utf-8")).hexdigest()[:16]


def chosen_log_format(environ: Mapping[str, str]) -> str:
    """``LOG_FORMAT``, or its default for ``GRIDCC_ENV`` (read before the rest of the
    settings: the logs are set up before a command starts)."""
    defaults = {name: default for name, default, _help in SETTINGS}
    chosen = environ.get("LOG_FORMAT", defaults["LOG_FORMAT"])
    if not chosen:
        env = environ.get("GRIDCC_ENV", defaults["GRIDCC_ENV"])
        chosen = "text" if env == "development" else "json"
    if chosen not in ("json", "text"):
        raise SystemExit(f"LOG_FORMAT: json or text, not {chosen!r}")
    return chosen


def store_identity(database_url: str) -> str:
    """The store a URL names, however it is spelt: one driver name, no password, SQLite
    paths made absolute, query options in order (``postgres://u:pw@h/db`` and
    ``postgresql+psycopg://u@h/db`` are the same store)."""
    from sqlalchemy.engine import URL, make_url

    url = make_url(database_url)
    backend = {"postgres": "postgresql"}.get(url.get_backend_name(), url.get_backend_name())
    database = url.database or ""
    if backend == "sqlite" and database and database != ":memory:":
        database = str(Path(database).resolve())
    same = URL.create(
        backend,
        username=url.username,
        host=url.host,
        port=url.port,
        database=database,
        query=dict(sorted(url.query.items())),
    )
    return same.render_as_string(hide_password=False)


@dataclass
class Core:
    """The parts every command shares: the store (with its clock), the event bus the store
    publishes to, the grid, the users and the intake."""

    settings: Settings
    store: Store
    bus: EventBus
    grid: Grid
    users: UserDirectory
    intake: Intake
    keys: KeyRing
    sessions: SessionBook
    roster: Roster
    outbox: Outbox  # started by a server (create_app); a command only wakes it


def load_grid(settings: Settings) -> Grid:
    from geo.grid import Grid, default_grid_path

    path = Path(settings.grid_file) if settings.grid_file else None
    if path is None or (not path.exists() and settings.grid_file == DEFAULT_GRID_FILE):
        return Grid.from_geojson(default_grid_path())
    if not path.exists():
        raise SystemExit(f"GRID_FILE {path} does not exist")
    return Grid.from_geojson(path)


def build_core(settings: Settings) -> Core:
    """Open the store (creating its schema), load the grid, and wire the intake to both."""
    from cases.bus import EventBus
    from cases.catalog import load_catalog
    from cases.db import make_engine
    from cases.keys import KeyRing
    from cases.lease import deployment_lease
    from cases.outbox import Outbox
    from cases.people import Roster
    from cases.refusal_spool import RefusalSpool
    from cases.routing import place_units
    from cases.sessions import SessionBook
    from cases.store import Store
    from cases.users import UserDirectory
    from feeds.intake import Intake

    grid = load_grid(settings)
    bus = EventBus()
    engine = make_engine(settings.database_url)
    spool = RefusalSpool(settings.spool_dir)
    store = Store(engine, load_catalog(), spool=spool)
    store.create_schema()
    # The log is the outbox: a commit wakes the publisher, which hands the events to the bus.
    lease = deployment_lease(settings.redis_url, f"{settings.fanout_channel}-outbox")
    outbox = Outbox(engine, store.events_since, bus.deliver, lease)
    store.publish = outbox.wake
    # The grid's streets and communities answer for cases as departments do (routing).
    cells = zip(grid.codes, grid.street_names, grid.community_names, strict=True)
    store.register_units(place_units(cells))
    return Core(
        settings,
        store,
        bus,
        grid,
        UserDirectory(engine),
        Intake(store, grid),
        KeyRing(engine),
        SessionBook(engine, settings.lifetimes),
        Roster(engine),
        outbox,
    )


def socketio_for(settings: Settings, server: Flask | None = None) -> SocketIO:
    """Flask-SocketIO on this deployment's fan-out (a write-only emitter without a server)."""
    from flask_socketio import SocketIO

    queue = {"message_queue": settings.redis_url or None, "channel": settings.fanout_channel}
    if server is None:
        return SocketIO(**queue)
    if settings.redis_url:
        from dashboard.fanout import Fanout

        queue = {"client_manager": Fanout(settings.redis_url, settings.fanout_channel)}
    return SocketIO(server, async_mode="threading", transports=["websocket"], json=json, **queue)


@dataclass
class GridCC:
    """One running web instance: the core, wired to Flask, Dash and Socket.IO."""

    core: Core
    server: Flask
    dash: Dash
    socketio: SocketIO
    hub: Hub
    outboxes: list[Outbox]  # the cases' log and 泉心愿's, each published by one process

    @property
    def settings(self) -> Settings:
        return self.core.settings

    @property
    def store(self) -> Store:
        return self.core.store

    @property
    def grid(self) -> Grid:
        return self.core.grid

    @property
    def users(self) -> UserDirectory:
        return self.core.users

    @property
    def intake(self) -> Intake:
        return self.core.intake

    @property
    def keys(self) -> KeyRing:
        return self.core.keys

    @property
    def sessions(self) -> SessionBook:
        return self.core.sessions

    def close(self) -> None:
        """Stop what this instance started (the outbox, the hub's socket sweep) and close its
        store."""
        for outbox in self.outboxes:
            outbox.stop()
        self.hub.stop()
        self.store.engine.dispose()

    def run(self) -> None:
        self.socketio.run(
            self.server,
            host=self.settings.host,
            port=self.settings.port,
            allow_unsafe_werkzeug=True,
            use_reloader=False,
            log_output=False,
        )


def create_app(settings: Settings | None = None) -> GridCC:
    """Build one gridcc web instance from ``settings`` (default: the environment)."""
    from dashboard import web
    from feeds.http import intake_blueprint
    from feeds.open311.routes import door_error as open311_door_error
    from feeds.open311.routes import open311_blueprint

    settings = settings or Settings.from_env()
    core = build_core(settings)
    parts = web.start(core, settings, socketio_for, {"/open311/": open311_door_error})
    auth = parts.auth
    # In development anyone on the machine may report (the demo); in production only a
    # known feed, app or person, by token or session.
    may_report = (lambda: True) if settings.env == "development" else auth.may_report
    parts.server.register_blueprint(
        intake_blueprint(
            core.intake, may_report, lambda: a.label if (a := auth.current_actor()) else ""
        )
    )
    web.add_routes(parts, core, settings)
    # Open311's api_key is an API key (scope intake) or a person's own token.
    open311 = open311_blueprint(
        core.store, core.grid, core.intake, lambda key: auth.by_credential(key).actor
    )
    parts.limits.public(open311)
    parts.server.register_blueprint(open311)
    dash_app = web.finish(parts, core, settings, ROOT / "assets")
    outboxes = [core.outbox, *parts.outboxes]
    for outbox in outboxes:
        outbox.start()  # every subscriber is on now
    return GridCC(core, parts.server, dash_app, parts.socketio, parts.hub, outboxes)
