"""People, teams and duty shifts from a CSV or Excel (.xlsx) file, taken whole or not at all.

Three kinds of file, each a header row then one row per line (columns in any order; the
Chinese headers in brackets are read as the same; extra columns are refused):

``people``  id [编号], name [姓名], kind [类别], phone [电话], unit [单位], username [账号]
    ``kind`` is one of ``cases.people.KINDS`` (its code, or its Chinese or English name);
    ``username`` links the person to an existing account (empty: none). A person already
    on the roster with the same id is replaced.
``teams``   cell_code [网格编码], branch [党支部], person_id [人员编号], part [分工]
    one row per member; each cell in the file gets exactly the team its rows name (its old
    team is replaced); ``part`` is secretary [书记], worker [网格员] or member [成员]; the
    branch may be given on the cell's first row only. The cell must be a cell of the grid
    and the person on the roster.
``shifts``  person_id [人员编号], starts [开始], ends [结束]
    local times (Asia/Shanghai) as ``YYYY-MM-DD HH:MM`` (or Excel date-times), at most
    24 hours long; a shift the roster has already is not added twice.

Every bad row is reported with its row number (the header is row 1) and why, in English
and Chinese; a file with any bad row changes nothing, a good one is written in one
transaction. Text is kept as text (HTML is never interpreted); over-long values, control
characters, files over ``MAX_FILE_BYTES`` or ``MAX_ROWS`` rows (cases/table_file.py) are
refused.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cases import clock
from cases.model import CaseError, storable
from cases.people import KINDS, PARTS, Person, Roster, RosterError, check_person
from cases.table_file import TableRefused, read_table

MAX_VALUE_CHARS = 64
MAX_PROBLEMS = 50  # reported in full; the rest are counted
MAX_SHIFT = timedelta(hours=24)
FILE_KINDS = ("people", "teams", "shifts")
COLUMNS: dict[str, tuple[str, ...]] = {
    "people": ("id", "name", "kind", "phone", "unit", "username"),
    "teams": ("cell_code", "branch", "person_id", "part"),
    "shifts": ("person_id", "starts", "ends"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "people": ("id", "name", "kind"),
    "teams": ("cell_code", "person_id", "part"),
    "shifts": ("person_id", "starts", "ends"),
}
# Chinese headers, per kind (人员编号 is a person's own id in a people file).
_ALIASES = {  # column: its Chinese headers, per kind
    "people": "id 编号 人员编号 工号; name 姓名; kind 类别 人员类别; phone 电话 手机 联系电话; "
    "unit 单位 所属单位; username 账号 用户名",
    "teams": "cell_code 网格编码 网格; branch 党支部 网格党支部; person_id 人员编号 编号; "
    "part 分工 角色",
    "shifts": "person_id 人员编号 编号; starts 开始 开始时间; ends 结束 结束时间",
}
HEADERS_ZH: dict[str, dict[str, str]] = {
    kind: {zh: name for name, *zhs in (c.split() for c in text.split(";")) for zh in zhs}
    for kind, text in _ALIASES.items()
}
_KIND_NAMES = {name.lower(): code for code, names in KINDS.items() for name in (code, *names)}
_PART_NAMES = {name.lower(): code for code, names in PARTS.items() for name in (code, *names)}
_TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")


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


class FileRefused(CaseError):
    """A roster file that cannot be taken: every problem found, each with its row."""

    def __init__(self, problems: list[RowProblem], more: int = 0) -> None:
        self.problems = problems
        self.more = more  # problems found past MAX_PROBLEMS, not listed
        tail_en = f"; and {more} more" if more else ""
        tail_zh = f"；另有 {more} 处" if more else ""
        super().__init__(
            "; ".join(p.text("en") for p in problems) + tail_en,
            "；".join(p.text("zh") for p in problems) + tail_zh,
        )

    def lines(self, lang: str = "en") -> list[str]:
        out = [p.text(lang) for p in self.problems]
        if self.more:
            out.append(f"另有 {self.more} 处问题" if lang == "zh" else f"and {self.more} more")
        return out


@dataclass
class Imported:
    """What a file brought: its kind, and how many people, teams and shifts it wrote."""

    kind: str
    people: int = 0
    teams: int = 0
    shifts: int = 0
    rows: int = 0


@dataclass
class _Check:
    problems: list[RowProblem] = field(default_factory=list)

    def bad(self, row: int, message: str, zh: str) -> None:
        self.problems.append(RowProblem(row, message, zh))

    def refuse_if_any(self) -> None:
        """Refuse the file if a row is bad: the first ``MAX_PROBLEMS`` by row, the rest
        counted."""
        if self.problems:
            found = sorted(self.problems, key=lambda p: p.row)
            raise FileRefused(found[:MAX_PROBLEMS], max(0, len(found) - MAX_PROBLEMS))


def refuse(message: str, zh: str) -> FileRefused:
    return FileRefused([RowProblem(0, message, zh)])


def columns_of(header: list[str], kind: str | None) -> tuple[str, list[str]]:
    """The file's kind and its columns' names (English), from its header row."""
    raw = [h.strip().removeprefix("\ufeff") for h in header]
    while raw and not raw[-1]:
        raw.pop()
    kinds = [kind] if kind else list(FILE_KINDS)
    for k in kinds:
        names = [HEADERS_ZH[k].get(h, h.lower()) for h in raw]
        if set(REQUIRED[k]) <= set(names) or kind:
            return k, names
    raise refuse(
        "the header row names no known columns (people: id,name,kind…; teams: "
        "cell_code,branch,person_id,part; shifts: person_id,starts,ends)",
        "表头不可识别（人员：编号,姓名,类别…；团队：网格编码,党支部,人员编号,分工；"
        "值班：人员编号,开始,结束）",
    )


# -- parsing the rows ---------------------------------------------------------------------------
@dataclass
class ParsedFile:
    kind: str
    rows: int
    persons: list[Person] = field(default_factory=list)
    teams: dict[str, tuple[str, list[tuple[str, str]]]] = field(default_factory=dict)
    shifts: list[tuple[str, datetime, datetime]] = field(default_factory=list)


def parse_file(
    data: bytes,
    kind: str | None,
    cells: Collection[str],
    known_people: Callable[[Collection[str]], set[str]],
    account_exists: Callable[[str], bool],
) -> ParsedFile:
    """Read and check a whole file; raises ``FileRefused`` listing every bad row.

    ``cells``: the grid's cell codes; ``known_people(ids)``: which ids the roster has;
    ``account_exists(username)``: whether a username is an account."""
    if kind is not None and kind not in FILE_KINDS:
        raise refuse(f"kind {kind!r}: one of {', '.join(FILE_KINDS)}", f"类型应为 {FILE_KINDS}")
    try:
        table = read_table(data)
    except TableRefused as exc:
        raise refuse(str(exc), exc.zh) from None
    if not table:
        raise refuse("the file is empty", "文件为空")
    kind, names = columns_of(table[0], kind)
    check = _Check()
    unknown = [n for n in names if n not in COLUMNS[kind]]
    if unknown or len(set(names)) < len(names):
        check.bad(
            1,
            f"columns must be {', '.join(COLUMNS[kind])} each once; found {', '.join(names)}",
            f"列应为 {', '.join(COLUMNS[kind])}（各一次），实有 {', '.join(names)}",
        )
    missing = [c for c in REQUIRED[kind] if c not in names]
    if missing:
        check.bad(1, f"missing column {', '.join(missing)}", f"缺少列 {', '.join(missing)}")
    check.refuse_if_any()
    records: list[tuple[int, dict[str, str]]] = []
    for number, row in enumerate(table[1:], start=2):
        if not any(v.strip() for v in row):
            continue  # a blank line
        if any(v.strip() for v in row[len(names) :]):
            check.bad(number, "more values than columns", "值多于列数")
            continue
        record = {n: (row[i].strip() if i < len(row) else "") for i, n in enumerate(names)}
        if _texts_ok(check, number, record):
            records.append((number, record))
    if not records and not check.problems:
        check.bad(0, "no rows under the header", "表头下没有数据行")
    return _check_records(check, kind, records, cells, known_people, account_exists)


def check_rows(
    kind: str,
    rows: list[dict[str, str]],
    cells: Collection[str],
    known_people: Callable[[Collection[str]], set[str]],
    account_exists: Callable[[str], bool],
) -> ParsedFile:
    """Check rows given as values (an admin's form, an API body) as a file's rows are
    checked: row N is the N-th (1-based); missing optional columns are empty."""
    check = _Check()
    records: list[tuple[int, dict[str, str]]] = []
    for number, row in enumerate(rows, start=1):
        record = {n: str(row.get(n) or "").strip() for n in COLUMNS[kind]}
        if _texts_ok(check, number, record):
            records.append((number, record))
    return _check_records(check, kind, records, cells, known_people, account_exists)


def _check_records(
    check: _Check,
    kind: str,
    records: list[tuple[int, dict[str, str]]],
    cells: Collection[str],
    known_people: Callable[[Collection[str]], set[str]],
    account_exists: Callable[[str], bool],
) -> ParsedFile:
    parsed = ParsedFile(kind, len(records))
    if kind == "people":
        _people(check, records, parsed, account_exists)
    elif kind == "teams":
        _teams(check, records, parsed, cells, known_people)
    else:
        _shifts(check, records, parsed, known_people)
    check.refuse_if_any()
    return parsed


def _texts_ok(check: _Check, number: int, record: dict[str, str]) -> bool:
    for name, value in record.items():
        if len(value) > MAX_VALUE_CHARS:
            check.bad(
                number,
                f"{name}: over {MAX_VALUE_CHARS} characters",
                f"{name}：超过 {MAX_VALUE_CHARS} 个字符",
            )
            return False
        if not storable(value) or not value.isprintable():
            check.bad(number, f"{name}: a control character", f"{name}：含有控制字符")
            return False
    return True


def _people(
    check: _Check,
    records: list[tuple[int, dict[str, str]]],
    parsed: ParsedFile,
    account_exists: Callable[[str], bool],
) -> None:
    seen: dict[str, int] = {}
    accounts: dict[str, int] = {}
    for number, r in records:
        pid, username = r["id"], r.get("username", "")
        if pid in seen:
            check.bad(
                number, f"id {pid} also on row {seen[pid]}", f"编号 {pid} 与第 {seen[pid]} 行重复"
            )
            continue
        seen[pid] = number
        kind = _KIND_NAMES.get(r["kind"].lower())
        if kind is None:
            check.bad(
                number,
                f"kind {r['kind']!r}: one of {', '.join(KINDS)}",
                f"类别「{r['kind']}」应为 {'、'.join(z for z, _e in KINDS.values())} 之一",
            )
            continue
        if username:
            if username in accounts:
                check.bad(
                    number,
                    f"account {username} also on row {accounts[username]}",
                    f"账号 {username} 与第 {accounts[username]} 行重复",
                )
                continue
            accounts[username] = number
            if not account_exists(username):
                check.bad(number, f"no account named {username}", f"没有名为 {username} 的账号")
                continue
        person = Person(
            pid, r["name"], kind, r.get("phone", ""), r.get("unit", ""), username or None
        )
        try:
            check_person(person)
        except RosterError as exc:
            check.bad(number, str(exc), _zh_of(exc))
            continue
        parsed.persons.append(person)


def _teams(
    check: _Check,
    records: list[tuple[int, dict[str, str]]],
    parsed: ParsedFile,
    cells: Collection[str],
    known_people: Callable[[Collection[str]], set[str]],
) -> None:
    known = known_people({r["person_id"] for _n, r in records})
    cell_set = set(cells)
    branches: dict[str, tuple[str, int]] = {}
    listed: dict[tuple[str, str], int] = {}
    secretaries: dict[str, int] = {}
    for number, r in records:
        cell, pid, branch = r["cell_code"], r["person_id"], r.get("branch", "")
        part = _PART_NAMES.get(r["part"].lower())
        if cell not in cell_set:
            check.bad(number, f"{cell!r} is not a cell of the grid", f"「{cell}」不是本网格的网格")
            continue
        if pid not in known:
            check.bad(number, f"no person {pid!r} on the roster", f"人员名册中没有「{pid}」")
            continue
        if part is None:
            check.bad(
                number,
                f"part {r['part']!r}: secretary, worker or member",
                f"分工「{r['part']}」应为 书记、网格员 或 成员",
            )
            continue
        if (cell, pid) in listed:
            check.bad(
                number,
                f"{pid} is listed in {cell} on row {listed[cell, pid]} too",
                f"{pid} 已在第 {listed[cell, pid]} 行列入 {cell}",
            )
            continue
        listed[cell, pid] = number
        if part == "secretary":
            if cell in secretaries:
                check.bad(
                    number,
                    f"{cell} has its secretary on row {secretaries[cell]}: a team has one",
                    f"{cell} 的书记已在第 {secretaries[cell]} 行：每个网格只有一名书记",
                )
                continue
            secretaries[cell] = number
        if branch:
            named, where = branches.setdefault(cell, (branch, number))
            if named != branch:
                check.bad(
                    number,
                    f"{cell}'s branch is {named!r} on row {where}",
                    f"{cell} 的党支部在第 {where} 行为「{named}」",
                )
                continue
        parsed.teams.setdefault(cell, ("", []))[1].append((pid, part))
    for cell, (_b, members) in list(parsed.teams.items()):
        parsed.teams[cell] = (branches.get(cell, ("", 0))[0], members)


def _shifts(
    check: _Check,
    records: list[tuple[int, dict[str, str]]],
    parsed: ParsedFile,
    known_people: Callable[[Collection[str]], set[str]],
) -> None:
    known = known_people({r["person_id"] for _n, r in records})
    for number, r in records:
        pid = r["person_id"]
        if pid not in known:
            check.bad(number, f"no person {pid!r} on the roster", f"人员名册中没有「{pid}」")
            continue
        starts, ends = _local_time(r["starts"]), _local_time(r["ends"])
        if starts is None or ends is None:
            check.bad(
                number,
                "starts and ends are local times YYYY-MM-DD HH:MM",
                "开始和结束应为本地时间 YYYY-MM-DD HH:MM",
            )
            continue
        if not starts < ends <= starts + MAX_SHIFT:
            check.bad(
                number,
                "a shift ends after it starts, within 24 hours",
                "班次的结束应晚于开始，且不超过 24 小时",
            )
            continue
        parsed.shifts.append((pid, starts, ends))


def _local_time(text: str) -> datetime | None:
    for fmt in _TIME_FORMATS:
        try:
            naive = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return clock.as_utc(naive.replace(tzinfo=clock.LOCAL_TZ))
    return None


def _zh_of(exc: Exception) -> str:
    return getattr(exc, "zh", "") or f"不符合要求：{exc}"


# -- taking a file ------------------------------------------------------------------------------
def import_file(
    roster: Roster,
    data: bytes,
    kind: str | None,
    cells: Collection[str],
    account_exists: Callable[[str], bool],
) -> Imported:
    """Check ``data`` whole, then write it in one transaction (``FileRefused``: nothing)."""
    parsed = parse_file(data, kind, cells, roster.known_ids, account_exists)
    try:
        people, teams, shifts = roster.import_all(parsed.persons, parsed.teams, parsed.shifts)
    except RosterError as exc:  # the roster changed under us: still nothing written
        raise refuse(str(exc), _zh_of(exc)) from None
    return Imported(parsed.kind, people, teams, shifts, parsed.rows)
