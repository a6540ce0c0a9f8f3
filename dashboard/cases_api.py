"""Case work over HTTP: lifecycle actions, case detail, KPIs and the catalog.

Each route checks who is asking; the store checks again what that role may do.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Response, jsonify, request

from cases import access, clock
from cases.catalog import CatalogError, as_row
from cases.kpi import compute_kpis, definitions
from cases.model import CaseError, Conflict, Forbidden, InvalidTransition, UnknownCase, storable
from cases.rollup import DIMENSIONS
from cases.store import Store
from cases.workflow import PARAM_NAMES, InvalidAction
from dashboard.auth import Auth
from dashboard.bodies import json_object
from dashboard.case_rows import conflict_detail
from dashboard.i18n import pick_lang

MAX_PERIOD_DAYS = 366


def _error(status: int, error: str, message: str, **extra: Any) -> tuple[Response, int]:
    return jsonify({"error": error, "message": message, **extra}), status


# A case's fields that name its reporter: shown only where the access policy says so.
PERSONAL_FIELDS = ("reporter",)


def _case_json(case: Any, actor: Any = None) -> dict[str, Any]:
    row = {k: v for k, v in vars(case).items()}
    if not access.may_see_personal_data(actor, case):
        for name in PERSONAL_FIELDS:
            row.pop(name, None)
    row["status"] = case.status.value
    for key, value in row.items():
        if hasattr(value, "isoformat"):
            row[key] = clock.iso_local(value)
    return row


# A refused action's status and error code, by the kind of refusal (the first that fits).
REFUSALS: tuple[tuple[type[CaseError], int, str], ...] = (
    (UnknownCase, 404, "unknown_case"),  # OutOfView too: worded as a case that does not exist
    (InvalidAction, 404, "unknown_action"),
    (Forbidden, 403, "forbidden"),
    (Conflict, 409, "conflict"),
    (InvalidTransition, 409, "invalid_transition"),
    (CaseError, 400, "refused"),
)


def refusal_of(exc: CaseError) -> tuple[int, str]:
    return next((status, code) for kind, status, code in REFUSALS if isinstance(exc, kind))


def refusal_body(store: Store, auth: Auth, case_id: int, exc: CaseError) -> dict[str, Any]:
    """What a refused action answers: the error, the message in English and Chinese, and
    for a 409 who changed the case and what it is now (the desk shows it, offers a reload)."""
    _status, error = refusal_of(exc)
    body: dict[str, Any] = {"error": error, "message": str(exc)}
    if exc.zh:
        body["message_zh"] = exc.zh
    if isinstance(exc, Conflict | InvalidTransition):
        body["current_status"] = exc.current.value
        lang = pick_lang(request.args.get("lang"))
        body.update(conflict_detail(store, auth.users, case_id, lang))
    return body


def refused(store: Store, auth: Auth, case_id: int, exc: CaseError) -> tuple[Response, int]:
    return jsonify(refusal_body(store, auth, case_id, exc)), refusal_of(exc)[0]


def cases_api(store: Store, auth: Auth) -> Blueprint:
    bp = Blueprint("cases_api", __name__)

    @bp.post("/api/cases/<int:case_id>/actions/<name>")
    @auth.require(access.may_ask_actions)
    def take_action(case_id: int, name: str) -> tuple[Response, int]:
        actor = auth.current_actor()
        assert actor is not None  # require() let us in
        body = json_object()
        if body is None:
            return _error(400, "invalid_body", "send a JSON object")
        version = body.get("expected_version")
        if isinstance(version, bool) or not isinstance(version, int):
            return _error(400, "invalid_body", "expected_version: the case version you saw")
        reason = body.get("reason", "")
        if not isinstance(reason, str) or len(reason) > 500 or not storable(reason):
            return _error(400, "invalid_body", "reason: a text of at most 500 characters (no NUL)")
        # The workflow's table says which parameters each action takes and checks them.
        params = {k: body[k] for k in PARAM_NAMES if k in body}
        try:
            ev = store.apply(case_id, name, actor, reason, expected_version=version, **params)
        except CaseError as exc:
            return refused(store, auth, case_id, exc)
        case = store.get(case_id)
        return jsonify({"seq": ev.seq, "case": _case_json(case, actor)}), 200

    @bp.get("/api/cases/<int:case_id>")
    @auth.require(access.may_read_case_detail)
    def case_detail(case_id: int) -> tuple[Response, int]:
        actor = auth.current_actor()
        try:
            case = store.get(case_id)
        except UnknownCase as exc:
            return _error(404, "unknown_case", str(exc))
        if not access.may_see_case(actor, case):
            # Worded as a case that does not exist: no answer tells whose case it is.
            return _error(404, "unknown_case", str(UnknownCase(case_id)))
        return jsonify({"case": _case_json(case, actor), "risk": case.risk(store.now())}), 200

    @bp.get("/api/kpis")
    @auth.require(access.may_see_kpis)
    def kpis() -> tuple[Response, int]:
        today = clock.as_utc(store.now()).astimezone(clock.LOCAL_TZ).date()
        try:
            end = date.fromisoformat(request.args.get("end", today.isoformat()))
            start = date.fromisoformat(
                request.args.get("start", (end - timedelta(days=29)).isoformat())
            )
        except (ValueError, OverflowError):
            return _error(400, "invalid_query", "start and end are dates: YYYY-MM-DD")
        if (
            not 0 <= (end - start).days <= MAX_PERIOD_DAYS
            or not 2000 <= start.year <= end.year <= 2100
        ):
            return _error(400, "invalid_query", f"a period is 1 to {MAX_PERIOD_DAYS} days")
        dim = request.args.get("dim", "district")
        if dim not in DIMENSIONS:
            return _error(400, "invalid_query", f"dim: one of {', '.join(DIMENSIONS)}")
        try:
            result = compute_kpis(store, dim, start, end)
        except ValueError as exc:
            return _error(400, "invalid_query", str(exc))
        return jsonify(
            {"dim": dim, "start": start.isoformat(), "end": end.isoformat(), "kpis": result}
        ), 200

    @bp.get("/api/kpis/definitions")
    def kpi_definitions() -> Response:
        return jsonify(definitions(request.args.get("lang", "zh")))

    @bp.get("/api/catalog")
    @auth.require(access.may_read_catalog)
    def catalog() -> Response:
        cat = store.catalog
        return jsonify(
            {
                "departments": [as_row(d) for d in cat.departments.values()],
                "categories": [as_row(c) for c in cat.categories.values()],
            }
        )

    @bp.put("/api/catalog/<kind>/<code>")
    @auth.require(access.may_edit_catalog)
    def save_catalog_item(kind: str, code: str) -> tuple[Response, int]:
        """Admins add or change a category or a department; in force at once."""
        savers: dict[str, tuple[str, Any, Any]] = {
            "categories": (
                "invalid_category",
                store.save_category,
                lambda: store.catalog.category(code),
            ),
            "departments": (
                "invalid_department",
                store.save_department,
                lambda: store.catalog.departments[code],
            ),
        }
        if kind not in savers:
            return _error(404, "unknown_catalog", "categories or departments")
        actor = auth.current_actor()
        assert actor is not None
        body = json_object()
        if body is None:
            return _error(400, "invalid_body", "send a JSON object")
        error, save, saved = savers[kind]
        try:
            save({**body, "code": code}, actor)
        except (CatalogError, CaseError) as exc:
            return _error(400, error, str(exc))
        return jsonify(as_row(saved())), 200

    return bp
