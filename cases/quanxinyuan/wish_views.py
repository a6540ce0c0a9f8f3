"""微心愿 as each viewer sees it (``access.wish_view`` says which view): the community's whole,
with the resident's name and phone; the center's without them; a unit's (an open wish, or
its own claim with its notes and photos); the resident's (the state only).

A list is read in three queries whatever its length: the wishes, their notes (the reasons
of their fulfil/confirm/withdraw/release events) and their photos.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from cases.clock import as_utc, iso_local
from cases.quanxinyuan import access
from cases.quanxinyuan.photos import QxyPhoto
from cases.quanxinyuan.platform import Places
from cases.quanxinyuan.schema import qxy_events, qxy_photos

if TYPE_CHECKING:
    from cases.quanxinyuan.wishes import Wish

NOTED = ("wish.fulfil", "wish.confirm", "wish.withdraw", "wish.release")


def _iso(moment: datetime | None) -> str | None:
    return iso_local(moment) if moment is not None else None


def views(
    conn: Connection, found: list[Wish], view: str, viewer: object, units: Any, places: Places
) -> list[dict[str, Any]]:
    """``found`` as ``view`` shows them to ``viewer`` (``units``: the claimants' names)."""
    if not found:
        return []
    ids = [w.id for w in found]
    notes: dict[tuple[int, str], str] = {}
    photos: dict[int, list[QxyPhoto]] = {}
    if view != "resident":
        rows = conn.execute(
            select(qxy_events.c.item_id, qxy_events.c.kind, qxy_events.c.reason)
            .where(
                qxy_events.c.item_kind == "wish",
                qxy_events.c.item_id.in_(ids),
                qxy_events.c.kind.in_(NOTED),
            )
            .order_by(qxy_events.c.seq)
        )
        for r in rows:
            notes[(r.item_id, r.kind)] = r.reason
        photos = _photos_of(conn, ids)
    names = units.names(w.unit_id for w in found if w.unit_id) if units else {}
    return [wish_json(w, view, viewer, notes, photos.get(w.id, []), names, places) for w in found]


def _photos_of(conn: Connection, ids: list[int]) -> dict[int, list[QxyPhoto]]:
    """The photos of many wishes in one query (a list of 2,000 is one read, not 2,000)."""
    out: dict[int, list[QxyPhoto]] = {}
    rows = conn.execute(
        select(qxy_photos)
        .where(qxy_photos.c.item_kind == "wish", qxy_photos.c.item_id.in_(ids))
        .order_by(qxy_photos.c.id)
    )
    for row in rows:
        values = dict(row._mapping)
        values["at"] = as_utc(values["at"])
        out.setdefault(values["item_id"], []).append(QxyPhoto(**values))
    return out


def wish_json(
    wish: Wish,
    view: str,
    viewer: object,
    notes: dict[tuple[int, str], str],
    photos: list[QxyPhoto],
    unit_names: dict[str, str],
    places: Places,
) -> dict[str, Any]:
    """A wish as ``view`` shows it; personal data only in the community's view."""
    place = places.cells.get(wish.cell_code)
    out: dict[str, Any] = {
        "id": wish.id,
        "title": wish.title,
        "category": wish.category,
        "state": wish.state,
        "due": wish.due.isoformat(),
        "community": wish.community_code,
        "community_name": place.community_name if place else "",
        "street_name": place.street_name if place else "",
        "published_at": _iso(wish.published_at),
        "fulfilled_at": _iso(wish.fulfilled_at),
        "confirmed_at": _iso(wish.confirmed_at),
        "version": wish.version,
    }
    if view == "resident":
        return out
    out.update(text=wish.text, cell_code=wish.cell_code, synthetic=wish.synthetic)
    mine = view == "unit" and wish.unit_id == access.unit_of(viewer)
    if view in ("community", "center") or mine:
        out.update(
            unit_id=wish.unit_id,
            unit_name=unit_names.get(wish.unit_id or "", wish.unit_id or ""),
            claimed_at=_iso(wish.claimed_at),
            claim_expires_at=_iso(wish.claim_expires_at),
            fulfil_note=notes.get((wish.id, "wish.fulfil"), ""),
            confirm_note=notes.get((wish.id, "wish.confirm"), ""),
            withdraw_reason=notes.get((wish.id, "wish.withdraw"), ""),
        )
        out["mine"] = mine
    given = [p for p in photos if not p.by.startswith("unit:")]
    done = [p for p in photos if p.by.startswith("unit:")]
    out["photos"] = [p.wire() for p in given]
    if view in ("community", "center") or mine:
        out["fulfil_photos"] = [p.wire() for p in done]
    if access.may_see_personal(viewer, wish.community_code):
        out.update(resident_name=wish.resident_name, resident_phone=wish.resident_phone)
    return out
