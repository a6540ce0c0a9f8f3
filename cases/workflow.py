"""The lifecycle as a table of actions: who may do what, from which state, to which state,
with which parameters, and what it does to the case — each action's rules in one place.

上报 reported → 立案 filed → 派遣 dispatched → 签收 accepted → 处置反馈 handled → 核查 verified
→ 结案 closed → 回访 rated; side paths 退回 return (back to dispatch), 返工 rework (back to
the department), 作废 void, 合并 merge (a duplicate joins the earlier case), 延期 extend
(more time, approved by a shift lead), 改派 reassign and, right after it, 撤销改派 its undo.
Anything not in the table is refused with a clear error. The store applies an action as
load → authorize → check version → ``Action.take`` → save → append event → publish; screens
read the actions an actor may take, and their parameters, from here.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from cases import effects
from cases.effects import Context, Effect, Param
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


# The vocabulary the table is written in (kept importable from here, its old home).
RATINGS = effects.RATINGS
SATISFIED = effects.SATISFIED
MAX_EXTENSION_HOURS = effects.MAX_EXTENSION_HOURS
UNDO_WINDOW = effects.UNDO_WINDOW
DEPARTMENT, HOURS, RATING, INTO = effects.DEPARTMENT, effects.HOURS, effects.RATING, effects.INTO


# -- the table ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Action:
    name: str
    label_zh: str
    label_en: str
    sources: frozenset[Status]
    target: Status | None  # None: the case stays where it is (extend, rate)
    roles: frozenset[Role]
    needs_reason: bool = False
    takes_note: bool = False  # asks for an optional note (kept as the event's reason)
    own_department: bool = False  # liaisons act only on their department's cases
    params: tuple[Param, ...] = field(default_factory=tuple)
    forward: bool = False  # the main path's next step from its source states
    effect: Effect = effects.nothing
    guard: Callable[[Case], str | None] | None = None  # a refusal beyond the state
    # Offered as a button on a case (False: taken from elsewhere, an undo right after
    # the step it compensates).
    offered: bool = True
    needs_last_event: bool = False  # the effect reads the case's last event (Context)

    def take(
        self, case: Case, reason: str, given: Mapping[str, Any], ctx: Context
    ) -> tuple[Case, dict[str, Any]]:
        """The case after this action, and what its event should say; refusals raise."""
        check(self, case)
        if self.needs_reason and not reason:
            raise CaseError(
                f"{self.name} ({self.label_zh}) needs a reason", f"「{self.label_zh}」需要填写理由"
            )
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

    def as_json(self, lang: str) -> dict[str, Any]:
        """What a screen needs to offer this action: its name, label, whether it asks for
        a reason, and each parameter it declares."""
        return {
            "name": self.name,
            "label": self.label_en if lang == "en" else self.label_zh,
            "needs_reason": self.needs_reason,
            "takes_note": self.takes_note and not self.needs_reason,
            "forward": self.forward,
            "params": [p.as_json(lang) for p in self.params],
        }


S = Status
R = Role
_DESK = frozenset({R.OPERATOR, R.LEAD, R.SYSTEM})
_DEPT = frozenset({R.LIAISON, R.SYSTEM})
_LEADS = frozenset({R.LEAD, R.SYSTEM})
_AT_DESK = frozenset({S.REPORTED, S.FILED, S.RETURNED})  # waiting at the center's desk

ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action("file", "立案", "file", frozenset({S.REPORTED}), S.FILED, _DESK, forward=True),
        Action(
            "dispatch",
            "派遣",
            "dispatch",
            frozenset({S.FILED, S.RETURNED}),
            S.DISPATCHED,
            _DESK,
            params=(DEPARTMENT,),
            forward=True,
            effect=effects.to_department,
        ),
        Action(
            "accept",
            "签收",
            "accept",
            frozenset({S.DISPATCHED}),
            S.ACCEPTED,
            _DEPT,
            own_department=True,
            forward=True,
            effect=effects.stamp("accepted_at"),
        ),
        Action(
            "return",
            "退回",
            "return",
            frozenset({S.DISPATCHED, S.ACCEPTED}),
            S.RETURNED,
            _DEPT,
            needs_reason=True,
            own_department=True,
            effect=effects.count("return_count"),
        ),
        Action(
            "handle",
            "处置反馈",
            "report handled",
            frozenset({S.ACCEPTED}),
            S.HANDLED,
            _DEPT,
            takes_note=True,  # what was done, for the desk that verifies it
            own_department=True,
            forward=True,
            effect=effects.stamp("handled_at"),
        ),
        Action(
            "verify",
            "核查",
            "verify",
            frozenset({S.HANDLED}),
            S.VERIFIED,
            _DESK | {R.WORKER},
            forward=True,
        ),
        Action(
            "rework",
            "返工",
            "rework",
            frozenset({S.HANDLED}),
            S.ACCEPTED,
            _DESK | {R.WORKER},
            needs_reason=True,
            effect=effects.count("rework_count"),
        ),
        Action(
            "close",
            "结案",
            "close",
            frozenset({S.VERIFIED}),
            S.CLOSED,
            _DESK,
            forward=True,
            effect=effects.stamp("closed_at"),
        ),
        Action(
            "void",
            "作废",
            "void",
            _AT_DESK,
            S.VOID,
            _DESK,
            needs_reason=True,
            effect=effects.stamp("closed_at"),
        ),
        Action(
            "merge",
            "合并",
            "merge",
            _AT_DESK,
            S.VOID,
            _DESK,
            params=(INTO,),
            effect=effects.merge,
        ),
        Action(
            "extend",
            "延期",
            "extend",
            frozenset({S.DISPATCHED, S.ACCEPTED}),
            None,
            _LEADS,
            needs_reason=True,
            params=(HOURS,),
            effect=effects.extend,
        ),
        Action(
            "reassign",
            "改派",
            "reassign",
            frozenset({S.DISPATCHED, S.ACCEPTED, S.RETURNED}),
            S.DISPATCHED,
            _LEADS,
            needs_reason=True,
            params=(replace(DEPARTMENT, required=True),),
            effect=effects.reassign,
        ),
        Action(
            "undo_reassign",
            "撤销改派",
            "undo reassign",
            frozenset({S.DISPATCHED}),
            None,
            _LEADS,
            effect=effects.undo_reassign,
            offered=False,
            needs_last_event=True,
        ),
        Action(
            "rate",
            "回访",
            "follow-up rating",
            frozenset({S.CLOSED}),
            None,
            _DESK,
            params=(RATING,),
            effect=effects.rate,
            guard=effects.not_rated,
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
        allowed_zh = "、".join(sorted(ROLE_ZH[r] for r in act.roles if r is not Role.SYSTEM))
        raise Forbidden(
            f"{act.name} ({act.label_zh}) is for {allowed}; you are {actor.role.value}",
            f"「{act.label_zh}」由{allowed_zh}办理",
        )
    if act.own_department and actor.role is Role.LIAISON and actor.department != case.department:
        raise OutOfView(case.id)


def check(act: Action, case: Case) -> None:
    """Raise InvalidTransition unless ``case`` is in a state ``act`` starts from."""
    if case.status not in act.sources:
        raise InvalidTransition(case.id, case.status, f"{act.name} ({act.label_zh})", act.label_zh)
    refusal = act.guard(case) if act.guard else None
    if refusal:
        raise InvalidTransition(
            case.id, case.status, f"{act.name} ({act.label_zh}): {refusal}", act.label_zh
        )


def available(actor: Actor, case: Case) -> list[Action]:
    """The actions ``actor`` may take on ``case`` now (what a screen offers)."""
    out = []
    for act in ACTIONS.values():
        if not act.offered:
            continue
        try:
            authorize(act, actor, case)
            check(act, case)
        except CaseError:
            continue
        out.append(act)
    return out
