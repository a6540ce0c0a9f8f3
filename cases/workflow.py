"""The lifecycle as a table of actions: who may do what, from which state, to which state.

上报 reported → 立案 filed → 派遣 dispatched → 签收 accepted → 处置反馈 handled → 核查 verified
→ 结案 closed → 回访 rated; side paths 退回 return (back to dispatch), 返工 rework (back to
the department), 作废 void, 延期 extend (more time, approved by a shift lead), 改派 reassign.
Anything not in the table is refused with a clear error.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from cases.model import Case, CaseError, Forbidden, InvalidTransition, Status


class Role(enum.StrEnum):
    OPERATOR = "operator"  # 值班员/受理员
    LEAD = "lead"  # 值班长
    LIAISON = "liaison"  # 部门联络员 (acts only on own department's cases)
    WORKER = "worker"  # 网格员
    ADMIN = "admin"
    WALL = "wall"  # the wall display: sees, never acts
    SYSTEM = "system"  # feeds and simulators acting on the center's behalf


ROLE_ZH = {
    Role.OPERATOR: "值班员",
    Role.LEAD: "值班长",
    Role.LIAISON: "部门联络员",
    Role.WORKER: "网格员",
    Role.ADMIN: "管理员",
    Role.WALL: "大屏",
    Role.SYSTEM: "系统",
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: a name for the audit log, a role, and a department for liaisons."""

    name: str
    role: Role
    department: str | None = None

    @property
    def label(self) -> str:
        return f"{self.role.value}:{self.name}"


@dataclass(frozen=True)
class Action:
    name: str
    label_zh: str
    sources: frozenset[Status]
    target: Status | None  # None: the case stays where it is (extend, rate, reassign)
    roles: frozenset[Role]
    needs_reason: bool = False
    own_department: bool = False  # liaisons act only on their department's cases
    params: tuple[str, ...] = field(default_factory=tuple)
    forward: bool = False  # the main path's next step from its source states


S = Status
R = Role
_DESK = frozenset({R.OPERATOR, R.LEAD, R.SYSTEM})
_DEPT = frozenset({R.LIAISON, R.SYSTEM})

ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action("file", "立案", frozenset({S.REPORTED}), S.FILED, _DESK, forward=True),
        Action(
            "dispatch",
            "派遣",
            frozenset({S.FILED, S.RETURNED}),
            S.DISPATCHED,
            _DESK,
            params=("department",),
            forward=True,
        ),
        Action(
            "accept",
            "签收",
            frozenset({S.DISPATCHED}),
            S.ACCEPTED,
            _DEPT,
            own_department=True,
            forward=True,
        ),
        Action(
            "return",
            "退回",
            frozenset({S.DISPATCHED, S.ACCEPTED}),
            S.RETURNED,
            _DEPT,
            needs_reason=True,
            own_department=True,
        ),
        Action(
            "handle",
            "处置反馈",
            frozenset({S.ACCEPTED}),
            S.HANDLED,
            _DEPT,
            own_department=True,
            forward=True,
        ),
        Action(
            "verify", "核查", frozenset({S.HANDLED}), S.VERIFIED, _DESK | {R.WORKER}, forward=True
        ),
        Action(
            "rework",
            "返工",
            frozenset({S.HANDLED}),
            S.ACCEPTED,
            _DESK | {R.WORKER},
            needs_reason=True,
        ),
        Action("close", "结案", frozenset({S.VERIFIED}), S.CLOSED, _DESK, forward=True),
        Action(
            "void",
            "作废",
            frozenset({S.REPORTED, S.FILED, S.RETURNED}),
            S.VOID,
            _DESK,
            needs_reason=True,
        ),
        Action(
            "extend",
            "延期",
            frozenset({S.DISPATCHED, S.ACCEPTED}),
            None,
            frozenset({R.LEAD, R.SYSTEM}),
            needs_reason=True,
            params=("hours",),
        ),
        Action(
            "reassign",
            "改派",
            frozenset({S.DISPATCHED, S.ACCEPTED, S.RETURNED}),
            S.DISPATCHED,
            frozenset({R.LEAD, R.SYSTEM}),
            needs_reason=True,
            params=("department",),
        ),
        Action("rate", "回访", frozenset({S.CLOSED}), None, _DESK, params=("rating",)),
    )
}

# status -> the main path's next action (上报 → 立案 → 派遣 → 签收 → 处置反馈 → 核查 → 结案)
FORWARD: dict[Status, Action] = {
    source: a for a in ACTIONS.values() if a.forward for source in sorted(a.sources)
}

RATINGS = ("satisfied", "basic", "unsatisfied")  # 满意 / 基本满意 / 不满意
SATISFIED = frozenset({"satisfied", "basic"})


class InvalidAction(CaseError):
    """No such action."""


def action(name: str) -> Action:
    try:
        return ACTIONS[name]
    except KeyError:
        raise InvalidAction(f"no action {name!r}; one of {', '.join(ACTIONS)}") from None


def forward_action(status: Status) -> Action | None:
    """The main path's next action from ``status`` (None where the path ends)."""
    return FORWARD.get(status)


def authorize(act: Action, actor: Actor, case: Case) -> None:
    """Raise Forbidden unless ``actor`` may take ``act`` on ``case``."""
    if actor.role not in act.roles:
        allowed = ", ".join(sorted(r.value for r in act.roles if r is not Role.SYSTEM))
        raise Forbidden(f"{act.name} ({act.label_zh}) is for {allowed}; you are {actor.role.value}")
    if act.own_department and actor.role is Role.LIAISON and actor.department != case.department:
        raise Forbidden(
            f"case {case.id} belongs to department {case.department}; "
            f"you act for {actor.department}"
        )


def check(act: Action, case: Case) -> None:
    """Raise InvalidTransition unless ``case`` is in a state ``act`` starts from."""
    if case.status not in act.sources:
        raise InvalidTransition(case.id, case.status, f"{act.name} ({act.label_zh})")
    if act.name == "rate" and case.rating is not None:
        raise InvalidTransition(case.id, case.status, "rate (回访): already rated")
