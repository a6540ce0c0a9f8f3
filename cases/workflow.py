"""The lifecycle as a table of actions: who may do what, from which state, to which state,
with which parameters, and what it does to the case — each action's rules in one place.

上报 reported → (核实 confirmed) → 立案 filed → 派遣 dispatched → 签收 accepted → 处置反馈
handled → 核查 verified → 结案 closed → 回访 rated; side paths 不予立案 reject, 退回 return
(back to dispatch), 返工 rework (back to the department), 作废 void, 合并 merge (a duplicate
joins the earlier case), 延期申请 request_extension by the department and its 批准/驳回 by a
shift lead (or 延期 extend on the lead's own authority), 挂账 suspend and 恢复办理 resume,
督办 supervise and its 督办反馈 answer, 重办 redo after an unsatisfied follow-up, 改派
reassign and, right after it, 撤销改派 its undo. Each action also declares its step through
the stages (``cases.stages``: 立案, 派遣, 签收, 处置, 核查, 结案), which the stage clocks and
rates are derived from.
Anything not in the table is refused with a clear error. The store applies an action as
load → authorize → check version → ``Action.take`` → save → append event → publish; screens
read the actions an actor may take, and their parameters, from here.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from cases import effects
from cases.effects import Context, Effect, Param
from cases.model import Case, CaseError, Forbidden, InvalidTransition, OutOfView, Status
from cases.stages import DONE, NO_STEP, REASSIGNED, RETURNED, StageStep


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
REVIEW = effects.REVIEW


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
    # A refusal beyond the state; ``now`` is None where a screen lists what it may offer
    # without a clock (a guard on time then lets it through, and ``take`` decides).
    guard: Callable[[Case, datetime | None], str | None] | None = None
    # Offered as a button on a case (False: taken from elsewhere, an undo right after
    # the step it compensates).
    offered: bool = True
    needs_last_event: bool = False  # the effect reads the case's last event (Context)
    stage: StageStep = NO_STEP  # what it does to the stages and their clocks

    def take(
        self, case: Case, reason: str, given: Mapping[str, Any], ctx: Context
    ) -> tuple[Case, dict[str, Any]]:
        """The case after this action, and what its event should say; refusals raise."""
        check(self, case, ctx.now)
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
_AT_DESK = frozenset({S.REPORTED, S.CONFIRMED, S.FILED, S.RETURNED})  # at the center's desk
_TO_FILE = frozenset({S.REPORTED, S.CONFIRMED})
_WITH_DEPT = frozenset({S.DISPATCHED, S.ACCEPTED})  # the department has it
_STEP = StageStep

ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action(
            "confirm",
            "核实",
            "confirm on the spot",
            frozenset({S.REPORTED}),
            S.CONFIRMED,
            _DESK | {R.WORKER},
            takes_note=True,  # what was found at the place
        ),
        Action(
            "file",
            "立案",
            "file",
            _TO_FILE,
            S.FILED,
            _DESK,
            forward=True,
            stage=_STEP(ends=DONE, starts="dispatch"),
        ),
        Action(
            "reject",
            "不予立案",
            "do not file",
            _TO_FILE,
            S.REJECTED,
            _DESK,
            needs_reason=True,
            effect=effects.stamp("closed_at"),
            stage=_STEP(ends=DONE),
        ),
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
            stage=_STEP(ends=DONE, starts="accept"),
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
            stage=_STEP(ends=DONE, starts="handle"),
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
            stage=_STEP(ends=RETURNED, starts="dispatch", charge_dispatch=True),
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
            stage=_STEP(ends=DONE, starts="verify"),
        ),
        Action(
            "verify",
            "核查",
            "verify",
            frozenset({S.HANDLED}),
            S.VERIFIED,
            _DESK | {R.WORKER},
            forward=True,
            stage=_STEP(ends=DONE, starts="close"),
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
            stage=_STEP(ends=DONE, starts="handle", came_back=True),
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
            stage=_STEP(ends=DONE),
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
            stage=_STEP(ends=DONE),
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
            stage=_STEP(ends=DONE),
        ),
        Action(
            "extend",
            "延期",
            "extend",
            _WITH_DEPT,
            None,
            _LEADS,
            needs_reason=True,
            params=(HOURS,),
            effect=effects.extend,
            stage=_STEP(extends=True),
        ),
        Action(
            "request_extension",
            "延期申请",
            "ask for an extension",
            _WITH_DEPT,
            None,
            _DEPT,
            needs_reason=True,
            own_department=True,
            params=(HOURS,),
            effect=effects.request_extension,
        ),
        Action(
            "approve_extension",
            "批准延期",
            "approve the extension",
            _WITH_DEPT,
            None,
            _LEADS,
            effect=effects.approve_extension,
            guard=effects.extension_waiting,
            stage=_STEP(extends=True),
        ),
        Action(
            "refuse_extension",
            "驳回延期",
            "refuse the extension",
            _WITH_DEPT,
            None,
            _LEADS,
            needs_reason=True,
            effect=effects.refuse_extension,
            guard=effects.extension_waiting,
        ),
        Action(
            "suspend",
            "挂账",
            "suspend (cannot be handled now)",
            frozenset({S.ACCEPTED}),
            S.SUSPENDED,
            _LEADS,
            needs_reason=True,
            params=(REVIEW,),
            effect=effects.suspend,
            stage=_STEP(pauses=True),
        ),
        Action(
            "resume",
            "恢复办理",
            "resume",
            frozenset({S.SUSPENDED}),
            S.ACCEPTED,
            _LEADS | {R.LIAISON},
            own_department=True,
            effect=effects.resume,
            stage=_STEP(resumes=True),
        ),
        Action(
            "supervise",
            "督办",
            "press the department (督办)",
            _WITH_DEPT,
            None,
            _LEADS,
            needs_reason=True,
            effect=effects.supervise,
            guard=effects.pressing,
        ),
        Action(
            "answer_supervision",
            "督办反馈",
            "answer the 督办",
            _WITH_DEPT | {S.SUSPENDED},
            None,
            _DEPT,
            needs_reason=True,
            own_department=True,
            effect=effects.answer_supervision,
            guard=effects.awaiting_answer,
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
            stage=_STEP(ends=REASSIGNED, starts="accept", charge_dispatch=True, dispatches=True),
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
            stage=_STEP(undoes=True),
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
        Action(
            "redo",
            "重办",
            "redo (after an unsatisfied follow-up)",
            frozenset({S.CLOSED}),
            S.ACCEPTED,
            _DESK,
            needs_reason=True,
            effect=effects.redo,
            guard=effects.rated_unsatisfied,
            stage=_STEP(starts="handle", came_back=True),
        ),
    )
}

# status -> the main path's next action (上报 → 立案 → 派遣 → 签收 → 处置反馈 → 核查 → 结案)
FORWARD: dict[Status, Action] = {
    source: a for a in ACTIONS.values() if a.forward for source in sorted(a.sources)
}
PARAM_NAMES = frozenset(p.name for a in ACTIONS.values() for p in a.params)
# Each event's step through the stages, by its action (a report opens the 立案 stage).
STAGE_STEPS: dict[str, StageStep] = {
    "reported": StageStep(starts="file"),
    **{a.name: a.stage for a in ACTIONS.values()},
}


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


def check(act: Action, case: Case, now: datetime | None = None) -> None:
    """Raise InvalidTransition unless ``case`` is in a state ``act`` starts from."""
    if case.status not in act.sources:
        raise InvalidTransition(case.id, case.status, f"{act.name} ({act.label_zh})", act.label_zh)
    refusal = act.guard(case, now) if act.guard else None
    if refusal:
        raise InvalidTransition(
            case.id, case.status, f"{act.name} ({act.label_zh}): {refusal}", act.label_zh
        )


def available(actor: Actor, case: Case, now: datetime | None = None) -> list[Action]:
    """The actions ``actor`` may take on ``case`` now (what a screen offers)."""
    out = []
    for act in ACTIONS.values():
        if not act.offered:
            continue
        try:
            authorize(act, actor, case)
            check(act, case, now)
        except CaseError:
            continue
        out.append(act)
    return out
