"""The Redis clients of a serving process (the fan-out, the outbox's lease, rate limits,
presence and positions), all with one kind of pool.

redis-py's own pool (8.x) holds at most 100 connections and, past them, fails at once with
"Too many connections". A serving process gives every websocket a thread of its own
(hundreds of them), and a burst of them asking Redis together (200 screens connecting at
once, after a restart or a network blip) found the pool empty: presence went unrecorded,
and an urgent alert's resend failed inside a socket's connect. Here each pool waits a
moment for a free connection instead (``POOL_WAIT_S``: Redis answers in well under a
millisecond, so one comes back soon unless Redis itself is stuck, and then the wait is
short), with fewer connections than that: Redis serves them one after another anyway.
"""

from __future__ import annotations

from typing import Any

import redis

MAX_CONNECTIONS = 50  # per client, per process
POOL_WAIT_S = 0.5  # the longest a command waits for a free connection of its pool
NO_CONNECTION = "No connection available"  # redis-py's words when that wait runs out


def client(
    url: str,
    timeout: float | None = 2.0,
    connect_timeout: float = 2.0,
    max_connections: int = MAX_CONNECTIONS,
    **more: Any,
) -> redis.Redis:
    """A client of ``url`` whose commands give up after ``timeout`` s (None: never, for a
    listener), having waited at most ``POOL_WAIT_S`` for a free connection of its pool.
    ``more``: other connection options (``socket_keepalive``, ``client_name``…)."""
    pool = redis.BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=POOL_WAIT_S,
        socket_timeout=timeout,
        socket_connect_timeout=connect_timeout,
        **more,
    )
    made = redis.Redis(connection_pool=pool)
    made.auto_close_connection_pool = True
    return made


def pool_was_full(exc: BaseException) -> bool:
    """Whether ``exc`` says only that every connection of the pool was busy (Redis is fine:
    no reason to drop the pool and connect afresh)."""
    return isinstance(exc, redis.ConnectionError) and NO_CONNECTION in str(exc)
