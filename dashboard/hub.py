"""The Socket.IO hub: every committed case event goes to the rooms allowed to see it.

Rooms are the access policy's audiences (``cases.access``): the district, and one per
department. A socket joins the one audience its user watches; an event is emitted to
every audience it belongs to, so a reassigned case reaches the department it left too.
With REDIS_URL set, Flask-SocketIO's message queue (on this deployment's own channel)
carries each emit to every app process.
"""

from __future__ import annotations

from typing import Any

from flask_socketio import SocketIO, join_room

from cases import access
from cases.model import Event
from cases.records import event_payload

EVENT_NAME = "case_event"


class Hub:
    def __init__(self, socketio: SocketIO, auth: Any = None) -> None:
        self.socketio = socketio
        self.auth = auth

    def publish(self, event: Event) -> None:
        payload = event_payload(event)
        # A socket is in exactly one room, so nobody receives an event twice.
        for room in access.event_audiences(event):
            self.socketio.emit(EVENT_NAME, payload, to=room)

    def init_handlers(self) -> None:
        @self.socketio.on("connect")
        def _connect(_auth: Any = None) -> bool:
            actor = self.auth.current_actor() if self.auth else None
            room = access.audience_of(actor)
            if room is None:
                return False  # refused: no identity, or a role that watches nothing
            join_room(room)
            return True
