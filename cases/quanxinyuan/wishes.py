"""微心愿: a resident's small wish, published by their community, claimed and fulfilled by a
双报到 unit, confirmed by the community with the resident.

States: open (published) → claimed → fulfilled → confirmed; withdrawn by the community
(from open or claimed). Side paths back to open: the community releases a claim, or the
claim expires — a claim holds until the end of the wish's due day (Asia/Shanghai); a wish
not fulfilled by then is open again. Expiry is lazy: ``expire_claims`` runs at the start of
every read and write, and records each expiry as ``wish.claim_expired`` by "system".

One claimant at a time: a claim is a conditional UPDATE (``state = 'open' AND version =
v``); of two claims at once one wins and the other is told 409 (taken or stale).

Every step is one ``Platform.writing()`` transaction with its event ``wish.<step>`` (the
unit concerned in ``unit_id``; never a name or a phone in ``data``). Who sees which view
of a wish is ``access.wish_view``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, and_, insert, or_, select, update

from cases.actors import Actor
from cases.clock import LOCAL_TZ, as_utc
from cases.quanxinyuan import access
from cases.quanxinyuan.categories import CATEGORIES
from cases.quanxinyuan.photos import QxyPhotos
from cases.quanxinyuan.platform import NotFound, Platform, QxyError, Stale, Step
from cases.quanxinyuan.residents import check_phone
from cases.quanxinyuan.schema import wishes as wishes_table
from cases.quanxinyuan.units import clean_text
from cases.quanxinyuan.wish_views import views

OPEN, CLAIMED, FULFILLED, CONFIRMED, WITHDRAWN = (
    "open",
    "claimed",
    "fulfilled",
    "confirmed",
    "withdrawn",
)
STATES = (OPEN, CLAIMED, FULFILLED, CONFIRMED, WITHDRAWN)
TITLE_CHARS = 128
TEXT_CHARS = 2000
NOTE_CHARS = 500
NAME_CHARS = 64
MAX_DUE_DAYS = 366
SYSTEM = "system"


class _NothingToExpire(Exception):
    """Rolls back an expiry step that found nothing (a step without an event is a gap)."""


@dataclass(frozen=True)
class Wish:
    id: int
    community_code: str
    cell_code: str
    title: str
    text: str
    category: str
    resident_name: str
    resident_phone: str
    resident_id: int | None
    due: date
    state: str
    unit_id: str | None
    claimed_at: datetime | None
    claim_expires_at: datetime | None
    fulfilled_at: datetime | None
    confirmed_at: datetime | None
    published_at: datetime
    version: int
    synthetic: bool


def claim_expiry(due: date) -> datetime:
    """The end of the due day in Asia/Shanghai (the next local midnight), in UTC."""
    return as_utc(datetime.combine(due + timedelta(days=1), time(0), tzinfo=LOCAL_TZ))


def local_today(now: datetime) -> date:
    return as_utc(now).astimezone(LOCAL_TZ).date()


def _wish(row: Any) -> Wish:
    v = dict(row._mapping)
    for name in ("claimed_at", "claim_expires_at", "fulfilled_at", "confirmed_at", "published_at"):
        if v[name] is not None:
            v[name] = as_utc(v[name])
    return Wish(**v)


def _label(actor: Actor) -> str:
    return actor.label


class Wishes:
    def __init__(self, platform: Platform, photos: QxyPhotos, units: Any = None) -> None:
        self.platform = platform
        self.photos = photos
        self.units = units  # cases.quanxinyuan.units.Units: claimants' names, if given

    # -- the lazy expiry ------------------------------------------------------------------
    def expire_claims(self) -> int:
        """Open again every claim past its expiry; returns how many (each an event)."""
        now = self.platform.now()
        with self.platform.reading() as conn:
            due = conn.execute(
                select(wishes_table.c.id).where(
                    wishes_table.c.state == CLAIMED, wishes_table.c.claim_expires_at <= now
                )
            ).first()
        if due is None:
            return 0
        try:
            with self.platform.writing() as step:
                rows = step.conn.execute(
                    select(wishes_table)
                    .where(
                        wishes_table.c.state == CLAIMED,
                        wishes_table.c.claim_expires_at <= step.at,
                    )
                    .order_by(wishes_table.c.id)
                ).all()
                for wish in map(_wish, rows):
                    self._move(
                        step, wish, OPEN, unit_id=None, claimed_at=None, claim_expires_at=None
                    )
                    self._record(step, wish, "claim_expired", SYSTEM, OPEN, wish.unit_id)
                if not step.events:
                    raise _NothingToExpire
                return len(step.events)
        except _NothingToExpire:
            return 0

    # -- steps ----------------------------------------------------------------------------
    def publish(
        self,
        actor: Actor,
        *,
        title: object,
        text: object = "",
        category: object,
        cell_code: object,
        resident_name: object = "",
        resident_phone: object = "",
        due: object,
        photos: Iterable[bytes] = (),
        synthetic: bool = False,
    ) -> Wish:
        """A community publishes a wish in one of its cells, open to claim."""
        self.expire_claims()
        cell = str(cell_code or "")
        community = self.platform.places.community_of_cell(cell)
        if community is None:
            raise QxyError("cell", f"no cell {cell} on the grid")
        if not access.may_publish_wish(actor, community):
            raise QxyError("forbidden", "only the cell's own community publishes its wishes", 403)
        if category not in CATEGORIES:
            raise QxyError("category", f"category: one of {', '.join(CATEGORIES)}")
        phone = str(resident_phone or "").strip()
        values = {
            "community_code": community,
            "cell_code": cell,
            "title": clean_text(title, "title", TITLE_CHARS, required=True),
            "text": clean_text(text, "text", TEXT_CHARS),
            "category": category,
            "resident_name": clean_text(resident_name, "resident_name", NAME_CHARS),
            "resident_phone": check_phone(phone) if phone else "",
            "due": self._due(due),
            "state": OPEN,
            "version": 1,
            "synthetic": synthetic,
        }
        bodies = list(photos)
        with self.platform.writing() as step:
            wish_id = step.conn.execute(
                insert(wishes_table)
                .values(published_at=step.at, **values)
                .returning(wishes_table.c.id)
            ).scalar_one()
            if bodies:
                self.photos.add(step, "wish", wish_id, bodies, _label(actor))
            wish = self._load(step.conn, wish_id)
            self._record(
                step,
                wish,
                "publish",
                _label(actor),
                OPEN,
                None,
                data={"category": wish.category, "cell_code": cell, "due": wish.due.isoformat()},
                from_state=None,
            )
        return wish

    def claim(self, wish_id: int, actor: Actor, version: int | None = None) -> Wish:
        """A unit claims an open wish (one claimant at a time; a claim holds until the end
        of the wish's due day)."""
        unit = access.unit_of(actor)
        if unit is None or not access.may_claim_wish(actor):
            raise QxyError("forbidden", "only a 双报到 unit claims a wish", 403)
        self.expire_claims()
        with self.platform.writing() as step:
            wish = self._load(step.conn, wish_id)
            if access.wish_view(actor, wish) is None:
                raise QxyError("taken", "another unit has claimed this wish", 409)
            if wish.state != OPEN:
                raise QxyError("taken", f"the wish is {wish.state}, not open to claim", 409)
            if wish.due < local_today(step.at):
                raise QxyError("past_due", "the wish's date has passed", 409)
            expires = claim_expiry(wish.due)
            self._move(
                step,
                wish,
                CLAIMED,
                expected=version,
                unit_id=unit,
                claimed_at=step.at,
                claim_expires_at=expires,
            )
            self._record(
                step,
                wish,
                "claim",
                _label(actor),
                CLAIMED,
                unit,
                data={"expires_at": expires.isoformat()},
            )
        return self.load(wish_id)

    def fulfil(
        self,
        wish_id: int,
        actor: Actor,
        *,
        note: object = "",
        photos: Iterable[bytes] = (),
        version: int | None = None,
    ) -> Wish:
        """The claimant reports the wish fulfilled, with a photo."""
        unit = access.unit_of(actor)
        if unit is None:
            raise QxyError(
                "forbidden", "only the unit that claimed it reports a wish fulfilled", 403
            )
        self.expire_claims()
        text = clean_text(note, "note", NOTE_CHARS)
        bodies = list(photos)
        if not bodies:
            raise QxyError("photo", "a photo of the wish fulfilled is required")
        with self.platform.writing() as step:
            wish = self._load(step.conn, wish_id)
            if wish.unit_id != unit or access.wish_view(actor, wish) is None:
                if wish.state == OPEN:
                    raise QxyError(
                        "not_claimed", "the claim has ended: the wish is open again", 409
                    )
                raise QxyError("forbidden", "the wish is not claimed by your unit", 403)
            if wish.state != CLAIMED:
                raise QxyError("state", f"the wish is {wish.state}, not claimed", 409)
            self._move(step, wish, FULFILLED, expected=version, fulfilled_at=step.at)
            count = len(self.photos.add(step, "wish", wish_id, bodies, _label(actor)))
            self._record(
                step,
                wish,
                "fulfil",
                _label(actor),
                FULFILLED,
                unit,
                reason=text,
                data={"photos": count},
            )
        return self.load(wish_id)

    def confirm(
        self, wish_id: int, actor: Actor, *, note: object, version: int | None = None
    ) -> Wish:
        """The community confirms, with the resident, that the wish was fulfilled; ``note``
        is what the resident said."""
        text = clean_text(note, "note", NOTE_CHARS, required=True)
        return self._community_step(
            wish_id, actor, "confirm", (FULFILLED,), CONFIRMED, text, version, confirmed_at=True
        )

    def withdraw(
        self, wish_id: int, actor: Actor, *, reason: object, version: int | None = None
    ) -> Wish:
        """The community withdraws a wish not yet fulfilled (the claimant, if any, is told)."""
        text = clean_text(reason, "reason", NOTE_CHARS, required=True)
        return self._community_step(
            wish_id, actor, "withdraw", (OPEN, CLAIMED), WITHDRAWN, text, version
        )

    def release(
        self, wish_id: int, actor: Actor, *, reason: object = "", version: int | None = None
    ) -> Wish:
        """The community ends a claim: the wish is open to claim again."""
        text = clean_text(reason, "reason", NOTE_CHARS)
        return self._community_step(wish_id, actor, "release", (CLAIMED,), OPEN, text, version)

    def _community_step(
        self,
        wish_id: int,
        actor: Actor,
        name: str,
        allowed: tuple[str, ...],
        to_state: str,
        text: str,
        version: int | None,
        confirmed_at: bool = False,
    ) -> Wish:
        self.expire_claims()
        with self.platform.writing() as step:
            wish = self._load(step.conn, wish_id)
            if not access.runs(actor, wish.community_code):
                if access.wish_view(actor, wish) is None:
                    raise NotFound("wish", wish_id)
                raise QxyError("forbidden", "only the wish's community does that", 403)
            if wish.state not in allowed:
                raise QxyError("state", f"the wish is {wish.state}: cannot {name} it", 409)
            changes: dict[str, Any] = {}
            if confirmed_at:
                changes["confirmed_at"] = step.at
            if name == "release":
                changes.update(unit_id=None, claimed_at=None, claim_expires_at=None)
            self._move(step, wish, to_state, expected=version, **changes)
            self._record(step, wish, name, _label(actor), to_state, wish.unit_id, reason=text)
        return self.load(wish_id)

    # -- reads ----------------------------------------------------------------------------
    def load(self, wish_id: int) -> Wish:
        with self.platform.reading() as conn:
            return self._load(conn, wish_id)

    def get(self, viewer: object, wish_id: int) -> dict[str, Any]:
        """One wish as ``viewer`` may see it (404 if they may not see it at all)."""
        self.expire_claims()
        with self.platform.reading() as conn:
            try:
                wish = self._load(conn, wish_id)
            except NotFound:
                raise NotFound("wish", wish_id) from None
            view = access.wish_view(viewer, wish)
            if view is None:
                raise NotFound("wish", wish_id)
            return views(conn, [wish], view, viewer, self.units, self.platform.places)[0]

    def seen_by(self, viewer: object, state: str | None = None) -> list[dict[str, Any]]:
        """The wishes ``viewer`` sees, newest first, each as they may see it."""
        self.expire_claims()
        t = wishes_table
        if (code := access.community_of(viewer)) is not None:
            where: Any = t.c.community_code == code
            view = "community"
        elif access.is_center(viewer):
            where, view = None, "center"
        elif (unit := access.unit_of(viewer)) is not None:
            today = local_today(self.platform.now())
            where = or_(and_(t.c.state == OPEN, t.c.due >= today), t.c.unit_id == unit)
            view = "unit"
        elif (person := access.public_of(viewer)) is not None:
            where, view = t.c.resident_phone == person.phone, "resident"
        else:
            raise QxyError("forbidden", "sign in to see wishes", 403)
        query = select(t).order_by(t.c.id.desc()).limit(2000)
        if where is not None:
            query = query.where(where)
        if state is not None:
            if state not in STATES:
                raise QxyError("state", f"state: one of {', '.join(STATES)}")
            query = query.where(t.c.state == state)
        with self.platform.reading() as conn:
            found = [_wish(r) for r in conn.execute(query)]
            # The policy decides, row by row, even after the query's filter.
            found = [w for w in found if access.wish_view(viewer, w) == view]
            return views(conn, found, view, viewer, self.units, self.platform.places)

    def photo_owner(self, wish_id: int) -> Wish | None:
        with self.platform.reading() as conn:
            row = conn.execute(select(wishes_table).where(wishes_table.c.id == wish_id)).first()
        return _wish(row) if row is not None else None

    # -- helpers --------------------------------------------------------------------------
    def _due(self, due: object) -> date:
        if isinstance(due, date):
            day = due
        else:
            try:
                day = date.fromisoformat(str(due or ""))
            except ValueError:
                raise QxyError("due", "due: a date YYYY-MM-DD") from None
        today = local_today(self.platform.now())
        if day < today:
            raise QxyError("due", "due: today or later")
        if day > today + timedelta(days=MAX_DUE_DAYS):
            raise QxyError("due", f"due: within {MAX_DUE_DAYS} days")
        return day

    @staticmethod
    def _load(conn: Connection, wish_id: int) -> Wish:
        row = conn.execute(select(wishes_table).where(wishes_table.c.id == wish_id)).first()
        if row is None:
            raise NotFound("wish", wish_id)
        return _wish(row)

    @staticmethod
    def _move(
        step: Step, wish: Wish, to_state: str, expected: int | None = None, **changes: Any
    ) -> None:
        """The conditional UPDATE every step makes: from the state and version it read."""
        version = wish.version if expected is None else expected
        done = step.conn.execute(
            update(wishes_table)
            .where(
                wishes_table.c.id == wish.id,
                wishes_table.c.state == wish.state,
                wishes_table.c.version == version,
            )
            .values(state=to_state, version=wishes_table.c.version + 1, **changes)
        )
        if done.rowcount != 1:
            raise Stale("wish", wish.id)

    @staticmethod
    def _record(
        step: Step,
        wish: Wish,
        name: str,
        actor: str,
        to_state: str,
        unit_id: str | None,
        reason: str = "",
        data: dict[str, Any] | None = None,
        from_state: str | None = "",
    ) -> None:
        step.record(
            kind=f"wish.{name}",
            item_kind="wish",
            item_id=wish.id,
            community_code=wish.community_code,
            actor=actor,
            from_state=wish.state if from_state == "" else from_state,
            to_state=to_state,
            unit_id=unit_id,
            reason=reason,
            data=data or {},
        )


__all__ = ["STATES", "Wish", "Wishes", "claim_expiry"]
