"""Signed-in sessions kept on the server: the browser holds a random id, the store decides
whether it still stands.

A session ends when its user signs out, when an admin ends it, when the user is
deactivated, after ``idle`` seconds without a request, and ``lifetime`` seconds after it
began, whichever comes first. A kiosk session (a wall display opened with a wall key) does
not idle out, since a wall shows and is never clicked, and ends when its key is revoked.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Engine, and_, insert, or_, select, update

from cases import clock
from cases.db import reading
from cases.schema import api_keys, sessions, users
from cases.users import hash_token

LOGIN = "login"
KIOSK = "kiosk"
# A session's last-seen time is written at most this often (not on every request).
TOUCH_EVERY_S = 60.0


@dataclass(frozen=True)
class Lifetimes:
    idle_s: float = 30 * 60.0
    login_s: float = 12 * 3600.0  # one shift, with its handover
    kiosk_s: float = 30 * 86400.0


@dataclass(frozen=True)
class SessionInfo:
    id_hash: str
    username: str
    kind: str
    key_name: str | None
    last_seen_at: float


class SessionBook:
    def __init__(
        self,
        engine: Engine,
        lifetimes: Lifetimes | None = None,
        now: Callable[[], float] = lambda: clock.utcnow().timestamp(),
    ) -> None:
        self.engine = engine
        self.lifetimes = lifetimes or Lifetimes()
        self.now = now

    def open(self, username: str, kind: str = LOGIN, key_name: str | None = None) -> str:
        """Start a session for ``username``; returns its id (the browser's only copy)."""
        sid = secrets.token_urlsafe(32)
        now = self.now()
        life = self.lifetimes.kiosk_s if kind == KIOSK else self.lifetimes.login_s
        with self.engine.begin() as conn:
            conn.execute(
                insert(sessions).values(
                    id_hash=hash_token(sid),
                    username=username,
                    kind=kind,
                    key_name=key_name,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + life,
                )
            )
        return sid

    def resolve(self, sid: str) -> SessionInfo | None:
        """The session ``sid`` names if it still stands (and notes that it was used)."""
        now = self.now()
        id_hash = hash_token(sid)
        with reading(self.engine) as conn:
            row = conn.execute(
                select(sessions).where(sessions.c.id_hash == id_hash, *self._standing(now))
            ).first()
        if row is None:
            return None
        if now - row.last_seen_at >= TOUCH_EVERY_S:
            with self.engine.begin() as conn:
                conn.execute(
                    update(sessions).where(sessions.c.id_hash == id_hash).values(last_seen_at=now)
                )
        return _info(row)

    def standing(self, id_hashes: Iterable[str]) -> set[str]:
        """Which of the sessions ``id_hashes`` still stand (for the sweep of open sockets)."""
        wanted = sorted(set(id_hashes))
        if not wanted:
            return set()
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(sessions.c.id_hash).where(
                    sessions.c.id_hash.in_(wanted), *self._standing(self.now())
                )
            ).all()
        return {r.id_hash for r in rows}

    def revoke(self, sid: str, why: str = "signed_out") -> str:
        """End the session ``sid``; returns its hash (what sockets are filed under)."""
        id_hash = hash_token(sid)
        self._end(sessions.c.id_hash == id_hash, why)
        return id_hash

    def revoke_user(self, username: str, why: str = "ended_by_admin") -> int:
        """End every session of ``username``; returns how many were standing."""
        return self._end(sessions.c.username == username, why)

    def of_user(self, username: str) -> list[SessionInfo]:
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(sessions)
                .where(sessions.c.username == username, *self._standing(self.now()))
                .order_by(sessions.c.created_at)
            ).all()
        return [
            SessionInfo(r.id_hash, r.username, r.kind, r.key_name, r.last_seen_at) for r in rows
        ]

    def _end(self, which: object, why: str) -> int:
        with self.engine.begin() as conn:
            done = conn.execute(
                update(sessions)
                .where(which, sessions.c.revoked_at.is_(None))  # type: ignore[arg-type]
                .values(revoked_at=self.now(), revoked_why=why)
            )
        return int(done.rowcount)

    def _standing(self, now: float) -> list[ColumnElement[bool]]:
        """The conditions of a standing session: not ended, not expired, not idle (a kiosk
        never idles), its user active, and a kiosk's key not revoked."""
        active_user = select(users.c.username).where(
            users.c.username == sessions.c.username, users.c.active.is_(True)
        )
        live_key = select(api_keys.c.name).where(
            api_keys.c.name == sessions.c.key_name, api_keys.c.revoked_at.is_(None)
        )
        return [
            sessions.c.revoked_at.is_(None),
            sessions.c.expires_at > now,
            or_(sessions.c.kind == KIOSK, sessions.c.last_seen_at > now - self.lifetimes.idle_s),
            or_(
                and_(sessions.c.key_name.is_(None), active_user.exists()),
                live_key.exists(),
            ),
        ]


def _info(row: object) -> SessionInfo:
    return SessionInfo(
        row.id_hash,  # type: ignore[attr-defined]
        row.username,  # type: ignore[attr-defined]
        row.kind,  # type: ignore[attr-defined]
        row.key_name,  # type: ignore[attr-defined]
        row.last_seen_at,  # type: ignore[attr-defined]
    )
