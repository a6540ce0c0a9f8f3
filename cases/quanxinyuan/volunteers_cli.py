"""``gridcc qxy teams …``: 微志愿's volunteer teams from a shell on the server (added to
``gridcc qxy`` by ``cases.quanxinyuan.cli`` through ``register_teams``).

``teams import FILE [--community CODE]``
    take a CSV or Excel file of teams (columns id [编号], name [名称], community [社区: its
    12-digit code or its name], unit [单位], optional); every bad row is listed with its
    number and why, and nothing is written unless the whole file is good; ``--community``:
    every row must be of that community;
``teams show [--community CODE]``
    the teams and volunteers by street, or one community's teams with their members;
``teams synthetic [--seed N]``
    ~320 synthetic teams with their volunteers (labelled synthetic).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from cases.quanxinyuan.platform import Places, Platform
from cases.quanxinyuan.volunteers import TeamsRefused, Volunteers

ACTOR = "system:cli"


def register_teams(sub: Any) -> None:
    teams = sub.add_parser("teams", help="微志愿's volunteer teams")
    teams_sub = teams.add_subparsers(dest="teams_command", required=True)
    p = teams_sub.add_parser("import", help="import teams (CSV or .xlsx), whole or not at all")
    p.add_argument("file", help="the file (- for stdin)")
    p.add_argument("--community", help="every row must be of this community (12 digits)")
    p.set_defaults(func=_import)
    p = teams_sub.add_parser("show", help="the teams in figures, or one community's")
    p.add_argument("--community", help="a community's 12-digit code: list its teams")
    p.set_defaults(func=_show)
    p = teams_sub.add_parser("synthetic", help="add ~320 synthetic teams (labelled)")
    p.add_argument("--seed", type=int, default=14)
    p.set_defaults(func=_synthetic)


def _volunteers() -> Volunteers:
    from app import Settings, build_core

    core = build_core(Settings.from_env())
    grid = core.grid
    places = Places(zip(grid.codes, grid.street_names, grid.community_names, strict=True))
    return Volunteers(Platform(core.store.engine, places, core.store.now))


def _import(args: argparse.Namespace) -> None:
    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        raise SystemExit(f"gridcc qxy teams import: {exc}") from None
    volunteers = _volunteers()
    try:
        n = volunteers.import_teams(data, actor=ACTOR, only_community=args.community)
    except TeamsRefused as exc:
        lines = "\n".join(f"  {p.text('en')}\n  {p.text('zh')}" for p in exc.problems)
        more = f"\n  and {exc.more} more" if exc.more else ""
        raise SystemExit(
            f"gridcc qxy teams import: {args.file} refused, nothing changed:\n{lines}{more}"
        ) from None
    print(f"{args.file}: {n} teams imported; {volunteers.count_teams()} teams in all")


def _show(args: argparse.Namespace) -> None:
    volunteers = _volunteers()
    places = volunteers.platform.places
    if args.community:
        place = places.communities.get(args.community)
        if place is None:
            raise SystemExit(f"gridcc qxy teams show: no community {args.community}")
        found = volunteers.teams(args.community)
        print(f"{place.street_name} · {place.community_name}: {len(found)} teams")
        for t in found:
            mark = " (合成 synthetic)" if t.synthetic else ""
            print(f"  {t.id:<28} {t.name}{mark}  {volunteers.members(t.id)} members")
        return
    everyone = volunteers.teams()
    streets = Counter(places.streets.get(t.community_code[:9], "?") for t in everyone)
    for street, n in sorted(streets.items(), key=lambda kv: -kv[1]):
        print(f"  {street:<12} {n:>5}")
    synthetic = sum(t.synthetic for t in everyone)
    print(
        f"{len(everyone)} teams ({synthetic} synthetic) in "
        f"{len({t.community_code for t in everyone})} communities; "
        f"{volunteers.count_volunteers()} volunteers"
    )


def _synthetic(args: argparse.Namespace) -> None:
    from cases.quanxinyuan.call_synthetic import synthetic_teams

    volunteers = _volunteers()
    added = synthetic_teams(volunteers, volunteers.platform.places, random.Random(args.seed))
    print(
        f"{added} synthetic teams added; {volunteers.count_teams()} teams and "
        f"{volunteers.count_volunteers()} volunteers in all"
    )
