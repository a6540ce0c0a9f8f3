"""Many Socket.IO clients on one thread, for the benches' screens (bench/_fanout_clients.py).

Each client is a raw websocket (wsproto, which the server's websocket stack already brings)
speaking just enough Engine.IO 4 / Socket.IO 5 to be a page's socket: the open packet, the
default namespace's connect (the server puts the session in its rooms), pings answered,
EVENT packets handed on by name. One thread serves every client of the process through a
selector.

Why not python-socketio's client: each costs threads and ~100 µs of CPU a frame; at 200
clients and 50 events/s the clients alone took both cores of the bench machine (load 30,
the server at 41% of one core), so the server's figures measured the clients.
"""

from __future__ import annotations

import contextlib
import json
import selectors
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from wsproto import ConnectionType, WSConnection
from wsproto.events import (
    AcceptConnection,
    CloseConnection,
    Event,
    Ping,
    RejectConnection,
    TextMessage,
)
from wsproto.events import Request as WsRequest
from wsproto.utilities import LocalProtocolError

PATH = "/socket.io/?EIO=4&transport=websocket"
OnEvent = Callable[[str, list[Any]], None]


class LightSocket:
    """One client: its socket, its websocket state, and what it does with an event."""

    def __init__(self, base: str, cookie: str, on_event: OnEvent) -> None:
        url = urlsplit(base)
        host, port = url.hostname or "127.0.0.1", url.port or 80
        self.sock = socket.create_connection((host, port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.on_event = on_event
        self.parts: list[str] = []
        self.stage = "requested"  # → upgraded → opened → joined (its namespace's connect)
        self.joined = False
        self.closed = False
        headers = [(b"cookie", cookie.encode())] if cookie else []
        self._send(WsRequest(host=f"{host}:{port}", target=PATH, extra_headers=headers))

    def fileno(self) -> int:
        return self.sock.fileno()

    def _send(self, event: Event) -> None:
        self.sock.sendall(self.ws.send(event))

    def readable(self) -> None:
        data = self.sock.recv(1 << 18)
        self.ws.receive_data(data or None)
        if not data:
            self.closed = True
        for event in self.ws.events():
            if isinstance(event, TextMessage):
                self.parts.append(event.data)
                if event.message_finished:
                    text, self.parts = "".join(self.parts), []
                    self._packet(text)
            elif isinstance(event, Ping):
                self._send(event.response())
            elif isinstance(event, RejectConnection):
                raise RuntimeError(f"websocket refused: {event.status_code}")
            elif isinstance(event, CloseConnection):
                self.closed = True
            elif isinstance(event, AcceptConnection):
                self.stage = "upgraded"

    def _packet(self, text: str) -> None:
        if text.startswith("42"):  # Socket.IO EVENT: [/namespace,][ack id][name, ...args]
            body = text[2:]
            if body.startswith("/"):
                return  # another namespace's: not this client's
            name, *args = json.loads(body.lstrip("0123456789"))
            self.on_event(name, args)
        elif text.startswith("41"):  # the server disconnected the socket (its session ended)
            self.closed = True
        elif text.startswith("40"):
            self.joined, self.stage = True, "joined"
        elif text.startswith("44"):
            raise RuntimeError(f"Socket.IO connect refused: {text[2:200]}")
        elif text.startswith("2"):  # Engine.IO ping: pong
            self._send(TextMessage("3"))
        elif text.startswith("0"):  # Engine.IO open: join the default namespace
            self.stage = "opened"
            self._send(TextMessage("40"))
        elif text.startswith("1"):
            self.closed = True

    def close(self) -> None:
        with contextlib.suppress(OSError, LocalProtocolError):  # the server may be gone first
            self._send(CloseConnection(code=1000))
        self.sock.close()


class LightSockets:
    """``count`` clients of ``base`` with ``cookie`` and one thread reading them all."""

    def __init__(self, base: str, cookie: str, on_events: list[OnEvent]) -> None:
        self.selector = selectors.DefaultSelector()
        self.clients = [LightSocket(base, cookie, on_event) for on_event in on_events]
        self.failed: list[BaseException] = []
        self.stopping = threading.Event()
        for client in self.clients:
            self.selector.register(client, selectors.EVENT_READ)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 60
        while not all(c.joined for c in self.clients):
            self.check()
            if time.monotonic() > deadline:
                stages = Counter(c.stage for c in self.clients)
                raise RuntimeError(f"of {len(self.clients)} sockets after 60 s: {dict(stages)}")
            time.sleep(0.01)

    def _run(self) -> None:
        try:
            while not self.stopping.is_set():
                for key, _mask in self.selector.select(timeout=0.2):
                    client: LightSocket = key.fileobj  # type: ignore[assignment]
                    client.readable()
                    if client.closed and not self.stopping.is_set():
                        raise RuntimeError("the server closed a socket")
        except BaseException as exc:  # told by check()
            self.failed.append(exc)

    def check(self) -> None:
        if self.failed:
            raise RuntimeError(f"a socket failed: {self.failed[0]!r}") from self.failed[0]

    def close(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        for client in self.clients:
            client.close()
