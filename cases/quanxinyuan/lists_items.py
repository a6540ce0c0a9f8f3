"""The three lists' items as the store keeps them (``lists``), and the checks of what a
screen sends for them: a clear ``QxyError`` for each bad field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cases.quanxinyuan.categories import CATEGORIES
from cases.quanxinyuan.platform import QxyError

TITLE_CHARS = 128
TEXT_CHARS = 2000
NOTE_CHARS = 500
AMOUNT_MAX = 10_000  # a need's quantity, a resource's capacity


@dataclass(frozen=True)
class Need:
    id: int
    community_code: str
    cell_code: str | None
    category: str
    title: str
    text: str
    quantity: int
    state: str
    created_at: datetime
    version: int
    synthetic: bool


@dataclass(frozen=True)
class Resource:
    id: int
    unit_id: str
    community_code: str
    category: str
    title: str
    text: str
    capacity: int
    committed: int
    state: str
    created_at: datetime
    version: int
    synthetic: bool

    @property
    def remaining(self) -> int:
        return self.capacity - self.committed


@dataclass(frozen=True)
class Project:
    id: int
    need_id: int
    resource_id: int
    community_code: str
    unit_id: str
    title: str
    quantity: int
    state: str
    progress: int
    why: dict[str, Any]
    created_at: datetime
    done_at: datetime | None
    version: int
    synthetic: bool


@dataclass(frozen=True)
class Unit:
    """A unit as the lists show it: no contact."""

    id: str
    name: str
    level: str
    community_code: str
    offers: tuple[str, ...]
    active: bool


def need_of(row: Any) -> Need:
    return Need(**{k: row._mapping[k] for k in Need.__dataclass_fields__})


def resource_of(row: Any) -> Resource:
    return Resource(**{k: row._mapping[k] for k in Resource.__dataclass_fields__})


def project_of(row: Any) -> Project:
    return Project(**{k: row._mapping[k] for k in Project.__dataclass_fields__})


def unit_row(row: Any) -> Unit:
    m = row._mapping
    offers = tuple(m["offers"] or ())
    return Unit(m["id"], m["name"], m["level"], m["community_code"], offers, bool(m["active"]))


def text(value: object, field: str, limit: int, required: bool = False) -> str:
    text = str(value if value is not None else "").strip()
    if required and not text:
        raise QxyError(f"bad_{field}", f"a {field} is required")
    if len(text) > limit:
        raise QxyError(f"bad_{field}", f"the {field} is longer than {limit} characters")
    return text


def amount(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise QxyError(f"bad_{field}", f"the {field} is a whole number from 1 to {AMOUNT_MAX}")
    try:
        amount = int(value)
    except ValueError:
        amount = 0
    if not 1 <= amount <= AMOUNT_MAX:
        raise QxyError(f"bad_{field}", f"the {field} is a whole number from 1 to {AMOUNT_MAX}")
    return amount


def category(value: object) -> str:
    if value not in CATEGORIES:
        raise QxyError("bad_category", f"no category {value!r}")
    return str(value)


def forbidden(what: str) -> QxyError:
    return QxyError("forbidden", f"not yours to {what}", 403)
