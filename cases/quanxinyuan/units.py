"""The 双报到 units: provincial, city and district bodies and enterprises registered with a
community ("报到" to it), what they offer, and the account they act with.

A unit acts on the platform through a user of role ``unit`` whose department is the unit's
id (``UserDirectory.add(name, Role.UNIT, password, department=unit.id)``); the unit's row
names that account (``username``). Its contact (a person's name and phone) is personal
data: only the community it is registered with sees it (``access.may_see_unit_contact``).

Every change is a step with one event per unit (``item_kind`` "unit"): the event's
``item_id`` is the unit's running number on the log (its first event's, kept for good),
its ``unit_id`` the unit's id. Files of units are read by ``units_file``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from cases.model import storable
from cases.quanxinyuan import access
from cases.quanxinyuan.categories import CATEGORIES
from cases.quanxinyuan.platform import NotFound, Platform, QxyError, Step
from cases.quanxinyuan.schema import qxy_events
from cases.quanxinyuan.schema import units as units_table

LEVELS: dict[str, tuple[str, str]] = {
    "province": ("省级", "Provincial"),
    "city": ("市级", "City"),
    "district": ("区级", "District"),
    "enterprise": ("企业", "Enterprise"),
}
ID_CHARS = 64
NAME_CHARS = 128
CONTACT_CHARS = 64
OFFERS_TEXT_CHARS = 500


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    level: str
    community_code: str
    contact_name: str = ""
    contact_phone: str = ""
    offers: list[str] = field(default_factory=list)
    offers_text: str = ""
    username: str | None = None
    synthetic: bool = False
    active: bool = True

    def wire(self, viewer: object, places: Any = None) -> dict[str, Any]:
        """As ``viewer`` sees it: the contact only to whom may see it."""
        place = places.communities.get(self.community_code) if places is not None else None
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "level": self.level,
            "community": self.community_code,
            "community_name": place.community_name if place else "",
            "street_name": place.street_name if place else "",
            "offers": list(self.offers),
            "offers_text": self.offers_text,
            "synthetic": self.synthetic,
            "active": self.active,
        }
        if access.may_see_unit_contact(viewer, self.community_code, self.id):
            out["contact_name"] = self.contact_name
            out["contact_phone"] = self.contact_phone
            out["username"] = self.username
        return out


def clean_text(value: object, name: str, limit: int, required: bool = False) -> str:
    """A text field as given (HTML stays text): stripped, storable, within ``limit``."""
    if value is None:
        value = ""
    if not isinstance(value, str | int):
        raise QxyError(name, f"{name}: a text")
    text = str(value).strip()
    if required and not text:
        raise QxyError(name, f"{name}: required")
    if len(text) > limit:
        raise QxyError(name, f"{name}: at most {limit} characters")
    if not storable(text) or any(not (c.isprintable() or c in "\n\t") for c in text):
        raise QxyError(name, f"{name}: a control character")
    return text


def check_unit(unit: Unit, places: Any) -> Unit:
    """``unit`` checked and normalised; a ``QxyError`` says what is wrong."""
    uid = clean_text(unit.id, "id", ID_CHARS, required=True)
    if any(c.isspace() for c in uid):
        raise QxyError("id", "id: no spaces")
    if unit.level not in LEVELS:
        raise QxyError("level", f"level: one of {', '.join(LEVELS)}")
    if unit.community_code not in places.communities:
        raise QxyError("community", f"no community {unit.community_code} on the grid")
    offers = list(dict.fromkeys(unit.offers))
    bad = [o for o in offers if o not in CATEGORIES]
    if bad:
        raise QxyError(
            "offers", f"offers: unknown {', '.join(bad)}; one of {', '.join(CATEGORIES)}"
        )
    phone = clean_text(unit.contact_phone, "contact_phone", 32)
    if phone and not (phone.replace("-", "").replace(" ", "").isdigit() and len(phone) >= 7):
        raise QxyError("contact_phone", "contact_phone: digits (a mobile or a landline)")
    return replace(
        unit,
        id=uid,
        name=clean_text(unit.name, "name", NAME_CHARS, required=True),
        contact_name=clean_text(unit.contact_name, "contact_name", CONTACT_CHARS),
        contact_phone=phone,
        offers=offers,
        offers_text=clean_text(unit.offers_text, "offers_text", OFFERS_TEXT_CHARS),
        username=clean_text(unit.username, "username", 64) or None,
    )


def _unit(row: Any) -> Unit:
    v = dict(row._mapping)
    v["offers"] = list(v.get("offers") or [])
    return Unit(**v)


def _row(unit: Unit) -> dict[str, Any]:
    return {
        "id": unit.id,
        "name": unit.name,
        "level": unit.level,
        "community_code": unit.community_code,
        "contact_name": unit.contact_name,
        "contact_phone": unit.contact_phone,
        "offers": list(unit.offers),
        "offers_text": unit.offers_text,
        "username": unit.username,
        "synthetic": unit.synthetic,
        "active": unit.active,
    }


class Units:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    # -- writes ---------------------------------------------------------------------------
    def put(self, unit: Unit, actor: str) -> Unit:
        """Add ``unit`` or replace the one with its id (one step, one event)."""
        return self.put_many([unit], actor, kind="unit.put")[0]

    def put_many(self, given: Iterable[Unit], actor: str, kind: str = "unit.import") -> list[Unit]:
        """Add or replace every unit in one step: all of them or, if one is bad, none."""
        checked = [check_unit(u, self.platform.places) for u in given]
        ids = [u.id for u in checked]
        if len(set(ids)) < len(ids):
            raise QxyError("id", "a unit id is given twice")
        names = [u.username for u in checked if u.username]
        if len(set(names)) < len(names):
            raise QxyError("username", "an account is given to two units")
        if not checked:
            raise QxyError("empty", "no units")
        with self.platform.writing() as step:
            numbers = _numbers(step.conn)
            taken = _accounts(step.conn, names)
            next_number = max(numbers.values(), default=0) + 1
            existing = set(
                step.conn.execute(select(units_table.c.id).where(units_table.c.id.in_(ids)))
                .scalars()
                .all()
            )
            for unit in checked:
                owner = taken.get(unit.username or "")
                if owner is not None and owner != unit.id:
                    raise QxyError("username", f"the account {unit.username} is unit {owner}'s")
                old = unit.id in existing
                if not old:
                    step.conn.execute(insert(units_table).values(**_row(unit)))
                else:
                    step.conn.execute(
                        update(units_table).where(units_table.c.id == unit.id).values(**_row(unit))
                    )
                number = numbers.get(unit.id)
                if number is None:
                    number, next_number = next_number, next_number + 1
                _record(step, kind, number, unit, actor, "changed" if old else "active")
        return checked

    def link(self, unit_id: str, username: str | None, actor: str) -> Unit:
        """Name the account ``unit_id`` acts with (None: none)."""
        unit = self.get(unit_id)
        if unit is None:
            raise NotFound("unit", unit_id)
        return self.put_many([replace(unit, username=username)], actor, kind="unit.link")[0]

    # -- reads ----------------------------------------------------------------------------
    def get(self, unit_id: str | None) -> Unit | None:
        if not unit_id:
            return None
        with self.platform.reading() as conn:
            row = conn.execute(select(units_table).where(units_table.c.id == unit_id)).first()
        return _unit(row) if row is not None else None

    def list(self, community: str | None = None) -> list[Unit]:
        query = select(units_table).order_by(units_table.c.community_code, units_table.c.id)
        if community is not None:
            query = query.where(units_table.c.community_code == community)
        with self.platform.reading() as conn:
            return [_unit(r) for r in conn.execute(query)]

    def names(self, ids: Iterable[str]) -> dict[str, str]:
        wanted = sorted({i for i in ids if i})
        if not wanted:
            return {}
        with self.platform.reading() as conn:
            rows = conn.execute(
                select(units_table.c.id, units_table.c.name).where(units_table.c.id.in_(wanted))
            )
            return {r.id: r.name for r in rows}

    def count(self, community: str | None = None) -> int:
        query = select(func.count()).select_from(units_table)
        if community is not None:
            query = query.where(units_table.c.community_code == community)
        with self.platform.reading() as conn:
            return int(conn.execute(query).scalar_one())


def _numbers(conn: Connection) -> dict[str, int]:
    """Each unit's running number on the log (its first event's ``item_id``)."""
    rows = conn.execute(
        select(qxy_events.c.unit_id, func.min(qxy_events.c.item_id))
        .where(qxy_events.c.item_kind == "unit")
        .group_by(qxy_events.c.unit_id)
    )
    return {r[0]: int(r[1]) for r in rows if r[0]}


def _accounts(conn: Connection, names: list[str]) -> dict[str, str]:
    if not names:
        return {}
    rows = conn.execute(
        select(units_table.c.username, units_table.c.id).where(units_table.c.username.in_(names))
    )
    return {r.username: r.id for r in rows}


def _record(step: Step, kind: str, number: int, unit: Unit, actor: str, to_state: str) -> None:
    step.record(
        kind=kind,
        item_kind="unit",
        item_id=number,
        community_code=unit.community_code,
        actor=actor,
        to_state=to_state if unit.active else "inactive",
        unit_id=unit.id,
        # No contact here: events never carry personal data.
        data={"level": unit.level, "offers": list(unit.offers), "synthetic": unit.synthetic},
    )
