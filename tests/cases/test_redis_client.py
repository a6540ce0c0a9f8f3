"""Every Redis client of a serving process waits a moment for a free connection of its
pool rather than failing at once ("Too many connections", redis-py's own pool past 100):
real Redis."""

from __future__ import annotations

import threading
import time

import pytest
import redis

from cases import redis_client


def test_a_command_waits_for_a_connection_of_a_full_pool(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(redis_client, "POOL_WAIT_S", 10.0)  # longer than a busy machine needs
    client = redis_client.client(redis_url, timeout=5, max_connections=2)
    pool = client.connection_pool
    held = [pool.get_connection(), pool.get_connection()]
    answered: list[object] = []
    asking = threading.Thread(target=lambda: answered.append(client.ping()))
    asking.start()
    asking.join(0.3)
    assert asking.is_alive() and not answered  # waiting, not failed
    pool.release(held.pop())
    asking.join(10)
    assert answered == [True]
    pool.release(held.pop())
    client.close()


def test_a_full_pool_that_stays_full_fails_after_its_wait(redis_url: str) -> None:
    client = redis_client.client(redis_url, timeout=5, max_connections=1)
    held = client.connection_pool.get_connection()
    began = time.monotonic()
    with pytest.raises(redis.ConnectionError) as failed:
        client.ping()
    assert time.monotonic() - began >= redis_client.POOL_WAIT_S * 0.9  # waited, then gave up
    assert redis_client.pool_was_full(failed.value)  # told apart from Redis being away
    client.connection_pool.release(held)
    assert client.ping() is True
    client.close()


def test_redis_away_is_not_a_full_pool() -> None:
    client = redis_client.client("redis://127.0.0.1:1/0", timeout=0.5, connect_timeout=0.5)
    with pytest.raises(redis.ConnectionError) as failed:
        client.ping()
    assert not redis_client.pool_was_full(failed.value)
    client.close()
