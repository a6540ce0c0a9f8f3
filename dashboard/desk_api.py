"""What the desks read and do over HTTP: lists of cases (server-paged, sorted, filtered in
the asker's view), the operators' queue, one case's sheet and timeline, the earlier
reports a new one may repeat, and one action on many cases in one request.

Each route asks the access policy first; the store reads inside the asker's view and
applies each action with the workflow's rules, exactly as for one case.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from cases import access
from cases.lists import MAX_PAGE, CaseQuery
from cases.model import (
    CaseError,
    Status,
    UnknownCase,
    storable,
)
from cases.store import Store
from cases.workflow import PARAM_NAMES, InvalidAction, action
from dashboard.auth import Auth
from dashboard.bodies import json_object
from dashboard.case_rows import ActorNames, case_row, case_sheet, timeline_entry
from dashboard.cases_api import refusal_body
from dashboard.i18n import pick_lang
from geo.adjacency import neighbours
from geo.grid import Grid

MAX_BATCH = 200  # cases in one bulk action
MAX_LIST_VALUES = 500  # codes in one filter (a lasso of cells)
MAX_REASON = 500


def _error(status: int, error: str, message: str, **extra: Any) -> tuple[Response, int]:
    return jsonify({"error": error, "message": message, **extra}), status


class BadQuery(ValueError):
    """A query parameter the desk cannot read; the message says which and why."""


def _values(name: str, pattern: str = "") -> list[str] | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    values = [v for v in raw.split(",") if v]
    if len(values) > MAX_LIST_VALUES:
        raise BadQuery(f"{name}: at most {MAX_LIST_VALUES} values")
    if any(len(v) > 32 or not v.isprintable() for v in values):
        raise BadQuery(f"{name}: codes of at most 32 characters")
    if pattern == "digits" and any(not (v.isascii() and v.isdigit()) for v in values):
        raise BadQuery(f"{name}: codes of digits")
    return values


def _int(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise BadQuery(f"{name}: a whole number from {low} to {high}")
    return int(raw)


def parse_query() -> CaseQuery:
    """A CaseQuery from the request's arguments (cell=a,b&status=dispatched&risk=overdue
    &sort=deadline&order=desc&limit=50&offset=0&open=1)."""
    statuses = _values("status")
    try:
        parsed_statuses = None if statuses is None else [Status(s) for s in statuses]
    except ValueError:
        raise BadQuery(f"status: one of {', '.join(s.value for s in Status)}") from None
    order = request.args.get("order", "asc")
    if order not in ("asc", "desc"):
        raise BadQuery("order: asc or desc")
    open_only = request.args.get("open", "1")
    if open_only not in ("0", "1"):
        raise BadQuery("open: 1 (open cases only) or 0")
    try:
        return CaseQuery(
            cells=_values("cell", "digits"),
            streets=_values("street", "digits"),
            communities=_values("community", "digits"),
            categories=_values("category"),
            departments=_values("department"),
            statuses=parsed_statuses,
            risks=_values("risk"),
            open_only=open_only == "1",
            sort=request.args.get("sort", "deadline"),
            descending=order == "desc",
            limit=_int("limit", 50, 1, MAX_PAGE),
            offset=_int("offset", 0, 0, 1_000_000),
        )
    except ValueError as exc:
        raise BadQuery(str(exc)) from None


def desk_api(store: Store, grid: Grid, auth: Auth) -> Blueprint:
    bp = Blueprint("desk_api", __name__)

    def lang() -> str:
        return pick_lang(request.args.get("lang"))

    def page_json(page: Any, query_limit: int) -> dict[str, Any]:
        now = store.now()
        return {
            "cases": [case_row(store, grid, c, now, lang()) for c in page.cases],
            "total": page.total,
            "capped": page.capped,
            "offset": page.offset,
            "limit": query_limit,
        }

    @bp.get("/api/cases")
    @auth.require(access.may_list_cases)
    def list_cases() -> tuple[Response, int]:
        view = access.case_view(auth.current_actor())
        assert view is not None  # may_list_cases let us in
        try:
            query = parse_query()
        except BadQuery as exc:
            return _error(400, "invalid_query", str(exc))
        return jsonify(page_json(store.list_cases(view, query), query.limit)), 200

    @bp.get("/api/queue")
    @auth.require(access.may_work_desk)
    def queue() -> tuple[Response, int]:
        try:
            limit, offset = _int("limit", 50, 1, MAX_PAGE), _int("offset", 0, 0, 1_000_000)
        except BadQuery as exc:
            return _error(400, "invalid_query", str(exc))
        return jsonify(page_json(store.desk_queue(limit, offset), limit)), 200

    def visible_case(case_id: int) -> Any:
        """The case, or None where the asker may not see it (worded as unknown)."""
        try:
            case = store.get(case_id)
        except UnknownCase:
            return None
        return case if access.may_see_case(auth.current_actor(), case) else None

    @bp.get("/api/cases/<int:case_id>/sheet")
    @auth.require(access.may_read_case_detail)
    def sheet(case_id: int) -> tuple[Response, int]:
        case = visible_case(case_id)
        if case is None:
            return _error(404, "unknown_case", str(UnknownCase(case_id)))
        actor = auth.current_actor()
        assert actor is not None
        return jsonify(case_sheet(store, grid, case, actor, store.now(), lang())), 200

    @bp.get("/api/cases/<int:case_id>/timeline")
    @auth.require(access.may_read_case_detail)
    def timeline(case_id: int) -> tuple[Response, int]:
        if visible_case(case_id) is None:
            return _error(404, "unknown_case", str(UnknownCase(case_id)))
        names = ActorNames(auth.users, lang())
        entries = [timeline_entry(ev, names, lang()) for ev in store.timeline(case_id)]
        return jsonify({"case": case_id, "events": entries}), 200

    @bp.get("/api/cases/<int:case_id>/duplicates")
    @auth.require(access.may_work_desk)
    def duplicates(case_id: int) -> tuple[Response, int]:
        case = visible_case(case_id)
        if case is None:
            return _error(404, "unknown_case", str(UnknownCase(case_id)))
        found = store.possible_duplicates(case, neighbours(grid, case.cell_code))
        now = store.now()
        rows = [case_row(store, grid, c, now, lang()) for c in found]
        return jsonify({"case": case_id, "duplicates": rows}), 200

    @bp.post("/api/cases/actions/<name>")
    @auth.require(access.may_ask_actions)
    def bulk_action(name: str) -> tuple[Response, int]:
        """One action on many cases, each with the version its asker saw; each case is its
        own transaction and its own answer (one refused case does not stop the others)."""
        actor = auth.current_actor()
        assert actor is not None
        try:
            action(name)
        except InvalidAction as exc:
            return _error(404, "unknown_action", str(exc))
        body = json_object()
        if body is None:
            return _error(400, "invalid_body", "send a JSON object")
        items = body.get("cases")
        if not isinstance(items, list) or not 1 <= len(items) <= MAX_BATCH:
            return _error(400, "invalid_body", f"cases: a list of 1 to {MAX_BATCH} cases")
        wanted: list[tuple[int, int]] = []
        for item in items:
            ok = isinstance(item, dict)
            case_id, version = (item.get("id"), item.get("expected_version")) if ok else (0, 0)
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in (case_id, version)):
                return _error(400, "invalid_body", "each case: {id, expected_version}")
            wanted.append((case_id, version))
        if len({case_id for case_id, _ in wanted}) != len(wanted):
            return _error(400, "invalid_body", "each case at most once")
        reason = body.get("reason", "")
        if not isinstance(reason, str) or len(reason) > MAX_REASON or not storable(reason):
            return _error(400, "invalid_body", f"reason: a text of at most {MAX_REASON} characters")
        params = {k: body[k] for k in PARAM_NAMES if k in body}
        results = [
            apply_one(store, grid, auth, actor, name, case_id, version, reason, params)
            for case_id, version in wanted
        ]
        done = sum(1 for r in results if r["ok"])
        return jsonify({"action": name, "done": done, "results": results}), 200

    return bp


def apply_one(
    store: Store,
    grid: Grid,
    auth: Auth,
    actor: Any,
    name: str,
    case_id: int,
    version: int,
    reason: str,
    params: dict[str, Any],
) -> dict[str, Any]:
    """One case of a bulk action: its new row, or why it was refused."""
    lang = pick_lang(request.args.get("lang"))
    try:
        ev = store.apply(case_id, name, actor, reason, expected_version=version, **params)
    except CaseError as exc:
        return {"id": case_id, "ok": False, **refusal_body(store, auth, case_id, exc)}
    case = store.get(case_id)
    row = case_row(store, grid, case, store.now(), lang)
    return {"id": case_id, "ok": True, "seq": ev.seq, "case": row}
