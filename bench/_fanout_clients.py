"""The screens of bench/fanout.py and bench/soak.py: a process holding many clients, driven
through a pipe.

A process opens ``count`` Socket.IO clients on the websocket transport, all read by one
thread (``socket``: bench/_light_sockets.py), or ``count`` threads polling
``/api/events?since=`` every second (``poll``), all with one signed-in session's cookie.
Each client keeps, per case, when its first event arrived (``time.monotonic()``: one clock
for every process of the machine), and how many frames and events it got. Commands on the
pipe: ``("collect", case_ids, deadline_s)`` waits until every client holds every case (or
the deadline) and answers with what they hold, then forgets it; ``("stop",)`` closes the
clients and ends the process.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

import requests
from _light_sockets import LightSockets

POLL_S = 1.0
HEARTBEAT_S = 10.0  # the desks' and the wall's (dashboard/desk_page.py, wall.py)


class Held:
    """What one client received: first arrival per case, frames and events counted."""

    def __init__(self) -> None:
        self.first: dict[int, float] = {}
        self.frames = 0
        self.events = 0
        self.lock = threading.Lock()

    def took(self, at: float, batch: list[dict[str, Any]]) -> None:
        with self.lock:
            self.frames += 1
            self.events += len(batch)
            for event in batch:
                self.first.setdefault(int(event["case_id"]), at)

    def handed(self) -> tuple[dict[int, float], int, int]:
        with self.lock:
            out = (self.first, self.frames, self.events)
            self.first, self.frames, self.events = {}, 0, 0
        return out


def open_sockets(base: str, cookie: str, count: int) -> tuple[list[Held], LightSockets]:
    helds = [Held() for _ in range(count)]

    def taker(held: Held) -> Any:
        def on_event(name: str, args: list[Any]) -> None:
            if name == "case_events":
                held.took(time.monotonic(), args[0])

        return on_event

    return helds, LightSockets(base, cookie, [taker(held) for held in helds])


def start_pollers(
    base: str, cookie: str, count: int, stop: threading.Event
) -> tuple[list[Held], list[threading.Thread]]:
    """``count`` dashboards polling every second, from the log's head when they start, each
    at its own phase of the second (as browsers opened at different times would)."""
    helds, threads = [], []
    for _ in range(count):
        held = Held()

        def poll(held: Held = held) -> None:
            session = requests.Session()
            session.headers["Cookie"] = cookie
            since = int(session.get(f"{base}/api/seq", timeout=30).json()["seq"])
            next_at = time.monotonic() + random.random() * POLL_S
            while not stop.is_set():
                stop.wait(max(0.0, next_at - time.monotonic()))
                next_at += POLL_S
                more = True
                while more and not stop.is_set():
                    page = session.get(f"{base}/api/events?since={since}", timeout=30).json()
                    if page["events"]:
                        held.took(time.monotonic(), page["events"])
                    since, more = int(page["through"]), bool(page["more"])

        thread = threading.Thread(target=poll, daemon=True)
        thread.start()
        helds.append(held)
        threads.append(thread)
    return helds, threads


def collect(
    helds: list[Held], case_ids: list[int], deadline_s: float, sockets: LightSockets | None
) -> list[Any]:
    wanted = set(case_ids)
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if sockets is not None:
            sockets.check()
        if all(wanted <= held.first.keys() for held in helds):
            break
        time.sleep(0.02)
    return [held.handed() for held in helds]


def heartbeat(base: str, cookie: str, stop: threading.Event) -> None:
    """What a page does beside its socket: ask ``/api/seq`` every ``HEARTBEAT_S`` (which
    keeps its session from idling out: without it, the soak's sockets were closed by the
    session sweep after 30 minutes, as they should be)."""
    session = requests.Session()
    session.headers["Cookie"] = cookie
    while not stop.wait(HEARTBEAT_S):
        with contextlib.suppress(requests.RequestException):
            session.get(f"{base}/api/seq", timeout=30)


def serve_screens(pipe: Connection, base: str, cookie: str, count: int, kind: str) -> None:
    """A client process's body (multiprocessing's target)."""
    stop = threading.Event()
    sockets: LightSockets | None = None
    try:
        began = time.monotonic()
        if kind == "socket":
            helds, sockets = open_sockets(base, cookie, count)
            if cookie:  # a signed-in page's (the echo floor's sockets have none)
                threading.Thread(target=heartbeat, args=(base, cookie, stop), daemon=True).start()
        else:
            helds, _threads = start_pollers(base, cookie, count, stop)
        pipe.send(("ready", time.monotonic() - began))
        while True:
            command = pipe.recv()
            if command[0] == "collect":
                pipe.send(("held", collect(helds, command[1], command[2], sockets)))
            else:
                break
    except Exception as exc:  # told to the bench, which stops
        pipe.send(("failed", repr(exc)))
    finally:
        stop.set()
        if sockets is not None:
            sockets.close()
