"""双报到 units from a CSV (UTF-8 or GB18030) or Excel (.xlsx) file, taken whole or not at all.

A header row, then one unit a row (columns in any order; the Chinese headers in brackets
read as the same; an unknown column is refused):

``id`` [编号], ``name`` [单位名称], ``level`` [级别], ``community`` [社区],
``contact_name`` [联系人], ``contact_phone`` [联系电话], ``offers`` [可提供],
``offers_text`` [资源说明], ``username`` [账号]

``level``: province/city/district/enterprise or 省级/市级/区级/企业; ``community``: the
community's 12-digit code or its name (if no other community has it); ``offers``: categories
(``categories.CATEGORIES``: code, Chinese or English name) separated by ``;`` ``、`` or ``,``;
``username``: an account of role ``unit`` whose department is this unit's id (checked by
the caller's ``account_problem``). A unit already known by its id is replaced.

Every bad row is listed with its number (the header is row 1) and why, in English and
Chinese (``cases.people_file.FileRefused``); a file with any bad row writes nothing. Text
stays text; over-long values, control characters, oversized files are refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from cases.people_file import MAX_PROBLEMS, FileRefused, RowProblem
from cases.quanxinyuan.categories import CATEGORIES
from cases.quanxinyuan.platform import QxyError
from cases.quanxinyuan.units import LEVELS, Unit, Units, check_unit
from cases.table_file import TableRefused, read_table

COLUMNS = (
    "id",
    "name",
    "level",
    "community",
    "contact_name",
    "contact_phone",
    "offers",
    "offers_text",
    "username",
)
REQUIRED = ("id", "name", "level", "community")
HEADERS_ZH = {
    "编号": "id",
    "单位编号": "id",
    "单位名称": "name",
    "名称": "name",
    "单位": "name",
    "级别": "level",
    "层级": "level",
    "社区": "community",
    "报到社区": "community",
    "社区编码": "community",
    "联系人": "contact_name",
    "联系电话": "contact_phone",
    "电话": "contact_phone",
    "可提供": "offers",
    "资源类别": "offers",
    "资源说明": "offers_text",
    "说明": "offers_text",
    "账号": "username",
}
_LEVEL_NAMES = {n.lower(): code for code, names in LEVELS.items() for n in (code, *names)}
_CATEGORY_NAMES = {n.lower(): code for code, names in CATEGORIES.items() for n in (code, *names)}
_CATEGORIES_ZH = "、".join(zh for zh, _en in CATEGORIES.values())
_SPLIT = re.compile(r"[;；、,，/]+")
AccountProblem = Callable[[str, str], "str | None"]  # (username, unit id) → why not, or None


def _refuse(message: str, zh: str) -> FileRefused:
    return FileRefused([RowProblem(0, message, zh)])


def parse_units(
    data: bytes, places: Any, account_problem: AccountProblem | None = None, synthetic: bool = False
) -> list[Unit]:
    """Every unit of the file, checked; ``FileRefused`` lists every bad row."""
    try:
        table = read_table(data)
    except TableRefused as exc:
        raise _refuse(str(exc), exc.zh) from None
    if not table:
        raise _refuse("the file is empty", "文件为空")
    raw = [h.strip().removeprefix("\ufeff") for h in table[0]]
    while raw and not raw[-1]:
        raw.pop()
    names = [HEADERS_ZH.get(h, h.lower()) for h in raw]
    problems: list[RowProblem] = []
    unknown = [n for n in names if n not in COLUMNS]
    missing = [c for c in REQUIRED if c not in names]
    if unknown or missing or len(set(names)) < len(names):
        problems.append(
            RowProblem(
                1,
                f"columns: {', '.join(COLUMNS)} (each once; required {', '.join(REQUIRED)}); "
                f"found {', '.join(names)}",
                f"列应为 编号,单位名称,级别,社区,联系人,联系电话,可提供,资源说明,账号（各一次，"
                f"前四列必填），实有 {', '.join(raw)}",
            )
        )
        raise FileRefused(problems)
    by_name: dict[str, list[str]] = {}
    for code, place in places.communities.items():
        by_name.setdefault(place.community_name, []).append(code)
    units: list[Unit] = []
    seen: dict[str, int] = {}
    accounts: dict[str, int] = {}
    for number, row in enumerate(table[1:], start=2):
        if not any(v.strip() for v in row):
            continue
        if any(v.strip() for v in row[len(names) :]):
            problems.append(RowProblem(number, "more values than columns", "值多于列数"))
            continue
        r = {n: (row[i].strip() if i < len(row) else "") for i, n in enumerate(names)}
        problem = _row_problem(r, by_name, seen, accounts, number, account_problem)
        if problem is not None:
            problems.append(RowProblem(number, *problem))
            continue
        unit = Unit(
            id=r["id"],
            name=r["name"],
            level=_LEVEL_NAMES[r["level"].lower()],
            community_code=_community(r["community"], by_name) or "",
            contact_name=r.get("contact_name", ""),
            contact_phone=r.get("contact_phone", ""),
            offers=[_CATEGORY_NAMES[o.lower()] for o in _offers(r.get("offers", ""))],
            offers_text=r.get("offers_text", ""),
            username=r.get("username") or None,
            synthetic=synthetic,
        )
        try:
            units.append(check_unit(unit, places))
        except QxyError as exc:
            problems.append(RowProblem(number, str(exc), f"无效：{exc}"))
    if not units and not problems:
        problems.append(RowProblem(0, "no rows under the header", "表头下没有数据行"))
    if problems:
        raise FileRefused(problems[:MAX_PROBLEMS], max(0, len(problems) - MAX_PROBLEMS))
    return units


def _offers(text: str) -> list[str]:
    return [o.strip() for o in _SPLIT.split(text) if o.strip()]


def _community(text: str, by_name: dict[str, list[str]]) -> str | None:
    if len(text) == 12 and text.isdigit():
        return text
    found = by_name.get(text, [])
    return found[0] if len(found) == 1 else None


def _row_problem(
    r: dict[str, str],
    by_name: dict[str, list[str]],
    seen: dict[str, int],
    accounts: dict[str, int],
    number: int,
    account_problem: AccountProblem | None,
) -> tuple[str, str] | None:
    for name in REQUIRED:
        if not r.get(name):
            return f"{name}: required", f"{name}：必填"
    uid = r["id"]
    if uid in seen:
        return f"id {uid} also on row {seen[uid]}", f"编号 {uid} 与第 {seen[uid]} 行重复"
    seen[uid] = number
    if r["level"].lower() not in _LEVEL_NAMES:
        return (
            f"level {r['level']!r}: province, city, district or enterprise",
            f"级别「{r['level']}」应为 省级、市级、区级 或 企业",
        )
    community = r["community"]
    code = _community(community, by_name)
    if code is None:
        if len(by_name.get(community, [])) > 1:
            return (
                f"community {community!r}: several have that name; give its code",
                f"社区「{community}」重名，请填写社区编码",
            )
        return f"community {community!r}: not on the grid", f"社区「{community}」不在本区网格中"

    bad = [o for o in _offers(r.get("offers", "")) if o.lower() not in _CATEGORY_NAMES]
    if bad:
        return (
            f"offers: unknown {', '.join(bad)}",
            f"可提供：未知类别 {'、'.join(bad)}（应为 {_CATEGORIES_ZH}）",
        )
    username = r.get("username", "")
    if username:
        if username in accounts:
            return (
                f"account {username} also on row {accounts[username]}",
                f"账号 {username} 与第 {accounts[username]} 行重复",
            )
        accounts[username] = number
        why = account_problem(username, uid) if account_problem else None
        if why:
            return f"account {username}: {why}", f"账号 {username}：{why}"
    return None


def import_units(
    units: Units,
    data: bytes,
    actor: str,
    account_problem: AccountProblem | None = None,
    synthetic: bool = False,
) -> list[Unit]:
    """Read the file and write its units in one step, or refuse it whole."""
    parsed = parse_units(data, units.platform.places, account_problem, synthetic)
    try:
        return units.put_many(parsed, actor)
    except QxyError as exc:  # an account another unit already holds, found on writing
        raise _refuse(str(exc), f"无法导入：{exc}") from None
