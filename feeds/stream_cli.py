"""``gridcc queue …``: the intake queue department systems send reports to (Redis Streams).

``consume``
    turn queued reports into cases until Ctrl-C (or SIGTERM); a message being handled
    is finished first;
``dead [--count N]``
    list the dead letters, newest first;
``send FILE``
    queue the reports of a JSON file (one object, or a list of them; ``-`` for stdin),
    as a department system would.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from typing import Any

__all__ = ["register"]


def register(sub: Any) -> None:
    queue = sub.add_parser("queue", help="the Redis stream department systems send reports to")
    queue_sub = queue.add_subparsers(dest="queue_command", required=True)
    p = queue_sub.add_parser("consume", help="turn queued reports into cases until Ctrl-C")
    p.add_argument("--consumer", help="this consumer's name in the group (default: host-pid)")
    p.add_argument("--batch", type=int, default=50, help="messages taken at a time")
    p.add_argument(
        "--min-idle",
        type=float,
        default=60.0,
        help="seconds a message may stay with a silent consumer before another takes it",
    )
    p.add_argument(
        "--max-deliveries",
        type=int,
        default=5,
        help="a message delivered more often than this is dead-lettered",
    )
    p.set_defaults(func=_consume)
    p = queue_sub.add_parser("dead", help="list dead letters, newest first")
    p.add_argument("--count", type=int, default=20)
    p.set_defaults(func=_dead)
    p = queue_sub.add_parser("send", help="queue the reports of a JSON file (object or list)")
    p.add_argument("file", help="a JSON file, or - for stdin")
    p.set_defaults(func=_send)


def _names_and_client(consumer: str) -> tuple[Any, Any, Any]:
    from app import Settings
    from feeds.stream import StreamNames, connect

    settings = Settings.from_env()
    if not settings.redis_url:
        raise SystemExit("gridcc queue needs REDIS_URL (the Redis server the stream lives on)")
    return settings, StreamNames(settings.intake_stream), connect(settings.redis_url, consumer)


def _consume(args: argparse.Namespace) -> None:
    from app import build_core
    from feeds.stream import StreamIntake, default_consumer

    name = args.consumer or default_consumer()
    settings, names, client = _names_and_client(name)
    core = build_core(settings)
    # The new cases' events go into the log; the servers' outbox publishes them.
    consumer = StreamIntake(
        client,
        core.intake,
        names,
        name,
        batch=args.batch,
        min_idle_ms=int(args.min_idle * 1000),
        max_deliveries=args.max_deliveries,
    )
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    print(
        f"gridcc: consuming {names.stream} as {name} of group {names.group} "
        f"(results: {names.results}; dead letters: {names.dead})",
        flush=True,
    )
    tally = consumer.run(stop)
    print(
        f"gridcc: stopped: {tally.created} created, {tally.duplicate} duplicates, "
        f"{tally.dead} dead-lettered, {tally.failed} failed, {tally.transient} transient failures"
    )


def _dead(args: argparse.Namespace) -> None:
    from feeds.stream import REPORT_FIELD, dead_letters

    _settings, names, client = _names_and_client("cli")
    letters = dead_letters(client, names, args.count)
    for letter in letters:
        report = letter.get(REPORT_FIELD.decode(), "")
        print(
            f"{letter['id']}  {letter['dead.reason']:<20} deliveries {letter['dead.deliveries']}"
            f"  {letter['dead.detail']}\n    {report[:200]}"
        )
    print(f"{len(letters)} dead letter(s) shown from {names.dead}")


def _send(args: argparse.Namespace) -> None:
    from feeds.stream import send

    text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    reports = json.loads(text)
    _settings, names, client = _names_and_client("cli")
    for report in reports if isinstance(reports, list) else [reports]:
        print(f"{send(client, names, report).decode()}  {report.get('report_id', '')}")
