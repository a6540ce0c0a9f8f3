"""The Socket.IO hub: every committed case event goes to the rooms allowed to see it.

With REDIS_URL set, Flask-SocketIO's message queue carries each emit to every app
process, so a browser on any process sees events written by any other.
"""

from __future__ import annotations

from typing import Any

from flask_socketio import SocketIO, join_room

from cases.model import Event
from cases.store import event_payload

EVENT_NAME = "case_event"
# The wall sees every event. Per-department rooms come with user accounts: a room is
# joined only after the server has checked who the socket belongs to.
WALL_ROOM = "wall"


class Hub:
    def __init__(self, socketio: SocketIO) -> None:
        self.socketio = socketio

    def publish(self, event: Event) -> None:
        self.socketio.emit(EVENT_NAME, event_payload(event), to=WALL_ROOM)

    def init_handlers(self) -> None:
        @self.socketio.on("connect")
        def _connect(_auth: Any = None) -> None:
            join_room(WALL_ROOM)
