"""The Socket.IO hub: every committed case event goes to the rooms allowed to see it.

Rooms are the access policy's audiences (``cases.access``): the district, and one per
department. A socket joins the one audience its user watches; an event is emitted to
every audience it belongs to, so a reassigned case reaches the department it left too.
With REDIS_URL set, Flask-SocketIO's message queue (on this deployment's own channel)
carries each emit to every app process.

A socket lives no longer than the credential it was opened with: signing out closes the
sockets of that session at once, and every few seconds each process closes its sockets
whose session, key or user has ended elsewhere (an admin, another process, the CLI).

Presence (``dashboard.presence``) rides on the same sockets: an admitted socket may say
what it has open; closing it, for whatever reason, takes its presence away. Positions of
the people on patrol (``dashboard.positions_hub``) go to the sockets that may see them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import request
from flask_socketio import ConnectionRefusedError, SocketIO, disconnect, join_room

from cases import access
from cases.model import Event
from cases.quanxinyuan import access as qxy_access
from cases.records import event_payload
from dashboard import metrics_api

if TYPE_CHECKING:
    from dashboard.positions_hub import PositionsHub
    from dashboard.presence import PresenceHub

# One frame per room holds every event the outbox published together, in log order.
EVENTS_NAME = "case_events"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Credential:
    """What a socket was opened with: exactly one of the three is set."""

    session_hash: str | None = None
    key_name: str | None = None
    username: str | None = None  # a person's own API token


class Hub:
    def __init__(
        self,
        socketio: SocketIO,
        auth: Any = None,
        sweep_seconds: float = 5.0,
        presence: PresenceHub | None = None,
        positions: PositionsHub | None = None,
    ) -> None:
        self.socketio = socketio
        self.auth = auth
        self.sweep_seconds = sweep_seconds
        self.presence = presence
        self.positions = positions  # the people on patrol, to the sockets that may see them
        self._sockets: dict[str, Credential] = {}  # this process's sockets, by sid
        self._lock = threading.Lock()
        self._sweeper: threading.Thread | None = None
        self._stop = threading.Event()
        # Called with (sid, actor) once a socket is admitted (dashboard.urgent_alerts).
        self.on_admit: list[Callable[[str, Any], None]] = []
        if auth is not None:
            auth.on_session_end.append(self.end_session)

    def publish(self, event: Event) -> None:
        self.publish_batch([event])

    def replay(self, since: int, store: Any) -> None:
        """Hand this process's sockets the events after ``since`` from the log, without
        Redis (they were published while this process was not listening)."""
        if since > 0:
            self.publish_batch(store.events_since(since, limit=5000), local=True)

    def publish_batch(self, batch: list[Event], local: bool = False) -> None:
        """One frame per room with the batch's events that room may see (a socket is in
        exactly one case room, so nobody receives an event twice): a burst costs each
        socket one write, not one per event."""
        rooms: dict[str, list[dict[str, Any]]] = {}
        for event in batch:
            payload = event_payload(event)
            for room in access.event_audiences(event):
                rooms.setdefault(room, []).append(payload)
        for room, payloads in rooms.items():
            if local:
                self.socketio.emit(EVENTS_NAME, payloads, to=room, ignore_queue=True)
            else:
                self.socketio.emit(EVENTS_NAME, payloads, to=room)

    def init_handlers(self) -> None:
        @self.socketio.on("connect")
        def _connect(_auth: Any = None) -> bool:
            sid = request.sid  # type: ignore[attr-defined]
            with self._lock:
                again = sid in self._sockets
            if again:
                # A client emitting an event named "connect" reaches this handler too; a
                # socket is admitted once, and one that tries again is closed.
                disconnect()
                return False
            try:
                identity = self.auth.identify() if self.auth else None
            except Exception as exc:
                # The store away: a refusal the page answers by trying again. Raising
                # anything else here answers the socket nothing, and its screen waits.
                reason = (str(exc).splitlines() or [""])[0][:200]
                log.warning("socket refused: its identity unknown (%s)", reason)
                raise ConnectionRefusedError("unavailable") from exc
            actor = identity.actor if identity else None
            room = access.audience_of(actor)
            # 泉心愿's rooms (a community's, a unit's, the center's): a unit watches no case.
            platform_rooms = qxy_access.rooms(actor)
            if room is None and not platform_rooms:
                return False  # refused: no identity, or a role that watches nothing
            for joined in ([room] if room else []) + platform_rooms:
                join_room(joined)
            for alert_room in access.alert_rooms(identity.actor if identity else None):
                join_room(alert_room)  # person:<username>, and the center's urgent room
            if identity is not None:
                metrics_api.client_admitted(sid, identity.actor)
                self._admit(sid, identity)
                for admitted in self.on_admit:
                    try:
                        admitted(sid, identity.actor)  # e.g. the urgent alerts still standing
                    except Exception:  # a courtesy: the socket stays admitted all the same
                        log.exception("socket %s admitted, but %s failed", sid, admitted)
                if self.presence is not None:
                    self.presence.admit(sid, identity.actor)
                if self.positions is not None:
                    self.positions.admit(sid, identity.actor)
            return True

        @self.socketio.on("disconnect")
        def _disconnect(*_args: Any) -> None:
            sid = request.sid  # type: ignore[attr-defined]
            if self.socketio.server.manager.is_connected(sid, "/"):
                # Not a disconnect but a client emitting an event named "disconnect": were
                # the socket forgotten while open, no sign-out or sweep would close it. It
                # is closed (which calls this handler again, for real).
                disconnect()
                return
            with self._lock:
                self._sockets.pop(sid, None)
            metrics_api.client_gone(sid)
            if self.presence is not None:
                self.presence.forget(sid)
            if self.positions is not None:
                self.positions.forget(sid)

        if self.presence is not None:
            self.presence.init_handlers()

    def _admit(self, sid: str, identity: Any) -> None:
        credential = Credential(identity.session_hash, identity.key_name, identity.username)
        if credential == Credential():
            return  # the open development wall: nothing to end
        with self._lock:
            self._sockets[sid] = credential
        self._start_sweeper()

    def end_session(self, session_hash: str) -> None:
        """Close this process's sockets of a session that just ended here."""
        self._close(lambda c: c.session_hash == session_hash)

    def sweep(self) -> int:
        """Close the sockets whose credential no longer stands; returns how many."""
        with self._lock:
            held = dict(self._sockets)
        if not held or self.auth is None:
            return 0
        sessions = {c.session_hash for c in held.values() if c.session_hash}
        keys = {c.key_name for c in held.values() if c.key_name}
        people = {c.username for c in held.values() if c.username}
        standing_sessions = self.auth.sessions.standing(sessions)
        standing_keys = self.auth.keys.active_names(keys)
        standing_people = {u for u in people if self.auth.users.get(u) is not None}

        def ended(c: Credential) -> bool:
            if c.session_hash:
                return c.session_hash not in standing_sessions
            if c.key_name:
                return c.key_name not in standing_keys
            return c.username not in standing_people

        return self._close(ended)

    def _close(self, ended: Any) -> int:
        with self._lock:
            gone = [sid for sid, c in self._sockets.items() if ended(c)]
            for sid in gone:
                del self._sockets[sid]
        for sid in gone:
            self.socketio.server.disconnect(sid, namespace="/")
            if self.presence is not None:
                self.presence.forget(sid)  # as the disconnect did already; once is enough
            if self.positions is not None:
                self.positions.forget(sid)
        return len(gone)

    def let_go(self) -> int:
        """Close every socket of this process at its transport, as a stopping process must:
        its screens see the connection drop and reconnect (to another process, or to this
        one's successor) and catch up from the log. Not Socket.IO's disconnect, which tells
        a client not to come back. Returns how many."""
        eio = self.socketio.server.eio
        held = list(eio.sockets.values())
        for socket in held:
            try:
                socket.close(wait=False, abort=True)
            except Exception as exc:  # one broken socket does not keep the others
                log.warning("a socket could not be closed: %s", exc)
        return len(held)

    def _start_sweeper(self) -> None:
        with self._lock:
            if self._sweeper is not None or self.sweep_seconds <= 0:
                return
            self._sweeper = threading.Thread(target=self._sweep_loop, name="gridcc-sweep")
            self._sweeper.daemon = True
        self._sweeper.start()

    def _sweep_loop(self) -> None:
        while not self._stop.wait(self.sweep_seconds):
            try:
                self.sweep()
            except Exception as exc:  # a store that is away now is checked again next time
                log.warning("socket sweep skipped: %s", exc)
            if self.presence is not None:
                try:
                    self.presence.expire()
                except Exception as exc:  # Redis away: what ran out is told next time
                    log.warning("presence expiry skipped: %s", exc)

    def stop(self) -> None:
        """End the sweep (a sweep under way finishes first) and let go of the presence book."""
        self._stop.set()
        if self._sweeper is not None:
            self._sweeper.join(timeout=5)
        if self.presence is not None:
            self.presence.close()
        if self.positions is not None:
            self.positions.stop()
