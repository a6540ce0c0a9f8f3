"""What the workflow's actions take and do: their parameters (each checked the same way
wherever it is given) and their effects on a case besides its status.

The table itself (who, from where, to where) is ``cases.workflow.ACTIONS``; this module is
the vocabulary it is written in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from cases.model import Case, CaseError, Event, Status
from cases.positions import distance_m

RATINGS = ("satisfied", "basic", "unsatisfied")  # 满意 / 基本满意 / 不满意
RATINGS_EN = ("satisfied", "basically satisfied", "unsatisfied")
RATINGS_ZH = ("满意", "基本满意", "不满意")
SATISFIED = frozenset({"satisfied"})  # 满意 alone
SATISFIED_OR_BASIC = frozenset({"satisfied", "basic"})  # 满意 + 基本满意, named as such
MAX_EXTENSION_HOURS = 720.0
MAX_REVIEW_DAYS = 366  # a 挂账 is looked at again within a year
# 督办: how long the department has to answer, on the case's own clock.
SUPERVISE_ANSWER_HOURS = {True: 2.0, False: 1.0}  # working hours / calendar hours
# A shift lead may take back a reassign this long after it, if nothing happened since.
UNDO_WINDOW = timedelta(minutes=2)
# 到场签到: a check-in this close to an urgent case's place puts someone on site (the
# response clock's "on site" step, cases/urgent.py); the phone page shows the radius.
CHECK_IN_RADIUS_M = 150.0


class Clock(Protocol):
    """What an effect needs of the SLA clock (cases.sla.SlaClock)."""

    def crossings(
        self, start: datetime, limit_hours: float, working: bool
    ) -> tuple[datetime, datetime, datetime]: ...

    def deadline(self, start: datetime, limit_hours: float, working: bool) -> datetime: ...

    def elapsed_hours(self, start: datetime, now: datetime, working: bool) -> float: ...


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
    kind: str  # "department" | "hours" | "choice" | "case" | "date" | "number"
    required: bool = True
    choices: tuple[str, ...] = ()
    choice_labels_zh: tuple[str, ...] = ()
    choice_labels_en: tuple[str, ...] = ()
    bounds: tuple[float, float] = (0.0, 0.0)  # a number's least and greatest value

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
        if self.kind == "date":
            return _future_day(value, ctx.now, self.label_en, self.label_zh)
        if self.kind == "number":
            return self._number(value)
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

    def _number(self, value: Any) -> float:
        low, high = self.bounds
        number = as_number(value)
        if not (math.isfinite(number) and low <= number <= high):
            raise CaseError(
                f"{self.name}: a number from {low:g} to {high:g}",
                f"{self.label_zh}：应为 {low:g} 到 {high:g} 之间的数值",
            )
        return number

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
REVIEW = Param("review", "复查日期", "review date", "date")
# Where someone checks in (WGS-84, within the box where China's coordinates apply) and how
# sure their phone is of it.
LON = Param("lon", "经度", "longitude", "number", bounds=(72.004, 137.8347))
LAT = Param("lat", "纬度", "latitude", "number", bounds=(0.8293, 55.8271))
ACCURACY = Param("accuracy", "定位精度（米）", "accuracy (m)", "number", False, bounds=(0, 10_000))


def as_number(value: Any) -> float:
    """A JSON number as a float; NaN for anything else (a bool, a text, an integer too large
    for a float)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return math.nan
    try:
        return float(value)
    except OverflowError:
        return math.nan


def _future_day(value: Any, now: datetime, label_en: str, label_zh: str) -> datetime:
    """A local date (YYYY-MM-DD) after today and within MAX_REVIEW_DAYS, as local midnight."""
    from cases.clock import LOCAL_TZ

    try:
        day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        day = None
    today = now.astimezone(LOCAL_TZ).date()
    if day is None or not today < day <= today + timedelta(days=MAX_REVIEW_DAYS):
        raise CaseError(
            f"{label_en}: a date after today (YYYY-MM-DD), within {MAX_REVIEW_DAYS} days",
            f"{label_zh}：请填写今天之后 {MAX_REVIEW_DAYS} 天内的日期（YYYY-MM-DD）",
        )
    return datetime.combine(day, time(0), tzinfo=LOCAL_TZ).astimezone(UTC)


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


def case_clock(case: Case, allowed: float, paused: float, ctx: Context) -> Changes:
    """The case's own clock (from the report, for the wall's colours) with ``allowed`` hours
    and ``paused`` hours stood still."""
    watch, at_risk, deadline = ctx.sla.crossings(
        case.created_at, allowed + paused, case.working_hours
    )
    return {"watch_at": watch, "at_risk_at": at_risk, "deadline": deadline}


def extend(case: Case, args: Mapping[str, Any], ctx: Context) -> tuple[Changes, Changes]:
    """More time for the stage under way and the case (the stage stays late if it already
    ran out: ``cases.stages``)."""
    hours = args["hours"]
    allowed = case.allowed_hours + hours
    changes = {
        "allowed_hours": allowed,
        "extension_count": case.extension_count + 1,
        **case_clock(case, allowed, case.paused_hours, ctx),
    }
    return changes, {"hours": hours}


def _stage_late(case: Case, now: datetime) -> bool:
    return case.stage_late_at is not None and now > case.stage_late_at


def request_extension(
    _case: Case, args: Mapping[str, Any], _ctx: Context
) -> tuple[Changes, Changes]:
    return {"extension_requested": args["hours"]}, {"hours": args["hours"]}


def requestable(case: Case, now: datetime | None = None) -> tuple[str, str] | None:
    """延期申请: one at a time, and only while the stage has time left (a request once the
    stage is late is not offered, and refused if sent)."""
    if case.extension_requested is not None:
        return "already has an extension request waiting", "已有待审批的延期申请"
    if now is not None and _stage_late(case, now):
        return (
            "its stage is already past its time limit; ask before the deadline",
            "本环节已超时，延期须在时限之前申请",
        )
    return None


def approve_extension(
    case: Case, _args: Mapping[str, Any], ctx: Context
) -> tuple[Changes, Changes]:
    hours = float(case.extension_requested or 0.0)
    changes, extra = extend(case, {"hours": hours}, ctx)
    changes["extension_requested"] = None
    return changes, extra


def refuse_extension(
    case: Case, _args: Mapping[str, Any], _ctx: Context
) -> tuple[Changes, Changes]:
    return {"extension_requested": None}, {"hours": case.extension_requested}


def extension_waiting(case: Case, _now: datetime | None = None) -> str | None:
    return None if case.extension_requested is not None else "no extension request waiting"


def suspend(case: Case, args: Mapping[str, Any], ctx: Context) -> tuple[Changes, Changes]:
    """挂账: the case cannot be handled now; its clocks stand still until it is resumed."""
    review = args["review"]
    return {"suspended_at": ctx.now, "review_at": review}, {"review": review.isoformat()}


def resume(case: Case, _args: Mapping[str, Any], ctx: Context) -> tuple[Changes, Changes]:
    since = case.suspended_at or ctx.now
    stood = ctx.sla.elapsed_hours(since, ctx.now, case.working_hours)
    paused = case.paused_hours + stood
    changes = {
        "paused_hours": paused,
        "suspended_at": None,
        "review_at": None,
        **case_clock(case, case.allowed_hours, paused, ctx),
    }
    return changes, {"stood_hours": stood}


def pressing(case: Case, now: datetime | None = None) -> str | None:
    """督办 is for a case at risk or late (its own clock, or its stage's)."""
    if now is None or case.risk(now) in ("at_risk", "overdue") or _stage_late(case, now):
        return None
    return "neither at risk nor late"


def supervise(case: Case, _args: Mapping[str, Any], ctx: Context) -> tuple[Changes, Changes]:
    """督办: the department must answer within its clock."""
    hours = SUPERVISE_ANSWER_HOURS[case.working_hours]
    due = ctx.sla.deadline(ctx.now, hours, case.working_hours)
    changes = {"supervised_at": ctx.now, "supervise_due_at": due, "supervise_answered_at": None}
    return changes, {"answer_by": due.isoformat()}


def answer_supervision(
    _case: Case, _args: Mapping[str, Any], ctx: Context
) -> tuple[Changes, Changes]:
    return {"supervise_answered_at": ctx.now}, {}


def awaiting_answer(case: Case, _now: datetime | None = None) -> str | None:
    if case.supervised_at is None or case.supervise_answered_at is not None:
        return "not under 督办 awaiting an answer"
    return None


def check_in(case: Case, args: Mapping[str, Any], ctx: Context) -> tuple[Changes, Changes]:
    """到场签到: how far from the case's place someone checked in; the first check-in within
    ``CHECK_IN_RADIUS_M`` of an urgent case is when someone got there (``on_site_at``). The
    event keeps the distance, never the position (which only some roles may see)."""
    distance = distance_m(args["lon"], args["lat"], case.lon, case.lat)
    near = distance <= CHECK_IN_RADIUS_M
    first = case.urgent and near and case.on_site_at is None
    extra: Changes = {"distance_m": round(distance, 1), "on_site": near, "first_on_site": first}
    if "accuracy" in args:
        extra["accuracy_m"] = round(args["accuracy"], 1)
    return ({"on_site_at": ctx.now} if first else {}), extra


def redo(case: Case, _args: Mapping[str, Any], _ctx: Context) -> tuple[Changes, Changes]:
    """重办: an unsatisfied follow-up sends the case back to its department to handle again."""
    return {"closed_at": None, "handled_at": None, "redo_count": case.redo_count + 1}, {}


def rated_unsatisfied(case: Case, _now: datetime | None = None) -> str | None:
    return None if case.rating == "unsatisfied" else "only after an unsatisfied follow-up"


def rate(_case: Case, args: Mapping[str, Any], _ctx: Context) -> tuple[Changes, Changes]:
    return {"rating": args["rating"]}, {"rating": args["rating"]}


def not_rated(case: Case, _now: datetime | None = None) -> str | None:
    return "already rated" if case.rating is not None else None


# -- the urgent fast path (cases/urgent.py): marking a case urgent, and its response clock ----
def flag_urgent(case: Case, _args: Mapping[str, Any], ctx: Context) -> tuple[Changes, Changes]:
    """紧急: the case takes the fast path; its response clock starts now (from the flag)."""
    return {"urgent": True, "urgent_at": ctx.now}, {"urgent_at": ctx.now.isoformat()}


def not_urgent(case: Case, _now: datetime | None = None) -> tuple[str, str] | None:
    return ("already urgent", "已是紧急案件") if case.urgent else None


def urgent_only(case: Case, _now: datetime | None = None) -> tuple[str, str] | None:
    return None if case.urgent else ("only on an urgent case", "仅限紧急案件")


def acknowledge(case: Case, _args: Mapping[str, Any], ctx: Context) -> tuple[Changes, Changes]:
    """收到: the first acknowledgement stops the clock's first step; later ones are logged."""
    if case.acknowledged_at is not None:
        return {}, {"first": False}
    return {"acknowledged_at": ctx.now}, {"first": True}


def remove_hazard(case: Case, _args: Mapping[str, Any], ctx: Context) -> tuple[Changes, Changes]:
    return {"hazard_removed_at": ctx.now}, {}


def hazard_present(case: Case, _now: datetime | None = None) -> tuple[str, str] | None:
    if not case.urgent:
        return "only on an urgent case", "仅限紧急案件"
    if case.hazard_removed_at is not None:
        return "the hazard was already removed", "险情已排除"
    return None
