"""The Socket.IO hub: every committed case event goes to the rooms allowed to see it.

With REDIS_URL set, Flask-SocketIO's message queue carries each emit to every app
process, so a browser on any process sees events written by any other.
"""

from __future__ import annotations

from typing import Any

from flask_socketio import SocketIO, join_room

from cases.model import Event
from cases.records import event_payload
from cases.workflow import Role

EVENT_NAME = "case_event"
WALL_ROOM = "wall"  # the whole district: wall displays, desk, leads, admins
WALL_ROLES = frozenset({Role.WALL, Role.OPERATOR, Role.LEAD, Role.ADMIN, Role.WORKER})


def department_room(department: str) -> str:
    return f"dept:{department}"


class Hub:
    def __init__(self, socketio: SocketIO, auth: Any = None) -> None:
        self.socketio = socketio
        self.auth = auth

    def publish(self, event: Event) -> None:
        payload = event_payload(event)
        # A socket is in exactly one room, so nobody receives an event twice.
        self.socketio.emit(EVENT_NAME, payload, to=WALL_ROOM)
        department = event.data.get("department")
        if department:
            self.socketio.emit(EVENT_NAME, payload, to=department_room(department))

    def room_for(self, role: Role, department: str | None) -> str | None:
        if role in WALL_ROLES:
            return WALL_ROOM
        if role is Role.LIAISON and department:
            return department_room(department)
        return None

    def init_handlers(self) -> None:
        @self.socketio.on("connect")
        def _connect(_auth: Any = None) -> bool:
            actor = self.auth.current_actor() if self.auth else None
            room = self.room_for(actor.role, actor.department) if actor else None
            if room is None:
                return False  # refused: no identity, or a role that watches nothing
            join_room(room)
            return True
