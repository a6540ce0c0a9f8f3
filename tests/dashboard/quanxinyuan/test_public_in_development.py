"""In development the wall and its read APIs are open (anyone without a credential reads
as the wall, for the demo). A member of the public signed in by phone is never that wall:
they see only their own wishes, problems and sign-ups, as in production."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from app import GridCC
from cases.actors import Actor, Role
from tests.dashboard.quanxinyuan.conftest import COMMUNITY, Outbox, public_client

MINE, OTHER = "13500135000", "13500135001"


def test_a_phone_is_never_the_open_wall(make_app: Callable[..., GridCC]) -> None:
    g = make_app(gridcc_env="development")
    parts = g.server.extensions["gridcc_qxy"]
    outbox = Outbox()
    parts.residents.sender = outbox
    community = Actor("sq", Role.LIAISON, f"community_{COMMUNITY}")
    cell = parts.platform.places.cells_of(COMMUNITY)[0]
    due = date.today() + timedelta(days=5)
    for phone, title in ((MINE, "修水龙头"), (OTHER, "陪聊天")):
        parts.wishes.publish(
            community,
            title=title,
            category="elder",
            cell_code=cell,
            resident_name="王",
            resident_phone=phone,
            due=due,
        )
    anonymous = g.server.test_client().get("/api/qxy/wishes")
    assert anonymous.status_code == 200 and len(anonymous.json["wishes"]) == 2  # the open wall
    assert all(w.get("resident_phone") in (None, "") for w in anonymous.json["wishes"])
    phone = public_client(g, outbox, MINE)
    mine: Any = phone.get("/api/qxy/wishes").json["wishes"]
    assert [w["title"] for w in mine] == ["修水龙头"]
