"""The lifecycle as a table of actions: who may do what, from which state, to which state,
with which parameters, and what it does to the case — each action's rules in one place.

上报 reported → (核实 confirmed) → 立案 filed → 派遣 dispatched → 签收 accepted → 处置反馈
handled → 核查 verified → 结案 closed → 回访 rated; side paths 不予立案 reject, 退回 return
(back to dispatch), 返工 rework (back to the department), 作废 void, 合并 merge (a duplicate
joins the earlier case), 延期申请 request_extension by the department and its 批准/驳回 by a
shift lead (or 延期 extend on the lead's own authority), 挂账 suspend and 恢复办理 resume,
督办 supervise and its 督办反馈 answer, 重办 redo after an unsatisfied follow-up, 改派
reassign and, right after it, 撤销改派 its undo; 到场签到 check_in by whoever arrives at the
place (the urgent response clock's "on site"); on the urgent fast path (cases/urgent.py)
标为紧急 flag_urgent, 收到 acknowledge and 险情已排除 remove_hazard. Each action also
declares its step through the stages (``cases.stages``: 立案, 派遣, 签收, 处置, 核查,
结案), which the stage clocks and rates are derived from.
Anything not in the table is refused with a clear error. The store applies an action as
load → authorize → check version → ``Action.take`` → save → append event → publish; screens
read the actions an actor may take, and their parameters, from here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from cases import effects
from cases.action import Action, authorize, check
from cases.actors import ROLE_ZH, Actor, Role
from cases.effects import Context
from cases.model import Case, CaseError, Status
from cases.stages import DONE, REASSIGNED, RETURNED, StageStep

__all__ = ["ROLE_ZH", "Action", "Actor", "Context", "Role", "authorize", "check"]


# The vocabulary the table is written in (kept importable from here, its old home).
RATINGS = effects.RATINGS
SATISFIED = effects.SATISFIED
MAX_EXTENSION_HOURS = effects.MAX_EXTENSION_HOURS
UNDO_WINDOW = effects.UNDO_WINDOW
DEPARTMENT, HOURS, RATING, INTO = effects.DEPARTMENT, effects.HOURS, effects.RATING, effects.INTO
REVIEW = effects.REVIEW
LON, LAT, ACCURACY = effects.LON, effects.LAT, effects.ACCURACY
CHECK_IN_RADIUS_M = effects.CHECK_IN_RADIUS_M


S = Status
R = Role
_DESK = frozenset({R.OPERATOR, R.LEAD, R.SYSTEM})
_DEPT = frozenset({R.LIAISON, R.SYSTEM})
_LEADS = frozenset({R.LEAD, R.SYSTEM})
_AT_DESK = frozenset({S.REPORTED, S.CONFIRMED, S.FILED, S.RETURNED})  # at the center's desk
_TO_FILE = frozenset({S.REPORTED, S.CONFIRMED})
_WITH_DEPT = frozenset({S.DISPATCHED, S.ACCEPTED})  # the department has it
_OPEN = frozenset(s for s in S if s.is_open)
# The urgent fast path: whoever is alerted and signed in acknowledges (a liaison on their
# own department's case, the only ones they see); those on the spot remove the hazard.
_ALERTED = frozenset({R.WORKER, R.LIAISON, R.LEAD, R.OPERATOR, R.SYSTEM})
_ON_SPOT = frozenset({R.WORKER, R.LIAISON, R.LEAD, R.SYSTEM})
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
            guard=effects.requestable,
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
            "check_in",
            "到场签到",
            "check in on site",
            _OPEN,
            None,
            _DESK | _DEPT | {R.WORKER},
            own_department=True,  # a liaison (a department's people) on their own cases
            params=(LON, LAT, ACCURACY),
            effect=effects.check_in,
            offered=False,  # taken where someone stands, with the phone's position
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
        Action(
            "flag_urgent",
            "标为紧急",
            "flag urgent",
            _OPEN,
            None,
            _DESK,
            needs_reason=True,
            effect=effects.flag_urgent,
            guard=effects.not_urgent,
            offered=False,  # the urgent panel of the case view offers it, not the buttons
        ),
        Action(
            "acknowledge",
            "收到",
            "acknowledge",
            _OPEN,
            None,
            _ALERTED,
            own_department=True,
            effect=effects.acknowledge,
            guard=effects.urgent_only,
        ),
        Action(
            "remove_hazard",
            "险情已排除",
            "hazard removed",
            _OPEN,
            None,
            _ON_SPOT,
            takes_note=True,  # what was done on the spot
            own_department=True,
            effect=effects.remove_hazard,
            guard=effects.hazard_present,
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
