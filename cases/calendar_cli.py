"""``gridcc calendar …``: the working calendar, from a shell on the server.

``add FILE``
    enter a year's official schedule (the file format: cases/calendar_file.py, README);
    it replaces whatever the store held for that year, and the open cases' deadlines are
    counted again on it (one audited ``case.recomputed`` event per case that moved);
``show [--year Y]``
    how far the calendar reaches and which years are entered, or one year's days as a file
    that ``add`` takes back.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cases.calendar_file import ScheduleRefused, format_schedule, parse_schedule
from cases.workflow import Actor, Role

__all__ = ["register"]
CLI_ADMIN = Actor("cli", Role.ADMIN)  # a shell on the server is the admin's own


def register(sub: Any) -> None:
    calendar = sub.add_parser("calendar", help="the working calendar (holidays, make-up days)")
    calendar_sub = calendar.add_subparsers(dest="calendar_command", required=True)
    p = calendar_sub.add_parser("add", help="enter a year's official schedule from a file")
    p.add_argument("file", help="the schedule file (UTF-8; - for stdin)")
    p.set_defaults(func=_add)
    p = calendar_sub.add_parser("show", help="how far the calendar reaches, or one year's days")
    p.add_argument("--year", type=int, help="print this year's days as a schedule file")
    p.set_defaults(func=_show)


def _core() -> Any:
    from app import Settings, build_core

    return build_core(Settings.from_env())


def _add(args: argparse.Namespace) -> None:
    # The recomputed cases' events go into the log; the servers' outbox publishes them.
    path = None if args.file == "-" else Path(args.file)
    try:
        data = sys.stdin.buffer.read() if path is None else path.read_bytes()
        schedule = parse_schedule(data.decode("utf-8"))
    except OSError as exc:
        raise SystemExit(f"gridcc calendar add: {exc}") from None
    except UnicodeDecodeError:
        raise SystemExit(f"gridcc calendar add: {args.file} is not UTF-8") from None
    except ScheduleRefused as exc:
        raise SystemExit(f"gridcc calendar add: {args.file}: {exc}\n  {exc.zh}") from None
    core = _core()
    source = path.name if path is not None else "stdin"
    entered = core.store.enter_calendar_year(schedule, CLI_ADMIN, source=source)
    replaced = f", replacing the schedule from {entered.replaced}" if entered.replaced else ""
    print(
        f"{entered.year}: {entered.days} days entered from {source}{replaced}; "
        f"{entered.recomputed} open cases' deadlines recomputed"
    )
    _print_reach(core)


def _show(args: argparse.Namespace) -> None:
    core = _core()
    if args.year is not None:
        schedule = core.store.calendar_schedule(args.year)
        if schedule is None:
            raise SystemExit(f"gridcc calendar show: {args.year} is not entered")
        print(format_schedule(schedule), end="")
        return
    for year in core.store.calendar_coverage():
        entered = year.entered_at.date().isoformat()
        print(f"{year.year}  {year.days:>3} days  {year.source:<20} {entered} {year.entered_by}")
    _print_reach(core)


def _print_reach(core: Any) -> None:
    store = core.store
    today = store.local_today()
    until = store.work_calendar.covered_until(today)
    print(f"entered up to {until.isoformat()}")
    notice = store.calendar_notice(core.settings.calendar_warn_days)
    if notice is not None:
        print(notice.text("zh"))
