"""Photos of 泉心愿's items (a wish, a volunteer's report, a problem, a fulfilment): checked
and re-encoded like a case's (``cases.photos.prepare``: upright, no metadata, sniffed by
content), kept as files by SHA-256 (``PhotoFiles``), one row each in ``qxy_photos``.

A photo is added inside the step that it belongs to (``add``), so it is there exactly
when the step is; who may see it is who may see its item (the areas' API routes ask).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, insert, select

from cases.clock import as_utc
from cases.photos import PhotoFiles, PhotoLimits, PhotoRefused, prepare
from cases.quanxinyuan.platform import QxyError, Step
from cases.quanxinyuan.schema import qxy_photos

MAX_PHOTOS = 4  # per item and step


@dataclass(frozen=True)
class QxyPhoto:
    id: int
    item_kind: str
    item_id: int
    sha256: str
    mime: str
    width: int
    height: int
    bytes: int
    at: datetime
    by: str

    def wire(self) -> dict[str, object]:
        return {
            "id": self.id,
            "url": f"/api/qxy/photos/{self.id}",
            "width": self.width,
            "height": self.height,
            "at": self.at.isoformat(),
        }


def decode(photos: object) -> list[bytes]:
    """A JSON body's ``photos``: a list of base64 strings (data: URLs allowed)."""
    if photos in (None, ""):
        return []
    if not isinstance(photos, list) or len(photos) > MAX_PHOTOS:
        raise QxyError("photos", f"photos: a list of at most {MAX_PHOTOS} base64 images")
    out = []
    for item in photos:
        if not isinstance(item, str):
            raise QxyError("photos", "each photo is a base64 string")
        text = item.split(",", 1)[1] if item.startswith("data:") else item
        try:
            out.append(base64.b64decode(text, validate=True))
        except (binascii.Error, ValueError) as exc:
            raise QxyError("photos", "a photo is not valid base64") from exc
    return out


class QxyPhotos:
    def __init__(self, files: PhotoFiles, limits: PhotoLimits | None = None) -> None:
        self.files = files
        self.limits = limits or PhotoLimits()

    def add(
        self, step: Step, item_kind: str, item_id: int, bodies: list[bytes], by: str
    ) -> list[int]:
        """Keep ``bodies`` as the item's photos within ``step``; refused whole if any is
        not a photo."""
        try:
            prepared = [prepare(body, self.limits) for body in bodies]
        except PhotoRefused as exc:
            raise QxyError("photo", str(exc)) from exc
        ids = []
        for photo in prepared:
            self.files.keep(photo)
            ids.append(
                step.conn.execute(
                    insert(qxy_photos)
                    .values(
                        item_kind=item_kind,
                        item_id=item_id,
                        sha256=photo.sha256,
                        mime=photo.mime,
                        bytes=len(photo.data),
                        width=photo.width,
                        height=photo.height,
                        at=step.at,
                        by=by,
                    )
                    .returning(qxy_photos.c.id)
                ).scalar_one()
            )
        return ids

    @staticmethod
    def of(conn: Connection, item_kind: str, item_id: int) -> list[QxyPhoto]:
        rows = conn.execute(
            select(qxy_photos)
            .where(qxy_photos.c.item_kind == item_kind, qxy_photos.c.item_id == item_id)
            .order_by(qxy_photos.c.id)
        )
        return [_photo(r) for r in rows]

    @staticmethod
    def get(conn: Connection, photo_id: int) -> QxyPhoto | None:
        row = conn.execute(select(qxy_photos).where(qxy_photos.c.id == photo_id)).first()
        return _photo(row) if row is not None else None

    def file(self, photo: QxyPhoto) -> Path | None:
        found = self.files.path(photo.sha256, photo.mime)
        return found if found.is_file() else None


def _photo(row: object) -> QxyPhoto:
    values = dict(row._mapping)  # type: ignore[attr-defined]
    values["at"] = as_utc(values["at"])
    return QxyPhoto(**values)
