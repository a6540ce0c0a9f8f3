"""The live half of bench/desk.py: a reassign of 50 cases in one request, timed from the
lead's click until the 50th event reaches a second screen.

The app is served as it is in production (``gridcc serve`` in a process of its own, the
in-process fan-out). Two Socket.IO clients on the websocket transport are the other
screens: a second shift lead (the district's room) and the liaison of the department the
cases leave (its own room: a case leaving a view reaches it too). The baseline is one
case's reassign through the one-case route, timed the same way, in the same run.
"""

from __future__ import annotations

import os
import queue
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-desk-secret-of-at-least-32-characters"
BATCH = 50
WAIT_S = 30.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(
    database_url: str, spool: Path, log: Path, extra: dict[str, str] | None = None
) -> Iterator[str]:
    """``gridcc serve`` on a free port, in production mode (``extra``: more settings); its
    base URL."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": "",
        "GRIDCC_ENV": "production",
        "SECRET_KEY": SECRET,
        "PLAIN_HTTP": "1",  # http on the loopback: session cookies without Secure
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "SIMULATE_RATE": "0",
        "SPOOL_DIR": str(spool),
        **(extra or {}),
    }
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cli", "serve"], cwd=ROOT, env=env, stdout=out, stderr=out
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"gridcc serve exited: {log.read_text()[-2000:]}")
                try:
                    if requests.get(f"{base}/api/seq", timeout=1).status_code < 500:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("gridcc serve did not start within 90 s")
                time.sleep(0.1)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def signed_in(base: str, username: str, password: str) -> requests.Session:
    """A browser's session: signed in, sending its CSRF token with every change."""
    session = requests.Session()
    r = session.post(
        f"{base}/api/login", json={"username": username, "password": password}, timeout=10
    )
    r.raise_for_status()
    session.headers["X-CSRFToken"] = r.json()["csrf_token"]
    return session


class Screen:
    """Another browser: a socket with a signed-in session's cookie, each event timed as
    it arrives."""

    def __init__(self, base: str, session: requests.Session) -> None:
        self.events: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        self.client.on(
            "case_events", lambda batch: [self.events.put((time.perf_counter(), e)) for e in batch]
        )
        cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
        self.client.connect(
            base, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=10
        )

    def arrivals(self, case_ids: set[int], kind: str) -> list[float]:
        """When each of ``case_ids``'s ``kind`` events arrived, in order of arrival."""
        deadline = time.monotonic() + WAIT_S
        seen: dict[int, float] = {}
        while len(seen) < len(case_ids):
            try:
                at, ev = self.events.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise RuntimeError(
                    f"{len(seen)} of {len(case_ids)} events arrived within {WAIT_S:.0f} s"
                ) from None
            if ev.get("kind") == kind and ev.get("case_id") in case_ids:
                seen.setdefault(ev["case_id"], at)
        return sorted(seen.values())

    def close(self) -> None:
        self.client.disconnect()


@dataclass
class LiveResult:
    single_ms: list[float] = field(default_factory=list)  # one case: click → its event
    single_response_ms: list[float] = field(default_factory=list)
    bulk_response_ms: list[float] = field(default_factory=list)
    bulk_first_ms: list[float] = field(default_factory=list)
    bulk_last_ms: list[float] = field(default_factory=list)  # → the 50th on the 2nd lead
    bulk_last_liaison_ms: list[float] = field(default_factory=list)  # → the old department
    events: int = 0
    expected: int = 0

    def median(self, name: str) -> float:
        return float(statistics.median(getattr(self, name)))


@dataclass
class Users:
    password: str
    lead: str
    second_lead: str
    liaison: str  # of ``home``, the department the cases are in


def reassign_live(
    base: str,
    users: Users,
    cases: list[tuple[int, int]],
    home: str,
    other: str,
    rounds: int,
    singles: int,
) -> LiveResult:
    """``singles`` one-case reassigns, then ``rounds`` reassigns of 50 cases in one request
    (back and forth between ``home`` and ``other``). ``cases``: (id, version) in ``home``,
    at least 50 + ``singles`` of them."""
    lead = signed_in(base, users.lead, users.password)
    second = Screen(base, signed_in(base, users.second_lead, users.password))
    liaison = Screen(base, signed_in(base, users.liaison, users.password))
    result = LiveResult()
    try:
        batch, spare = cases[:BATCH], cases[BATCH : BATCH + singles]
        for case_id, version in spare:
            started = time.perf_counter()
            r = lead.post(
                f"{base}/api/cases/{case_id}/actions/reassign",
                json={"expected_version": version, "department": other, "reason": "bench"},
                timeout=30,
            )
            result.single_response_ms.append((time.perf_counter() - started) * 1000)
            if r.status_code != 200:
                raise RuntimeError(f"reassign of case {case_id}: {r.status_code} {r.text}")
            (at,) = second.arrivals({case_id}, "case.reassign")
            liaison.arrivals({case_id}, "case.reassign")
            result.single_ms.append((at - started) * 1000)
        versions = dict(batch)
        to = other
        for _ in range(rounds):
            body: dict[str, Any] = {
                "cases": [{"id": i, "expected_version": v} for i, v in versions.items()],
                "department": to,
                "reason": "bench: 50 cases at once",
            }
            started = time.perf_counter()
            r = lead.post(f"{base}/api/cases/actions/reassign", json=body, timeout=60)
            answered = time.perf_counter()
            if r.status_code != 200 or r.json()["done"] != len(versions):
                raise RuntimeError(f"bulk reassign: {r.status_code} {r.text[:2000]}")
            on_second = second.arrivals(set(versions), "case.reassign")
            on_liaison = liaison.arrivals(set(versions), "case.reassign")
            result.bulk_response_ms.append((answered - started) * 1000)
            result.bulk_first_ms.append((on_second[0] - started) * 1000)
            result.bulk_last_ms.append((on_second[-1] - started) * 1000)
            result.bulk_last_liaison_ms.append((on_liaison[-1] - started) * 1000)
            result.events += len(on_second) + len(on_liaison)
            result.expected += 2 * len(versions)
            versions = {row["id"]: row["case"]["version"] for row in r.json()["results"]}
            to = home if to == other else other
        return result
    finally:
        second.close()
        liaison.close()
