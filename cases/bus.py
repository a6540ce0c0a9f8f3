"""The in-process event bus: committed events, handed to what fans them out.

Two kinds of subscriber. A batch subscriber (the screens' fan-out) takes the events the
outbox publishes together, in order; if it fails the outbox tries the same events again,
so its failure is raised. An event subscriber (urgent alerts, 泉心愿's follow-up of a
closed case) takes each event once the batch subscribers have it; one that fails is logged
and skipped: the event is in the log, and a browser that missed it asks by sequence number.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from cases.model import Event

log = logging.getLogger(__name__)

Subscriber = Callable[[Event], None]
BatchSubscriber = Callable[[list[Event]], None]


class EventBus:
    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._batch_subscribers: list[BatchSubscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            self._subscribers.append(subscriber)

    def subscribe_batch(self, subscriber: BatchSubscriber) -> None:
        with self._lock:
            self._batch_subscribers.append(subscriber)

    def publish(self, event: Event) -> None:
        self.deliver([event])

    def deliver(self, batch: list[Event]) -> None:
        """Hand ``batch`` (in log order) to every subscriber; a batch subscriber's failure
        is raised before any event subscriber sees the batch."""
        with self._lock:
            whole = list(self._batch_subscribers)
            each = list(self._subscribers)
        for subscriber in whole:
            subscriber(batch)
        for event in batch:
            for one in each:
                try:
                    one(event)
                except Exception:
                    log.exception("subscriber %r failed on event %d", one, event.seq)
