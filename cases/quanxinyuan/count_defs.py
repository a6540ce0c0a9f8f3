"""What each of 泉心愿's counts counts: its name, its definition in words, its formula and a
note, in Chinese and English, written once. The counts are computed in ``counts`` (whose
states these words name); /kpi#definitions shows them as the group 泉心愿, the wall's panel
and the counts API take their names from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cases.quanxinyuan import counts as c

GROUP = ("泉心愿", "Quanxinyuan")


@dataclass(frozen=True)
class CountDef:
    code: str
    name: tuple[str, str]  # (zh, en)
    definition: tuple[str, str]
    formula: tuple[str, str]
    note: tuple[str, str] = ("", "")
    now: bool = False  # the state at the moment asked, whatever the period


DEFS: tuple[CountDef, ...] = (
    CountDef(
        "wishes_published",
        ("微心愿发布数", "Wishes published"),
        ("期间内社区发布的微心愿。", "Micro-wishes a community published in the period."),
        ("发布时间在期间内的微心愿数", "wishes with published_at in the period"),
    ),
    CountDef(
        "wishes_claimed",
        ("微心愿认领数", "Wishes claimed"),
        (
            "期间内被双报到单位认领过的微心愿，每个心愿计一次（认领后过期或被释放的也计入）。",
            "Wishes a registered unit claimed in the period, each once (a claim that later "
            "expired or was released included).",
        ),
        (
            "期间内有认领记录（审计日志 wish.claim）或认领时间在期间内的微心愿数",
            "wishes with a wish.claim event or claimed_at in the period",
        ),
    ),
    CountDef(
        "wishes_fulfilled",
        ("微心愿实现数", "Wishes fulfilled"),
        (
            "期间内由社区与居民确认已实现的微心愿。单位报告已完成但社区尚未确认的不计入。",
            "Wishes the community confirmed with the resident as fulfilled in the period. "
            "A wish the unit reported done but the community has not yet confirmed is not "
            "counted.",
        ),
        ("社区确认时间在期间内的微心愿数", "wishes with confirmed_at in the period"),
        (
            "文章所称“实现微心愿6000余个”即此数（累计）。",
            "The article's “6,000+ wishes fulfilled” is this count, all time.",
        ),
    ),
    CountDef(
        "wishes_open",
        ("待认领微心愿", "Wishes open to claim"),
        ("此刻已发布、尚无单位认领的微心愿。", "Wishes published and not claimed by any unit now."),
        (f"状态为“{c.WISH_OPEN}”的微心愿数", f"wishes in state {c.WISH_OPEN}"),
        now=True,
    ),
    CountDef(
        "wishes_in_hand",
        ("办理中微心愿", "Wishes in hand"),
        (
            "此刻已被认领、尚未经社区确认实现的微心愿。",
            "Wishes claimed and not yet confirmed fulfilled, now.",
        ),
        (
            "状态为“" + "”或“".join(c.WISH_IN_HAND) + "”的微心愿数",
            "wishes in state " + " or ".join(c.WISH_IN_HAND),
        ),
        now=True,
    ),
    CountDef(
        "units",
        ("双报到单位数", "Registered units"),
        (
            "此刻在社区登记、处于有效状态的双报到单位（省、市、区直单位和企业）。",
            "Units registered with a community (provincial, city and district bodies and "
            "enterprises, “dual reporting”), active now.",
        ),
        ("有效的单位数", "active units"),
        ("文章：1200余个。", "Article: 1,200+."),
        now=True,
    ),
    CountDef(
        "teams",
        ("志愿服务队数", "Volunteer teams"),
        ("此刻处于有效状态的志愿服务队。", "Volunteer teams active now."),
        ("有效的志愿服务队数", "active volunteer teams"),
        ("文章：300余支。", "Article: 300+."),
        now=True,
    ),
    CountDef(
        "volunteers",
        ("志愿者人数", "Volunteers"),
        (
            "以手机号登录并登记为志愿者的居民。没有所属社区的只计入全区。",
            "Members of the public signed in by phone and registered as volunteers. One "
            "without a community counts in the district only.",
        ),
        ("登记为志愿者的公众人数", "public people registered as volunteers"),
        now=True,
    ),
    CountDef(
        "calls_published",
        ("志愿招募发布数", "Calls published"),
        (
            "期间内社区发布的志愿招募（已撤销的不计）。",
            "Volunteer calls a community published in the period (cancelled ones not counted).",
        ),
        ("发布时间在期间内且未撤销的招募数", "calls published in the period, not cancelled"),
    ),
    CountDef(
        "places_wanted",
        ("招募人数", "Places wanted"),
        (
            "期间内发布的招募（未撤销）所需志愿者人数之和。",
            "Volunteers wanted by the calls published in the period (not cancelled), summed.",
        ),
        ("期间内发布的招募的招募人数之和", "sum of wanted over the calls published in the period"),
    ),
    CountDef(
        "signups",
        ("志愿报名人次", "Sign-ups"),
        ("期间内报名且未取消的人次。", "Sign-ups made in the period and not cancelled."),
        ("报名时间在期间内、未取消的报名数", "sign-ups with signed_at in the period, standing"),
    ),
    CountDef(
        "places_filled",
        ("招募满员率", "Places filled"),
        (
            "期间内发布的招募：已报名人数占招募人数的比例（向下取整到0.1%）。",
            "Of the calls published in the period: standing sign-ups as a share of the places "
            "wanted (rounded down to 0.1%).",
        ),
        ("已报名人数之和 ÷ 招募人数之和", "sum of signed ÷ sum of wanted"),
    ),
    CountDef(
        "reports",
        ("志愿服务反馈人次", "Volunteers reported"),
        (
            "期间内志愿者上传服务情况的人次。",
            "Volunteers who uploaded what they did, in the period.",
        ),
        ("反馈时间在期间内的报名数", "sign-ups with reported_at in the period"),
    ),
    CountDef(
        "calls_filling",
        ("招募中", "Calls filling up"),
        (
            "此刻仍在报名、尚未满员且未结束的招募。",
            "Calls taking sign-ups now: not full and not over.",
        ),
        (
            f"状态为“{c.CALL_OPEN}”、已报名 < 招募人数、结束时间未到的招募数",
            f"calls in state {c.CALL_OPEN} with signed < wanted and ends_at in the future",
        ),
        now=True,
    ),
    CountDef(
        "problems_uploaded",
        ("微治理问题上报数", "Problems uploaded"),
        (
            "期间内居民和志愿者上传的微治理问题。",
            "Small problems residents and volunteers uploaded in the period.",
        ),
        ("上报时间在期间内的问题数", "problems with reported_at in the period"),
    ),
    CountDef(
        "problems_solved",
        ("微治理问题解决数", "Problems solved"),
        (
            "期间内社区自行解决的问题，加上转为案件且案件在期间内结案的问题（每个问题计一次）。",
            "Problems the community solved itself in the period, plus problems turned into a "
            "case whose case was closed in the period (each problem once).",
        ),
        (
            f"状态“{c.PROBLEM_SOLVED}”且解决时间在期间内，或所转案件状态为结案且结案时间在期间内的问题数",
            f"problems in state {c.PROBLEM_SOLVED} with solved_at in the period, or whose case "
            "is closed with closed_at in the period",
        ),
        (
            "文章：解决问题1600余个（累计）。作废或不予立案的案件不算解决。",
            "Article: 1,600+ solved, all time. A case voided or not filed is not a solution.",
        ),
    ),
    CountDef(
        "problems_to_case",
        ("转为案件数", "Turned into cases"),
        (
            "期间内上报、社区转为指挥中心案件的问题。",
            "Problems uploaded in the period that the community turned into a case.",
        ),
        ("上报时间在期间内且已关联案件的问题数", "problems reported in the period with a case"),
    ),
    CountDef(
        "problems_open",
        ("待解决问题", "Problems open"),
        (
            "此刻尚未解决、也未被驳回的问题（含已转案件而案件未结案的）。",
            "Problems neither solved nor dismissed now (a problem whose case is still open "
            "included).",
        ),
        ("未解决、未驳回的问题数", "problems not solved and not dismissed"),
        now=True,
    ),
    CountDef(
        "needs",
        ("需求清单条目", "Needs listed"),
        ("期间内社区列入需求清单的条目。", "Needs communities listed in the period."),
        ("创建时间在期间内的需求数", "needs with created_at in the period"),
    ),
    CountDef(
        "resources",
        ("资源清单条目", "Resources listed"),
        ("此刻单位资源清单中有效的条目。", "Resources units list now (withdrawn ones left out)."),
        ("未撤回的资源数", "resources not withdrawn"),
        now=True,
    ),
    CountDef(
        "projects_done",
        ("项目完成数", "Projects done"),
        (
            "期间内完成的需求对接项目。",
            "Projects joining a need and a resource done in the period.",
        ),
        ("完成时间在期间内的项目数", "projects done with done_at in the period"),
    ),
)
BY_CODE = {d.code: d for d in DEFS}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def words(lang: str = "zh") -> dict[str, str]:
    """Each count's name, by code."""
    return {d.code: _pick(d.name, lang) for d in DEFS}


def count_definitions(lang: str = "zh") -> list[dict[str, Any]]:
    """The definitions page's entries (as ``cases.kpi.definitions``' shape): no target."""
    now_note = "（此刻的数，与期间无关）" if lang != "en" else " (now, whatever the period)"
    out = []
    for d in DEFS:
        note = _pick(d.note, lang)
        definition = _pick(d.definition, lang) + (now_note if d.now else "")
        out.append(
            {
                "code": f"qxy_{d.code}",
                "name": _pick(d.name, lang),
                "definition": f"{definition} {note}".strip(),
                "formula": _pick(d.formula, lang),
                "target": None,
                "rate": d.code == "places_filled",
                "higher_is_better": True,
                "group": _pick(GROUP, lang),
            }
        )
    return out
