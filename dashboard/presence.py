"""Presence over the Socket.IO hub: a screen says what it has open, everyone who may see
that thing hears who else has it open.

A socket emits ``presence`` with one of::

    {"case": <id>, "mode": "viewing" | "editing"}   a case open (mode defaults to viewing)
    {"cells": [<cell code>, …], "mode": "viewing"}  grid cells watched (at most MAX_CELLS)
    {}                                              nothing open

and is answered (its ack) with ``{"ok": true, "you", "ttl", …the update below}`` or
``{"ok": false, "error", "message"}``. Every emit replaces the socket's presence; one that is
refused leaves it with nothing open. The browser re-emits its presence within ``ttl``
seconds (assets/gridcc/presence.js does, every third of it), or it runs out.

Who is present is told with the event ``presence`` to the rooms that may see what it is
about (``access.case_audiences``: the district and the case's department;
``access.cell_audiences``: the district)::

    {"case": <id>, "cell": <code>, "people": [Person…], "at": <ms>}
    {"cells": {<code>: [Person…], …}, "at": <ms>}
    Person = {"user", "name", "role", "department", "mode"}

``at`` is the server's time of the reading (epoch ms): a screen keeps the newest per case.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import request
from flask_socketio import SocketIO

from cases import access
from cases.model import MAX_CASE_ID, Case, UnknownCase
from cases.presence import (
    MAX_CELLS,
    MODES,
    VIEWING,
    Person,
    Presence,
    PresenceBook,
    Touched,
    people,
)
from cases.store import Store
from cases.users import UserDirectory
from cases.workflow import Actor
from geo.grid import Grid

EVENT_NAME = "presence"
log = logging.getLogger(__name__)
FIELDS = frozenset({"case", "cells", "mode"})


class Refusal(Exception):
    """A presence that is not taken; says why, in the API's words."""

    def __init__(self, error: str, message: str) -> None:
        super().__init__(message)
        self.error = error
        self.message = message

    def ack(self) -> dict[str, Any]:
        return {"ok": False, "error": self.error, "message": self.message}


class PresenceHub:
    def __init__(
        self,
        socketio: SocketIO,
        book: PresenceBook,
        store: Store,
        grid: Grid,
        users: UserDirectory,
    ) -> None:
        self.socketio = socketio
        self.book = book
        self.store = store
        self.grid = grid
        self.users = users
        self._actors: dict[str, Actor] = {}  # this process's sockets, by sid
        self._people: dict[str, Person] = {}  # their display, looked up once
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- sockets

    def init_handlers(self) -> None:
        @self.socketio.on(EVENT_NAME)
        def _presence(*args: Any) -> dict[str, Any]:
            return self.announce(request.sid, args)  # type: ignore[attr-defined]

    def admit(self, sid: str, actor: Actor | None) -> None:
        """A socket was admitted (``dashboard.hub``), opened by ``actor``."""
        if actor is not None:
            with self._lock:
                self._actors[sid] = actor

    def forget(self, sid: str) -> None:
        """A socket closed (or was closed): its presence goes at once."""
        with self._lock:
            self._actors.pop(sid, None)
            self._people.pop(sid, None)
        self._put(sid, None)

    def announce(self, sid: str, args: tuple[Any, ...]) -> dict[str, Any]:
        """One ``presence`` emit of socket ``sid``; returns its ack."""
        with self._lock:
            actor = self._actors.get(sid)
        try:
            if actor is None or not access.may_announce_presence(actor):
                raise Refusal("forbidden", "your role does not show presence")
            wanted, case = self._wanted(actor, sid, args)
        except Refusal as refusal:
            self._put(sid, None)  # what it held before, it no longer has open
            return refusal.ack()
        except Exception as exc:  # the store away: the screen asks again on its heartbeat
            log.warning("presence refused: %s", str(exc).splitlines()[0][:200])
            return Refusal("unavailable", "presence is unavailable now; try again").ack()
        if not self._put(sid, wanted):
            return Refusal("unavailable", "presence is unavailable now; try again").ack()
        ack: dict[str, Any] = {"ok": True, "you": actor.name, "ttl": self.book.ttl}
        if case is not None:
            ack.update(self.case_update(case))
        elif wanted is not None:
            ack.update(self.cells_update(sorted(wanted.cells)))
        return ack

    def _wanted(
        self, actor: Actor, sid: str, args: tuple[Any, ...]
    ) -> tuple[Presence | None, Case | None]:
        """The presence a payload asks for (None: nothing open), and its case if any."""
        if len(args) != 1 or not isinstance(args[0], dict):
            raise Refusal("invalid_presence", "send one object: {case, mode}, {cells} or {}")
        body: dict[str, Any] = args[0]
        if not body:
            return None, None
        if set(body) - FIELDS or ("case" in body) == ("cells" in body):
            raise Refusal("invalid_presence", "send {case, mode}, {cells, mode} or {}")
        mode = body.get("mode", VIEWING)
        if mode not in MODES:
            raise Refusal("invalid_presence", f"mode: one of {', '.join(MODES)}")
        person = self._person(sid, actor)
        if "cells" in body:
            if mode != VIEWING:
                raise Refusal("invalid_presence", "cells are only viewed")
            if not access.may_be_present_on_cells(actor):
                raise Refusal("forbidden", "grid cells are the district's view")
            codes = self.known_cells(body["cells"])
            return (Presence(person, mode, cells=frozenset(codes)) if codes else None), None
        case = self.load_case(body["case"])
        if not access.may_be_present_on_case(actor, case):
            raise Refusal("unknown_case", str(UnknownCase(case.id)))  # as if there were none
        return Presence(person, mode, case=case.id), case

    def _person(self, sid: str, actor: Actor) -> Person:
        with self._lock:
            known = self._people.get(sid)
        if known is None:
            user = self.users.get(actor.name)
            name = user.display_name if user is not None else actor.name
            known = Person(actor.name, name, actor.role.value, actor.department)
            with self._lock:
                self._people[sid] = known
        return known

    def _put(self, sid: str, presence: Presence | None) -> bool:
        """Record and tell; False when the book could not be reached."""
        try:
            self.tell(self.book.put(sid, presence))
        except Exception as exc:  # Redis away: the presence runs out by itself
            log.warning("presence not recorded: %s", str(exc).splitlines()[0][:200])
            return False
        return True

    def expire(self) -> None:
        """Tell of the presences that ran out (screens whose heartbeat stopped, processes
        that crashed); the hub's sweep calls this."""
        self.tell(self.book.expire())

    def tell(self, touched: Touched) -> None:
        """Emit the current presence of what changed to the rooms that may see it."""
        for case_id in sorted(touched.cases):
            try:
                case = self.store.get(case_id)
            except UnknownCase:
                continue
            update = self.case_update(case)
            for room in access.case_audiences(case):
                self.socketio.emit(EVENT_NAME, update, to=room)
        if touched.cells:
            update = self.cells_update(sorted(touched.cells))
            for room in access.cell_audiences():
                self.socketio.emit(EVENT_NAME, update, to=room)

    # ---------------------------------------------------------------- readings

    def load_case(self, raw: Any) -> Case:
        if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw <= MAX_CASE_ID:
            raise Refusal("invalid_presence", "case: a case id (a positive integer)")
        try:
            return self.store.get(raw)
        except UnknownCase as exc:
            raise Refusal("unknown_case", str(exc)) from None

    def known_cells(self, raw: Any) -> list[str]:
        """Grid cell codes, each once, in the order given; refuses anything else."""
        if not isinstance(raw, list) or len(raw) > MAX_CELLS:
            raise Refusal("invalid_presence", f"cells: a list of at most {MAX_CELLS} cell codes")
        codes = list(dict.fromkeys(raw)) if all(isinstance(c, str) for c in raw) else None
        if codes is None or not all(self._is_cell(c) for c in codes):
            raise Refusal("invalid_presence", "cells: codes of this grid's cells")
        return codes

    def _is_cell(self, code: str) -> bool:
        try:
            self.grid.index_of(code)
        except KeyError:
            return False
        return True

    def _at(self) -> int:
        return int(self.book.now() * 1000)

    def case_update(self, case: Case) -> dict[str, Any]:
        """Who has ``case`` open: those who still may (a case that moved to another
        department is no longer its former liaison's)."""
        present = [
            p
            for p in self.book.on_case(case.id)
            if access.may_be_present_on_case(p.person.actor, case)
        ]
        return {
            "case": case.id,
            "cell": case.cell_code,
            "people": people(present),
            "at": self._at(),
        }

    def cells_update(self, codes: list[str]) -> dict[str, Any]:
        found = self.book.on_cells(codes)
        may = access.may_be_present_on_cells
        return {
            "cells": {c: people(p for p in found[c] if may(p.person.actor)) for c in codes},
            "at": self._at(),
        }

    def close(self) -> None:
        self.book.close()
