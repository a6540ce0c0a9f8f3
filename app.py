"""gridcc's composition root: settings → store → bus → Flask + Dash + Socket.IO, and the CLI.

Nothing is opened or started at import time: ``create_app(settings)`` builds one instance,
and the CLI decides what to run.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
DEV_SECRET = "gridcc-development-only"
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
    ("HOST", "127.0.0.1", "Address the server listens on."),
    ("PORT", "8050", "Port the server listens on."),
    (
        "SECRET_KEY",
        DEV_SECRET,
        "Flask secret key; the default is refused unless GRIDCC_ENV=development.",
    ),
    ("GRIDCC_ENV", "development", "development or production."),
    (
        "GRID_FILE",
        "var/grid.geojson",
        "GeoJSON of the grid cells (`gridcc grid import` writes it); while it does not exist, "
        "the bundled synthetic 历下区 grid.",
    ),
    (
        "SIMULATE_RATE",
        "0",
        "Simulated reports per minute fed in-process (0 = none); `gridcc demo` sets 3.",
    ),
]


DEMO_USERS = [
    ("operator", "operator", None),
    ("lead", "lead", None),
    ("worker", "worker", None),
    ("admin", "admin", None),
    ("wall", "wall", None),
    *((f"liaison-{d}", "liaison", d) for d in ("chengguan", "shizheng", "jiaojing", "huanbao")),
]


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str
    host: str
    port: int
    secret_key: Secret
    env: str
    grid_file: str
    simulate_rate: float
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        env = dict(os.environ if environ is None else environ)
        values = {name: env.get(name, default) for name, default, _help in SETTINGS}
        values.update({k.upper(): str(v) for k, v in overrides.items()})
        settings = cls(
            database_url=values["DATABASE_URL"],
            redis_url=values["REDIS_URL"],
            host=values["HOST"],
            port=int(values["PORT"]),
            secret_key=Secret(values["SECRET_KEY"]),
            env=values["GRIDCC_ENV"],
            grid_file=values["GRID_FILE"],
            simulate_rate=float(values["SIMULATE_RATE"]),
        )
        if settings.env != "development" and settings.secret_key == DEV_SECRET:
            raise SystemExit("SECRET_KEY must be set outside development (GRIDCC_ENV=production)")
        return settings


@dataclass
class GridCC:
    """One running instance: the parts, wired."""

    settings: Settings
    server: Any  # flask.Flask
    dash: Any  # dash.Dash
    socketio: Any  # flask_socketio.SocketIO
    store: Any  # cases.store.Store
    intake: Any  # feeds.intake.Intake
    grid: Any  # geo.grid.Grid
    users: Any  # cases.users.UserDirectory

    def seed_demo_users(self) -> list[tuple[str, str, str]]:
        """Development only: one user per role (password "demo"), when there are none."""
        from cases.workflow import Role

        if self.settings.env != "development" or self.users.count() > 0:
            return []
        made = []
        for username, role, department in DEMO_USERS:
            token = self.users.add(username, Role(role), "demo", department=department)
            made.append((username, role, token))
        return made

    def start_district(self, live_per_minute: float, history_days: float, seed: int = 0) -> Any:
        """The simulated district: on an empty store first ``history_days`` of past work
        (45 reports a day, as the real district), then live at ``live_per_minute``."""
        from feeds.operations import LiveDistrict

        fresh = self.store.last_seq() == 0
        district = LiveDistrict(
            self.store,
            self.grid,
            reports_per_day=45.0,
            live_reports_per_day=live_per_minute * 60 * 24,
            history_days=history_days if fresh else 0,
            seed=seed,
        )
        if fresh and history_days > 0:
            print(f"gridcc: simulating the past {history_days:g} days of the district…", flush=True)
            written = district.catch_up()
            print(f"gridcc: {written} events written", flush=True)
        self.socketio.start_background_task(district.run)
        return district

    def run(self) -> None:
        self.socketio.run(
            self.server,
            host=self.settings.host,
            port=self.settings.port,
            allow_unsafe_werkzeug=True,
            use_reloader=False,
            log_output=False,
        )


def load_grid(settings: Settings) -> Any:
    from geo.grid import Grid, default_grid_path

    path = Path(settings.grid_file) if settings.grid_file else None
    if path is None or (not path.exists() and settings.grid_file == DEFAULT_GRID_FILE):
        return Grid.from_geojson(default_grid_path())
    if not path.exists():
        raise SystemExit(f"GRID_FILE {path} does not exist")
    return Grid.from_geojson(path)


def create_app(settings: Settings | None = None) -> GridCC:
    """Build gridcc from ``settings`` (default: the environment)."""
    from functools import partial

    from dash import Dash, html, page_container, register_page
    from flask import Flask
    from flask_socketio import SocketIO

    from cases.bus import EventBus
    from cases.catalog import load_catalog
    from cases.db import make_engine
    from cases.store import Store
    from cases.users import UserDirectory
    from dashboard import kpi_page, wall
    from dashboard.api import read_api
    from dashboard.auth import Auth
    from dashboard.cases_api import cases_api
    from dashboard.hub import Hub
    from feeds.http import intake_blueprint
    from feeds.intake import Intake

    settings = settings or Settings.from_env()
    grid = load_grid(settings)
    bus = EventBus()
    engine = make_engine(settings.database_url)
    store = Store(engine, load_catalog(), publish=bus.publish)
    store.create_schema()
    users = UserDirectory(engine)
    auth = Auth(users, open_wall=settings.env == "development")

    server = Flask("gridcc")
    server.config["SECRET_KEY"] = str(settings.secret_key)
    server.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    # Session cookies never ride along on another site's requests (CSRF), nor reach scripts.
    server.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    server.config["SESSION_COOKIE_HTTPONLY"] = True
    server.config["COMPRESS_MIMETYPES"] = [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/geo+json",
    ]
    socketio = SocketIO(
        server,
        async_mode="threading",
        message_queue=settings.redis_url or None,
        transports=["websocket"],
        json=json,
    )
    auth.init_app(server)
    hub = Hub(socketio, auth)
    hub.init_handlers()
    bus.subscribe(hub.publish)

    intake = Intake(store, grid)
    # In development anyone on the machine may report (the demo); in production only a
    # known feed, app or person, by token or session.
    may_report = (lambda: True) if settings.env == "development" else auth.may_report
    server.register_blueprint(intake_blueprint(intake, may_report))
    server.register_blueprint(read_api(store, grid, auth))
    server.register_blueprint(cases_api(store, auth))

    dash_app = Dash(
        "gridcc",
        server=server,  # type: ignore[arg-type]  # Dash's stubs miss Flask
        assets_folder=str(ROOT / "assets"),
        compress=True,
        title="历下区网格化管理指挥中心",
        update_title=None,  # type: ignore[arg-type]
        serve_locally=True,
        use_pages=True,
        pages_folder="",
    )
    ctx = wall.WallContext(store=store, grid=grid, auth=auth)
    # Pages hands the query string (?lang=en) to the layout function as keyword arguments.
    register_page("wall", path="/", name="wall", layout=partial(wall.layout, ctx))
    register_page("kpi", path="/kpi", name="kpi", layout=partial(kpi_page.layout, ctx))
    kpi_page.register_callbacks(dash_app, ctx)
    dash_app.layout = page_container
    dash_app.validation_layout = html.Div(  # type: ignore[assignment]
        [page_container, wall.skeleton(), kpi_page.skeleton()]
    )
    return GridCC(settings, server, dash_app, socketio, store, intake, grid, users)


# -- command line ---------------------------------------------------------------------------
def _serve(args: argparse.Namespace) -> None:
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    settings = Settings.from_env(**overrides)
    gridcc = create_app(settings)
    if getattr(args, "demo_users", False):
        for username, role, token in gridcc.seed_demo_users():
            print(
                f"demo user {username:<20} role {role:<9} password demo   kiosk/API token {token}"
            )
    rate = args.simulate if args.simulate is not None else settings.simulate_rate
    if rate > 0:
        gridcc.start_district(rate, history_days=args.history_days)
    print(
        f"gridcc: http://{settings.host}:{settings.port}/  (store: {settings.database_url})",
        flush=True,
    )
    gridcc.run()


def _demo(args: argparse.Namespace) -> None:
    args.simulate = args.simulate if args.simulate is not None else 3.0
    args.demo_users = True
    _serve(args)


def _simulate_fast(args: argparse.Namespace, settings: Settings) -> None:
    """Simulated days of the center's work, written as fast as the store takes them."""
    from datetime import date, timedelta

    from tqdm import tqdm

    from cases import clock
    from cases.db import make_engine
    from cases.kpi import compute_kpis, definitions
    from cases.store import Store
    from feeds.operations import OpsParams, run_operations

    store = Store(make_engine(settings.database_url))
    store.create_schema()
    with tqdm(total=100, desc="simulating", unit="%", file=sys.stderr, disable=None) as bar:
        done = [0]

        def advance(fraction: float) -> None:
            step = int(fraction * 100) - done[0]
            if step > 0:
                bar.update(step)
                done[0] += step

        summary = run_operations(
            store,
            load_grid(settings),
            days=args.days,
            reports_per_day=args.rate if args.rate is not None else 45.0,
            seed=args.seed,
            params=OpsParams(capacity_scale=args.staff),
            progress=advance,
        )
    print("\n".join(summary.lines()))
    end: date = clock.as_utc(summary.start).astimezone(clock.LOCAL_TZ).date()
    end += timedelta(days=max(0, int(args.days) - 1))
    start = end - timedelta(days=max(0, int(args.days) - 1))
    result = compute_kpis(store, "district", start, end).get("370102", {})
    for d in definitions("zh"):
        v = result.get(d["code"])
        if v is None:
            continue
        shown = (
            f"{v['value'] * 100:.1f}%" if d["rate"] and v["value"] is not None else str(v["value"])
        )
        target = f"  (目标 {d['target'] * 100:g}%)" if d["target"] else ""
        print(f"  {d['name']:<8} {shown:>8}  {v['n']}/{v['d'] or '-'}{target}")


def _simulate(args: argparse.Namespace) -> None:
    """A simulator as its own process: posts to an intake URL, or writes to the store."""
    from cases.catalog import load_catalog
    from feeds.simulator import Simulator, SimulatorLoop

    settings = Settings.from_env()
    if args.days:
        if not args.fast:
            raise SystemExit("gridcc simulate --days runs in simulated time: add --fast")
        _simulate_fast(args, settings)
        return
    grid = load_grid(settings)
    catalog = load_catalog()
    sim = Simulator(grid, catalog, seed=args.seed, run=f"{time.time():.0f}")
    advance = None
    if args.url:
        url = args.url.rstrip("/") + "/api/reports"

        def submit(body: dict[str, Any]) -> Any:
            request = urllib.request.Request(
                url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
    else:
        from flask_socketio import SocketIO

        from cases.db import make_engine
        from cases.store import Store
        from dashboard.hub import Hub
        from feeds.intake import Intake

        if not settings.redis_url:
            print(
                "note: REDIS_URL is unset, so open browsers see these cases only when they resync",
                file=sys.stderr,
            )
        hub = Hub(SocketIO(message_queue=settings.redis_url or None))
        store = Store(make_engine(settings.database_url), catalog, publish=hub.publish)
        store.create_schema()
        intake = Intake(store, grid)
        submit = intake.accept

        def advance() -> Any:
            return sim.advance(store, share=0.012)

    loop = SimulatorLoop(sim, submit=submit, rate_per_minute=args.rate or 60.0, advance=advance)
    stopper = threading.Timer(args.seconds, loop.stop) if args.seconds else None
    if stopper:
        stopper.start()
    try:
        sent = loop.run(limit=args.count)
    except KeyboardInterrupt:
        loop.stop()
        sent = -1
    if stopper:
        stopper.cancel()
    print(f"simulated reports sent: {sent}")


def _user_add(args: argparse.Namespace) -> None:
    """Add a person (or a wall display) who may use the center; prints their API token."""
    import getpass

    from cases.db import make_engine
    from cases.store import Store
    from cases.users import UserDirectory
    from cases.workflow import Role

    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    Store(engine).create_schema()
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass()
    try:
        token = UserDirectory(engine).add(
            args.username, Role(args.role), password, department=args.department
        )
    except ValueError as exc:
        raise SystemExit(f"gridcc user add: {exc}") from None
    print(f"user {args.username} ({args.role}) added; API / kiosk token: {token}")
    if args.role == "wall":
        print(f"kiosk link: http://{settings.host}:{settings.port}/?kiosk={token}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gridcc", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, func, text in (
        ("serve", _serve, "run the command center"),
        ("demo", _demo, "run it with a simulated district feeding it (30 reports/min)"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("--host")
        p.add_argument("--port", type=int)
        p.add_argument("--simulate", type=float, help="simulated reports per minute")
        p.add_argument(
            "--history-days",
            type=float,
            default=14 if name == "demo" else 0,
            help="on an empty store, simulate this many past days first",
        )
        p.set_defaults(func=func)
    p = sub.add_parser("simulate", help="feed simulated reports from a separate process")
    p.add_argument(
        "--rate",
        type=float,
        help="reports per minute (live; default 60) or per day (--days; default 45)",
    )
    p.add_argument(
        "--url", help="post to this gridcc (e.g. http://127.0.0.1:8050) instead of the store"
    )
    p.add_argument("--count", type=int, help="stop after this many reports")
    p.add_argument("--seconds", type=float, help="stop after this many seconds")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--days", type=float, help="simulate this many days of operations (with --fast)")
    p.add_argument("--fast", action="store_true", help="run simulated time as fast as possible")
    p.add_argument("--staff", type=float, default=1.0, help="with --days: staff scale (load runs)")
    p.set_defaults(func=_simulate)
    from geo.cli import register as register_grid_commands

    register_grid_commands(sub)
    user = sub.add_parser("user", help="manage the people who use the center")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    p = user_sub.add_parser("add", help="add a user (asks for the password)")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=[r.value for r in _roles()])
    p.add_argument("--department", help="for liaisons: the department code (e.g. chengguan)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.set_defaults(func=_user_add)
    return parser


def _roles() -> list[Any]:
    from cases.workflow import Role

    return [r for r in Role if r is not Role.SYSTEM]


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
