"""The lifecycle as a table of actions: who may do what, from which state, to which state,
with which parameters, and what it does to the case — each action's rules in one place.

上报 reported → 立案 filed → 派遣 dispatched → 签收 accepted → 处置反馈 handled → 核查 verified
→ 结案 closed → 回访 rated; side paths 退回 return (back to dispatch), 返工 rework (back to
the department), 作废 void, 延期 extend (more time, approved by a shift lead), 改派 reassign.
Anything not in the table is refused with a clear error. The store applies an action as
load → authorize → check version → ``Action.take`` → save → append event → publish; screens
read the actions an actor may take, and their parameters, from here.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from cases.model import Case, CaseError, Forbidden, InvalidTransition, OutOfView, Status


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
    """Who is acting: a name for the audit log, a role, and a department for liaisons.

    ``scope`` is set when a system acts with an API key (``access.KEY_SCOPES``): the key's
    scope, not a person's role, bounds what it may do."""

    name: str
    role: Role
    department: str | None = None
    scope: str | None = None

    @property
    def label(self) -> str:
        return f"{self.role.value}:{self.name}"


class Clock(Protocol):
    """What an effect needs of the SLA clock (cases.sla.SlaClock)."""

    def crossings(
        self, start: datetime, limit_hours: float, working: bool
    ) -> tuple[datetime, datetime, datetime]: ...


@dataclass(frozen=True)
class Context:
    """What an action's effect may consult besides the case: the time, the departments
    the catalog knows, and the SLA clock."""

    now: datetime
    departments: frozenset[str]
    sla: Clock


RATINGS = ("satisfied", "basic", "unsatisfied")  # 满意 / 基本满意 / 不满意
SATISFIED = frozenset({"satisfied", "basic"})
MAX_EXTENSION_HOURS = 720.0


# -- parameters -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Param:
    """One parameter an action takes: its name, its label, and how a value is checked.

    ``choices`` lists the allowed values where they are fixed (ratings); a department is
    checked against the catalog, hours against ``MAX_EXTENSION_HOURS``.
    """

    name: str
    label_zh: str
    kind: str  # "department" | "hours" | "choice"
    required: bool = True
    choices: tuple[str, ...] = ()

    def parse(self, value: Any, ctx: Context) -> Any:
        if self.kind == "department":
            if not isinstance(value, str) or value not in ctx.departments:
                raise CaseError(f"unknown department {str(value)[:40]!r}")
            return value
        if self.kind == "hours":
            ok = isinstance(value, int | float | str) and not isinstance(value, bool)
            try:
                hours = float(value) if ok else math.nan
            except ValueError:
                hours = math.nan
            if not 0 < hours <= MAX_EXTENSION_HOURS:
                raise CaseError(f"extend needs hours between 0 and {MAX_EXTENSION_HOURS:g}")
            return hours
        if value not in self.choices:
            raise CaseError(f"{self.name}: one of {', '.join(self.choices)}")
        return value


DEPARTMENT = Param("department", "部门", "department", required=False)
HOURS = Param("hours", "延期小时数", "hours")
RATING = Param("rating", "评价", "choice", choices=RATINGS)

Changes = dict[str, Any]
Effect = Callable[[Case, Mapping[str, Any], Context], tuple[Changes, dict[str, Any]]]


# -- effects: what each action does to the case besides its status --------------------------
def _nothing(_case: Case, _args: Mapping[str, Any], _ctx: Context) -> tuple[Changes, Changes]:
    return {}, {}


def _to_department(case: Case, args: Mapping[str, Any], _ctx: Context) -> tuple[Changes, Changes]:
    department = args.get("department") or case.department
    changes = {
        "department": department,
        "dispatch_count": case.dispatch_count + 1,
        "accepted_at": None,
    }
    return changes, {"from_department": case.department}


def _reassign(case: Case, args: Mapping[str, Any], ctx: Context) -> tuple[Changes, Changes]:
    if (args.get("department") or case.department) == case.department:
        raise CaseError(f"case {case.id} is already with {case.department}")
    return _to_department(case, args, ctx)


def _stamp(column: str) -> Effect:
    def effect(_case: Case, _args: Mapping[str, Any], ctx: Context) -> tuple[Changes, Changes]:
        return {column: ctx.now}, {}

    return effect


def _count(column: str) -> Effect:
    def effect(case: Case, _args: Mapping[str, Any], _ctx: Context) -> tuple[Changes, Changes]:
        return {column: getattr(case, column) + 1}, {}

    return effect


def _extend(case: Case, args: Mapping[str, Any], ctx: Context) -> tuple[Changes, Changes]:
    hours = args["hours"]
    allowed = case.allowed_hours + hours
    watch, at_risk, deadline = ctx.sla.crossings(case.created_at, allowed, case.working_hours)
    changes = {
        "allowed_hours": allowed,
        "extension_count": case.extension_count + 1,
        "watch_at": watch,
        "at_risk_at": at_risk,
        "deadline": deadline,
    }
    return changes, {"hours": hours}


def _rate(_case: Case, args: Mapping[str, Any], _ctx: Context) -> tuple[Changes, Changes]:
    return {"rating": args["rating"]}, {"rating": args["rating"]}


def _not_rated(case: Case) -> str | None:
    return "already rated" if case.rating is not None else None


# -- the table ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Action:
    name: str
    label_zh: str
    sources: frozenset[Status]
    target: Status | None  # None: the case stays where it is (extend, rate)
    roles: frozenset[Role]
    needs_reason: bool = False
    own_department: bool = False  # liaisons act only on their department's cases
    params: tuple[Param, ...] = field(default_factory=tuple)
    forward: bool = False  # the main path's next step from its source states
    effect: Effect = _nothing
    guard: Callable[[Case], str | None] | None = None  # a refusal beyond the state

    def take(
        self, case: Case, reason: str, given: Mapping[str, Any], ctx: Context
    ) -> tuple[Case, dict[str, Any]]:
        """The case after this action, and what its event should say; refusals raise."""
        check(self, case)
        if self.needs_reason and not reason:
            raise CaseError(f"{self.name} ({self.label_zh}) needs a reason")
        args = {}
        for param in self.params:
            value = given.get(param.name)
            if value in (None, "") and not param.required:
                continue
            args[param.name] = param.parse(value, ctx)
        changes, extra = self.effect(case, args, ctx)
        changes.update(updated_at=ctx.now, version=case.version + 1)
        if self.target is not None:
            changes["status"] = self.target
        return replace(case, **changes), extra


S = Status
R = Role
_DESK = frozenset({R.OPERATOR, R.LEAD, R.SYSTEM})
_DEPT = frozenset({R.LIAISON, R.SYSTEM})
_LEADS = frozenset({R.LEAD, R.SYSTEM})

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
            params=(DEPARTMENT,),
            forward=True,
            effect=_to_department,
        ),
        Action(
            "accept",
            "签收",
            frozenset({S.DISPATCHED}),
            S.ACCEPTED,
            _DEPT,
            own_department=True,
            forward=True,
            effect=_stamp("accepted_at"),
        ),
        Action(
            "return",
            "退回",
            frozenset({S.DISPATCHED, S.ACCEPTED}),
            S.RETURNED,
            _DEPT,
            needs_reason=True,
            own_department=True,
            effect=_count("return_count"),
        ),
        Action(
            "handle",
            "处置反馈",
            frozenset({S.ACCEPTED}),
            S.HANDLED,
            _DEPT,
            own_department=True,
            forward=True,
            effect=_stamp("handled_at"),
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
            effect=_count("rework_count"),
        ),
        Action(
            "close",
            "结案",
            frozenset({S.VERIFIED}),
            S.CLOSED,
            _DESK,
            forward=True,
            effect=_stamp("closed_at"),
        ),
        Action(
            "void",
            "作废",
            frozenset({S.REPORTED, S.FILED, S.RETURNED}),
            S.VOID,
            _DESK,
            needs_reason=True,
            effect=_stamp("closed_at"),
        ),
        Action(
            "extend",
            "延期",
            frozenset({S.DISPATCHED, S.ACCEPTED}),
            None,
            _LEADS,
            needs_reason=True,
            params=(HOURS,),
            effect=_extend,
        ),
        Action(
            "reassign",
            "改派",
            frozenset({S.DISPATCHED, S.ACCEPTED, S.RETURNED}),
            S.DISPATCHED,
            _LEADS,
            needs_reason=True,
            params=(replace(DEPARTMENT, required=True),),
            effect=_reassign,
        ),
        Action(
            "rate",
            "回访",
            frozenset({S.CLOSED}),
            None,
            _DESK,
            params=(RATING,),
            effect=_rate,
            guard=_not_rated,
        ),
    )
}

# status -> the main path's next action (上报 → 立案 → 派遣 → 签收 → 处置反馈 → 核查 → 结案)
FORWARD: dict[Status, Action] = {
    source: a for a in ACTIONS.values() if a.forward for source in sorted(a.sources)
}
PARAM_NAMES = frozenset(p.name for a in ACTIONS.values() for p in a.params)


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
        raise OutOfView(case.id)


def check(act: Action, case: Case) -> None:
    """Raise InvalidTransition unless ``case`` is in a state ``act`` starts from."""
    if case.status not in act.sources:
        raise InvalidTransition(case.id, case.status, f"{act.name} ({act.label_zh})")
    refusal = act.guard(case) if act.guard else None
    if refusal:
        raise InvalidTransition(case.id, case.status, f"{act.name} ({act.label_zh}): {refusal}")


def available(actor: Actor, case: Case) -> list[Action]:
    """The actions ``actor`` may take on ``case`` now (what a screen offers)."""
    out = []
    for act in ACTIONS.values():
        try:
            authorize(act, actor, case)
            check(act, case)
        except CaseError:
            continue
        out.append(act)
    return out
