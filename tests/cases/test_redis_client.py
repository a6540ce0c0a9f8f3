"""Every Redis client of a process waits for a free connection of its pool, for a while,
rather than failing at once ("Too many connections", redis-py's own pool past 100): real
Redis."""

from __future__ import annotations

import threading
import time

import pytest
import redis

from cases import redis_client


def test_a_command_waits_for_a_connection_of_a_full_pool(redis_url: str) -> None:
    client = redis_client.client(redis_url, timeout=5, max_connections=2)
    pool = client.connection_pool
    held = [pool.get_connection(), pool.get_connection()]
    answered: list[object] = []
    asking = threading.Thread(target=lambda: answered.append(client.ping()))
    asking.start()
    asking.join(0.3)
    assert asking.is_alive() and not answered  # waiting, not failed
    pool.release(held.pop())
    asking.join(5)
    assert answered == [True]
    pool.release(held.pop())
    client.close()


def test_a_full_pool_that_stays_full_fails_after_the_timeout(redis_url: str) -> None:
    client = redis_client.client(redis_url, timeout=0.4, max_connections=1)
    held = client.connection_pool.get_connection()
    began = time.monotonic()
    with pytest.raises(redis.ConnectionError):
        client.ping()
    assert time.monotonic() - began >= 0.35  # it waited for its timeout, then gave up
    client.connection_pool.release(held)
    assert client.ping() is True
    client.close()
