"""``gridcc qxy …``: 泉心愿 from a shell on the server.

``units import FILE``
    take a CSV or Excel file of 双报到 units (the format: cases/quanxinyuan/units_file.py);
    every bad row is listed and nothing is written unless the whole file is good;
``units show [--community CODE]``
    the units by level and street, or one community's units with their contact;
``units link UNIT USERNAME [--create]``
    the account a unit acts with: a user of role ``unit`` whose department is the unit's id
    (``--create`` makes it, printing its password once);
``units synthetic [--seed N]``
    ~1,200 synthetic units over the district's communities (labelled synthetic).
Other areas add their commands here through their own modules (``volunteers_cli``).
"""

from __future__ import annotations

import argparse
import importlib
import random
import secrets
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from cases.people_file import FileRefused
from cases.quanxinyuan.platform import Places, Platform, QxyError
from cases.quanxinyuan.units import LEVELS, Units
from cases.quanxinyuan.units_file import import_units

__all__ = ["register"]
ACTOR = "system:cli"


def register(sub: Any) -> None:
    qxy = sub.add_parser("qxy", help="泉心愿: 双报到 units, wishes, volunteer calls")
    qxy_sub = qxy.add_subparsers(dest="qxy_command", required=True)
    units = qxy_sub.add_parser("units", help="the 双报到 units")
    units_sub = units.add_subparsers(dest="units_command", required=True)
    p = units_sub.add_parser("import", help="import units (CSV or .xlsx), whole or not at all")
    p.add_argument("file", help="the file (- for stdin)")
    p.set_defaults(func=_import)
    p = units_sub.add_parser("show", help="the units in figures, or one community's")
    p.add_argument("--community", help="a community's 12-digit code: list its units")
    p.set_defaults(func=_show)
    p = units_sub.add_parser("link", help="the account a unit acts with (role unit)")
    p.add_argument("unit")
    p.add_argument("username")
    p.add_argument("--create", action="store_true", help="create the account (role unit)")
    p.set_defaults(func=_link)
    p = units_sub.add_parser("synthetic", help="add ~1,200 synthetic units (labelled)")
    p.add_argument("--seed", type=int, default=14)
    p.set_defaults(func=_synthetic)
    try:
        teams = importlib.import_module("cases.quanxinyuan.volunteers_cli")
    except ModuleNotFoundError as exc:
        if exc.name != "cases.quanxinyuan.volunteers_cli":
            raise
    else:
        teams.register_teams(qxy_sub)


def _core() -> Any:
    from app import Settings, build_core

    return build_core(Settings.from_env())


def _units(core: Any) -> Units:
    grid = core.grid
    places = Places(zip(grid.codes, grid.street_names, grid.community_names, strict=True))
    return Units(Platform(core.store.engine, places, core.store.now))


def account_problem(users: Any) -> Any:
    """Why ``username`` cannot be unit ``unit_id``'s account (None: it can)."""

    def problem(username: str, unit_id: str) -> str | None:
        user = users.get(username)
        if user is None:
            return "no such account (gridcc qxy units link UNIT USER --create)"
        actor = user.actor
        if actor.role.value != "unit" or actor.department != unit_id:
            return f"its role must be unit and its department {unit_id}"
        return None

    return problem


def _import(args: argparse.Namespace) -> None:
    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        raise SystemExit(f"gridcc qxy units import: {exc}") from None
    core = _core()
    try:
        done = import_units(_units(core), data, ACTOR, account_problem(core.users))
    except FileRefused as exc:
        pairs = zip(exc.lines(), exc.lines("zh"), strict=True)
        lines = "\n".join(f"  {en}\n  {zh}" for en, zh in pairs)
        raise SystemExit(
            f"gridcc qxy units import: {args.file} refused, nothing changed:\n{lines}"
        ) from None
    levels = Counter(u.level for u in done)
    said = ", ".join(f"{levels[k]} {k}" for k in LEVELS if levels[k])
    print(f"{args.file}: {len(done)} units imported ({said})")


def _show(args: argparse.Namespace) -> None:
    core = _core()
    units = _units(core)
    places = units.platform.places
    if args.community:
        found = units.list(args.community)
        place = places.communities.get(args.community)
        if place is None:
            raise SystemExit(f"gridcc qxy units show: no community {args.community}")
        print(f"{place.street_name} · {place.community_name}: {len(found)} units")
        for u in found:
            mark = " (合成 synthetic)" if u.synthetic else ""
            print(
                f"  {u.id:<24} {u.name}{mark}  [{LEVELS[u.level][0]}]  "
                f"{u.contact_name} {u.contact_phone}  {','.join(u.offers)}  "
                f"{u.username or '—'}"
            )
        return
    everyone = units.list()
    levels = Counter(u.level for u in everyone)
    for level, (zh, en) in LEVELS.items():
        print(f"{zh:<6} {en:<12} {levels.get(level, 0):>6}")
    streets = Counter(places.streets.get(u.community_code[:9], "?") for u in everyone)
    for street, n in sorted(streets.items(), key=lambda kv: -kv[1]):
        print(f"  {street:<12} {n:>6}")
    synthetic = sum(u.synthetic for u in everyone)
    linked = sum(1 for u in everyone if u.username)
    communities = len({u.community_code for u in everyone})
    print(
        f"{len(everyone)} units ({synthetic} synthetic) in {communities} of "
        f"{len(places.communities)} communities; {linked} with an account"
    )


def _link(args: argparse.Namespace) -> None:
    from cases.actors import Role

    core = _core()
    units = _units(core)
    if units.get(args.unit) is None:
        raise SystemExit(f"gridcc qxy units link: no unit {args.unit}")
    if args.create and core.users.get(args.username) is None:
        password = secrets.token_urlsafe(12)
        core.users.add(args.username, Role.UNIT, password, department=args.unit)
        print(f"account {args.username} created (role unit); its password, shown once: {password}")
    why = account_problem(core.users)(args.username, args.unit)
    if why:
        raise SystemExit(f"gridcc qxy units link: account {args.username}: {why}")
    try:
        units.link(args.unit, args.username, ACTOR)
    except QxyError as exc:
        raise SystemExit(f"gridcc qxy units link: {exc}") from None
    print(f"unit {args.unit} acts as {args.username}")


def _synthetic(args: argparse.Namespace) -> None:
    from cases.quanxinyuan.wish_synthetic import synthetic_units

    core = _core()
    units = _units(core)
    added = synthetic_units(units, units.platform.places, random.Random(args.seed))
    print(f"{added} synthetic units added; {units.count()} units in all")
