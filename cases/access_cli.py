"""``gridcc user …`` and ``gridcc key …``: the people and the systems that may use the
center, managed from a shell on the server. What these change takes effect at once in every
process (sessions and keys are checked on every request; sockets within a sweep)."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from cases import access
from cases.workflow import Role


def _engine() -> Any:
    from app import Settings
    from cases.db import make_engine
    from cases.store import Store

    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    Store(engine).create_schema()
    return settings, engine


def _user_add(args: argparse.Namespace) -> None:
    """Add a person (or a wall display) who may use the center; prints their API token."""
    from cases.users import UserDirectory

    settings, engine = _engine()
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass()
    try:
        token = UserDirectory(engine).add(
            args.username, Role(args.role), password, department=args.department
        )
    except ValueError as exc:
        raise SystemExit(f"gridcc user add: {exc}") from None
    print(f"user {args.username} ({args.role}) added; API token: {token}")
    if args.role == "wall":
        print(f"kiosk link: {kiosk_link(settings, token)}")


def kiosk_link(settings: Any, token: str) -> str:
    # The token rides in the fragment, which browsers never send: no access log keeps it.
    return f"http://{settings.host}:{settings.port}/kiosk#{token}"


def _user_deactivate(args: argparse.Namespace) -> None:
    from cases.sessions import SessionBook
    from cases.users import UserDirectory

    settings, engine = _engine()
    UserDirectory(engine).deactivate(args.username)
    ended = SessionBook(engine, settings.lifetimes).revoke_user(args.username, "deactivated")
    print(f"user {args.username} deactivated; {ended} session(s) ended")


def _user_end_sessions(args: argparse.Namespace) -> None:
    from cases.sessions import SessionBook

    settings, engine = _engine()
    ended = SessionBook(engine, settings.lifetimes).revoke_user(args.username)
    print(f"{ended} session(s) of {args.username} ended")


def _key_create(args: argparse.Namespace) -> None:
    from cases.keys import KeyRefused, KeyRing

    settings, engine = _engine()
    try:
        key = KeyRing(engine).create(args.name, args.scope, args.department, created_by="cli")
    except KeyRefused as exc:
        raise SystemExit(f"gridcc key create: {exc}") from None
    print(f"key {args.name} ({args.scope}) made; shown this once: {key}")
    if args.scope == access.WALL_SCOPE:
        print(f"kiosk link: {kiosk_link(settings, key)}")


def _key_list(_args: argparse.Namespace) -> None:
    from cases.keys import KeyRing

    _settings, engine = _engine()
    for key in KeyRing(engine).all():
        state = "in force" if key.active else "revoked"
        print(f"{key.name:<24} {key.scope:<10} {key.department or '-':<12} {state}")


def _key_revoke(args: argparse.Namespace) -> None:
    from cases.keys import KeyRing

    _settings, engine = _engine()
    if not KeyRing(engine).revoke(args.name):
        raise SystemExit(f"gridcc key revoke: no key in force named {args.name}")
    print(f"key {args.name} revoked")


def register(subparsers: Any) -> None:
    user = subparsers.add_parser("user", help="manage the people who use the center")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    p = user_sub.add_parser("add", help="add a user (asks for the password)")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=[r.value for r in Role if r is not Role.SYSTEM])
    p.add_argument(
        "--department",
        help="for liaisons: the unit's code (e.g. chengguan, ranqi, street_370102009)",
    )
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.set_defaults(func=_user_add)
    p = user_sub.add_parser("deactivate", help="deactivate a user and end their sessions")
    p.add_argument("username")
    p.set_defaults(func=_user_deactivate)
    p = user_sub.add_parser("end-sessions", help="sign a user out everywhere")
    p.add_argument("username")
    p.set_defaults(func=_user_end_sessions)

    key = subparsers.add_parser("key", help="API keys of the systems that talk to the center")
    key_sub = key.add_subparsers(dest="key_command", required=True)
    p = key_sub.add_parser("create", help="make a key (printed once)")
    p.add_argument("name", help="e.g. hotline-12345, patrol-app, quanxinyuan, chengguan-system")
    p.add_argument("--scope", required=True, choices=list(access.KEY_SCOPES))
    p.add_argument("--department", help="for --scope department: the department code")
    p.set_defaults(func=_key_create)
    p = key_sub.add_parser("list", help="list the keys")
    p.set_defaults(func=_key_list)
    p = key_sub.add_parser("revoke", help="revoke a key (its sockets close within seconds)")
    p.add_argument("name")
    p.set_defaults(func=_key_revoke)
