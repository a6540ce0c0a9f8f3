"""``gridcc people …``: the people on the grid, from a shell on the server.

``import FILE [--kind people|teams|shifts]``
    take a CSV or Excel file of people, teams or duty shifts (the format:
    cases/people_file.py, README); every bad row is listed and nothing is written unless
    the whole file is good;
``show [CELL]``
    how many people of each kind, teams and people on duty now; or one cell's 1+6 team,
    each member with their part, phone, unit and whether they are on duty now.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from cases.people import KINDS, PARTS, Person
from cases.people_file import FILE_KINDS, FileRefused, import_file

__all__ = ["register"]


def register(sub: Any) -> None:
    people = sub.add_parser("people", help="the people on the grid: 1+6 teams and duty shifts")
    people_sub = people.add_subparsers(dest="people_command", required=True)
    p = people_sub.add_parser("import", help="import people, teams or shifts (CSV or .xlsx)")
    p.add_argument("file", help="the file (- for stdin)")
    p.add_argument("--kind", choices=FILE_KINDS, help="what the file holds (default: by header)")
    p.set_defaults(func=_import)
    p = people_sub.add_parser("show", help="the roster in figures, or one cell's team")
    p.add_argument("cell", nargs="?", help="a cell's code: show its team")
    p.set_defaults(func=_show)


def _core() -> Any:
    from app import Settings, build_core

    return build_core(Settings.from_env())


def _import(args: argparse.Namespace) -> None:
    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        raise SystemExit(f"gridcc people import: {exc}") from None
    core = _core()
    try:
        done = import_file(
            core.roster,
            data,
            args.kind,
            core.grid.codes,
            lambda username: core.users.get(username) is not None,
        )
    except FileRefused as exc:
        pairs = zip(exc.lines(), exc.lines("zh"), strict=True)
        lines = "\n".join(f"  {en}\n  {zh}" for en, zh in pairs)
        raise SystemExit(
            f"gridcc people import: {args.file} refused, nothing changed:\n{lines}"
        ) from None
    print(
        f"{args.file}: {done.kind}, {done.rows} rows: {done.people} people, "
        f"{done.teams} cells' teams, {done.shifts} shifts added"
    )


def _label(person: Person) -> str:
    return f"{person.name}{' (合成 synthetic)' if person.synthetic else ''}"


def _show(args: argparse.Namespace) -> None:
    core = _core()
    roster = core.roster
    now = core.store.now()
    if args.cell is None:
        everyone = roster.people()
        kinds = Counter(p.kind for p in everyone)
        for kind, (zh, en) in KINDS.items():
            print(f"{zh:<10} {en:<28} {kinds.get(kind, 0):>6}")
        synthetic = sum(p.synthetic for p in everyone)
        teams = roster.teams(core.grid.codes)
        print(
            f"{len(everyone)} people ({synthetic} synthetic), teams in {len(teams)} of "
            f"{len(core.grid.codes)} cells, {len(roster.on_duty(now))} on duty now"
        )
        return
    team = roster.team(args.cell)
    if team is None:
        raise SystemExit(f"gridcc people show: no team for cell {args.cell}")
    on_duty = roster.on_duty(now, [p.id for p in team.people])
    print(f"{team.cell_code}  {team.branch or '—'}")
    for person, part in team.members:
        duty = "在岗 on duty" if person.id in on_duty else "不在岗"
        print(
            f"  {PARTS[part][0]:<4} {person.id:<32} {_label(person):<20} "
            f"{KINDS[person.kind][0]:<8} {person.phone:<14} {person.unit:<24} {duty}"
        )
