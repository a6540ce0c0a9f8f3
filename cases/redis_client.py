"""The Redis clients of a gridcc process, all with one kind of pool.

redis-py's own pool (8.x) holds at most 100 connections and, past them, fails at once with
"Too many connections". A serving process gives every websocket a thread of its own
(hundreds of them), and a burst of them asking Redis together (200 screens connecting at
once, after a restart or a network blip) found the pool empty: presence went unrecorded,
and an urgent alert's resend failed inside a socket's connect. Here each pool waits for a
free connection (up to the client's timeout) instead, with fewer connections than that:
Redis serves them one after another anyway.
"""

from __future__ import annotations

from typing import Any

import redis

MAX_CONNECTIONS = 50  # per client, per process


def client(
    url: str,
    timeout: float | None = 2.0,
    connect_timeout: float = 2.0,
    max_connections: int = MAX_CONNECTIONS,
    **more: Any,
) -> redis.Redis:
    """A client of ``url`` whose commands give up after ``timeout`` s (None: never, for a
    listener), waiting at most as long for a free connection of its pool. ``more``: other
    connection options (``socket_keepalive``, ``client_name``, ``retry``…)."""
    wait = timeout if timeout is not None else connect_timeout
    pool = redis.BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=wait,
        socket_timeout=timeout,
        socket_connect_timeout=connect_timeout,
        **more,
    )
    made = redis.Redis(connection_pool=pool)
    made.auto_close_connection_pool = True
    return made
