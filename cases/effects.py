"""What the workflow's actions take and do: their parameters (each checked the same way
wherever it is given) and their effects on a case besides its status.

The table itself (who, from where, to where) is ``cases.workflow.ACTIONS``; this module is
the vocabulary it is written in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from cases.model import Case, CaseError, Event, Status

RATINGS = ("satisfied", "basic", "unsatisfied")  # 满意 / 基本满意 / 不满意
RATINGS_EN = ("satisfied", "basically satisfied", "unsatisfied")
RATINGS_ZH = ("满意", "基本满意", "不满意")
SATISFIED = frozenset({"satisfied", "basic"})
MAX_EXTENSION_HOURS = 720.0
# A shift lead may take back a reassign this long after it, if nothing happened since.
UNDO_WINDOW = timedelta(minutes=2)


class Clock(Protocol):
    """What an effect needs of the SLA clock (cases.sla.SlaClock)."""

    def crossings(
        self, start: datetime, limit_hours: float, working: bool
    ) -> tuple[datetime, datetime, datetime]: ...


def _nowhere(_case_id: int) -> Case | None:
    return None


@dataclass(frozen=True)
class Context:
    """What an action's effect may consult besides the case: the time, the departments
    the catalog knows, the SLA clock, who acts (their audit label), another case by id
    (read in the same transaction), and the case's last event (for actions that say they
    need it: an undo compensates exactly the step before it)."""

    now: datetime
    departments: frozenset[str]
    sla: Clock
    actor: str = ""
    find: Callable[[int], Case | None] = _nowhere
    last_event: Event | None = None


# -- parameters -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Param:
    """One parameter an action takes: its name, its labels, and how a value is checked.

    ``choices`` lists the allowed values where they are fixed (ratings); a department is
    checked against the catalog, hours against ``MAX_EXTENSION_HOURS``, a case by its id.
    A screen asks for exactly these, with these labels.
    """

    name: str
    label_zh: str
    label_en: str
    kind: str  # "department" | "hours" | "choice" | "case"
    required: bool = True
    choices: tuple[str, ...] = ()
    choice_labels_zh: tuple[str, ...] = ()
    choice_labels_en: tuple[str, ...] = ()

    def parse(self, value: Any, ctx: Context) -> Any:
        if self.kind == "department":
            if not isinstance(value, str) or value not in ctx.departments:
                raise CaseError(f"unknown department {str(value)[:40]!r}", "没有这个部门")
            return value
        if self.kind == "hours":
            ok = isinstance(value, int | float | str) and not isinstance(value, bool)
            try:
                hours = float(value) if ok else math.nan
            except ValueError:
                hours = math.nan
            if not 0 < hours <= MAX_EXTENSION_HOURS:
                raise CaseError(
                    f"extend needs hours between 0 and {MAX_EXTENSION_HOURS:g}",
                    f"延期小时数应在 0 到 {MAX_EXTENSION_HOURS:g} 之间",
                )
            return hours
        if self.kind == "case":
            given = isinstance(value, int | str) and not isinstance(value, bool)
            text = str(value) if given else ""
            if not text.isascii() or not text.isdigit() or not 0 < int(text) < 2**31:
                raise CaseError(f"{self.name}: a case number", f"{self.label_zh}：请填写案件编号")
            return int(text)
        if value not in self.choices:
            raise CaseError(
                f"{self.name}: one of {', '.join(self.choices)}",
                f"{self.label_zh}：请选择 {'、'.join(self.choice_labels_zh or self.choices)}",
            )
        return value

    def as_json(self, lang: str) -> dict[str, Any]:
        """What a screen needs to ask for this parameter (in ``lang``: zh or en)."""
        labels = self.choice_labels_en if lang == "en" else self.choice_labels_zh
        choices = zip(self.choices, labels, strict=True)
        return {
            "name": self.name,
            "label": self.label_en if lang == "en" else self.label_zh,
            "kind": self.kind,
            "required": self.required,
            "choices": [{"value": v, "label": lb} for v, lb in choices],
        }


DEPARTMENT = Param("department", "部门", "department", "department", required=False)
HOURS = Param("hours", "延期小时数", "hours of extension", "hours")
RATING = Param("rating", "评价", "rating", "choice", True, RATINGS, RATINGS_ZH, RATINGS_EN)
INTO = Param("into", "并入案件", "merge into case", "case")

Changes = dict[str, Any]
Effect = Callable[[Case, Mapping[str, Any], Context], tuple[Changes, dict[str, Any]]]


# -- effects: what each action does to the case besides its status --------------------------
def nothing(_case: Case, _args: Mapping[str, Any], _ctx: Context) -> tuple[Changes, Changes]:
    return {}, {}


def to_department(case: Case, args: Mapping[str, Any], _ctx: Context) -> tuple[Changes, Changes]:
    department = args.get("department") or case.department
    changes = {
        "department": department,
        "dispatch_count": case.dispatch_count + 1,
        "accepted_at": None,
    }
    # What an undo needs to put back: the department (also the audience that loses the
    # case) and when it had accepted it.
    accepted = case.accepted_at.isoformat() if case.accepted_at else None
    return changes, {"from_department": case.department, "from_accepted_at": accepted}


def reassign(case: Case, args: Mapping[str, Any], ctx: Context) -> tuple[Changes, Changes]:
    if (args.get("department") or case.department) == case.department:
        raise CaseError(
            f"case {case.id} is already with {case.department}",
            f"案件 {case.id} 已在该部门，无需改派",
        )
    return to_department(case, args, ctx)


def undo_reassign(case: Case, _args: Mapping[str, Any], ctx: Context) -> tuple[Changes, Changes]:
    """Put the case back where the reassign just before found it: a new event that
    compensates the reassign (the log keeps both), never a deletion."""
    last = ctx.last_event
    if last is None or last.kind != "case.reassign":
        raise CaseError(
            f"case {case.id}: its last step is not a reassign; nothing to undo",
            f"案件 {case.id} 改派后已有新的办理，不能撤销",
        )
    if last.actor != ctx.actor:
        raise CaseError(
            f"case {case.id} was reassigned by {last.actor}; only they may undo it",
            f"案件 {case.id} 由他人改派，只有改派人可以撤销",
        )
    if ctx.now - last.at > UNDO_WINDOW:
        minutes = UNDO_WINDOW.total_seconds() / 60
        raise CaseError(
            f"case {case.id}: a reassign can be undone for {minutes:g} minutes",
            f"案件 {case.id} 改派已超过 {minutes:g} 分钟，不能撤销",
        )
    previous = last.data.get("from_department")
    if not isinstance(previous, str) or last.from_status is None:
        raise CaseError(
            f"case {case.id}: the reassign does not say where the case was",
            f"案件 {case.id} 的改派记录缺少原部门，不能撤销",
        )
    accepted = last.data.get("from_accepted_at")
    changes: Changes = {
        "department": previous,
        "status": last.from_status,
        "dispatch_count": max(case.dispatch_count - 1, 0),
        "accepted_at": datetime.fromisoformat(accepted) if isinstance(accepted, str) else None,
    }
    return changes, {"from_department": case.department, "undoes": last.seq}


def merge(case: Case, args: Mapping[str, Any], ctx: Context) -> tuple[Changes, Changes]:
    """A duplicate report joins the earlier case it repeats; the earlier one carries on."""
    into = args["into"]
    if into == case.id:
        raise CaseError(
            f"case {case.id} cannot be merged into itself", f"案件 {case.id} 不能并入自身"
        )
    target = ctx.find(into)
    if target is None:
        raise CaseError(f"no case {into} to merge into", f"没有案件 {into}，无法并入")
    if target.status is Status.VOID:
        raise CaseError(
            f"case {into} is void; merge into the case it was merged into",
            f"案件 {into} 已作废，请并入它所并入的案件",
        )
    if target.created_at > case.created_at:
        raise CaseError(
            f"case {into} is newer than case {case.id}; merge the newer one",
            f"案件 {into} 比案件 {case.id} 晚，请把较晚的并入较早的",
        )
    return {"closed_at": ctx.now}, {"merged_into": into}


def stamp(column: str) -> Effect:
    def effect(_case: Case, _args: Mapping[str, Any], ctx: Context) -> tuple[Changes, Changes]:
        return {column: ctx.now}, {}

    return effect


def count(column: str) -> Effect:
    def effect(case: Case, _args: Mapping[str, Any], _ctx: Context) -> tuple[Changes, Changes]:
        return {column: getattr(case, column) + 1}, {}

    return effect


def extend(case: Case, args: Mapping[str, Any], ctx: Context) -> tuple[Changes, Changes]:
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


def rate(_case: Case, args: Mapping[str, Any], _ctx: Context) -> tuple[Changes, Changes]:
    return {"rating": args["rating"]}, {"rating": args["rating"]}


def not_rated(case: Case) -> str | None:
    return "already rated" if case.rating is not None else None
