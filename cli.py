"""The gridcc command line: every command builds on the same core (``app.build_core``)."""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
import threading
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from app import Core, GridCC, Settings, build_core, chosen_log_format, create_app
from cases import logs

DEMO_RATE_PER_MINUTE = 3.0
DEMO_USERS = [
    ("operator", "operator", None),
    ("lead", "lead", None),
    ("worker", "worker", None),
    ("admin", "admin", None),
    ("wall", "wall", None),
    *((f"liaison-{d}", "liaison", d) for d in ("chengguan", "shizheng", "jiaojing", "huanbao")),
    # the utility companies, each a responsible unit of its own
    *((f"liaison-{d}", "liaison", d) for d in ("gongdian", "gongshui", "ranqi", "reli", "tongxin")),
]
# One street's office as a responsible unit (routing): 姚家, the first site, when the grid
# has it, else the grid's first street.
DEMO_STREET = "street_370102009"


# 泉心愿's demo: a community's worker (姚家街道's first community) and a 双报到 unit's account.
DEMO_COMMUNITY = "370102009001"
DEMO_UNIT = "unit-demo"


def demo_users(unit_codes: list[str], unit: str | None = None) -> list[tuple[str, str, str | None]]:
    """The demo's users: one per role, a liaison per listed department and utility, one for
    a street's office among ``unit_codes`` (the store's units), the community worker
    ``community-yaojia`` when the grid has the community, and ``unit-demo`` acting for
    ``unit`` (a 双报到 unit's id; else the id "unit-demo")."""
    from cases.routing import unit_kind

    streets = [code for code in unit_codes if unit_kind(code) == "street"]
    street = DEMO_STREET if DEMO_STREET in streets else min(streets, default=None)
    known = [u for u in DEMO_USERS if u[2] is None or u[2] in unit_codes]
    community = f"community_{DEMO_COMMUNITY}"
    qxy: list[tuple[str, str, str | None]] = [(DEMO_UNIT, "unit", unit or DEMO_UNIT)]
    if community in unit_codes:
        qxy.insert(0, ("community-yaojia", "liaison", community))
    return known + ([(f"liaison-{street}", "liaison", street)] if street else []) + qxy


def seed_demo_users(gridcc: GridCC) -> tuple[str, list[tuple[str, str, str]]]:
    """Development only: one user per role, when there are none, all with one password
    made now (printed once: none is written in the source)."""
    import secrets

    from cases.workflow import Role

    if gridcc.settings.env != "development" or gridcc.users.count() > 0:
        return "", []
    from cases.quanxinyuan.month import first_unit

    password = "demo-" + secrets.token_urlsafe(9)
    made = []
    unit = first_unit(gridcc.store.engine, DEMO_COMMUNITY)
    for username, role, department in demo_users(list(gridcc.store.catalog.departments), unit):
        token = gridcc.users.add(username, Role(role), password, department=department)
        made.append((username, role, token))
    return password, made


def seed_demo_teams(gridcc: GridCC) -> threading.Event | None:
    """Development on the bundled synthetic grid: its synthetic 1+6 teams, on duty today
    and tomorrow, and the demo's grid worker as the worker of a cell of 姚家街道; then each
    new day's shifts added while the demo runs (the returned event stops that)."""
    from datetime import timedelta

    from cases import clock
    from cases.team_synthetic import keep_rolling, seed_synthetic

    grid = gridcc.grid
    if gridcc.settings.env != "development" or not grid.synthetic:
        return None
    today = clock.local_day_start(gridcc.store.now()).astimezone(clock.LOCAL_TZ).date()
    days = [(d, gridcc.store.is_working_day(d)) for d in (today, today + timedelta(days=1))]
    cells = list(zip(grid.codes, grid.street_names, grid.community_names, strict=True))
    made = seed_synthetic(gridcc.core.roster, cells, days)
    if made:
        # The demo's grid worker walks the first cell of 姚家 (the grid's first street if none).
        first = next((c for c in grid.codes if c.startswith("370102009")), grid.codes[0])
        team = gridcc.core.roster.team(first)
        worker = next((p for p, part in team.members if part == "worker"), None) if team else None
        if worker is not None and gridcc.users.get("worker") is not None:
            gridcc.core.roster.link(worker.id, "worker")
        print(f"gridcc: {made} synthetic people in 1+6 teams for the synthetic grid", flush=True)
    # Each new day's shifts while the demo runs for days (a restarted demo too).
    store, stop = gridcc.store, threading.Event()
    gridcc.socketio.start_background_task(
        keep_rolling, gridcc.core.roster, store.now, store.is_working_day, stop
    )
    return stop


def start_district(gridcc: GridCC, per_minute: float, history_days: float, seed: int = 0) -> Any:
    """The simulated district: on an empty store first ``history_days`` of past work
    (45 reports a day, as the real district), then live at ``per_minute`` or more; on a
    store it already fed, it takes over the cases left open."""
    from feeds.operations import LiveDistrict
    from feeds.operations.patrolling import people_on_the_grid

    fresh = gridcc.store.last_seq() == 0
    district = LiveDistrict(
        gridcc.store,
        gridcc.grid,
        reports_per_day=45.0,
        live_reports_per_day=per_minute * 60 * 24,
        history_days=history_days if fresh else 0,
        seed=seed,
        intake=gridcc.intake,
        resume_open=not fresh,
    )
    # The grid workers walk and answer urgent cases when the roster has them (the demo's).
    patrols = gridcc.server.extensions.get("gridcc_patrols")
    if patrols is not None:
        people_on_the_grid(district, gridcc.core.roster, patrols, gridcc.grid, seed)
    if fresh and history_days > 0:
        print(f"gridcc: simulating the past {history_days:g} days of the district…", flush=True)
        print(f"gridcc: {district.catch_up()} events written", flush=True)
    gridcc.socketio.start_background_task(district.run)
    return district


def qxy_places(grid: Any) -> Any:
    from cases.quanxinyuan.platform import Places

    return Places(zip(grid.codes, grid.street_names, grid.community_names, strict=True))


def qxy_locate(grid: Any) -> Any:
    """泉心愿's problems are placed on the grid (the problems area's locator, when built)."""
    from cases.quanxinyuan.month import _function

    locator = _function("problems", "grid_locator")
    return locator(grid) if locator is not None else None


def point_demo_unit(gridcc: GridCC) -> str | None:
    """The demo's unit account made before there were units acts for the demo community's
    first unit once there is one (its department is the unit's id); returns that id."""
    from sqlalchemy import update

    from cases.quanxinyuan.month import first_unit
    from cases.schema import users

    unit = first_unit(gridcc.store.engine, DEMO_COMMUNITY)
    if unit is None:
        return None
    with gridcc.store.engine.begin() as conn:
        conn.execute(
            update(users)
            .where(users.c.username == DEMO_UNIT, users.c.department == DEMO_UNIT)
            .values(department=unit)
        )
    return unit


def seed_demo_month(gridcc: GridCC, seed: int = 14) -> Any:
    """Development on the bundled synthetic grid, on an empty platform: in a background task
    (≈ 10 s for the registry and 30 s for the days on SQLite), 泉心愿's registry (synthetic
    units, teams, resources), the demo's unit account pointed at a unit of 姚家's first
    community, then the last 30 days (wishes, calls, problems, lists), each through its
    area's steps at the simulated time. Returns the month (``None``: nothing to seed)."""
    import random

    from cases.quanxinyuan.month import lines, live_calls, platform_is_empty, prepare_month

    grid, engine = gridcc.grid, gridcc.store.engine
    if gridcc.settings.env != "development" or not grid.synthetic:
        return None
    if not platform_is_empty(engine):
        return None
    start = gridcc.store.now() - timedelta(days=30)
    month = prepare_month(
        engine,
        qxy_places(grid),
        random.Random(seed),
        start,
        30,
        media_dir=Path(gridcc.settings.media_dir),
        locate=qxy_locate(grid),
    )

    def run() -> None:
        try:
            began = time.monotonic()
            month.seed_registry()
            unit = point_demo_unit(gridcc)
            took = time.monotonic() - began
            print(
                f"gridcc: 泉心愿's registry in {took:.0f} s; unit-demo acts for {unit}", flush=True
            )
            result = month.run()
            # …and calls filling up now, the demo community's first (the wall's panel shows them)
            others = sorted(c for c in month.places.communities if c != DEMO_COMMUNITY)
            live_calls(month, gridcc.store.now(), [DEMO_COMMUNITY, *others[::29]])
        except Exception:
            logging.getLogger(__name__).exception("泉心愿's simulated month failed")
            return
        print("\n".join(lines(result)), flush=True)

    gridcc.socketio.start_background_task(run)
    return month


def _serve(args: argparse.Namespace) -> None:
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    settings = Settings.from_env(**overrides)
    if settings.env != "development":
        from serving import serve

        rate = args.simulate if args.simulate is not None else settings.simulate_rate
        serve(settings, args.workers or 1, args.threads, rate)
        return
    if args.workers not in (None, 1):
        raise SystemExit("gridcc serve --workers runs the production server: GRIDCC_ENV=production")
    gridcc = create_app(settings)
    if getattr(args, "demo_users", False):
        password, made = seed_demo_users(gridcc)
        for username, role, token in made:
            print(f"demo user {username:<26} role {role:<9} API token {token}")
        if made:
            print(f"demo users' password: {password}")
    if getattr(args, "demo_users", False):
        seed_demo_teams(gridcc)
        seed_demo_month(gridcc)
    rate = args.simulate if args.simulate is not None else settings.simulate_rate
    if rate > 0:
        start_district(gridcc, rate, history_days=args.history_days)
    fanout = f"Redis channel {settings.fanout_channel}" if settings.redis_url else "in-process"
    print(
        f"gridcc: http://{settings.host}:{settings.port}/  "
        f"(store: {settings.database_url}; fan-out: {fanout})",
        flush=True,
    )
    gridcc.run()


def _demo(args: argparse.Namespace) -> None:
    args.simulate = args.simulate if args.simulate is not None else DEMO_RATE_PER_MINUTE
    args.demo_users = True
    _upgrade_own_store()
    _serve(args)


def _upgrade_own_store() -> None:
    """The demo's store is the developer's own: a store an earlier gridcc made is brought up
    to date as it starts (a deployment runs `gridcc db upgrade` itself, once)."""
    from cases import migrate
    from cases.db import make_engine

    engine = make_engine(Settings.from_env().database_url)
    try:
        was, now = migrate.upgrade(engine)
    finally:
        engine.dispose()
    if was != now and was != migrate.EMPTY:
        print(f"gridcc demo: the store was upgraded from {was} to {now}", flush=True)


def _simulate_fast(args: argparse.Namespace, core: Core) -> None:
    """Simulated days of the center's work, written as fast as the store takes them."""
    from tqdm import tqdm

    from cases import clock
    from cases.kpi import compute_kpis, definitions
    from dashboard import rates
    from feeds.operations import OpsParams, run_operations, then_and_now
    from feeds.operations.history import default_start
    from feeds.operations.people_summary import people_lines, ready_people

    with tqdm(total=100, desc="simulating", unit="%", file=sys.stderr, disable=None) as bar:
        done = [0]

        def advance(fraction: float) -> None:
            step = int(fraction * 100) - done[0]
            if step > 0:
                bar.update(step)
                done[0] += step

        first = default_start(args.days).astimezone(clock.LOCAL_TZ).date()
        days = max(1, math.ceil(args.days))
        worker_of = ready_people(core.store, core.grid, first, days, args.seed)
        summary = run_operations(
            core.store,
            core.grid,
            days=args.days,
            reports_per_day=args.rate if args.rate is not None else 45.0,
            seed=args.seed,
            params=OpsParams(capacity_scale=args.staff),
            progress=advance,
            worker_of=worker_of,
        )
    print("\n".join(summary.lines()))
    end: date = clock.as_utc(summary.start).astimezone(clock.LOCAL_TZ).date()
    end += timedelta(days=max(0, int(args.days) - 1))
    start = end - timedelta(days=max(0, int(args.days) - 1))
    now = core.store.now()
    result = compute_kpis(core.store, "district", start, end, now).get("370102", {})
    # Beside each rate, the rate that stood in its place before stage clocks, on the same
    # history (feeds/operations/then_and_now.py).
    then = then_and_now.old_rates(core.store, start, end, now)
    print(f"  {'rate':<24} {'now':>8} {'n/d':>12}   {'before (same history)':<30}")
    for d in definitions("zh"):
        v = result.get(d["code"])
        if v is None:
            continue
        higher = d["higher_is_better"]
        shown = rates.percent(v["value"], higher) if d["rate"] else str(v["value"])
        target = f"  目标 {d['target'] * 100:g}%" if d["target"] else ""
        old = ""
        if d["code"] in then:
            n, den = then[d["code"]]
            value = n / den if den else None
            name = then_and_now.OLD_NAMES[d["code"]]
            old = f"{name} {rates.percent(value, higher)} ({n}/{den})"
        fraction = f"{v['n']}/{v['d'] or '-'}"
        print(f"  {d['name']:<24} {shown:>8} {fraction:>12}   {old:<30}{target}")
    print("\n".join(people_lines(core.store, core.grid, start, end, now)))
    print("\n".join(_qxy_month(core, args)))


def _qxy_month(core: Core, args: argparse.Namespace) -> list[str]:
    """泉心愿's last 30 days, simulated on an empty platform (else read as it stands), its
    counts beside the article's."""
    import random

    from cases.quanxinyuan.counts import Counts, period_of
    from cases.quanxinyuan.month import lines, platform_is_empty, simulate_month
    from cases.quanxinyuan.platform import Platform

    engine, now = core.store.engine, core.store.now()
    if platform_is_empty(engine):
        result = simulate_month(
            engine,
            qxy_places(core.grid),
            random.Random(args.seed),
            now - timedelta(days=30),
            30,
            media_dir=Path(core.settings.media_dir),
            locate=qxy_locate(core.grid),
        )
        return lines(result)
    counts = Counts(Platform(engine, qxy_places(core.grid), core.store.now))
    period = period_of("30d", now)
    month = counts.district(period)
    result = {
        "period": period.wire(),
        "month": month["counts"],
        "places_filled": month["places_filled"],
        "all": counts.district(period_of("all", now))["counts"],
        "skipped": [],
    }
    return ["(the platform had steps already: its last 30 days as they stand)", *lines(result)]


def _simulate(args: argparse.Namespace) -> None:
    """A simulator as its own process: posts to an intake URL, or writes to the store."""
    settings = Settings.from_env()
    if args.days and not args.fast:
        raise SystemExit("gridcc simulate --days runs in simulated time: add --fast")
    if args.url:
        if args.days:
            raise SystemExit("gridcc simulate --days writes to the store: leave out --url")
        _simulate_over_http(args, settings)
        return
    core = build_core(settings)
    if args.days:
        _simulate_fast(args, core)
        return
    from feeds.operations import run_live

    # The reports' events go into the log: the servers' outbox publishes them to the screens.
    try:
        summary = run_live(
            core.store,
            core.grid,
            args.rate or 60.0,
            count=args.count,
            seconds=args.seconds,
            seed=args.seed,
            intake=core.intake,
        )
    except KeyboardInterrupt:
        return
    print(f"simulated reports sent: {summary.sent}")


def _simulate_over_http(args: argparse.Namespace, settings: Settings) -> None:
    from app import load_grid
    from cases.catalog import load_catalog
    from feeds.simulator import Simulator, SimulatorLoop

    url = args.url.rstrip("/") + "/api/reports"

    def submit(body: dict[str, Any]) -> Any:
        request = urllib.request.Request(
            url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status

    sim = Simulator(load_grid(settings), load_catalog(), seed=args.seed, run=f"{time.time():.0f}")
    _run_loop(SimulatorLoop(sim, submit=submit, rate_per_minute=args.rate or 60.0), args)


def _run_loop(loop: Any, args: argparse.Namespace) -> None:
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gridcc", description="gridcc: the live command center for urban grid governance"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, func, text in (
        ("serve", _serve, "run the command center"),
        (
            "demo",
            _demo,
            f"run it with a simulated district feeding it (at least {DEMO_RATE_PER_MINUTE:g} "
            "reports/min, more by day)",
        ),
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
        p.add_argument("--workers", type=int, help="web processes (production; default 1)")
        p.add_argument("--threads", type=int, default=100, help="threads per web process")
        p.set_defaults(func=func)
    p = sub.add_parser("simulate", help="feed simulated reports from a separate process")
    p.add_argument(
        "--rate",
        type=float,
        help="reports per minute (live, at least; default 60) or per day (--days; default 45)",
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
    from cases.access_cli import register as register_access_commands

    register_access_commands(sub)
    from feeds.stream_cli import register as register_queue_commands

    register_queue_commands(sub)
    from cases.calendar_cli import register as register_calendar_commands

    register_calendar_commands(sub)
    from cases.people_cli import register as register_people_commands

    register_people_commands(sub)
    from cases.drill_cli import register as register_drill_command

    register_drill_command(sub)
    from cases.quanxinyuan.cli import register as register_qxy_commands

    register_qxy_commands(sub)
    from cases.db_cli import register as register_db_commands

    register_db_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    # The demo's terminal keeps its start-up lines and warnings, not a line per request.
    logs.configure(
        chosen_log_format(os.environ), quiet_requests=getattr(args, "func", None) is _demo
    )
    from cases import migrate

    try:
        args.func(args)
    except (migrate.StoreOutdated, migrate.StoreUnknown) as exc:
        raise SystemExit(f"gridcc {args.command}: {exc}") from None


if __name__ == "__main__":
    main()
