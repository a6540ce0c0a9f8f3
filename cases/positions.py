"""Where the people on patrol are now: each one's last position, kept a short while.

A grid worker's phone shares its position while a patrol is under way (every ~15 s, and on
check-in). The book keeps the last one per person; a position older than ``max_age``
seconds is not shown (the issue's 30 s), and one older than ``ttl`` is forgotten. Ending a
patrol takes the person off at once. Positions are WGS-84.

Two books keep positions behind one interface, as presence does: ``LocalPositions`` in
this process, and a Redis book shared by every process of a deployment. Who may see
positions is the access policy's question (``cases.access.may_see_positions``).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

Clock = Callable[[], float]
MAX_AGE_S = 30.0  # a position older than this is not shown as where someone is
EARTH_M = 6_371_008.8


@dataclass(frozen=True)
class Position:
    person_id: str
    name: str
    lon: float
    lat: float
    at: float  # epoch seconds, when the phone took it
    accuracy_m: float = 0.0
    patrol_id: int | None = None
    cell_code: str = ""

    def as_row(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Position:
        return cls(**{k: row[k] for k in cls.__dataclass_fields__ if k in row})


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_M * math.asin(min(1.0, math.sqrt(h)))


class PositionBook:
    """The interface both books share; ``now`` is the clock (epoch seconds)."""

    def __init__(self, ttl: float = 300.0, now: Clock = time.time) -> None:
        self.ttl = ttl
        self.now = now

    def put(self, position: Position) -> None:
        raise NotImplementedError

    def drop(self, person_id: str) -> None:
        raise NotImplementedError

    def all(self) -> list[Position]:
        """Every position not yet forgotten (fresh or not)."""
        raise NotImplementedError

    def recent(self, max_age: float = MAX_AGE_S) -> list[Position]:
        """The positions taken at most ``max_age`` seconds ago."""
        since = self.now() - max_age
        return [p for p in self.all() if p.at >= since]

    def near(
        self, lon: float, lat: float, k: int = 5, max_age: float = MAX_AGE_S
    ) -> list[tuple[Position, float]]:
        """The ``k`` nearest fresh positions to (lon, lat), each with its distance in m."""
        found = [(p, distance_m(lon, lat, p.lon, p.lat)) for p in self.recent(max_age)]
        return sorted(found, key=lambda pd: (pd[1], pd[0].person_id))[:k]

    def close(self) -> None:
        """Let go of what the book holds open (a connection)."""


class LocalPositions(PositionBook):
    """Positions in this process's memory."""

    def __init__(self, ttl: float = 300.0, now: Clock = time.time) -> None:
        super().__init__(ttl, now)
        self._held: dict[str, Position] = {}
        self._lock = threading.Lock()

    def put(self, position: Position) -> None:
        with self._lock:
            held = self._held.get(position.person_id)
            if held is None or held.at <= position.at:  # a late-arriving older fix loses
                self._held[position.person_id] = position

    def drop(self, person_id: str) -> None:
        with self._lock:
            self._held.pop(person_id, None)

    def all(self) -> list[Position]:
        cutoff = self.now() - self.ttl
        with self._lock:
            for pid in [pid for pid, p in self._held.items() if p.at < cutoff]:
                del self._held[pid]
            return list(self._held.values())
