"""三张清单: the needs communities list, the resources 双报到 units offer, and the projects
that join one need with one resource, from a suggested match (``matching``).

- a **need** (a community's): open → matched (a project serves it) → done | withdrawn
  (only while open);
- a **resource** (a unit's): available → committed (its capacity all taken) | withdrawn.
  Its capacity is shared by its projects: each takes min(the need's quantity, what is
  left), by a conditional UPDATE (``committed + take <= capacity``), so it is never
  over-committed, however many accept at once;
- a **project**: active → done, its progress 0–100 reported by the community or the unit
  with a note; done at 100, or when the community says so; its need is then done.

Every step is one ``Platform.writing()`` transaction with its events (item kinds need,
resource, project; ``unit_id`` set on a resource's and a project's). Who may do a step is
asked of ``access``; a refusal is a ``QxyError``. Units are read from the ``units`` table
(the units' own module keeps them); their contact never leaves it here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, String, case, cast, insert, or_, select, update

from cases.quanxinyuan import access, matching
from cases.quanxinyuan import lists_items as items
from cases.quanxinyuan.lists_items import (
    NOTE_CHARS,
    TEXT_CHARS,
    TITLE_CHARS,
    Need,
    Project,
    Resource,
)
from cases.quanxinyuan.lists_reads import ListReads
from cases.quanxinyuan.platform import QxyError, Stale, Step
from cases.quanxinyuan.schema import needs, projects, resources, units


class Lists(ListReads):
    """The lists' steps (and, from ``ListReads``, their reads)."""

    # -- needs ------------------------------------------------------------------------
    def add_need(
        self,
        actor: Any,
        category: object,
        title: object,
        text: object = "",
        quantity: object = 1,
        cell_code: object = None,
        synthetic: bool = False,
    ) -> Need:
        community = access.community_of(actor)
        if community is None:
            raise items.forbidden("list a need: a community lists its needs")
        values = {
            "community_code": community,
            "category": items.category(category),
            "title": items.text(title, "title", TITLE_CHARS, required=True),
            "text": items.text(text, "text", TEXT_CHARS),
            "quantity": items.amount(quantity, "quantity"),
            "cell_code": self._cell(cell_code, community),
            "state": "open",
            "version": 1,
            "synthetic": synthetic,
        }
        with self.platform.writing() as step:
            values["created_at"] = step.at
            need_id = int(
                step.conn.execute(insert(needs).values(**values).returning(needs.c.id)).scalar_one()
            )
            step.record(
                kind="need.add",
                item_kind="need",
                item_id=need_id,
                community_code=community,
                actor=actor.label,
                to_state="open",
                data={"category": values["category"], "quantity": values["quantity"]},
            )
            return self._get_need(step.conn, need_id)

    def _cell(self, cell_code: object, community: str) -> str | None:
        if cell_code in (None, ""):
            return None
        if self.platform.places.community_of_cell(str(cell_code)) != community:
            raise QxyError("bad_cell", f"{cell_code} is not a cell of community {community}")
        return str(cell_code)

    def withdraw_need(self, actor: Any, need_id: int, reason: object = "") -> Need:
        why = items.text(reason, "reason", NOTE_CHARS)
        with self.platform.writing() as step:
            need = self._get_need(step.conn, need_id)
            if not access.may_keep_need(actor, need.community_code):
                raise items.forbidden("withdraw this need")
            if need.state != "open":
                raise QxyError("not_open", f"need {need_id} is {need.state}: not withdrawn", 409)
            self._move_need(step, need, "withdrawn", "need.withdraw", actor, why)
            return self._get_need(step.conn, need_id)

    def _move_need(
        self, step: Step, need: Need, to: str, kind: str, actor: Any, reason: str = ""
    ) -> None:
        done = step.conn.execute(
            update(needs)
            .where(needs.c.id == need.id, needs.c.version == need.version)
            .values(state=to, version=need.version + 1)
        )
        if done.rowcount != 1:
            raise Stale("need", need.id)
        step.record(
            kind=kind,
            item_kind="need",
            item_id=need.id,
            community_code=need.community_code,
            actor=actor.label,
            from_state=need.state,
            to_state=to,
            reason=reason,
        )

    # -- resources --------------------------------------------------------------------
    def add_resource(
        self,
        actor: Any,
        category: object,
        title: object,
        text: object = "",
        capacity: object = 1,
        synthetic: bool = False,
    ) -> Resource:
        unit_id = access.unit_of(actor)
        if unit_id is None:
            raise items.forbidden("offer a resource: a 双报到 unit offers its resources")
        values = {
            "unit_id": unit_id,
            "category": items.category(category),
            "title": items.text(title, "title", TITLE_CHARS, required=True),
            "text": items.text(text, "text", TEXT_CHARS),
            "capacity": items.amount(capacity, "capacity"),
            "committed": 0,
            "state": "available",
            "version": 1,
            "synthetic": synthetic,
        }
        with self.platform.writing() as step:
            unit = self.unit(step.conn, unit_id)
            if unit is None or not unit.active:
                raise QxyError("no_unit", f"unit {unit_id} is not registered (or not active)")
            values["community_code"] = unit.community_code
            values["created_at"] = step.at
            rid = int(
                step.conn.execute(
                    insert(resources).values(**values).returning(resources.c.id)
                ).scalar_one()
            )
            step.record(
                kind="resource.add",
                item_kind="resource",
                item_id=rid,
                community_code=unit.community_code,
                unit_id=unit_id,
                actor=actor.label,
                to_state="available",
                data={"category": values["category"], "capacity": values["capacity"]},
            )
            return self._get_resource(step.conn, rid)

    def withdraw_resource(self, actor: Any, resource_id: int, reason: object = "") -> Resource:
        """No new project takes it; the projects it serves go on."""
        why = items.text(reason, "reason", NOTE_CHARS)
        with self.platform.writing() as step:
            res = self._get_resource(step.conn, resource_id)
            if not access.may_keep_resource(actor, res.unit_id):
                raise items.forbidden("withdraw this resource")
            if res.state == "withdrawn":
                raise QxyError("withdrawn", f"resource {resource_id} is withdrawn already", 409)
            done = step.conn.execute(
                update(resources)
                .where(resources.c.id == res.id, resources.c.version == res.version)
                .values(state="withdrawn", version=res.version + 1)
            )
            if done.rowcount != 1:
                raise Stale("resource", res.id)
            step.record(
                kind="resource.withdraw",
                item_kind="resource",
                item_id=res.id,
                community_code=res.community_code,
                unit_id=res.unit_id,
                actor=actor.label,
                from_state=res.state,
                to_state="withdrawn",
                reason=why,
            )
            return self._get_resource(step.conn, resource_id)

    # -- suggestions and projects -----------------------------------------------------
    def suggestions(self, need_id: int, limit: int = matching.LIMIT) -> list[matching.Suggestion]:
        with self.platform.reading() as conn:
            return self._suggest(conn, self._get_need(conn, need_id), limit)

    def _suggest(self, conn: Connection, need: Need, limit: int) -> list[matching.Suggestion]:
        # Only what can match reaches Python: the need's category, or a unit whose offers
        # (JSON text) name it; ``matching`` then decides (a category is a known word).
        offers_it = cast(units.c.offers, String).like(f'%"{need.category}"%')
        rows = conn.execute(
            select(
                resources.c.id,
                resources.c.unit_id,
                resources.c.category,
                resources.c.capacity - resources.c.committed,
                resources.c.community_code,
                units.c.offers,
            )
            .join(units, units.c.id == resources.c.unit_id)
            .where(
                resources.c.state == "available",
                resources.c.committed < resources.c.capacity,
                units.c.active.is_(True),
                or_(resources.c.category == need.category, offers_it),
            )
        ).all()
        candidates = [
            matching.Candidate(rid, unit, cat, left, where, tuple(offers or ()))
            for rid, unit, cat, left, where, offers in rows
        ]
        asked = matching.Asked(need.category, need.quantity, need.community_code)
        return matching.suggest(asked, candidates, self.platform.places, limit)

    def accept(self, actor: Any, need_id: int, resource_id: int) -> Project:
        """Start the project a suggestion proposes: the resource must be suggested for the
        need now (its reasons are kept with the project)."""
        with self.platform.writing() as step:
            need = self._get_need(step.conn, need_id)
            if not access.may_keep_need(actor, need.community_code):
                raise items.forbidden("accept a match for this need")
            if need.state != "open":
                raise QxyError("not_open", f"need {need_id} is {need.state}: already served", 409)
            found = [
                s for s in self._suggest(step.conn, need, 10_000) if s.resource_id == resource_id
            ]
            if not found:
                raise QxyError(
                    "not_suggested",
                    f"resource {resource_id} is not a match for need {need_id} (now)",
                    409,
                )
            chosen = found[0]
            res = self._take(step, actor, resource_id, chosen.take, need)
            self._move_need(step, need, "matched", "need.match", actor)
            values = {
                "need_id": need.id,
                "resource_id": res.id,
                "community_code": need.community_code,
                "unit_id": res.unit_id,
                "title": need.title,
                "quantity": chosen.take,
                "state": "active",
                "progress": 0,
                "why": {
                    "score": chosen.score,
                    "partial": chosen.partial,
                    "reasons": [r.data() for r in chosen.reasons],
                },
                "created_at": step.at,
                "version": 1,
                "synthetic": need.synthetic,
            }
            pid = int(
                step.conn.execute(
                    insert(projects).values(**values).returning(projects.c.id)
                ).scalar_one()
            )
            step.record(
                kind="project.start",
                item_kind="project",
                item_id=pid,
                community_code=need.community_code,
                unit_id=res.unit_id,
                actor=actor.label,
                to_state="active",
                data={"need_id": need.id, "resource_id": res.id, "quantity": chosen.take},
            )
            return self._get_project(step.conn, pid)

    def _take(self, step: Step, actor: Any, resource_id: int, take: int, need: Need) -> Resource:
        """Take ``take`` of the resource, never past its capacity (a conditional UPDATE)."""
        full = resources.c.committed + take >= resources.c.capacity
        done = step.conn.execute(
            update(resources)
            .where(
                resources.c.id == resource_id,
                resources.c.state == "available",
                resources.c.committed + take <= resources.c.capacity,
            )
            .values(
                committed=resources.c.committed + take,
                state=case((full, "committed"), else_="available"),
                version=resources.c.version + 1,
            )
        )
        if done.rowcount != 1:
            raise QxyError("capacity_used", f"resource {resource_id} has not {take} left", 409)
        res = self._get_resource(step.conn, resource_id)
        step.record(
            kind="resource.take",
            item_kind="resource",
            item_id=res.id,
            community_code=res.community_code,
            unit_id=res.unit_id,
            actor=actor.label,
            from_state="available",
            to_state=res.state,
            data={
                "take": take,
                "committed": res.committed,
                "capacity": res.capacity,
                "need_id": need.id,
            },
        )
        return res

    def report_progress(
        self, actor: Any, project_id: int, progress: object, note: object = ""
    ) -> Project:
        """The community or the unit says how far it is (never back); at 100 it is done."""
        text = items.text(note, "note", NOTE_CHARS)
        if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
            raise QxyError("bad_progress", "progress is a whole number from 0 to 100")
        with self.platform.writing() as step:
            project = self._get_project(step.conn, project_id)
            if not access.may_report_progress(actor, project.community_code, project.unit_id):
                raise items.forbidden("report on this project")
            self._active(project)
            if progress < project.progress:
                raise QxyError(
                    "progress_back", f"progress is {project.progress}% already: not back", 422
                )
            self._move_project(step, actor, project, progress, text)
            return self._get_project(step.conn, project_id)

    def finish(self, actor: Any, project_id: int, note: object = "") -> Project:
        """The community says the project is done, whatever its progress."""
        text = items.text(note, "note", NOTE_CHARS)
        with self.platform.writing() as step:
            project = self._get_project(step.conn, project_id)
            if not access.may_finish_project(actor, project.community_code):
                raise items.forbidden("finish this project")
            self._active(project)
            self._move_project(step, actor, project, None, text)
            return self._get_project(step.conn, project_id)

    @staticmethod
    def _active(project: Project) -> None:
        if project.state != "active":
            raise QxyError("not_active", f"project {project.id} is {project.state}", 409)

    def _move_project(
        self, step: Step, actor: Any, project: Project, progress: int | None, note: str
    ) -> None:
        done = progress is None or progress == 100
        values: dict[str, Any] = {"version": project.version + 1}
        if progress is not None:
            values["progress"] = progress
        if done:
            values.update(state="done", done_at=step.at)
        moved = step.conn.execute(
            update(projects)
            .where(projects.c.id == project.id, projects.c.version == project.version)
            .values(**values)
        )
        if moved.rowcount != 1:
            raise Stale("project", project.id)
        step.record(
            kind="project.done" if done else "project.progress",
            item_kind="project",
            item_id=project.id,
            community_code=project.community_code,
            unit_id=project.unit_id,
            actor=actor.label,
            from_state="active",
            to_state="done" if done else "active",
            reason=note,
            data={"progress": values.get("progress", project.progress)},
        )
        if done:
            need = self._get_need(step.conn, project.need_id)
            if need.state == "matched":
                self._move_need(step, need, "done", "need.done", actor)
