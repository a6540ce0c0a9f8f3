"""A store driven through time by a test: every step happens at the moment given."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cases import clock
from cases.model import Report
from cases.store import Store
from cases.workflow import Actor, Role

OP = Actor("op", Role.OPERATOR)
LEAD = Actor("lead", Role.LEAD)
WORKER = Actor("gw", Role.WORKER)
CG = Actor("li-cg", Role.LIAISON, "chengguan")
YL = Actor("li-yl", Role.LIAISON, "yuanlin")
SZ = Actor("li-sz", Role.LIAISON, "shizheng")


def at(text: str) -> datetime:
    """A local (Asia/Shanghai) time as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=clock.LOCAL_TZ).astimezone(clock.UTC)


class History:
    """Drives the store through time: every step happens at the moment given."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.n = 0

    def report(
        self,
        when: str,
        cell: str = "370102003002001",
        category: str = "SR03",
        source: str = "patrol",
    ) -> int:
        self.store.now = lambda: at(when)
        self.n += 1
        case, _ = self.store.open_case(
            Report(source, category, f"案件 {self.n}", 117.0, 36.65, cell, external_id=f"k{self.n}")
        )
        return case.id

    def do(
        self, when: str, case_id: int, name: str, actor: Actor, reason: str = "", **kw: Any
    ) -> None:
        self.store.now = lambda: at(when)
        self.store.apply(case_id, name, actor, reason, **kw)

    def close(self, case_id: int, reported: str, handled: str, closed: str) -> None:
        self.do(reported, case_id, "file", OP)
        self.do(reported, case_id, "dispatch", OP)
        self.do(handled, case_id, "accept", CG)
        self.do(handled, case_id, "handle", CG)
        self.do(closed, case_id, "verify", WORKER)
        self.do(closed, case_id, "close", OP)
