"""The people who act in the center: roles, departments, passwords and API tokens (hashed)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from cases.db import reading
from cases.schema import user_prefs, users
from cases.workflow import Actor, Role

SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, salt_hex, _digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    return hmac.compare_digest(hash_password(password, bytes.fromhex(salt_hex)), stored)


MIN_PASSWORD_LENGTH = 12
# The most used passwords (public breach lists), as a floor; the length rule does the rest.
COMMON_PASSWORDS = frozenset(
    {
        "123456789012",
        "qwertyuiop12",
        "password1234",
        "passwordpassword",
        "1q2w3e4r5t6y",
        "qwertyqwerty",
        "abc123456789",
        "woaini1314520",
        "000000000000",
        "111111111111",
        "aaaaaaaaaaaa",
        "iloveyou1234",
    }
)


def password_problem(username: str, password: str) -> str | None:
    """Why ``password`` is not good enough for ``username`` (None: it is)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"a password has at least {MIN_PASSWORD_LENGTH} characters"
    if username and username.lower() in password.lower():
        return "a password does not contain the user name"
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        return "this password is too easy to guess"
    return None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: Role
    department: str | None

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.role, self.department)


class UserDirectory:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(
        self,
        username: str,
        role: Role,
        password: str,
        department: str | None = None,
        display_name: str = "",
    ) -> str:
        """Create a user; returns a fresh API token (shown once, stored only as a hash)."""
        if role is Role.LIAISON and not department:
            raise ValueError("a liaison belongs to a department")
        if role is Role.UNIT and not department:
            raise ValueError("a unit's account names its unit (department: the unit's id)")
        problem = password_problem(username, password)
        if problem:
            raise ValueError(problem)
        token = secrets.token_urlsafe(24)
        with self.engine.begin() as conn:
            conn.execute(
                insert(users).values(
                    username=username,
                    display_name=display_name or username,
                    role=role.value,
                    department=department,
                    password_hash=hash_password(password),
                    token_hash=hash_token(token),
                    active=True,
                )
            )
        return token

    def count(self) -> int:
        with reading(self.engine) as conn:
            return len(conn.execute(select(users.c.username)).all())

    def get(self, username: str) -> User | None:
        with reading(self.engine) as conn:
            row = conn.execute(
                select(users).where(users.c.username == username, users.c.active.is_(True))
            ).first()
        return _user(row) if row else None

    def authenticate(self, username: str, password: str) -> User | None:
        with reading(self.engine) as conn:
            row = conn.execute(
                select(users).where(users.c.username == username, users.c.active.is_(True))
            ).first()
        if row is None:
            hash_password(password)  # same work either way: no user-enumeration by timing
            return None
        return _user(row) if check_password(password, row.password_hash) else None

    def by_token(self, token: str) -> User | None:
        with reading(self.engine) as conn:
            row = conn.execute(
                select(users).where(
                    users.c.token_hash == hash_token(token), users.c.active.is_(True)
                )
            ).first()
        return _user(row) if row else None

    def lang_of(self, username: str) -> str | None:
        """The language ``username`` chose last (None: never chose)."""
        with reading(self.engine) as conn:
            found = conn.execute(
                select(user_prefs.c.lang).where(user_prefs.c.username == username)
            ).scalar()
        return str(found) if found else None

    def remember_lang(self, username: str, lang: str) -> None:
        """Keep ``lang`` as ``username``'s language (their next screen opens in it)."""
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(user_prefs).where(user_prefs.c.username == username).values(lang=lang)
            ).rowcount
            if not changed:
                try:
                    with conn.begin_nested():
                        conn.execute(insert(user_prefs).values(username=username, lang=lang))
                except IntegrityError:  # another screen of theirs chose at the same moment
                    conn.execute(
                        update(user_prefs)
                        .where(user_prefs.c.username == username)
                        .values(lang=lang)
                    )

    def deactivate(self, username: str) -> None:
        """Deactivate ``username``: their sessions and token stop standing at once (the
        session check joins on ``active``), and the hub's sweep closes their sockets."""
        with self.engine.begin() as conn:
            conn.execute(update(users).where(users.c.username == username).values(active=False))


def _user(row: object) -> User:
    return User(
        username=row.username,  # type: ignore[attr-defined]
        display_name=row.display_name,  # type: ignore[attr-defined]
        role=Role(row.role),  # type: ignore[attr-defined]
        department=row.department,  # type: ignore[attr-defined]
    )
