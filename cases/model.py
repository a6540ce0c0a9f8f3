"""Case, report and event: the domain's nouns, and the lifecycle they move through."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class Status(enum.StrEnum):
    """Where a case is in its lifecycle (数字城管 practice)."""

    REPORTED = "reported"  # 上报
    FILED = "filed"  # 立案
    DISPATCHED = "dispatched"  # 派遣
    HANDLED = "handled"  # 处置反馈
    CLOSED = "closed"  # 结案
    VOID = "void"  # 作废

    @property
    def label_zh(self) -> str:
        return STATUS_ZH[self]

    @property
    def is_open(self) -> bool:
        return self not in CLOSED_STATES


STATUS_ZH = {
    Status.REPORTED: "上报",
    Status.FILED: "立案",
    Status.DISPATCHED: "派遣",
    Status.HANDLED: "处置",
    Status.CLOSED: "结案",
    Status.VOID: "作废",
}

CLOSED_STATES = frozenset({Status.CLOSED, Status.VOID})

# The moves allowed from each state. The full lifecycle (签收, 核查, 退回, 返工, 延期 …)
# extends this table; anything not listed is refused.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.REPORTED: frozenset({Status.FILED, Status.VOID}),
    Status.FILED: frozenset({Status.DISPATCHED, Status.VOID}),
    Status.DISPATCHED: frozenset({Status.HANDLED}),
    Status.HANDLED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
    Status.VOID: frozenset(),
}


class CaseError(Exception):
    """A request about a case that the domain refuses; the message is for the user."""


class InvalidTransition(CaseError):
    def __init__(self, case_id: int, current: Status, wanted: Status) -> None:
        super().__init__(
            f"case {case_id} is {current.value} ({current.label_zh}); "
            f"it cannot move to {wanted.value} ({wanted.label_zh})"
        )
        self.case_id = case_id
        self.current = current
        self.wanted = wanted


class Conflict(CaseError):
    """Someone else changed the case first; carries the state it is in now."""

    def __init__(self, case_id: int, current: Status) -> None:
        super().__init__(f"case {case_id} was changed meanwhile; it is now {current.value}")
        self.case_id = case_id
        self.current = current


class UnknownCase(CaseError):
    def __init__(self, case_id: int) -> None:
        super().__init__(f"no case {case_id}")
        self.case_id = case_id


def check_transition(case_id: int, current: Status, wanted: Status) -> None:
    """Raise InvalidTransition unless the lifecycle allows current → wanted."""
    if wanted not in TRANSITIONS[current]:
        raise InvalidTransition(case_id, current, wanted)


@dataclass(frozen=True)
class Report:
    """A validated report, located to a cell, ready to become a case.

    ``lon``/``lat`` are WGS-84. ``external_id`` is the sender's own id: the same
    (source, external_id) twice is one case, never two.
    """

    source: str
    category_code: str
    description: str
    lon: float
    lat: float
    cell_code: str
    place: str = ""
    external_id: str | None = None
    reporter: str = ""


@dataclass(frozen=True)
class Case:
    id: int
    source: str
    external_id: str | None
    category_code: str
    description: str
    lon: float
    lat: float
    cell_code: str
    place: str
    department: str
    status: Status
    created_at: datetime
    updated_at: datetime
    deadline: datetime
    closed_at: datetime | None
    version: int


@dataclass(frozen=True)
class Event:
    """One entry of the append-only event log; ``seq`` is gap-free and increasing."""

    seq: int
    kind: str
    case_id: int
    at: datetime
    actor: str
    from_status: Status | None
    to_status: Status
    reason: str
    data: dict[str, Any] = field(default_factory=dict)
