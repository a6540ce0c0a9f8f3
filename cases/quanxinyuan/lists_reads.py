"""The three lists read: an item by id (``NotFound`` otherwise), the lists newest first,
units as the lists show them (no contact), an item's history. ``Lists`` is built on it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, select

from cases.quanxinyuan import lists_items as items
from cases.quanxinyuan import log
from cases.quanxinyuan.lists_items import Need, Project, Resource, Unit
from cases.quanxinyuan.platform import NotFound, Platform
from cases.quanxinyuan.schema import needs, projects, qxy_events, resources, units


class ListReads:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    def _get_need(self, conn: Connection, need_id: int) -> Need:
        row = conn.execute(select(needs).where(needs.c.id == need_id)).first()
        if row is None:
            raise NotFound("need", need_id)
        return items.need_of(row)

    def _get_resource(self, conn: Connection, resource_id: int) -> Resource:
        row = conn.execute(select(resources).where(resources.c.id == resource_id)).first()
        if row is None:
            raise NotFound("resource", resource_id)
        return items.resource_of(row)

    def _get_project(self, conn: Connection, project_id: int) -> Project:
        row = conn.execute(select(projects).where(projects.c.id == project_id)).first()
        if row is None:
            raise NotFound("project", project_id)
        return items.project_of(row)

    def need(self, need_id: int) -> Need:
        with self.platform.reading() as conn:
            return self._get_need(conn, need_id)

    def resource(self, resource_id: int) -> Resource:
        with self.platform.reading() as conn:
            return self._get_resource(conn, resource_id)

    def project(self, project_id: int) -> Project:
        with self.platform.reading() as conn:
            return self._get_project(conn, project_id)

    def needs(
        self, community_code: str | None = None, ids: Iterable[int] | None = None
    ) -> list[Need]:
        """Newest first; of one community, or the ``ids`` given (else all)."""
        q = select(needs).order_by(needs.c.id.desc())
        if community_code is not None:
            q = q.where(needs.c.community_code == community_code)
        if ids is not None:
            q = q.where(needs.c.id.in_(list(ids)))
        with self.platform.reading() as conn:
            return [items.need_of(r) for r in conn.execute(q)]

    def resources(
        self,
        unit_id: str | None = None,
        ids: Iterable[int] | None = None,
        available: bool = False,
    ) -> list[Resource]:
        q = select(resources).order_by(resources.c.id.desc())
        if unit_id is not None:
            q = q.where(resources.c.unit_id == unit_id)
        if ids is not None:
            q = q.where(resources.c.id.in_(list(ids)))
        if available:
            q = q.where(resources.c.state == "available")
        with self.platform.reading() as conn:
            return [items.resource_of(r) for r in conn.execute(q)]

    def projects(
        self,
        community_code: str | None = None,
        unit_id: str | None = None,
        need_id: int | None = None,
    ) -> list[Project]:
        q = select(projects).order_by(projects.c.id.desc())
        if community_code is not None:
            q = q.where(projects.c.community_code == community_code)
        if unit_id is not None:
            q = q.where(projects.c.unit_id == unit_id)
        if need_id is not None:
            q = q.where(projects.c.need_id == need_id)
        with self.platform.reading() as conn:
            return [items.project_of(r) for r in conn.execute(q)]

    @staticmethod
    def unit(conn: Connection, unit_id: str) -> Unit | None:
        row = conn.execute(select(units).where(units.c.id == unit_id)).first()
        return items.unit_row(row) if row is not None else None

    def units(self, ids: Sequence[str]) -> dict[str, Unit]:
        if not ids:
            return {}
        with self.platform.reading() as conn:
            rows = conn.execute(select(units).where(units.c.id.in_(list(set(ids)))))
            return {u.id: u for u in map(items.unit_row, rows)}

    def history(self, item_kind: str, item_id: int) -> list[log.QxyEvent]:
        with self.platform.reading() as conn:
            return log.of_item(conn, item_kind, item_id)

    def last_notes(self, project_ids: Sequence[int]) -> dict[int, str]:
        """Each project's latest progress note (one read for all)."""
        if not project_ids:
            return {}
        q = (
            select(qxy_events.c.item_id, qxy_events.c.reason)
            .where(
                qxy_events.c.item_kind == "project",
                qxy_events.c.item_id.in_(list(set(project_ids))),
                qxy_events.c.reason != "",
            )
            .order_by(qxy_events.c.seq)
        )
        with self.platform.reading() as conn:
            return {int(r.item_id): str(r.reason) for r in conn.execute(q)}
