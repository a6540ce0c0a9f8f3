"""Case, report and event: the domain's nouns, and the lifecycle they move through."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class Status(enum.StrEnum):
    """Where a case is in its lifecycle (数字城管 practice)."""

    REPORTED = "reported"  # 上报
    CONFIRMED = "confirmed"  # 核实 (the report was checked on the spot, before 立案)
    FILED = "filed"  # 立案
    DISPATCHED = "dispatched"  # 派遣
    ACCEPTED = "accepted"  # 签收
    RETURNED = "returned"  # 退回 (by the department, waiting for re-dispatch)
    HANDLED = "handled"  # 处置反馈
    VERIFIED = "verified"  # 核查通过
    CLOSED = "closed"  # 结案
    VOID = "void"  # 作废 (a duplicate, a test, a mistake: no report to decide on)
    REJECTED = "rejected"  # 不予立案 (decided on: not a matter for the center, with a reason)
    SUSPENDED = "suspended"  # 挂账 (cannot be handled now: its clocks stand still)

    @property
    def label_zh(self) -> str:
        return STATUS_ZH[self]

    @property
    def is_open(self) -> bool:
        return self not in CLOSED_STATES


STATUS_ZH = {
    Status.REPORTED: "上报",
    Status.CONFIRMED: "核实",
    Status.FILED: "立案",
    Status.DISPATCHED: "派遣",
    Status.ACCEPTED: "签收",
    Status.RETURNED: "退回",
    Status.HANDLED: "处置反馈",
    Status.VERIFIED: "核查",
    Status.CLOSED: "结案",
    Status.VOID: "作废",
    Status.REJECTED: "不予立案",
    Status.SUSPENDED: "挂账",
}

CLOSED_STATES = frozenset({Status.CLOSED, Status.VOID, Status.REJECTED})


class CaseError(Exception):
    """A request about a case that the domain refuses; the message is for the user, in
    English, and ``zh`` says the same in Chinese for the screens (empty: none given)."""

    def __init__(self, message: str = "", zh: str = "") -> None:
        super().__init__(message)
        self.zh = zh


class InvalidTransition(CaseError):
    def __init__(
        self, case_id: int, current: Status, action: str, action_zh: str = "", why_zh: str = ""
    ) -> None:
        zh = f"案件 {case_id} 现为「{current.label_zh}」，现在不能「{action_zh or action}」"
        super().__init__(
            f"case {case_id} is {current.value} ({current.label_zh}); {action} is not possible now",
            f"{zh}：{why_zh}" if why_zh else zh,
        )
        self.case_id = case_id
        self.current = current
        self.action = action


class Conflict(CaseError):
    """Someone else changed the case first; carries the state it is in now."""

    def __init__(self, case_id: int, current: Status) -> None:
        super().__init__(
            f"case {case_id} was changed meanwhile; it is now {current.value}",
            f"案件 {case_id} 已被他人更改，现为「{current.label_zh}」",
        )
        self.case_id = case_id
        self.current = current


class Forbidden(CaseError):
    """The actor's role (or department) may not do this."""


class DuplicateMismatch(CaseError):
    """A report id already taken by a report that said something else."""

    def __init__(self, source: str, external_id: str, case_id: int) -> None:
        super().__init__(
            f"report_id {external_id!r} from {source} was already used for case {case_id} "
            "with different content; send a new report_id"
        )
        self.case_id = case_id


class UnknownCase(CaseError):
    def __init__(self, case_id: int) -> None:
        super().__init__(f"no case {case_id}", f"没有案件 {case_id}")
        self.case_id = case_id


class OutOfView(UnknownCase, Forbidden):
    """A case the actor may not see: refused in the words of a case that does not exist,
    so no answer tells which department another department's case belongs to."""


MAX_CASE_ID = 2**31 - 1  # the cases table's integer key


def storable(text: str) -> bool:
    """Text a store can keep as given: no NUL (PostgreSQL) and no lone surrogate (UTF-8)."""
    return "\x00" not in text and not any("\ud800" <= ch <= "\udfff" for ch in text)


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
    drill: bool = False  # a drill of the urgent fast path (cases/urgent.py): never counted

    @property
    def fingerprint(self) -> str:
        """What the sender said, hashed: the same id with other content is not a duplicate."""
        said = f"{self.category_code}|{self.description}|{self.lon:.6f}|{self.lat:.6f}"
        return hashlib.sha256(said.encode("utf-8", "backslashreplace")).hexdigest()


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
    priority: str = "normal"
    watch_at: datetime | None = None
    at_risk_at: datetime | None = None
    allowed_hours: float = 0.0
    working_hours: bool = False
    accepted_at: datetime | None = None
    handled_at: datetime | None = None
    dispatch_count: int = 0
    return_count: int = 0
    rework_count: int = 0
    extension_count: int = 0
    rating: str | None = None
    reporter: str = ""
    fingerprint: str = ""
    # The stage under way (cases.stages; "" when none) and its clock: who holds it, when it
    # falls due (None while the clock stands still), and from when it counts as late (its
    # due, or earlier: the moment it ran out before an extension or a 挂账 stopped it).
    stage: str = ""
    stage_holder: str = ""
    stage_started_at: datetime | None = None
    stage_due_at: datetime | None = None
    stage_late_at: datetime | None = None
    paused_hours: float = 0.0  # of the case's own clock, stood still while 挂账
    suspended_at: datetime | None = None
    review_at: datetime | None = None  # 挂账: when it is to be looked at again
    extension_requested: float | None = None  # 延期申请: hours asked for, awaiting the lead
    supervised_at: datetime | None = None  # 督办: when the lead pressed the department
    supervise_due_at: datetime | None = None  # by when the department must answer
    supervise_answered_at: datetime | None = None
    redo_count: int = 0  # 重办 after an unsatisfied follow-up
    # The urgent fast path (cases/urgent.py): marked 紧急, a drill, and its response clock.
    urgent: bool = False
    drill: bool = False
    urgent_at: datetime | None = None  # the response clock's start: the report, or the flag
    acknowledged_at: datetime | None = None  # first acknowledged by someone alerted
    on_site_at: datetime | None = None  # first check-in at the case's place
    hazard_removed_at: datetime | None = None

    def risk(self, now: datetime) -> str:
        """ok / watch / at_risk / overdue at ``now`` (closed, void and 挂账 cases are ok: a
        suspended case's clock stands still, and the wall counts it apart)."""
        if not self.status.is_open or self.status is Status.SUSPENDED:
            return "ok"
        if now >= self.deadline:
            return "overdue"
        if self.at_risk_at is not None and now >= self.at_risk_at:
            return "at_risk"
        if self.watch_at is not None and now >= self.watch_at:
            return "watch"
        return "ok"

    @property
    def street_code(self) -> str:
        return self.cell_code[:9]

    @property
    def community_code(self) -> str:
        return self.cell_code[:12]


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
