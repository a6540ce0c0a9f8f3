"""The in-process event bus: the store publishes committed events, subscribers fan them out.

A subscriber that fails is logged and skipped: the event is already in the log, and a
browser that missed it asks for it by sequence number.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from cases.model import Event

log = logging.getLogger(__name__)

Subscriber = Callable[[Event], None]


class EventBus:
    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            self._subscribers.append(subscriber)

    def publish(self, event: Event) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber(event)
            except Exception:
                log.exception("subscriber %r failed on event %d", subscriber, event.seq)
