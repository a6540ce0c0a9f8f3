"""Whether this process can serve: the store answers, and Redis when the deployment has it.

Each check runs on a thread of its own and is waited for at most ``bound_s``: a store that
hangs (a frozen server, a dropped link that never resets) must make the probe answer "not
ready" within the bound, not hang the probe and then the load balancer's health checks. A
check still running from an earlier probe is waited for again rather than started twice,
so a hung store never piles up threads. The answer names the part and the kind of error,
never a URL, an address or a password.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from cases.db import reading

BOUND_S = 1.0


@dataclass(frozen=True)
class Finding:
    """One part's answer: ``error`` is empty when it answered, else the kind of failure
    (``timeout`` past the bound, or the exception's class name)."""

    part: str
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


class Check:
    """One part's check (a function that returns when the part answers, raises if not),
    run at most once at a time, waited for at most ``bound_s``."""

    def __init__(self, part: str, probe: Callable[[], Any], bound_s: float = BOUND_S) -> None:
        self.part = part
        self.probe = probe
        self.bound_s = bound_s
        self._lock = threading.Lock()
        self._running: Future[Any] | None = None

    def run(self) -> Finding:
        return self.wait(self.begin(), self.bound_s)

    def begin(self) -> Future[Any]:
        """The check under way: the one still running, else a new one."""
        with self._lock:
            if self._running is None or self._running.done():
                self._running = self._start()
            return self._running

    def wait(self, running: Future[Any], timeout: float) -> Finding:
        try:
            running.result(timeout=timeout)
        except FutureTimeout:
            return Finding(self.part, "timeout")
        except Exception as exc:
            return Finding(self.part, type(exc).__name__)
        return Finding(self.part)

    def _start(self) -> Future[Any]:
        future: Future[Any] = Future()

        def work() -> None:
            try:
                future.set_result(self.probe())
            except BaseException as exc:
                future.set_exception(exc)

        threading.Thread(target=work, name=f"gridcc-ready-{self.part}", daemon=True).start()
        return future


def store_check(engine: Engine, bound_s: float = BOUND_S) -> Check:
    """The store answers a trivial read (on SQLite without taking the write lock)."""

    def probe() -> None:
        with reading(engine) as conn:
            conn.exec_driver_sql("SELECT 1")

    return Check("store", probe, bound_s)


def redis_check(redis_url: str, bound_s: float = BOUND_S) -> Check:
    """Redis answers PING (a client of its own, with the bound as its socket timeouts)."""
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=bound_s, socket_connect_timeout=bound_s)
    return Check("redis", client.ping, bound_s)


class Readiness:
    """The checks of one process; ``findings()`` runs them all at once, so the answer takes
    at most one bound however many parts there are."""

    def __init__(self, checks: list[Check]) -> None:
        self.checks = checks

    def findings(self) -> list[Finding]:
        running = [(check, check.begin()) for check in self.checks]
        deadline = time.monotonic() + max((c.bound_s for c in self.checks), default=0.0)
        return [c.wait(f, max(0.0, deadline - time.monotonic())) for c, f in running]
