"""A file of volunteer teams (CSV, or an Excel workbook's first sheet) checked whole: a
header row, then one team a row — id [编号], name [名称, 队名], community [社区: its 12-digit
code or its name, if only one community has it], unit [单位] (optional). Every bad row is
reported with its number (the header is row 1) and why, in English and Chinese; a file
with any bad row is refused whole (``TeamsRefused``) and nothing of it is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cases.model import storable
from cases.quanxinyuan.platform import QxyError
from cases.table_file import TableRefused, read_table

if TYPE_CHECKING:
    from cases.quanxinyuan.volunteers import Volunteers

TEAM_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
NAME_CHARS = 64
MAX_PROBLEMS = 50
COLUMNS = ("id", "name", "community", "unit")
REQUIRED = ("id", "name", "community")
HEADERS_ZH = {
    "编号": "id",
    "队伍编号": "id",
    "名称": "name",
    "队名": "name",
    "队伍名称": "name",
    "社区": "community",
    "社区编码": "community",
    "所属社区": "community",
    "单位": "unit",
    "所属单位": "unit",
}


@dataclass(frozen=True)
class RowProblem:
    row: int  # 1 is the header; 0: the file as a whole
    message: str
    zh: str

    def text(self, lang: str = "en") -> str:
        said = self.zh if lang == "zh" else self.message
        if not self.row:
            return said
        return f"第 {self.row} 行：{said}" if lang == "zh" else f"row {self.row}: {said}"


class TeamsRefused(QxyError):
    """A teams file that cannot be taken: every problem found, each with its row."""

    def __init__(self, problems: list[RowProblem], more: int = 0) -> None:
        self.problems = problems
        self.more = more
        tail = f"; and {more} more" if more else ""
        super().__init__("file", "; ".join(p.text("en") for p in problems) + tail, 400)

    def wire(self) -> list[dict[str, object]]:
        return [{"row": p.row, "message": p.message, "message_zh": p.zh} for p in self.problems]


@dataclass
class _Check:
    problems: list[RowProblem] = field(default_factory=list)

    def bad(self, row: int, message: str, zh: str) -> None:
        self.problems.append(RowProblem(row, message, zh))


def check_file(
    volunteers: Volunteers, data: bytes, only_community: str | None = None
) -> list[dict[str, str]]:
    """The file's teams, checked whole (``TeamsRefused``: every bad row and why).
    ``only_community``: every row must be of this community (a community's upload)."""
    try:
        table = read_table(data)
    except TableRefused as exc:
        raise TeamsRefused([RowProblem(0, str(exc), exc.zh)]) from None
    if not table:
        raise TeamsRefused([RowProblem(0, "the file is empty", "文件为空")])
    names = [h.strip().removeprefix("\ufeff") for h in table[0]]
    while names and not names[-1]:
        names.pop()
    names = [HEADERS_ZH.get(n, n.lower()) for n in names]
    check = _Check()
    if any(n not in COLUMNS for n in names) or len(set(names)) < len(names):
        check.bad(
            1,
            f"columns are {', '.join(COLUMNS)} (each once); found {', '.join(names)}",
            f"列应为 编号,名称,社区,单位（各一次），实有 {', '.join(names)}",
        )
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        check.bad(1, f"missing column {', '.join(missing)}", f"缺少列 {', '.join(missing)}")
    _refuse_if_any(check)
    by_name = _communities_by_name(volunteers)
    seen: dict[str, int] = {}
    out: list[dict[str, str]] = []
    for number, row in enumerate(table[1:], start=2):
        if not any(v.strip() for v in row):
            continue
        if any(v.strip() for v in row[len(names) :]):
            check.bad(number, "more values than columns", "值多于列数")
            continue
        r = {n: (row[i].strip() if i < len(row) else "") for i, n in enumerate(names)}
        problem = _row_problem(volunteers, r, by_name, seen, only_community)
        if problem is not None:
            check.bad(number, *problem)
            continue
        seen[r["id"]] = number
        out.append(r)
    if not out and not check.problems:
        check.bad(0, "no rows under the header", "表头下没有数据行")
    _refuse_if_any(check)
    return out


def _communities_by_name(volunteers: Volunteers) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for code, place in volunteers.platform.places.communities.items():
        out.setdefault(place.community_name, []).append(code)
    return out


def _row_problem(
    volunteers: Volunteers,
    r: dict[str, str],
    by_name: dict[str, list[str]],
    seen: dict[str, int],
    only_community: str | None,
) -> tuple[str, str] | None:
    for name, value in r.items():
        if len(value) > NAME_CHARS or not storable(value) or not value.isprintable():
            return (
                f"{name}: over {NAME_CHARS} characters or a control character",
                f"{name}：超过 {NAME_CHARS} 个字符或含控制字符",
            )
    if not TEAM_ID.match(r["id"]):
        return ("id: 1 to 64 letters, digits, . _ -", "编号应为 1–64 个字母、数字或 . _ -")
    if r["id"] in seen:
        return (
            f"id {r['id']} also on row {seen[r['id']]}",
            f"编号 {r['id']} 与第 {seen[r['id']]} 行重复",
        )
    if not r["name"]:
        return ("name is empty", "名称为空")
    given = r["community"]
    codes = [given] if given in volunteers.platform.places.communities else by_name.get(given, [])
    if len(codes) != 1:
        if len(codes) > 1:
            return (
                f"{given!r} names {len(codes)} communities: give its 12-digit code",
                f"「{given}」对应 {len(codes)} 个社区，请填 12 位社区编码",
            )
        return (f"{given!r} is no community of the district", f"「{given}」不是本区的社区")
    if only_community is not None and codes[0] != only_community:
        return ("a community uploads its own teams only", "社区只能上传本社区的队伍")
    old = volunteers.get_team(r["id"])
    if old is not None and old.community_code != codes[0]:
        return (
            f"team {r['id']} belongs to community {old.community_code}",
            f"队伍 {r['id']} 属于社区 {old.community_code}",
        )
    r["community"] = codes[0]
    return None


def _refuse_if_any(check: _Check) -> None:
    if check.problems:
        found = sorted(check.problems, key=lambda p: p.row)
        raise TeamsRefused(found[:MAX_PROBLEMS], max(0, len(found) - MAX_PROBLEMS))
