"""The people on patrol, live on the map: positions fanned out to the screens allowed to see
them, in batched frames.

Positions are not case events: they never enter the event log, and they go only to the
sockets whose person may see them (``cases.access.may_see_positions``), which join the room
``positions`` when admitted (``dashboard.hub``). Never to a liaison, a grid worker, a key
of another scope.

Every ``every`` seconds (0.25 s) each process reads the positions book once — the one book a
deployment shares (in Redis with REDIS_URL, ``cases.positions_redis``) — and sends its own
sockets in the room what changed since its last frame: the positions put or moved, and the
people gone (patrol ended, or their last position older than ``max_age``, 30 s). A socket
joining gets the whole set first (with the next frame, once its connection is complete),
then joins the room. Each process emits to its own sockets only
(``ignore_queue``), so no frame crosses the message queue and nobody gets one twice; the
book is the one thing shared. A process with no socket in the room reads nothing.

The event ``positions``, one per frame::

    {"full": bool, "at": <server ms>, "put": [Row…], "gone": [<person id>…]}
    Row = {"id", "name", "lon", "lat", "at": <ms the position was taken>, "cell"}

``full``: the whole set (a screen drops every dot it holds first). 1,000 workers sending a
position every 30 s make about 33 rows a second: four frames of ~0.5-1 KB a second per screen.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask_socketio import SocketIO

from cases import access
from cases.positions import MAX_AGE_S, Position, PositionBook
from cases.workflow import Actor, Role

EVENT_NAME = "positions"
ROOM = "positions"
# Four frames a second at most: a change waits up to one frame for its batch, so with 1 s the
# put → screen lag's p95 was 0.95-1.0 s (bench/positions.py), and the page's own frames add
# up to 0.5 s more on a software-rendered wall. A read of 1,000 positions costs ~5 ms.
FRAME_S = 0.25
log = logging.getLogger(__name__)

Row = dict[str, Any]


def row(p: Position) -> Row:
    """A position as a screen receives it (no phone, no accuracy: where and when)."""
    return {
        "id": p.person_id,
        "name": p.name,
        "lon": round(p.lon, 6),
        "lat": round(p.lat, 6),
        "at": int(p.at * 1000),
        "cell": p.cell_code,
    }


def changes(shown: dict[str, Row], now: dict[str, Row]) -> tuple[list[Row], list[str]]:
    """What brings a screen showing ``shown`` to ``now``: rows put, ids gone."""
    put = [r for pid, r in sorted(now.items()) if shown.get(pid) != r]
    gone = sorted(pid for pid in shown if pid not in now)
    return put, gone


class PositionsHub:
    def __init__(
        self,
        socketio: SocketIO,
        book: PositionBook,
        every: float = FRAME_S,
        max_age: float = MAX_AGE_S,
        roles: frozenset[Role] = access.POSITION_ROLES,
    ) -> None:
        self.socketio = socketio
        self.book = book
        self.every = every
        self.max_age = max_age
        self.roles = roles  # who may see positions (the POSITION_ROLES setting)
        self.frames = 0  # sent by this process (the bench reads it)
        self._members: set[str] = set()  # this process's sockets in the room
        self._pending: set[str] = set()  # admitted, waiting for the whole set
        self._shown: dict[str, Row] | None = None  # what every member shows (None: unknown)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def current(self) -> dict[str, Row]:
        """The fresh positions now, by person."""
        return {p.person_id: row(p) for p in self.book.recent(self.max_age)}

    def _now_ms(self) -> int:
        return int(self.book.now() * 1000)

    def admit(self, sid: str, actor: Actor | None) -> bool:
        """A socket was admitted (``dashboard.hub``): if its person may see positions, it
        gets the whole set with the next frame, then joins the room."""
        if not access.may_see_positions(actor, self.roles):
            return False
        with self._lock:
            self._pending.add(sid)
        self._start()
        return True

    def forget(self, sid: str) -> None:
        with self._lock:
            self._members.discard(sid)
            self._pending.discard(sid)

    def tick(self) -> dict[str, Any] | None:
        """One frame: what changed to this process's sockets in the room, and the whole
        set to each socket admitted since (once its connection is complete: a frame sent
        before would be lost). Returns the frame of changes (None: nothing changed, or no
        one here watches)."""
        with self._lock:
            manager = self.socketio.server.manager
            ready = {sid for sid in self._pending if manager.is_connected(sid, "/")}
            if not self._members and not ready:
                self._shown = None  # nobody kept up to date: the next one reads afresh
                return None
            now = self.current()
            frame = None
            if self._members:
                put, gone = changes(self._shown or {}, now)
                if put or gone:
                    frame = {"full": False, "at": self._now_ms(), "put": put, "gone": gone}
                    self.socketio.emit(EVENT_NAME, frame, to=ROOM, ignore_queue=True)
                    self.frames += 1
            self._shown = now
            if ready:
                whole = [now[pid] for pid in sorted(now)]
                full = {"full": True, "at": self._now_ms(), "put": whole, "gone": []}
                for sid in sorted(ready):
                    self.socketio.emit(EVENT_NAME, full, to=sid, ignore_queue=True)
                    self.socketio.server.enter_room(sid, ROOM, namespace="/")
                self._pending -= ready
                self._members |= ready
            return frame

    def _start(self) -> None:
        with self._lock:
            if self._ticker is not None or self.every <= 0:
                return
            self._ticker = threading.Thread(target=self._loop, name="gridcc-positions")
            self._ticker.daemon = True
        self._ticker.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.tick()
            except Exception as exc:  # Redis away: the next tick tries again
                log.warning("positions frame skipped: %s", str(exc).splitlines()[0][:200])

    def stop(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=5)
        self.book.close()
