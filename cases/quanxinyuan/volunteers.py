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

from dataclasses import dataclass

from sqlalchemy import func, insert, select, update

from cases.model import storable
from cases.quanxinyuan.platform import NotFound, Platform, QxyError, Step
from cases.quanxinyuan.residents import PublicPerson, Residents
from cases.quanxinyuan.schema import public_people, volunteer_teams
from cases.quanxinyuan.volunteers_file import (
    NAME_CHARS,
    TEAM_ID,
    RowProblem,
    TeamsRefused,
    check_file,
)

__all__ = ["RowProblem", "Team", "TeamsRefused", "Volunteers"]


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
        """The file's teams, checked whole (``volunteers_file.check_file``)."""
        return check_file(self, data, only_community)

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
