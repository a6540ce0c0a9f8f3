"""Who publishes: a lease that one process of a deployment holds at a time.

The outbox (``cases.outbox``) publishes the event log only while its process holds the
lease, so each event is published by one process, in order. In Redis the lease is a key
with a time to live that its holder renews; a holder that dies, freezes or loses Redis
stops renewing, and after the time to live another process takes it over and carries on
from the published mark kept in the store. Without Redis a deployment is one process,
which always holds it.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Protocol

import redis

from cases import redis_client

log = logging.getLogger(__name__)

# Renew only if the key still holds our token (another holder's lease is never touched).
RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


class Lease(Protocol):
    def hold(self) -> bool:
        """Take the lease or keep it; whether this process may publish now."""

    def release(self) -> None:
        """Give the lease up at once (on a clean stop), so another takes over without
        waiting for it to run out."""


class LocalLease:
    """A deployment of one process: always held."""

    def hold(self) -> bool:
        return True

    def release(self) -> None:
        pass


class RedisLease:
    """The lease as a Redis key ``key`` with a time to live of ``ttl`` seconds.

    ``hold`` talks to Redis at most every ``ttl / 4`` while held; it answers False once the
    last renewal is older than half the time to live (so a holder frozen or cut off stops
    publishing well before another can take over)."""

    def __init__(self, client: redis.Redis, key: str, ttl: float = 4.0) -> None:
        self.client = client
        self.key = key
        self.ttl = ttl
        self.token = uuid.uuid4().hex
        self._renew = client.register_script(RENEW)
        self._release = client.register_script(RELEASE)
        self._renewed_at: float | None = None  # monotonic time of the last success

    @property
    def _ttl_ms(self) -> int:
        return int(self.ttl * 1000)

    def hold(self) -> bool:
        moment = time.monotonic()
        if self._renewed_at is not None and moment - self._renewed_at < self.ttl / 4:
            return True
        try:
            if self._renewed_at is not None and self._renew(
                keys=[self.key], args=[self.token, self._ttl_ms]
            ):
                self._renewed_at = moment
                return True
            if self.client.set(self.key, self.token, nx=True, px=self._ttl_ms):
                if self._renewed_at is None:
                    log.info("outbox lease %s taken", self.key)
                self._renewed_at = moment
                return True
            self._lost("held by another process")
        except redis.RedisError as exc:
            if self._renewed_at is not None and moment - self._renewed_at < self.ttl / 2:
                return True  # a blip: the key still stands for a while; try again next time
            self._lost(f"Redis: {exc}")
        return False

    def _lost(self, why: str) -> None:
        if self._renewed_at is not None:
            log.warning("outbox lease %s lost (%s)", self.key, why)
        self._renewed_at = None

    def release(self) -> None:
        if self._renewed_at is None:
            return
        self._renewed_at = None
        try:
            self._release(keys=[self.key], args=[self.token])
        except redis.RedisError as exc:
            log.warning("outbox lease %s not released (%s); it runs out by itself", self.key, exc)


def deployment_lease(redis_url: str, key: str) -> Lease:
    """One publisher per deployment: the key ``key`` in the deployment's Redis (every process
    serving the store shares it), or, without Redis, this process's own lease."""
    if not redis_url:
        return LocalLease()
    # Gives up quickly: a Redis that does not answer costs the lease, never a stuck thread.
    return RedisLease(redis_client.client(redis_url, timeout=2), key)
