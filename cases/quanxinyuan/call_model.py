"""The records of 微志愿 (a call, a sign-up) and the reads of calls, by who reads them
(``cases.quanxinyuan.calls.Calls`` adds the steps). The organising community reads its calls
with the sign-ups' names and phones; the center every call as counts; a volunteer the open
calls of the district as counts, and their own sign-ups.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select

from cases.clock import as_utc
from cases.model import storable
from cases.quanxinyuan import access
from cases.quanxinyuan.platform import NotFound, Platform, QxyError
from cases.quanxinyuan.residents import PublicPerson
from cases.quanxinyuan.schema import call_signups, calls, public_people, qxy_photos

LIVE = ("open", "full")
CHECK_IN_BEFORE = timedelta(hours=1)


@dataclass(frozen=True)
class Call:
    id: int
    community_code: str
    cell_code: str | None
    task: str
    text: str
    place: str
    lon: float | None
    lat: float | None
    starts_at: datetime
    ends_at: datetime
    wanted: int
    signed: int
    reported: int
    state: str
    team_id: str | None
    published_at: datetime
    version: int

    def counts(self) -> dict[str, Any]:
        """What anyone allowed to see the call sees: no person in it."""
        return {
            "id": self.id,
            "community": self.community_code,
            "cell": self.cell_code,
            "task": self.task,
            "text": self.text,
            "place": self.place,
            "lon": self.lon,
            "lat": self.lat,
            "starts_at": self.starts_at.isoformat(),
            "ends_at": self.ends_at.isoformat(),
            "wanted": self.wanted,
            "signed": self.signed,
            "reported": self.reported,
            "state": self.state,
            "team": self.team_id,
            "published_at": self.published_at.isoformat(),
            "version": self.version,
        }


@dataclass(frozen=True)
class SignUp:
    id: int
    call_id: int
    person_id: int
    signed_at: datetime
    cancelled_at: datetime | None
    checked_in_at: datetime | None
    reported_at: datetime | None
    report_text: str

    @property
    def state(self) -> str:
        if self.cancelled_at is not None:
            return "withdrawn"
        if self.reported_at is not None:
            return "reported"
        return "checked_in" if self.checked_in_at is not None else "signed"

    def wire(self) -> dict[str, Any]:
        def iso(t: datetime | None) -> str | None:
            return t.isoformat() if t is not None else None

        return {
            "id": self.id,
            "call": self.call_id,
            "state": self.state,
            "signed_at": iso(self.signed_at),
            "checked_in_at": iso(self.checked_in_at),
            "reported_at": iso(self.reported_at),
            "report": self.report_text,
        }


def _call(row: Any) -> Call:
    m = dict(row._mapping)
    for key in ("starts_at", "ends_at", "published_at"):
        m[key] = as_utc(m[key])
    m.pop("synthetic", None)
    return Call(**m)


def _signup(row: Any) -> SignUp:
    m = {k: row._mapping[k] for k in SignUp.__dataclass_fields__}
    for key in ("signed_at", "cancelled_at", "checked_in_at", "reported_at"):
        m[key] = as_utc(m[key]) if m[key] is not None else None
    return SignUp(**m)


class CallReads:
    platform: Platform

    # -- reads ----------------------------------------------------------------------------
    def get(self, call_id: int) -> Call:
        with self.platform.reading() as conn:
            return self._get(conn, call_id)

    def signup(self, signup_id: int) -> SignUp | None:
        with self.platform.reading() as conn:
            row = conn.execute(select(call_signups).where(call_signups.c.id == signup_id)).first()
        return _signup(row) if row is not None else None

    def of_community(self, viewer: object, community_code: str, limit: int = 200) -> list[dict]:
        """The community's calls, newest first, each with its sign-ups: names and phones
        (``viewer`` must run the community)."""
        if not access.may_see_call_people(viewer, community_code):
            raise QxyError("forbidden", "only the organising community sees its volunteers", 403)
        with self.platform.reading() as conn:
            rows = conn.execute(
                select(calls)
                .where(calls.c.community_code == community_code)
                .order_by(calls.c.starts_at.desc(), calls.c.id.desc())
                .limit(limit)
            ).all()
            found = [_call(r) for r in rows]
            people = self._people_of(conn, [c.id for c in found])
        return [{**c.counts(), "signups": people.get(c.id, [])} for c in found]

    def _people_of(self, conn: Connection, call_ids: list[int]) -> dict[int, list[dict]]:
        if not call_ids:
            return {}
        rows = conn.execute(
            select(call_signups, public_people.c.name, public_people.c.phone)
            .join(public_people, public_people.c.id == call_signups.c.person_id)
            .where(call_signups.c.call_id.in_(call_ids))
            .order_by(call_signups.c.signed_at, call_signups.c.id)
        ).all()
        photos = _photo_ids(conn, [r.id for r in rows])
        out: dict[int, list[dict]] = {}
        for r in rows:
            s = _signup(r)
            out.setdefault(s.call_id, []).append(
                {**s.wire(), "name": r.name, "phone": r.phone, "photos": photos.get(s.id, [])}
            )
        return out

    def for_center(self, viewer: object, limit: int = 500) -> list[dict[str, Any]]:
        """Every call, counts only (no person)."""
        if not access.may_read_all_calls(viewer):
            raise QxyError("forbidden", "the center reads every call", 403)
        with self.platform.reading() as conn:
            rows = conn.execute(
                select(calls).order_by(calls.c.starts_at.desc(), calls.c.id.desc()).limit(limit)
            ).all()
        return [_call(r).counts() for r in rows]

    def open_for(self, person: PublicPerson, limit: int = 200) -> list[dict[str, Any]]:
        """The district's calls a volunteer may sign up for (open or full, not over), as
        counts, each with their own sign-up's state if they have one."""
        now = self.platform.now()
        team_ok: list[Any] = [calls.c.team_id.is_(None)]
        if person.team_id:
            team_ok.append(calls.c.team_id == person.team_id)
        with self.platform.reading() as conn:
            rows = conn.execute(
                select(calls)
                .where(calls.c.state.in_(LIVE), calls.c.ends_at > now, or_(*team_ok))
                .order_by(calls.c.starts_at, calls.c.id)
                .limit(limit)
            ).all()
            found = [_call(r) for r in rows]
            mine = self._mine_of(conn, person.id, [c.id for c in found])
        return [{**c.counts(), "mine": mine.get(c.id)} for c in found]

    def mine(self, person: PublicPerson, limit: int = 100) -> list[dict[str, Any]]:
        """Their own sign-ups (standing and withdrawn), newest call first, with the call."""
        with self.platform.reading() as conn:
            rows = conn.execute(
                select(call_signups)
                .where(call_signups.c.person_id == person.id)
                .order_by(call_signups.c.signed_at.desc())
                .limit(limit)
            ).all()
            signed = [_signup(r) for r in rows]
            by_id = {c.id: c for c in self._calls(conn, [s.call_id for s in signed])}
            photos = _photo_ids(conn, [s.id for s in signed])
        out = []
        for s in signed:
            c = by_id[s.call_id]
            out.append(
                {
                    **s.wire(),
                    "photos": photos.get(s.id, []),
                    "call": c.counts(),
                    "window": [t.isoformat() for t in check_in_window(c)],
                }
            )
        return out

    def count(self, state: str | None = None, community_code: str | None = None) -> int:
        q = select(func.count()).select_from(calls)
        if state is not None:
            q = q.where(calls.c.state == state)
        if community_code is not None:
            q = q.where(calls.c.community_code == community_code)
        with self.platform.reading() as conn:
            return int(conn.execute(q).scalar_one())

    def _get(self, conn: Connection, call_id: int) -> Call:
        row = conn.execute(select(calls).where(calls.c.id == call_id)).first()
        if row is None:
            raise NotFound("call", call_id)
        return _call(row)

    def _calls(self, conn: Connection, ids: list[int]) -> list[Call]:
        if not ids:
            return []
        return [_call(r) for r in conn.execute(select(calls).where(calls.c.id.in_(set(ids))))]

    def _mine(self, conn: Connection, call_id: int, person_id: int) -> SignUp | None:
        row = conn.execute(
            select(call_signups).where(
                call_signups.c.call_id == call_id, call_signups.c.person_id == person_id
            )
        ).first()
        return _signup(row) if row is not None else None

    def _mine_of(self, conn: Connection, person_id: int, ids: list[int]) -> dict[int, dict]:
        if not ids:
            return {}
        rows = conn.execute(
            select(call_signups).where(
                call_signups.c.person_id == person_id, call_signups.c.call_id.in_(ids)
            )
        )
        return {s.call_id: s.wire() for s in (_signup(r) for r in rows)}

    def _signup_by_id(self, conn: Connection, signup_id: int) -> SignUp:
        return _signup(
            conn.execute(select(call_signups).where(call_signups.c.id == signup_id)).one()
        )


def check_in_window(found: Call) -> tuple[datetime, datetime]:
    return found.starts_at - CHECK_IN_BEFORE, found.ends_at


def _photo_ids(conn: Connection, signup_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    if not signup_ids:
        return {}
    rows = conn.execute(
        select(qxy_photos.c.id, qxy_photos.c.item_id)
        .where(and_(qxy_photos.c.item_kind == "signup", qxy_photos.c.item_id.in_(signup_ids)))
        .order_by(qxy_photos.c.id)
    )
    out: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(r.item_id, []).append({"id": r.id, "url": f"/api/qxy/photos/{r.id}"})
    return out


# -- checking what a step is given ---------------------------------------------------------
def check_text(value: object, name: str, most: int, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise QxyError(name, f"{name} is required")
    if len(text) > most:
        raise QxyError(name, f"{name}: at most {most} characters")
    if not storable(text):
        raise QxyError(name, f"{name}: an invalid character")
    return text


def check_time(value: object, name: str) -> datetime:
    if isinstance(value, datetime):
        found = value
    else:
        try:
            found = datetime.fromisoformat(str(value or ""))
        except ValueError:
            raise QxyError(name, f"{name}: a date and time (ISO 8601)") from None
    if found.tzinfo is None:
        raise QxyError(name, f"{name}: give the time zone (e.g. +08:00)")
    return as_utc(found)


def check_position(lon: object, lat: object) -> tuple[float | None, float | None]:
    if lon in (None, "") and lat in (None, ""):
        return None, None
    try:
        x, y = float(str(lon)), float(str(lat))
    except ValueError:
        raise QxyError("position", "lon and lat: numbers") from None
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        raise QxyError("position", "lon and lat out of range")
    return x, y


def actor_label(actor: object) -> str:
    name = getattr(actor, "name", None)
    role = getattr(actor, "role", None)
    if name is None:
        return "system"
    return f"{name} ({getattr(role, 'value', role)})" if role is not None else str(name)
