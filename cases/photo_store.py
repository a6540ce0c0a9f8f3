"""Photos in the store: attaching one to a case is a write like any action — one
transaction that takes the next sequence number, keeps the ``case_photos`` row and appends
the audited ``case.photo`` event (its case's summary, so it reaches the case's department
and the district like every event of the case) — published after the commit.

The photo's file is kept first (cases/photos.py ``PhotoFiles.keep``); this keeps the rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select

from cases import access, clock
from cases.model import MAX_CASE_ID, Event, Forbidden, OutOfView
from cases.photos import CasePhoto, PreparedPhoto, UnknownPhoto
from cases.schema import case_photos
from cases.workflow import Actor
from cases.writes import Writes

PHOTO_EVENT = "case.photo"


class _AlreadyThere(Exception):
    def __init__(self, photo: CasePhoto) -> None:
        self.photo = photo


class CasePhotos(Writes):
    def attach_photo(
        self, case_id: int, photo: PreparedPhoto, actor: Actor
    ) -> tuple[CasePhoto, bool]:
        """Attach ``photo`` to the case as ``actor``; returns (photo, attached now).

        The same photo attached to the same case again returns the first one and writes
        nothing (a retried upload). Refusals: UnknownCase (also OutOfView, a case the actor
        may not see) and Forbidden."""
        try:
            with self._write() as (conn, seq):
                case = self._load(conn, case_id)
                # Asked again here: the case may have moved since the request was let in.
                if not access.may_see_photos(actor, case):
                    raise OutOfView(case_id)
                if not access.may_attach_photo(actor, case):
                    raise Forbidden(f"a {actor.role.value} does not attach photos to cases")
                existing = _find(conn, case_id, photo.sha256)
                if existing is not None:
                    raise _AlreadyThere(existing)  # rolls back: the sequence stays put
                now = self.now()
                row: dict[str, Any] = {
                    "case_id": case_id,
                    "sha256": photo.sha256,
                    "mime": photo.mime,
                    "width": photo.width,
                    "height": photo.height,
                    "bytes": len(photo.data),
                    "uploaded_by": actor.label,
                    "uploaded_at": now,
                }
                photo_id = conn.execute(
                    insert(case_photos).values(**row).returning(case_photos.c.id)
                ).scalar_one()
                kept = CasePhoto(id=photo_id, **row)
                status = case.status  # a photo moves no case: from and to are its state
                ev = Event(seq, PHOTO_EVENT, case_id, now, actor.label, status, status, "")
                ev = self._append(conn, ev, case, event_data(kept))
        except _AlreadyThere as again:
            return again.photo, False
        self.publish(ev)
        return kept, True

    def photos_of(self, case_id: int) -> list[CasePhoto]:
        """The case's photos, oldest first."""
        if not 0 < case_id <= MAX_CASE_ID:
            return []
        with self.read() as conn:
            rows = conn.execute(
                select(case_photos)
                .where(case_photos.c.case_id == case_id)
                .order_by(case_photos.c.id)
            ).all()
        return [_photo(r) for r in rows]

    def photo(self, photo_id: int) -> CasePhoto:
        if not 0 < photo_id <= MAX_CASE_ID:
            raise UnknownPhoto(photo_id)
        with self.read() as conn:
            row = conn.execute(select(case_photos).where(case_photos.c.id == photo_id)).first()
        if row is None:
            raise UnknownPhoto(photo_id)
        return _photo(row)


def event_data(photo: CasePhoto) -> dict[str, Any]:
    """What a ``case.photo`` event says of its photo (beside the case's summary)."""
    return {
        "photo_id": photo.id,
        "mime": photo.mime,
        "width": photo.width,
        "height": photo.height,
        "bytes": photo.bytes,
    }


def _find(conn: Connection, case_id: int, sha256: str) -> CasePhoto | None:
    row = conn.execute(
        select(case_photos).where(case_photos.c.case_id == case_id, case_photos.c.sha256 == sha256)
    ).first()
    return _photo(row) if row else None


def _photo(row: Any) -> CasePhoto:
    return CasePhoto(
        id=row.id,
        case_id=row.case_id,
        sha256=row.sha256,
        mime=row.mime,
        width=row.width,
        height=row.height,
        bytes=row.bytes,
        uploaded_by=row.uploaded_by,
        uploaded_at=clock.as_utc(row.uploaded_at),
    )
