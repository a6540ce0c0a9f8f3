"""What every part of 泉心愿 shares: the store's engine and clock, the places of the grid
(cells → community → street, with names), and the publishing of committed events.

Each part (wishes, calls, problems, lists, units) is a small class built on one
``Platform``; a step is one ``writing()`` transaction that ends with ``record``-ed events,
published only after the commit.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from cases.db import reading
from cases.quanxinyuan import log

Subscriber = Callable[[log.QxyEvent], None]
_log = logging.getLogger(__name__)


class QxyError(ValueError):
    """A step refused: ``problem`` is a short code for screens, the message says why."""

    def __init__(self, problem: str, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.problem = problem
        self.status = status


class NotFound(QxyError):
    def __init__(self, what: str, item_id: object) -> None:
        super().__init__("not_found", f"no {what} {item_id}", 404)


class Stale(QxyError):
    """Someone else changed the item first (``expected_version`` did not match)."""

    def __init__(self, what: str, item_id: object) -> None:
        super().__init__("stale", f"the {what} {item_id} was changed meanwhile; reload", 409)


@dataclass(frozen=True)
class Place:
    community_code: str  # 12 digits
    community_name: str
    street_code: str  # 9 digits
    street_name: str


class Places:
    """The grid's cells, communities and streets, by code."""

    def __init__(self, cells: Iterable[tuple[str, str, str]]) -> None:
        """``cells``: (cell_code, street name, community name), as the grid gives them."""
        self.cells: dict[str, Place] = {}
        for code, street, community in cells:
            self.cells[code] = Place(code[:12], community, code[:9], street)
        self.communities: dict[str, Place] = {p.community_code: p for p in self.cells.values()}
        self.streets: dict[str, str] = {p.street_code: p.street_name for p in self.cells.values()}

    def community_of_cell(self, cell_code: str) -> str | None:
        place = self.cells.get(cell_code)
        return place.community_code if place else None

    def cells_of(self, community_code: str) -> list[str]:
        return sorted(c for c, p in self.cells.items() if p.community_code == community_code)


class Platform:
    def __init__(self, engine: Engine, places: Places, now: Callable[[], datetime]) -> None:
        self.engine = engine
        self.places = places
        self.now = now
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            self._subscribers.append(subscriber)

    def publish(self, events: Iterable[log.QxyEvent]) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for event in events:
            for subscriber in subscribers:
                try:
                    subscriber(event)
                except Exception:
                    _log.exception("subscriber %r failed on qxy event %d", subscriber, event.seq)

    @contextmanager
    def writing(self) -> Iterator[Step]:
        """One step: a transaction holding the log's lock; its events are published after
        the commit (never when it rolls back)."""
        with self.engine.begin() as conn:
            step = Step(conn, log.next_seq(conn), self.now())
            yield step
            if not step.events:
                # The counter was bumped: a step without an event would leave a gap.
                raise RuntimeError("a step records at least one event")
        self.publish(step.events)

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with reading(self.engine) as conn:
            yield conn


class Step:
    """A write in progress: its connection, the time it happens at, and its events."""

    def __init__(self, conn: Connection, seq: int, at: datetime) -> None:
        self.conn = conn
        self.at = at
        self._seq = seq
        self._used = False
        self.events: list[log.QxyEvent] = []

    def record(self, **event_fields: Any) -> log.QxyEvent:
        """Add an event (``log.QxyEvent``'s fields but ``seq``; ``at`` defaults to the
        step's time). A step's first event takes the sequence number its transaction
        took; a second one bumps the counter again, still under the same lock."""
        seq = self._seq if not self._used else log.next_seq(self.conn)
        self._used = True
        event_fields.setdefault("at", self.at)
        event = log.record(self.conn, seq, event_fields)
        self.events.append(event)
        return event


class SimClock:
    """A clock the simulated month moves (``set``): a platform built on it writes each step
    at the simulated time."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at
