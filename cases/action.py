"""One action of the lifecycle: who may take it, from which states, with which parameters,
and what it does (the table of them all is ``cases.workflow.ACTIONS``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from cases import effects
from cases.actors import ROLE_ZH, Actor, Role
from cases.effects import Context, Effect, Param
from cases.model import Case, CaseError, Forbidden, InvalidTransition, OutOfView, Status
from cases.stages import NO_STEP, StageStep


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
    # (A guard may give its refusal in both languages: (English, Chinese).)
    guard: Callable[[Case, datetime | None], str | tuple[str, str] | None] | None = None
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
        en, zh = refusal if isinstance(refusal, tuple) else (refusal, "")
        raise InvalidTransition(
            case.id, case.status, f"{act.name} ({act.label_zh}): {en}", act.label_zh, zh
        )
