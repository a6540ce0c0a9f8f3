"""The echo floor of bench/fanout.py: a plain Flask-SocketIO server that broadcasts each
POSTed body to every socket, as gridcc's servers do (threading, websocket only, Flask-SocketIO's
Redis message queue on a channel of its own), with nothing else: no store, no access policy.

    python bench/_echo_server.py PORT REDIS_URL CHANNEL

``POST /echo`` emits ``case_events`` with ``[body]`` to every socket and answers 201 once
the emit is handed to Redis; ``GET /up`` answers while the server runs.
"""

from __future__ import annotations

import sys

from flask import Flask, request
from flask_socketio import SocketIO


def main() -> None:
    port, redis_url, channel = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    server = Flask(__name__)
    socketio = SocketIO(
        server,
        async_mode="threading",
        transports=["websocket"],
        message_queue=redis_url,
        channel=channel,
    )

    @server.get("/up")
    def up() -> tuple[str, int]:
        return "up", 200

    @server.post("/echo")
    def echo() -> tuple[dict[str, bool], int]:
        socketio.emit("case_events", [request.get_json()])
        return {"ok": True}, 201

    socketio.run(
        server,
        host="127.0.0.1",
        port=port,
        allow_unsafe_werkzeug=True,
        use_reloader=False,
        log_output=False,
    )


if __name__ == "__main__":
    main()
