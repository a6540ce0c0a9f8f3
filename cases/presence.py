"""Presence: who has a case, or a part of the map, open right now — so that two operators
never work the same case by accident, and the shift lead's map shows where people are.

Each open screen (a socket, by its id) holds at most one presence: a case it is viewing or
editing, or the grid cells it is watching. Announcing replaces what the screen held before;
closing the screen drops it. A presence lasts ``ttl`` seconds unless announced again (the
browser re-announces on a heartbeat), so the presence of a process that crashed, and of
screens whose heartbeat stopped, runs out by itself (``expire``).

Two books keep presence behind one interface: ``LocalPresence`` in this process's memory
(one app process), ``RedisPresence`` in Redis, shared by every app process of a deployment.
Who may announce or see presence is the access policy's question (``cases.access``), not
the book's: the book records and answers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from cases.workflow import Actor, Role

VIEWING = "viewing"
EDITING = "editing"
MODES = (VIEWING, EDITING)
MAX_CELLS = 200  # a screen watches at most this many cells (a lead's map, zoomed in)
Clock = Callable[[], float]


@dataclass(frozen=True)
class Person:
    """Who is present, as others see them."""

    user: str  # the account's name (a screen recognises itself by it)
    name: str  # the display name
    role: str
    department: str | None = None

    @property
    def actor(self) -> Actor:
        return Actor(self.user, Role(self.role), self.department)


@dataclass(frozen=True)
class Presence:
    """What one screen has open: a case (``case``) or some grid cells (``cells``)."""

    person: Person
    mode: str = VIEWING
    case: int | None = None
    cells: frozenset[str] = frozenset()

    def as_row(self) -> dict[str, Any]:
        return {
            "user": self.person.user,
            "name": self.person.name,
            "role": self.person.role,
            "department": self.person.department,
            "mode": self.mode,
            "case": self.case,
            "cells": sorted(self.cells),
        }

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Presence:
        person = Person(row["user"], row["name"], row["role"], row.get("department"))
        return cls(person, row["mode"], row.get("case"), frozenset(row.get("cells") or ()))


@dataclass(frozen=True)
class Touched:
    """The cases and cells whose presence changed (each is worth telling its viewers)."""

    cases: frozenset[int] = frozenset()
    cells: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.cases or self.cells)

    def __or__(self, other: Touched) -> Touched:
        return Touched(self.cases | other.cases, self.cells | other.cells)


def touched(old: Presence | None, new: Presence | None) -> Touched:
    """What changes for others when a screen's presence goes from ``old`` to ``new``."""
    if old == new:
        return Touched()
    if old is None or new is None or old.person != new.person or old.mode != new.mode:
        cases = {p.case for p in (old, new) if p is not None and p.case is not None}
        cells = frozenset().union(*(p.cells for p in (old, new) if p is not None))
        return Touched(frozenset(cases), cells)
    cases = {c for c in (old.case, new.case) if c is not None} if old.case != new.case else set()
    return Touched(frozenset(cases), old.cells ^ new.cells)


def people(present: Iterable[Presence]) -> list[dict[str, Any]]:
    """The people of ``present``, each once (several screens of one person: editing wins),
    editors first, then by name."""
    by_user: dict[str, tuple[Person, str]] = {}
    for p in present:
        held = by_user.get(p.person.user)
        if held is None or (p.mode == EDITING and held[1] != EDITING):
            by_user[p.person.user] = (p.person, p.mode)
    rows = [
        {
            "user": person.user,
            "name": person.name,
            "role": person.role,
            "department": person.department,
            "mode": mode,
        }
        for person, mode in by_user.values()
    ]
    return sorted(rows, key=lambda r: (r["mode"] != EDITING, r["name"], r["user"]))


class PresenceBook:
    """The interface both books share; ``now`` is the clock (epoch seconds; tests move it)."""

    def __init__(self, ttl: float = 90.0, now: Clock = time.time) -> None:
        self.ttl = ttl
        self.now = now

    def put(self, sid: str, presence: Presence | None) -> Touched:
        """Screen ``sid`` has ``presence`` now (None: nothing open); lasts ``ttl`` from now.
        Returns what changed for others (nothing when it announced the same again)."""
        raise NotImplementedError

    def drop(self, sid: str) -> Touched:
        """Screen ``sid`` is gone."""
        return self.put(sid, None)

    def on_case(self, case_id: int) -> list[Presence]:
        """The presences on ``case_id`` that have not run out."""
        raise NotImplementedError

    def on_cells(self, codes: Collection[str]) -> dict[str, list[Presence]]:
        """The presences on each of ``codes`` (every code asked is a key)."""
        raise NotImplementedError

    def expire(self) -> Touched:
        """Drop the presences that ran out; returns what that changed (each change is
        returned once, to one caller, even when several processes ask)."""
        raise NotImplementedError

    def close(self) -> None:
        """Let go of what the book holds open (a connection)."""


class LocalPresence(PresenceBook):
    """Presence in this process's memory."""

    def __init__(self, ttl: float = 90.0, now: Clock = time.time) -> None:
        super().__init__(ttl, now)
        self._held: dict[str, tuple[Presence, float]] = {}  # sid -> (presence, runs out at)
        self._lock = threading.Lock()

    def put(self, sid: str, presence: Presence | None) -> Touched:
        with self._lock:
            old = self._held.pop(sid, None)
            if presence is not None:
                self._held[sid] = (presence, self.now() + self.ttl)
        return touched(old[0] if old else None, presence)

    def _live(self) -> list[Presence]:
        at = self.now()
        with self._lock:
            return [p for p, until in self._held.values() if until > at]

    def on_case(self, case_id: int) -> list[Presence]:
        return [p for p in self._live() if p.case == case_id]

    def on_cells(self, codes: Collection[str]) -> dict[str, list[Presence]]:
        found: dict[str, list[Presence]] = {code: [] for code in codes}
        for p in self._live():
            for code in p.cells & found.keys():
                found[code].append(p)
        return found

    def expire(self) -> Touched:
        at = self.now()
        with self._lock:
            gone = [sid for sid, (_p, until) in self._held.items() if until <= at]
            dropped = [self._held.pop(sid)[0] for sid in gone]
        result = Touched()
        for p in dropped:
            result |= touched(p, None)
        return result
