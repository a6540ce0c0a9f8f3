"""Socket.IO's fan-out through Redis, made to tell the outbox when a publish fails.

python-socketio's ``RedisManager`` logs a failed publish and drops it, and its listener,
once Redis is gone, waits ever longer (up to a minute) before listening again. Here:

- an emit that Redis did not take raises ``PublishFailed``, so the outbox tries the same
  events again rather than moving past them;
- publishing has a short timeout (a frozen Redis stalls the outbox, never a request);
  listening has none (a quiet channel is not a fault);
- the listener comes back within a second of Redis;
- each emit carries the time it was published, so every process counts how long its
  frames took to reach it (``gridcc_published_to_delivered_seconds``);
- when the listener is back after a failure, ``on_relisten`` is called with the last case
  event this process saw: what was published while it was not listening is in the log,
  and the hub hands it to this process's screens (``Hub.replay``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import redis
import socketio

from cases import metrics, redis_client

log = logging.getLogger(__name__)

PUBLISH_TIMEOUT_S = 2.0
STAMP = "gridcc_published_at"
CASE_EVENTS = "case_events"  # dashboard.hub.EVENTS_NAME


class PublishFailed(RuntimeError):
    """Redis did not take an emit: the screens of the other processes did not get it."""


class Fanout(socketio.RedisManager):
    def __init__(self, url: str, channel: str) -> None:
        super().__init__(url, channel=channel, write_only=False)
        self.seen = 0  # the last case event handed to this process's sockets
        self.on_relisten: list[Callable[[int], None]] = []

    def _redis_connect(self) -> None:
        # Pools that wait for a free connection (cases/redis_client.py): hundreds of
        # sockets' threads may emit at once.
        self.redis = redis_client.client(self.redis_url, timeout=PUBLISH_TIMEOUT_S)
        listener = redis_client.client(
            self.redis_url,
            timeout=None,
            connect_timeout=PUBLISH_TIMEOUT_S,
            max_connections=2,
            socket_keepalive=True,
        )
        self.pubsub = listener.pubsub(ignore_subscribe_messages=True)
        self.connected = True

    def _publish(self, data: Any) -> Any:
        emitting = isinstance(data, dict) and data.get("method") == "emit"
        if emitting:
            data = {**data, STAMP: time.time()}
        try:
            if not self.connected:
                self._redis_connect()
            return self.redis.publish(self.channel, self.json.dumps(data))
        except redis.RedisError as exc:
            # A pool whose connections were all busy: Redis is fine, keep them.
            self.connected = redis_client.pool_was_full(exc)
            if emitting:
                raise PublishFailed(f"Redis did not take the emit: {exc}") from exc
            log.warning("fan-out: %s not sent through Redis: %s", data.get("method"), exc)
            return None

    def _handle_emit(self, message: dict[str, Any]) -> None:
        stamped = message.get(STAMP)
        if isinstance(stamped, float):
            lag = time.time() - stamped
            if 0 <= lag < 3600:
                metrics.PUBLISHED_TO_DELIVERED.observe(lag)
        if message.get("event") == CASE_EVENTS:
            self._saw(message.get("data"))
        super()._handle_emit(message)

    def _saw(self, data: Any) -> None:
        batch = data[0] if isinstance(data, list) and data else None
        if isinstance(batch, list):
            seqs = [ev.get("seq") for ev in batch if isinstance(ev, dict)]
            self.seen = max([self.seen, *(s for s in seqs if isinstance(s, int))])

    def _redis_listen_with_retries(self) -> Iterator[Any]:
        subscribed = False
        failed = False
        while True:
            try:
                if not subscribed:
                    self._redis_connect()
                    self.pubsub.subscribe(self.channel)
                    subscribed = True
                    if failed:
                        self._relistened()
                    failed = False
                yield from self.pubsub.listen()
            except Exception as exc:
                log.warning("fan-out: not listening to Redis, again in 0.5 s: %s", exc)
                subscribed = False
                failed = True
                time.sleep(0.5)

    def _relistened(self) -> None:
        log.info("fan-out: listening to Redis again after event %d", self.seen)
        for hook in list(self.on_relisten):
            try:
                hook(self.seen)
            except Exception:  # the screens' heartbeat still catches them up
                log.exception("fan-out: replay after event %d failed", self.seen)
