"""A socket's connect is always answered: admitted, or refused with a reason the page acts
on (it tries again). A handler that raised answered nothing, and the screen waited for a
connection that never came (seen with 200 screens connecting at once: an urgent alert's
resend failed on Redis's full pool inside the connect)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from app import GridCC
from tests.dashboard.conftest import login


def test_a_failing_courtesy_after_admission_leaves_the_socket_admitted(
    center: tuple[GridCC, dict[str, str]], caplog: pytest.LogCaptureFixture
) -> None:
    g, _ = center

    def fails(_sid: str, _actor: Any) -> None:
        raise RuntimeError("the alerts' resend could not publish")

    g.hub.on_admit.insert(0, fails)
    socket = g.socketio.test_client(g.server, flask_test_client=login(g, "op"))
    assert socket.is_connected()
    assert "admitted, but" in caplog.text and "could not publish" in caplog.text
    socket.disconnect()


def test_a_connect_whose_identity_cannot_be_read_is_refused_not_left_waiting(
    center: tuple[GridCC, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    g, _ = center
    client = login(g, "op")

    def store_away() -> Any:
        raise OperationalError("SELECT 1", {}, Exception("the store is away"))

    monkeypatch.setattr(g.hub.auth, "identify", store_away)
    socket = g.socketio.test_client(g.server, flask_test_client=client)
    assert not socket.is_connected()
    monkeypatch.undo()
    again = g.socketio.test_client(g.server, flask_test_client=client)  # the page's retry
    assert again.is_connected()
    again.disconnect()
