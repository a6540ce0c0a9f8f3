"""Server-side sessions (cases/sessions.py) and API keys (cases/keys.py), on SQLite and
PostgreSQL, with the session book's clock turned by hand."""

from __future__ import annotations

import pytest

from cases import access
from cases.keys import KeyRefused, KeyRing
from cases.sessions import KIOSK, Lifetimes, SessionBook
from cases.users import UserDirectory, password_problem
from cases.workflow import Role

PASSWORD = "correct-horse-7-battery"


class Hands:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        self.t = 1_800_000_000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def book(store):  # type: ignore[no-untyped-def]
    clock = Hands()
    users = UserDirectory(store.engine)
    users.add("op", Role.OPERATOR, PASSWORD)
    life = Lifetimes(idle_s=600, login_s=3600, kiosk_s=86400)
    return SessionBook(store.engine, life, now=clock), clock, users, KeyRing(store.engine)


def test_a_session_ends_when_signed_out_and_only_that_one(book) -> None:  # type: ignore[no-untyped-def]
    sessions, _clock, _users, _keys = book
    first, second = sessions.open("op"), sessions.open("op")
    assert sessions.resolve(first) is not None
    sessions.revoke(first)
    assert sessions.resolve(first) is None
    assert sessions.resolve(second) is not None


def test_idle_and_absolute_lifetimes(book) -> None:  # type: ignore[no-untyped-def]
    sessions, clock, _users, _keys = book
    idle = sessions.open("op")
    busy = sessions.open("op")
    for _ in range(5):  # used every 5 minutes: never idle, but not forever
        clock.t += 300
        assert sessions.resolve(busy) is not None
    assert sessions.resolve(idle) is None  # 25 minutes without a request, idle after 10
    clock.t += 3600 - 1500
    assert sessions.resolve(busy) is None  # an hour after sign-in, however busy


def test_deactivating_a_user_ends_their_sessions(book) -> None:  # type: ignore[no-untyped-def]
    sessions, _clock, users, _keys = book
    sid = sessions.open("op")
    users.deactivate("op")
    assert sessions.resolve(sid) is None
    assert sessions.standing([sessions.revoke(sid)]) == set()


def test_an_admin_ends_every_session_of_a_user(book) -> None:  # type: ignore[no-untyped-def]
    sessions, _clock, _users, _keys = book
    sids = [sessions.open("op") for _ in range(3)]
    assert len(sessions.of_user("op")) == 3
    assert sessions.revoke_user("op") == 3
    assert all(sessions.resolve(s) is None for s in sids)


def test_a_kiosk_session_never_idles_and_ends_with_its_key(book) -> None:  # type: ignore[no-untyped-def]
    sessions, clock, _users, keys = book
    key = keys.create("wall-1", access.WALL_SCOPE)
    assert keys.by_key(key) is not None
    sid = sessions.open("key:wall-1", KIOSK, key_name="wall-1")
    clock.t += 3 * 3600  # a wall is watched, never clicked
    assert sessions.resolve(sid) is not None
    keys.revoke("wall-1")
    assert sessions.resolve(sid) is None
    assert keys.by_key(key) is None


def test_keys_are_stored_hashed_and_checked(book, store) -> None:  # type: ignore[no-untyped-def]
    _sessions, _clock, _users, keys = book
    key = keys.create("hotline-12345", access.INTAKE_SCOPE)
    with store.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT key_hash FROM api_keys").scalar_one()
    assert key not in stored and len(stored) == 64
    found = keys.by_key(key)
    assert found is not None and found.actor.scope == "intake"
    assert keys.by_key(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    with pytest.raises(KeyRefused, match="exists"):
        keys.create("hotline-12345", access.INTAKE_SCOPE)
    with pytest.raises(KeyRefused, match="department"):
        keys.create("cg", access.DEPARTMENT_SCOPE)
    with pytest.raises(KeyRefused, match="scope"):
        keys.create("x", "everything")


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("pw12", "at least 12"),
        ("op-password-1234", "user name"),
        ("password1234", "too easy"),
        ("aaaaaaaaaaaaaaa", "too easy"),
        ("correct-horse-7-battery", None),
    ],
)
def test_password_policy(password: str, problem: str | None) -> None:
    found = password_problem("op", password)
    assert (found is None) if problem is None else (problem in (found or ""))
