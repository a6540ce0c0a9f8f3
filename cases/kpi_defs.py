"""Every KPI the center publishes: its name, its definition in words, and its formula, each
written once. A rate's numerator and denominator are sums of named counters (``Terms``);
the same terms compute the rate and print the formula a user reads, so the words can never
say one thing and the number another.

Rates are exact fractions of whole counts. What a page shows is rounded toward worse (down
where higher is better, up where lower is better) to one decimal, with integer arithmetic,
and whether a rate meets its target is decided on the exact fraction: a missed target never
displays as met.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from cases.catalog import STAGES
from cases.stages import STAGE_EN as _STAGE_EN
from cases.stages import STAGE_ZH as _STAGE_ZH

Terms = tuple[tuple[int, str], ...]  # (+1 or -1, counter)
Counts = dict[str, int]

# What each counter counts, in the words the formulas are printed in.
COUNTER_WORDS: dict[str, tuple[str, str]] = {
    "collected": ("采集案件数", "cases collected"),
    "found_on_patrol": ("网格员巡查发现上报的案件数", "cases found by grid workers on patrol"),
    "void": ("作废案件数", "void cases"),
    "rejected": ("不予立案数", "cases not filed"),
    "closed": ("结案数", "cases closed"),
    "closed_3d": ("上报后3天内结案数", "closed within 3 days of the report"),
    "closed_7d": ("上报后7天内结案数", "closed within 7 days of the report"),
    "handled": ("已处置案件数", "cases handled"),
    "reworked": ("核查不通过返工的案件数", "cases sent back for rework"),
    "redone": ("回访不满意后重办的案件数", "cases redone after an unsatisfied follow-up"),
    "extended": ("获批延期的案件数", "cases granted an extension"),
    "rated": ("已回访案件数", "cases followed up"),
    "satisfied": ("回访评价“满意”数", "follow-ups rated satisfied"),
    "satisfied_basic": (
        "回访评价“满意”或“基本满意”数",
        "follow-ups rated satisfied or basically satisfied",
    ),
    "dispatch_inaccurate": ("被退回或被改派的派遣数", "dispatches returned or reassigned away"),
    "returns": ("退回次数", "returns"),
    "reassigned_away": ("被改派走的次数", "reassigned away"),
    "open": ("在办案件数", "open cases"),
    "open_overdue": ("已超过案件时限的在办案件数", "open cases past the case deadline"),
    "open_older_3d": ("上报已超3天仍未结案数", "open more than 3 days after the report"),
    "open_older_7d": ("上报已超7天仍未结案数", "open more than 7 days after the report"),
    "suspended": ("挂账案件数", "suspended cases"),
}
for _s in STAGES:
    z, e = _STAGE_ZH[_s], _STAGE_EN[_s]
    COUNTER_WORDS[f"{_s}_counted"] = (f"已完成并判定的{z}环节数", f"{e} stages settled")
    COUNTER_WORDS[f"{_s}_on_time"] = (f"按时完成的{z}环节数", f"{e} stages done on time")
    COUNTER_WORDS[f"{_s}_open_late"] = (f"已超时仍未完成的{z}环节数", f"{e} stages open and late")
# Counted from the open cases at the moment asked (they depend on the clock).
OPEN_COUNTERS = (
    "open",
    "open_overdue",
    "open_older_3d",
    "open_older_7d",
    "suspended",
    *(f"{s}_open_late" for s in STAGES),
)


@dataclass(frozen=True)
class Kpi:
    code: str
    name_zh: str
    name_en: str
    definition_zh: str
    definition_en: str
    numerator: Terms
    denominator: Terms | None  # None: a count, not a rate
    target: float | None = None
    higher_is_better: bool = True

    def formula(self, lang: str) -> str:
        top = _words(self.numerator, lang)
        if self.denominator is None:
            return top
        return f"{top} ÷ {_words(self.denominator, lang)}"


def _words(terms: Terms, lang: str) -> str:
    index = 1 if lang == "en" else 0
    text = ""
    for i, (sign, name) in enumerate(terms):
        word = COUNTER_WORDS[name][index]
        text += word if i == 0 else f" {'+' if sign > 0 else '−'} {word}"
    return f"({text})" if len(terms) > 1 else text


def _sum(terms: Terms, c: Counts) -> int:
    return sum(sign * c.get(name, 0) for sign, name in terms)


def _stage_kpi(stage: str, name_zh: str, name_en: str) -> Kpi:
    z, e = _STAGE_ZH[stage], _STAGE_EN[stage]
    return Kpi(
        f"{stage}_on_time",
        name_zh,
        name_en,
        f"{z}环节在本环节时限内完成的比例。时限从本环节开始起算（按工作时间或自然时间，以事项为准）。"
        "已超时仍未完成的计为超时；超时后才批准的延期、返工或重办后重新处置、改派均不能使超时变为按时；"
        "退回或改派走时尚未超时的环节不计入。",
        f"Share of {e} stages done within the stage's own limit, counted from the moment the stage "
        "began (on working or calendar time as the item says). Stages open past their limit "
        "count as late; an extension approved after the limit, a rework or redo, or a "
        "reassignment never turns late into on time; stages taken away before they were late "
        "are not counted.",
        ((1, f"{stage}_on_time"),),
        ((1, f"{stage}_counted"), (1, f"{stage}_open_late")),
    )


KPIS: tuple[Kpi, ...] = (
    Kpi(
        "collected",
        "案件采集量",
        "Cases collected",
        "期间内上报（采集）的案件数，含作废和不予立案。",
        "Cases reported in the period, void and not filed included.",
        ((1, "collected"),),
        None,
    ),
    Kpi(
        "active_discovery",
        "主动发现率",
        "Found on patrol",
        "期间内上报的案件中，由网格员巡查主动发现上报的比例（其余为市民、热线、泉心愿和部门系统上报）。",
        "Share of the period's cases found by grid workers on patrol (the rest came from "
        "citizens, the hotline, the Quanxinyuan wish platform and department systems).",
        ((1, "found_on_patrol"),),
        ((1, "collected"),),
    ),
    _stage_kpi("file", "按时立案率", "Filed on time"),
    _stage_kpi("dispatch", "按期派遣率", "Dispatched on time"),
    _stage_kpi("accept", "按时签收率", "Accepted on time"),
    _stage_kpi("handle", "按期处置率", "Handled on time"),
    _stage_kpi("verify", "按时核查率", "Verified on time"),
    _stage_kpi("close", "按期结案率", "Closed on time"),
    Kpi(
        "accurate_dispatch",
        "准确派遣率",
        "Accurate dispatch",
        "派遣（含改派）后未被部门退回、也未被改派走的比例；不准确的派遣记在派遣它的指挥中心，"
        "退回它的部门另有记录。",
        "Dispatches (reassignments included) neither returned by the department nor reassigned "
        "away; an inaccurate dispatch is charged to the center's desk that made it, and the "
        "department that returned it is recorded.",
        ((1, "dispatch_counted"), (-1, "dispatch_inaccurate")),
        ((1, "dispatch_counted"),),
    ),
    Kpi(
        "closed_3d",
        "3日办结率",
        "Closed within 3 days",
        "上报后3天（72小时，自然时间）内结案的案件占应结案件的比例；上报已超3天仍未结案的计入分母。",
        "Cases closed within 3 days (72 calendar hours) of the report, among those due; cases "
        "open more than 3 days after the report count in the denominator.",
        ((1, "closed_3d"),),
        ((1, "closed"), (1, "open_older_3d")),
        target=0.95,
    ),
    Kpi(
        "closed_7d",
        "7日办结率",
        "Closed within 7 days",
        "上报后7天（168小时，自然时间）内结案的案件占应结案件的比例；上报已超7天仍未结案的计入分母。",
        "Cases closed within 7 days (168 calendar hours) of the report, among those due; cases "
        "open more than 7 days after the report count in the denominator.",
        ((1, "closed_7d"),),
        ((1, "closed"), (1, "open_older_7d")),
        target=0.99,
    ),
    Kpi(
        "close_rate",
        "结案率",
        "Close rate",
        "已结案案件占应办案件（采集案件中除去作废和不予立案）的比例。",
        "Closed cases among the cases to handle (collected less void and not filed).",
        ((1, "closed"),),
        ((1, "collected"), (-1, "void"), (-1, "rejected")),
    ),
    Kpi(
        "satisfaction_strict",
        "满意率（满意）",
        "Satisfaction (satisfied only)",
        "回访评价为“满意”的案件占已回访案件的比例（不含“基本满意”）。",
        "Follow-ups rated satisfied, among the cases followed up (basically satisfied not "
        "included).",
        ((1, "satisfied"),),
        ((1, "rated"),),
    ),
    Kpi(
        "satisfaction",
        "满意率（满意+基本满意）",
        "Satisfaction (satisfied + basically satisfied)",
        "回访评价为“满意”或“基本满意”的案件占已回访案件的比例；目标99.5%按此口径。",
        "Follow-ups rated satisfied or basically satisfied, among the cases followed up; the "
        "99.5% target is on this definition.",
        ((1, "satisfied_basic"),),
        ((1, "rated"),),
        target=0.995,
    ),
    Kpi(
        "followup_rate",
        "回访率",
        "Follow-up rate",
        "已回访的案件占已结案案件的比例。",
        "Closed cases that were followed up.",
        ((1, "rated"),),
        ((1, "closed"),),
    ),
    Kpi(
        "rework_rate",
        "返工率",
        "Rework rate",
        "核查不通过而返工过的案件占已处置案件的比例。",
        "Cases sent back for rework at verification, among the cases handled.",
        ((1, "reworked"),),
        ((1, "handled"),),
        higher_is_better=False,
    ),
    Kpi(
        "redo_rate",
        "重办率",
        "Redo rate",
        "回访不满意后重办的案件占已回访案件的比例。",
        "Cases redone after an unsatisfied follow-up, among the cases followed up.",
        ((1, "redone"),),
        ((1, "rated"),),
        higher_is_better=False,
    ),
    Kpi(
        "overdue_open",
        "超期在办率",
        "Open and overdue",
        "已超过案件时限的在办案件占在办案件的比例（挂账案件时钟暂停，另行统计）。",
        "Open cases past the case deadline, among the open cases (suspended cases have their "
        "clock stopped and are counted apart).",
        ((1, "open_overdue"),),
        ((1, "open"),),
        higher_is_better=False,
    ),
    Kpi(
        "extension_rate",
        "延期率",
        "Extension rate",
        "获批延期的案件占应办案件的比例。",
        "Cases granted an extension, among the cases to handle.",
        ((1, "extended"),),
        ((1, "collected"), (-1, "void"), (-1, "rejected")),
        higher_is_better=False,
    ),
    Kpi(
        "suspended",
        "挂账数",
        "Suspended",
        "当前挂账（暂时无法处置、时钟暂停）的案件数。",
        "Cases suspended now (cannot be handled for the time being; clock stopped).",
        ((1, "suspended"),),
        None,
    ),
    Kpi(
        "returns",
        "退回次数",
        "Returns",
        "部门将派遣给它的案件退回指挥中心的次数（按退回的部门统计）。",
        "Times a department sent a case dispatched to it back to the center (by the department "
        "that returned it).",
        ((1, "returns"),),
        None,
    ),
)
KPI_BY_CODE = {k.code: k for k in KPIS}


def _tenths(n: int, d: int, higher_is_better: bool) -> int:
    """n/d in tenths of a percent, rounded toward worse, exactly."""
    top = n * 1000
    return top // d if higher_is_better else -(-top // d)


def evaluate(c: Counts) -> dict[str, dict[str, Any]]:
    """Every KPI for one set of counters: value (None when there is nothing to divide), n,
    d, ``tenths`` (what a page shows, in tenths of a percent) and ``meets`` (its target)."""
    result: dict[str, dict[str, Any]] = {}
    for kpi in KPIS:
        n = _sum(kpi.numerator, c)
        if kpi.denominator is None:
            result[kpi.code] = {"value": n, "n": n, "d": None, "tenths": None, "meets": None}
            continue
        d = _sum(kpi.denominator, c)
        if d <= 0:
            result[kpi.code] = {"value": None, "n": n, "d": d, "tenths": None, "meets": None}
            continue
        exact = Fraction(n, d)
        meets = None
        if kpi.target is not None:
            target = Fraction(str(kpi.target))
            meets = exact >= target if kpi.higher_is_better else exact <= target
        result[kpi.code] = {
            "value": n / d,
            "n": n,
            "d": d,
            "tenths": _tenths(n, d, kpi.higher_is_better),
            "meets": meets,
        }
    return result


def definitions(lang: str = "zh") -> list[dict[str, Any]]:
    """What a user reads on the definitions page: each KPI's name, definition, formula and
    target."""
    zh = lang != "en"
    return [
        {
            "code": k.code,
            "name": k.name_zh if zh else k.name_en,
            "definition": k.definition_zh if zh else k.definition_en,
            "formula": k.formula("zh" if zh else "en"),
            "target": k.target,
            "rate": k.denominator is not None,
            "higher_is_better": k.higher_is_better,
        }
        for k in KPIS
    ]
