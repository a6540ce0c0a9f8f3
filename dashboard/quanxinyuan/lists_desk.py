"""三张清单 on the web: the routes of needs, resources, projects and a need's suggested
matches (/api/qxy/needs…, /api/qxy/resources…, /api/qxy/projects…), and the lists' tab on
the community's desk and on a unit's page (``lists_panes``; ``assets/gridcc/qxylists.js``).

Every route asks ``cases.quanxinyuan.access`` (the lists' section): who reads what here,
and the store's steps ask it again for each change. A unit's contact is never sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, jsonify, request

from cases.quanxinyuan import access
from cases.quanxinyuan.lists import Lists
from cases.quanxinyuan.lists_items import Need, Project, Resource, Unit
from cases.quanxinyuan.platform import NotFound, QxyError
from dashboard.quanxinyuan import lists_panes

if TYPE_CHECKING:
    from dashboard.quanxinyuan import Parts

LIST_LIMIT = 200  # the newest items a list sends

SECTIONS = lists_panes.SECTIONS


class Views:
    """Items as the screens get them: places and units by name, never a contact."""

    def __init__(self, lists: Lists) -> None:
        self.lists = lists
        self.places = lists.platform.places

    def _where(self, community_code: str) -> dict[str, str]:
        place = self.places.communities.get(community_code)
        return {
            "community": place.community_name if place else community_code,
            "street": place.street_name if place else "",
        }

    def need(self, n: Need) -> dict[str, Any]:
        return {
            "id": n.id,
            "community_code": n.community_code,
            **self._where(n.community_code),
            "cell_code": n.cell_code,
            "category": n.category,
            "title": n.title,
            "text": n.text,
            "quantity": n.quantity,
            "state": n.state,
            "created_at": n.created_at.isoformat(),
            "version": n.version,
        }

    def resource(self, r: Resource, unit: Unit | None) -> dict[str, Any]:
        return {
            "id": r.id,
            "unit_id": r.unit_id,
            "unit": unit.name if unit else r.unit_id,
            "unit_level": unit.level if unit else "",
            "community_code": r.community_code,
            **self._where(r.community_code),
            "category": r.category,
            "title": r.title,
            "text": r.text,
            "capacity": r.capacity,
            "committed": r.committed,
            "remaining": r.remaining,
            "state": r.state,
            "created_at": r.created_at.isoformat(),
        }

    def resources(self, found: list[Resource]) -> list[dict[str, Any]]:
        units = self.lists.units([r.unit_id for r in found])
        return [self.resource(r, units.get(r.unit_id)) for r in found]

    def projects(self, found: list[Project], with_needs: bool) -> list[dict[str, Any]]:
        units = self.lists.units([p.unit_id for p in found])
        needs = {n.id: n for n in self.lists.needs(ids=[p.need_id for p in found])}
        notes = self.lists.last_notes([p.id for p in found])
        out = []
        for p in found:
            unit = units.get(p.unit_id)
            need = needs.get(p.need_id)
            out.append(
                {
                    "id": p.id,
                    "need_id": p.need_id,
                    "resource_id": p.resource_id,
                    "community_code": p.community_code,
                    **self._where(p.community_code),
                    "unit_id": p.unit_id,
                    "unit": unit.name if unit else p.unit_id,
                    "title": p.title,
                    "quantity": p.quantity,
                    "state": p.state,
                    "progress": p.progress,
                    "why": p.why,
                    "last_note": notes.get(p.id, ""),
                    "created_at": p.created_at.isoformat(),
                    "done_at": p.done_at.isoformat() if p.done_at else None,
                    "need": self.need(need) if with_needs and need is not None else None,
                }
            )
        return out


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise QxyError("bad_body", "send a JSON object", 400)
    return body


def _id(body: dict[str, Any], key: str) -> int:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise QxyError(f"bad_{key}", f"{key} is a number")
    return value


def build(parts: Parts) -> Blueprint:
    lists = Lists(parts.platform)
    parts.lists = lists
    views = Views(lists)
    auth = parts.web.auth
    bp = Blueprint("qxy_lists", __name__)
    guard = auth.require(access.may_read_platform)

    def actor() -> Any:
        return auth.current_actor()

    def visible_need(need_id: int) -> Need:
        need = lists.need(need_id)
        served = frozenset(p.unit_id for p in lists.projects(need_id=need_id))
        if not access.may_see_need(actor(), need.community_code, served):
            raise NotFound("need", need_id)
        return need

    # -- needs --------------------------------------------------------------------------
    @bp.get("/api/qxy/needs")
    @guard
    def need_list() -> Any:
        who = actor()
        if (code := access.community_of(who)) is not None:
            found = lists.needs(community_code=code)
        elif (unit := access.unit_of(who)) is not None:
            found = lists.needs(ids=[p.need_id for p in lists.projects(unit_id=unit)])
        else:
            found = lists.needs(community_code=request.args.get("community") or None)
        return jsonify({"needs": [views.need(n) for n in found[:LIST_LIMIT]]})

    @bp.post("/api/qxy/needs")
    @guard
    def need_add() -> Any:
        b = _body()
        need = lists.add_need(
            actor(),
            b.get("category"),
            b.get("title"),
            b.get("text", ""),
            b.get("quantity", 1),
            b.get("cell_code"),
        )
        return jsonify(views.need(need)), 201

    @bp.get("/api/qxy/needs/<int:need_id>")
    @guard
    def need_one(need_id: int) -> Any:
        return jsonify(views.need(visible_need(need_id)))

    @bp.post("/api/qxy/needs/<int:need_id>/withdraw")
    @guard
    def need_withdraw(need_id: int) -> Any:
        visible_need(need_id)
        need = lists.withdraw_need(actor(), need_id, _body().get("reason", ""))
        return jsonify(views.need(need))

    @bp.get("/api/qxy/needs/<int:need_id>/suggestions")
    @guard
    def need_suggestions(need_id: int) -> Any:
        need = visible_need(need_id)
        if not access.may_see_suggestions(actor(), need.community_code):
            raise NotFound("need", need_id)
        found = lists.suggestions(need_id) if need.state == "open" else []
        shown = {
            r["id"]: r for r in views.resources(lists.resources(ids=[s.resource_id for s in found]))
        }
        return jsonify(
            {"suggestions": [{**s.data(), "resource": shown[s.resource_id]} for s in found]}
        )

    @bp.post("/api/qxy/needs/<int:need_id>/accept")
    @guard
    def need_accept(need_id: int) -> Any:
        visible_need(need_id)
        project = lists.accept(actor(), need_id, _id(_body(), "resource_id"))
        return jsonify(views.projects([project], with_needs=True)[0]), 201

    # -- resources ----------------------------------------------------------------------
    def visible_resource(resource_id: int) -> Resource:
        res = lists.resource(resource_id)
        who = actor()
        code = access.community_of(who)
        serves = code is not None and any(
            p.resource_id == resource_id for p in lists.projects(community_code=code)
        )
        if not access.may_see_resource(who, res.unit_id, res.state == "available", serves):
            raise NotFound("resource", resource_id)
        return res

    @bp.get("/api/qxy/resources")
    @guard
    def resource_list() -> Any:
        who = actor()
        if (unit := access.unit_of(who)) is not None:
            found = lists.resources(unit_id=unit)
        elif (code := access.community_of(who)) is not None:
            serving = {p.resource_id for p in lists.projects(community_code=code)}
            pool = lists.resources(available=True)
            found = pool + [r for r in lists.resources(ids=serving) if r.state != "available"]
        else:
            found = lists.resources()
        return jsonify({"resources": views.resources(found[:LIST_LIMIT])})

    @bp.post("/api/qxy/resources")
    @guard
    def resource_add() -> Any:
        b = _body()
        res = lists.add_resource(
            actor(), b.get("category"), b.get("title"), b.get("text", ""), b.get("capacity", 1)
        )
        return jsonify(views.resources([res])[0]), 201

    @bp.get("/api/qxy/resources/<int:resource_id>")
    @guard
    def resource_one(resource_id: int) -> Any:
        return jsonify(views.resources([visible_resource(resource_id)])[0])

    @bp.post("/api/qxy/resources/<int:resource_id>/withdraw")
    @guard
    def resource_withdraw(resource_id: int) -> Any:
        visible_resource(resource_id)
        res = lists.withdraw_resource(actor(), resource_id, _body().get("reason", ""))
        return jsonify(views.resources([res])[0])

    # -- projects -----------------------------------------------------------------------
    def visible_project(project_id: int) -> Project:
        project = lists.project(project_id)
        if not access.may_see_project(actor(), project.community_code, project.unit_id):
            raise NotFound("project", project_id)
        return project

    @bp.get("/api/qxy/projects")
    @guard
    def project_list() -> Any:
        who = actor()
        if (code := access.community_of(who)) is not None:
            found = lists.projects(community_code=code)
        elif (unit := access.unit_of(who)) is not None:
            found = lists.projects(unit_id=unit)
        else:
            found = lists.projects(community_code=request.args.get("community") or None)
        return jsonify({"projects": views.projects(found[:LIST_LIMIT], with_needs=True)})

    @bp.get("/api/qxy/projects/<int:project_id>")
    @guard
    def project_one(project_id: int) -> Any:
        return jsonify(views.projects([visible_project(project_id)], with_needs=True)[0])

    @bp.post("/api/qxy/projects/<int:project_id>/progress")
    @guard
    def project_progress(project_id: int) -> Any:
        visible_project(project_id)
        b = _body()
        project = lists.report_progress(actor(), project_id, b.get("progress"), b.get("note", ""))
        return jsonify(views.projects([project], with_needs=True)[0])

    @bp.post("/api/qxy/projects/<int:project_id>/done")
    @guard
    def project_done(project_id: int) -> Any:
        visible_project(project_id)
        project = lists.finish(actor(), project_id, _body().get("note", ""))
        return jsonify(views.projects([project], with_needs=True)[0])

    return bp
