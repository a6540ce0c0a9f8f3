"""API keys of the systems that talk to the center: one scope each, stored only as a hash.

A key is shown once when it is made; revoking it ends every use at once (and the sockets
and kiosk sessions opened with it, see ``dashboard.hub``).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, insert, select, update

from cases import access, clock
from cases.db import reading
from cases.schema import api_keys
from cases.users import hash_token
from cases.workflow import Actor

KEY_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
KEY_PREFIX = "gck_"  # recognisable in a leaked config file or a secret scanner


class KeyRefused(ValueError):
    """A key that cannot be made or revoked as asked."""


@dataclass(frozen=True)
class ApiKey:
    name: str
    scope: str
    department: str | None
    created_at: float
    created_by: str
    revoked_at: float | None

    @property
    def actor(self) -> Actor:
        return access.key_actor(self.name, self.scope, self.department)

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class KeyRing:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(
        self, name: str, scope: str, department: str | None = None, created_by: str = "cli"
    ) -> str:
        """Make a key; returns it (shown once, stored only as its hash)."""
        if not KEY_NAME.match(name):
            raise KeyRefused("a key's name is 1-64 of a-z 0-9 . _ - (e.g. hotline-12345)")
        if scope not in access.KEY_SCOPES:
            raise KeyRefused(f"scope: one of {', '.join(access.KEY_SCOPES)}")
        if (scope == access.DEPARTMENT_SCOPE) != bool(department):
            raise KeyRefused("a department key names its department, and only it does")
        if self.get(name) is not None:
            raise KeyRefused(f"a key named {name} exists (revoke it or pick another name)")
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(
                insert(api_keys).values(
                    name=name,
                    scope=scope,
                    department=department,
                    key_hash=hash_token(key),
                    created_at=clock.utcnow().timestamp(),
                    created_by=created_by,
                )
            )
        return key

    def revoke(self, name: str) -> bool:
        """Revoke ``name``; False when there is no such active key."""
        with self.engine.begin() as conn:
            done = conn.execute(
                update(api_keys)
                .where(api_keys.c.name == name, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=clock.utcnow().timestamp())
            )
        return done.rowcount == 1

    def get(self, name: str) -> ApiKey | None:
        with reading(self.engine) as conn:
            row = conn.execute(select(api_keys).where(api_keys.c.name == name)).first()
        return _key(row) if row else None

    def all(self) -> list[ApiKey]:
        with reading(self.engine) as conn:
            rows = conn.execute(select(api_keys).order_by(api_keys.c.name)).all()
        return [_key(r) for r in rows]

    def by_key(self, key: str) -> ApiKey | None:
        """The active key ``key`` is, or None."""
        if not key.startswith(KEY_PREFIX):
            return None
        with reading(self.engine) as conn:
            row = conn.execute(
                select(api_keys).where(
                    api_keys.c.key_hash == hash_token(key), api_keys.c.revoked_at.is_(None)
                )
            ).first()
        return _key(row) if row else None

    def active_names(self, names: set[str]) -> set[str]:
        """Which of ``names`` are keys still in force (for the socket sweep)."""
        if not names:
            return set()
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(api_keys.c.name).where(
                    api_keys.c.name.in_(sorted(names)), api_keys.c.revoked_at.is_(None)
                )
            ).all()
        return {r.name for r in rows}


def _key(row: object) -> ApiKey:
    return ApiKey(
        name=row.name,  # type: ignore[attr-defined]
        scope=row.scope,  # type: ignore[attr-defined]
        department=row.department,  # type: ignore[attr-defined]
        created_at=row.created_at,  # type: ignore[attr-defined]
        created_by=row.created_by,  # type: ignore[attr-defined]
        revoked_at=row.revoked_at,  # type: ignore[attr-defined]
    )
