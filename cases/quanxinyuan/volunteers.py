"""Volunteer teams and volunteers of 微志愿.

A **team** (志愿服务队) belongs to a community, maybe to a 双报到 unit; teams are put one by
one or imported from a CSV or Excel file (``import_teams``: taken whole or not at all, each
bad row listed with its number and why). Each team's step is an event of the audit log
(item kind ``team``; its ``item_id`` is the team's ``item_no``, since a team's id is text).

A **volunteer** is a member of the public (``residents.PublicPerson``) with ``volunteer``
set: signed in by a verified phone (consent recorded then), they join a community and, if
they like, one of its teams (``become``). Their phone and name are personal data: only the
community that organises them sees them (``cases.quanxinyuan.access``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select, update

from cases.model import storable
from cases.quanxinyuan.platform import NotFound, Platform, QxyError, Step
from cases.quanxinyuan.residents import PublicPerson, Residents
from cases.quanxinyuan.schema import public_people, volunteer_teams
from cases.table_file import TableRefused, read_table

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
class Team:
    id: str
    name: str
    community_code: str
    unit_id: str | None
    item_no: int
    synthetic: bool = False
    active: bool = True

    def wire(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "community": self.community_code,
            "unit": self.unit_id,
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


def _team(row: object) -> Team:
    m = row._mapping  # type: ignore[attr-defined]
    return Team(
        m["id"],
        m["name"],
        m["community_code"],
        m["unit_id"],
        int(m["item_no"] or 0),
        bool(m["synthetic"]),
        bool(m["active"]),
    )


def _clean_name(name: object) -> str:
    text = str(name or "").strip()
    if not text or len(text) > NAME_CHARS or not storable(text) or not text.isprintable():
        raise QxyError("name", f"a team's name: 1 to {NAME_CHARS} printable characters")
    return text


class Volunteers:
    def __init__(self, platform: Platform, residents: Residents | None = None) -> None:
        self.platform = platform
        self.residents = residents or Residents(platform)

    # -- teams ----------------------------------------------------------------------------
    def put_team(
        self,
        team_id: str,
        name: str,
        community_code: str,
        unit_id: str | None = None,
        *,
        actor: str = "system",
        synthetic: bool = False,
    ) -> Team:
        """Add a team or change one (its name, unit); a team keeps its community."""
        if not TEAM_ID.match(str(team_id or "")):
            raise QxyError("team", "a team's id: 1 to 64 letters, digits, . _ -")
        clean = _clean_name(name)
        if community_code not in self.platform.places.communities:
            raise QxyError("community", f"no community {community_code}")
        with self.platform.writing() as step:
            return self._put(step, team_id, clean, community_code, unit_id, actor, synthetic)

    def _put(
        self,
        step: Step,
        team_id: str,
        name: str,
        community_code: str,
        unit_id: str | None,
        actor: str,
        synthetic: bool,
    ) -> Team:
        conn = step.conn
        old = conn.execute(select(volunteer_teams).where(volunteer_teams.c.id == team_id)).first()
        if old is not None and old.community_code != community_code:
            raise QxyError(
                "team_community", f"team {team_id} belongs to community {old.community_code}"
            )
        if old is None:
            # The writers' lock (the log's counter) is held: max + 1 is ours alone.
            no = (
                int(
                    conn.execute(
                        select(func.coalesce(func.max(volunteer_teams.c.item_no), 0))
                    ).scalar_one()
                )
                + 1
            )
            conn.execute(
                insert(volunteer_teams).values(
                    id=team_id,
                    name=name,
                    community_code=community_code,
                    unit_id=unit_id or None,
                    synthetic=synthetic,
                    active=True,
                    item_no=no,
                )
            )
            kind, from_state = "team.add", None
        else:
            no = int(old.item_no)
            conn.execute(
                update(volunteer_teams)
                .where(volunteer_teams.c.id == team_id)
                .values(name=name, unit_id=unit_id or None, active=True)
            )
            kind, from_state = "team.change", "active"
        step.record(
            kind=kind,
            item_kind="team",
            item_id=no,
            community_code=community_code,
            actor=actor,
            from_state=from_state,
            to_state="active",
            unit_id=unit_id or None,
            data={"team": team_id},
        )
        return Team(team_id, name, community_code, unit_id or None, no, synthetic)

    def get_team(self, team_id: str) -> Team | None:
        with self.platform.reading() as conn:
            row = conn.execute(
                select(volunteer_teams).where(volunteer_teams.c.id == team_id)
            ).first()
        return _team(row) if row is not None else None

    def teams(self, community_code: str | None = None) -> list[Team]:
        q = select(volunteer_teams).where(volunteer_teams.c.active.is_(True))
        if community_code is not None:
            q = q.where(volunteer_teams.c.community_code == community_code)
        with self.platform.reading() as conn:
            return [_team(r) for r in conn.execute(q.order_by(volunteer_teams.c.item_no))]

    def count_teams(self, community_code: str | None = None) -> int:
        q = select(func.count()).select_from(volunteer_teams)
        q = q.where(volunteer_teams.c.active.is_(True))
        if community_code is not None:
            q = q.where(volunteer_teams.c.community_code == community_code)
        with self.platform.reading() as conn:
            return int(conn.execute(q).scalar_one())

    def members(self, team_id: str) -> int:
        with self.platform.reading() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(public_people)
                    .where(public_people.c.team_id == team_id, public_people.c.volunteer.is_(True))
                ).scalar_one()
            )

    # -- a file of teams ------------------------------------------------------------------
    def check_file(self, data: bytes, only_community: str | None = None) -> list[dict[str, str]]:
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
        by_name = self._communities_by_name()
        seen: dict[str, int] = {}
        out: list[dict[str, str]] = []
        for number, row in enumerate(table[1:], start=2):
            if not any(v.strip() for v in row):
                continue
            if any(v.strip() for v in row[len(names) :]):
                check.bad(number, "more values than columns", "值多于列数")
                continue
            r = {n: (row[i].strip() if i < len(row) else "") for i, n in enumerate(names)}
            problem = self._row_problem(r, by_name, seen, only_community)
            if problem is not None:
                check.bad(number, *problem)
                continue
            seen[r["id"]] = number
            out.append(r)
        if not out and not check.problems:
            check.bad(0, "no rows under the header", "表头下没有数据行")
        _refuse_if_any(check)
        return out

    def _communities_by_name(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for code, place in self.platform.places.communities.items():
            out.setdefault(place.community_name, []).append(code)
        return out

    def _row_problem(
        self,
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
        codes = [given] if given in self.platform.places.communities else by_name.get(given, [])
        if len(codes) != 1:
            if len(codes) > 1:
                return (
                    f"{given!r} names {len(codes)} communities: give its 12-digit code",
                    f"「{given}」对应 {len(codes)} 个社区，请填 12 位社区编码",
                )
            return (f"{given!r} is no community of the district", f"「{given}」不是本区的社区")
        if only_community is not None and codes[0] != only_community:
            return ("a community uploads its own teams only", "社区只能上传本社区的队伍")
        old = self.get_team(r["id"])
        if old is not None and old.community_code != codes[0]:
            return (
                f"team {r['id']} belongs to community {old.community_code}",
                f"队伍 {r['id']} 属于社区 {old.community_code}",
            )
        r["community"] = codes[0]
        return None

    def import_teams(
        self, data: bytes, *, actor: str = "system", only_community: str | None = None
    ) -> int:
        """Take a file of teams whole (one transaction) or not at all; the teams written."""
        rows = self.check_file(data, only_community)
        with self.platform.writing() as step:
            for r in rows:
                self._put(
                    step, r["id"], r["name"], r["community"], r.get("unit") or None, actor, False
                )
        return len(rows)

    # -- volunteers -----------------------------------------------------------------------
    def become(
        self,
        person: PublicPerson,
        community_code: str,
        team_id: str | None = None,
        name: str | None = None,
    ) -> PublicPerson:
        """``person`` (signed in; consent recorded then) becomes a volunteer of
        ``community_code``, in ``team_id`` if given (a team of that community)."""
        if community_code not in self.platform.places.communities:
            raise QxyError("community", f"no community {community_code}")
        team = None
        if team_id:
            team = self.get_team(team_id)
            if team is None or not team.active:
                raise NotFound("team", team_id)
            if team.community_code != community_code:
                raise QxyError("team_community", "the team is of another community")
        if name is not None and not str(name).strip() and not person.name:
            raise QxyError("name", "give your name: the organising community sees it")
        values: dict[str, object] = {
            "volunteer": True,
            "community_code": community_code,
            "team_id": team.id if team else None,
        }
        if name is not None and str(name).strip():
            values["name"] = _person_name(name)
        with self.platform.writing() as step:
            step.conn.execute(
                update(public_people).where(public_people.c.id == person.id).values(**values)
            )
            if team is not None:
                # The team's step: a member joined (who: the log says public:<id>, no name).
                step.record(
                    kind="team.join",
                    item_kind="team",
                    item_id=team.item_no,
                    community_code=community_code,
                    actor=person.label,
                    from_state="active",
                    to_state="active",
                    data={"team": team.id},
                )
            else:
                step.record(
                    kind="team.volunteer",
                    item_kind="team",
                    item_id=0,
                    community_code=community_code,
                    actor=person.label,
                    to_state="volunteer",
                    data={},
                )
        found = self.residents.get(person.id)
        assert found is not None
        return found

    def volunteers_of(self, community_code: str) -> list[dict[str, object]]:
        """A community's volunteers with their names and phones: for that community only
        (the caller asks ``access.may_see_personal``)."""
        with self.platform.reading() as conn:
            rows = conn.execute(
                select(public_people)
                .where(
                    public_people.c.community_code == community_code,
                    public_people.c.volunteer.is_(True),
                )
                .order_by(public_people.c.id)
            ).all()
        return [{"id": r.id, "name": r.name, "phone": r.phone, "team": r.team_id} for r in rows]

    def count_volunteers(self, community_code: str | None = None) -> int:
        q = select(func.count()).select_from(public_people)
        q = q.where(public_people.c.volunteer.is_(True))
        if community_code is not None:
            q = q.where(public_people.c.community_code == community_code)
        with self.platform.reading() as conn:
            return int(conn.execute(q).scalar_one())


def _person_name(name: object) -> str:
    text = "".join(ch for ch in str(name or "") if ch.isprintable()).strip()
    if len(text) > 32:
        raise QxyError("name", "a name has at most 32 characters")
    return text


def _refuse_if_any(check: _Check) -> None:
    if check.problems:
        found = sorted(check.problems, key=lambda p: p.row)
        raise TeamsRefused(found[:MAX_PROBLEMS], max(0, len(found) - MAX_PROBLEMS))
