"""The catalog as the store keeps it: read with a short cache, edited by admins."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from cases import access
from cases.catalog import (
    Catalog,
    CatalogError,
    as_row,
    catalog_from_rows,
    make_category,
)
from cases.model import Forbidden, storable
from cases.schema import categories, departments, sequences, stage_limits, urgent_targets
from cases.storage import CATALOG_VERSION, StoreBase
from cases.workflow import Actor

CATALOG_TTL_S = 2.0


class CatalogAdmin(StoreBase):
    @property
    def catalog(self) -> Catalog:
        """The catalog as stored; re-read when an admin changed it (checked every 2 s).
        While the store is away the last one read stands (a report can still be checked and
        refused), and the store is asked again at the next check."""
        moment = time.monotonic()
        if self._catalog is not None and moment - self._catalog_checked < CATALOG_TTL_S:
            return self._catalog[1]
        try:
            with self.read() as conn:
                version = self._counter(conn, CATALOG_VERSION)
                if self._catalog is None or self._catalog[0] != version:
                    catalog = catalog_from_rows(
                        conn.execute(select(departments)).all(),
                        conn.execute(select(categories)).all(),
                        conn.execute(select(stage_limits)).all(),
                        conn.execute(select(urgent_targets)).all(),
                    )
                    self._catalog = (version, catalog)
        except OperationalError:
            if self._catalog is None:
                raise
        self._catalog_checked = moment
        return self._catalog[1]

    def save_category(self, fields: dict[str, Any], actor: Actor) -> None:
        """Add or change a category (admins only); in force for new cases at once."""
        _admin_only(actor)
        category = make_category(fields, self.catalog.departments)
        self._upsert(categories, categories.c.code, category.code, as_row(category))

    def save_department(self, fields: dict[str, Any], actor: Actor) -> None:
        """Add or rename a department (admins only)."""
        _admin_only(actor)
        code = str(fields.get("code", "")).strip()
        name_zh = str(fields.get("name_zh", "")).strip()
        name_en = str(fields.get("name_en", "")).strip() or name_zh
        if not code or len(code) > 32 or not code.replace("_", "").isalnum():
            raise CatalogError("code: 1-32 letters, digits or _")
        if not name_zh:
            raise CatalogError("name_zh: required")
        if not (storable(name_zh) and storable(name_en)):
            raise CatalogError("names: no NUL and no lone surrogate")
        row = {"code": code, "name_zh": name_zh, "name_en": name_en}
        self._upsert(departments, departments.c.code, code, row)

    def register_units(self, units: Iterable[tuple[str, str, str]]) -> int:
        """Make the units of the store's grid known, as (code, name_zh, name_en)
        (``routing.place_units``): those missing are added, those known are left as they
        are (an admin may have renamed them). Returns how many were added."""
        rows = [{"code": code, "name_zh": zh, "name_en": en} for code, zh, en in units]
        missing: list[dict[str, str]] = []
        for attempt in range(3):
            try:
                with self.engine.begin() as conn:
                    known = set(conn.execute(select(departments.c.code)).scalars())
                    missing = [row for row in rows if row["code"] not in known]
                    if missing:
                        conn.execute(insert(departments), missing)
                        self._bump_catalog(conn)
                break
            except IntegrityError:  # another process registered them at the same moment
                if attempt == 2:
                    raise
        self._catalog = None
        return len(missing)

    def _upsert(self, table: Any, key: Any, code: str, row: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            if conn.execute(update(table).where(key == code).values(**row)).rowcount == 0:
                conn.execute(insert(table).values(**row))
            self._bump_catalog(conn)
        self._catalog = None

    @staticmethod
    def _bump_catalog(conn: Connection) -> None:
        conn.execute(
            update(sequences)
            .where(sequences.c.name == CATALOG_VERSION)
            .values(value=sequences.c.value + 1)
        )


def _admin_only(actor: Actor) -> None:
    if not access.may_edit_catalog(actor):
        raise Forbidden("only admins edit the catalog")
