"""Reading 微治理's problems: each with its photos, its reporter (personal: shown only to
the community, ``Problem.as_json(personal=True)``) and the status of the case it became,
read from the case store in the same query."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, select

from cases.clock import as_utc
from cases.quanxinyuan import access
from cases.quanxinyuan.photos import QxyPhoto, QxyPhotos
from cases.quanxinyuan.platform import NotFound, Platform
from cases.quanxinyuan.schema import problems, public_people
from cases.schema import cases

ITEM = "problem"


@dataclass(frozen=True)
class Problem:
    id: int
    community_code: str
    cell_code: str
    category: str
    text: str
    lon: float
    lat: float
    person_id: int | None
    report_id: str | None
    state: str
    case_id: int | None
    note: str
    reported_at: datetime
    solved_at: datetime | None
    version: int
    synthetic: bool = False
    case_status: str | None = None  # the case's status now, read from the store
    reporter_name: str = ""  # personal: only for the community (``as_json(personal=True)``)
    reporter_phone: str = ""
    photos: list[QxyPhoto] = field(default_factory=list)

    def as_json(self, personal: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "community": self.community_code,
            "cell": self.cell_code,
            "category": self.category,
            "text": self.text,
            "lon": self.lon,
            "lat": self.lat,
            "state": self.state,
            "case_id": self.case_id,
            "case_status": self.case_status,
            "note": self.note,
            "reported_at": self.reported_at.isoformat(),
            "solved_at": self.solved_at.isoformat() if self.solved_at else None,
            "version": self.version,
            "photos": [p.wire() for p in self.photos],
        }
        if personal:
            out["reporter"] = {"name": self.reporter_name, "phone": self.reporter_phone}
        return out


class ProblemReads:
    platform: Platform
    photos: QxyPhotos

    # -- reads ----------------------------------------------------------------------------
    def get(self, problem_id: int) -> Problem:
        found = self.find(ids=[problem_id])
        if not found:
            raise NotFound(ITEM, problem_id)
        return found[0]

    def for_viewer(self, viewer: Any, problem_id: int) -> Problem:
        """The problem if ``viewer`` may read it (else NotFound: nothing said of it)."""
        found = self.get(problem_id)
        if not access.may_read_problem(viewer, found.community_code, found.person_id):
            raise NotFound(ITEM, problem_id)
        return found

    def find(
        self,
        *,
        ids: list[int] | None = None,
        community: str | None = None,
        person_id: int | None = None,
        states: tuple[str, ...] | None = None,
        limit: int = 500,
    ) -> list[Problem]:
        """Problems newest first, with their case's status and their reporter."""
        query: Select[Any] = (
            select(
                problems,
                cases.c.status.label("case_status"),
                public_people.c.name,
                public_people.c.phone,
            )
            .outerjoin(cases, cases.c.id == problems.c.case_id)
            .outerjoin(public_people, public_people.c.id == problems.c.person_id)
            .order_by(problems.c.id.desc())
            .limit(limit)
        )
        if ids is not None:
            query = query.where(problems.c.id.in_(ids))
        if community is not None:
            query = query.where(problems.c.community_code == community)
        if person_id is not None:
            query = query.where(problems.c.person_id == person_id)
        if states:
            query = query.where(problems.c.state.in_(states))
        with self.platform.reading() as conn:
            rows = conn.execute(query).all()
            return [self._problem(conn, r) for r in rows]

    def _problem(self, conn: Connection, row: Any) -> Problem:
        m = row._mapping
        return Problem(
            id=m["id"],
            community_code=m["community_code"],
            cell_code=m["cell_code"],
            category=m["category"],
            text=m["text"],
            lon=m["lon"],
            lat=m["lat"],
            person_id=m["person_id"],
            report_id=m["report_id"],
            state=m["state"],
            case_id=m["case_id"],
            note=m["note"],
            reported_at=as_utc(m["reported_at"]),
            solved_at=as_utc(m["solved_at"]) if m["solved_at"] else None,
            version=m["version"],
            synthetic=bool(m["synthetic"]),
            case_status=m["case_status"],
            reporter_name=m["name"] or "",
            reporter_phone=m["phone"] or "",
            photos=self.photos.of(conn, ITEM, m["id"]),
        )
