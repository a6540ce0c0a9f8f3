"""微治理 on the web: the public's upload and "my problems" (/qxy), the community's desk of
problems (/community), and their API:

    POST /api/qxy/problems               the public: {category, text, lon, lat, crs,
                                         report_id, photos} → 201 (a resend: 200, the same)
    GET  /api/qxy/problems/mine          the public: their own problems
    GET  /api/qxy/problems?state=…       a community (its own, with who reported) or the
                                         center (all, without personal data)
    GET  /api/qxy/problems/<id>          whoever may read it (access.may_read_problem)
    POST /api/qxy/problems/<id>/accept   the community: {expected_version?}
    POST /api/qxy/problems/<id>/solve    the community: {note, expected_version?}
    POST /api/qxy/problems/<id>/reject   the community: {reason, expected_version?}
    POST /api/qxy/problems/<id>/to-case  the community: {category?} → a case through the
                                         one intake (source wish, external id
                                         qxy-problem-<id>), linked both ways

When a case closes (the case bus), the problem it was made of is marked solved.
"""

from __future__ import annotations

import contextlib
from html import escape
from typing import TYPE_CHECKING, Any

from flask import Blueprint, jsonify, request
from flask_limiter.util import get_remote_address

from cases.model import Event, Status
from cases.quanxinyuan import access
from cases.quanxinyuan.photos import MAX_PHOTOS, decode
from cases.quanxinyuan.platform import QxyError
from cases.quanxinyuan.problems import (
    MAX_NOTE,
    MAX_TEXT,
    PROBLEM_CATEGORIES,
    STATES,
    STEPS,
    Problem,
    Problems,
    grid_locator,
)
from dashboard.i18n import labels
from dashboard.quanxinyuan.frame import Section
from dashboard.quanxinyuan.photos_api import viewer_of
from feeds.intake import Rejection

if TYPE_CHECKING:
    from dashboard.quanxinyuan import Parts

PHOTO = {"maxSide": 1600, "quality": 0.8, "maxCount": MAX_PHOTOS}  # shrunk on the phone
UPLOAD_LIMIT = "30 per hour"  # per signed-in person (a resend counts too)
PUBLIC_REFRESH_MS = 30_000  # the phone re-reads its problems (the case's state) this often
PHONE_CRS = "wgs84"  # navigator.geolocation; apps on Chinese map SDKs send gcj02 / bd09
URLS = {
    "list": "/api/qxy/problems",
    "mine": "/api/qxy/problems/mine",
    "one": "/api/qxy/problems/{id}",
    "action": "/api/qxy/problems/{id}/{action}",
    "upload": "/api/qxy/problems",
}


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise QxyError("body", "send a JSON object", 400)
    return body


def _version(body: dict[str, Any]) -> int | None:
    value = body.get("expected_version")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise QxyError("expected_version", "expected_version: a whole number", 400)
    return value


def problem_json(problem: Problem, viewer: Any, grid: Any) -> dict[str, Any]:
    """As ``viewer`` may see it, with its cell's name (the grid's) for people to read."""
    out = problem.as_json(personal=access.may_see_problem_reporter(viewer, problem.community_code))
    try:
        out["place"] = grid.names[grid.index_of(problem.cell_code)]
    except KeyError:  # a cell of an earlier grid
        out["place"] = problem.cell_code
    return out


def case_maker(parts: Parts) -> Any:
    """The one intake, as ``problems.CaseMaker``: its refusals become the platform's."""
    intake = parts.core.intake

    def make(body: dict[str, Any], sender: str) -> int:
        try:
            return int(intake.accept(body, sender=sender).case.id)
        except Rejection as refused:
            raise QxyError(refused.error, refused.message, refused.status) from None

    return make


def build(parts: Parts) -> Blueprint:
    problems = Problems(parts.platform, parts.photos, grid_locator(parts.core.grid))
    parts.problems = problems
    grid = parts.core.grid
    make_case = case_maker(parts)

    def on_case_event(event: Event) -> None:
        if event.to_status is Status.CLOSED:
            # Raced by another process's close or a settle(): solved once either way.
            with contextlib.suppress(QxyError):
                problems.case_closed(event.case_id, Status.CLOSED.value)

    parts.core.bus.subscribe(on_case_event)
    bp = Blueprint("qxy_problems", __name__)

    def staff() -> Any:
        actor = parts.web.auth.current_actor()
        if actor is None:
            raise QxyError("unauthenticated", "sign in first", 401)
        return actor

    def uploader() -> str:
        person = parts.public.current()
        return f"qxy-public:{person.id}" if person is not None else get_remote_address()

    @bp.post("/api/qxy/problems")
    @parts.web.limits.limiter.limit(UPLOAD_LIMIT, key_func=uploader)
    def upload() -> Any:
        person = parts.public.current()
        if person is None:
            raise QxyError("signed_out", "sign in with your phone", 401)
        body = _body()
        found, created = problems.upload(
            person,
            category=body.get("category"),
            text=body.get("text"),
            lon=body.get("lon"),
            lat=body.get("lat"),
            crs=body.get("crs", "wgs84"),
            report_id=body.get("report_id"),
            photos=decode(body.get("photos")),
        )
        return jsonify(problem_json(found, person, grid)), 201 if created else 200

    @bp.get("/api/qxy/problems/mine")
    def mine() -> Any:
        person = parts.public.current()
        if person is None:
            raise QxyError("signed_out", "sign in with your phone", 401)
        found = problems.find(person_id=person.id, limit=100)
        return jsonify({"problems": [problem_json(p, person, grid) for p in found]})

    @bp.get("/api/qxy/problems")
    def listing() -> Any:
        actor = staff()
        if not access.may_list_problems(actor):
            raise QxyError("forbidden", "problems are for communities and the center", 403)
        states = tuple(s for s in request.args.get("state", "").split(",") if s)
        if any(s not in STATES for s in states):
            raise QxyError("state", f"state: any of {', '.join(STATES)}", 400)
        community = access.community_of(actor)
        if community is None:  # the center: any community, or all
            asked = request.args.get("community") or None
            community = asked
        found = problems.find(community=community, states=states or None)
        return jsonify({"problems": [problem_json(p, actor, grid) for p in found]})

    @bp.get("/api/qxy/problems/<int:problem_id>")
    def one(problem_id: int) -> Any:
        viewer = viewer_of(parts)
        return jsonify(problem_json(problems.for_viewer(viewer, problem_id), viewer, grid))

    @bp.post("/api/qxy/problems/<int:problem_id>/<action>")
    def act(problem_id: int, action: str) -> Any:
        actor = staff()
        body = _body()
        # Nothing of a problem is told to someone who may not read it.
        problems.for_viewer(actor, problem_id)
        if action == "accept":
            done = problems.accept(actor, problem_id, _version(body))
        elif action == "solve":
            done = problems.solve(actor, problem_id, body.get("note"), _version(body))
        elif action == "reject":
            done = problems.reject(actor, problem_id, body.get("reason"), _version(body))
        elif action == "to-case":
            category = body.get("category")
            if category is not None and (
                not isinstance(category, str) or category not in parts.core.store.catalog.categories
            ):
                raise QxyError("category", "category: a catalog category code", 400)
            done = problems.to_case(actor, problem_id, make_case, category)
        else:
            raise QxyError("action", "accept, solve, reject or to-case", 404)
        return jsonify(problem_json(done, actor, grid))

    return bp


# -- the sections ---------------------------------------------------------------------------
def _t(lang: str) -> Any:
    w = labels(lang)
    return lambda key: escape(w[key])


def community_html(lang: str) -> str:
    t = _t(lang)
    chips = "".join(
        f'<button type="button" class="qx-chip" data-state="{s}">{t("problem_state_" + s)}'
        f'<span class="qx-n" data-state-count="{s}"></span></button>'
        for s in STATES
    )
    return f"""<div class="qp-desk"><div class="qp-filter" role="group"
 aria-label="{t("problem_by_state")}"><button type="button" class="qx-chip" data-state=""
 aria-pressed="true">{t("problem_all")}</button>{chips}</div>
<p id="qp-desk-msg" class="qx-msg" role="status"></p>
<ul id="qp-desk-list" class="qx-list qp-list"></ul></div>"""


def public_html(lang: str) -> str:
    t = _t(lang)
    zh = lang != "en"
    options = "".join(
        f'<option value="{code}">{escape(zh_name if zh else en_name)}</option>'
        for code, (zh_name, en_name, _case) in PROBLEM_CATEGORIES.items()
    )
    return f"""<form id="qp-form" class="qx-card qx-form" novalidate>
<h2>{t("problem_upload_title")}</h2><p class="qx-meta">{t("problem_upload_intro")}</p>
<label>{t("problem_category")}<select id="qp-category" name="category" required>
<option value="">{t("problem_choose")}</option>{options}</select></label>
<label>{t("problem_text")}<textarea id="qp-text" name="text" rows="4" maxlength="{MAX_TEXT}"
 placeholder="{t("problem_text_hint")}"></textarea></label>
<div class="qp-photos"><label class="qx-btn qx-quiet qp-photo-btn">{t("problem_add_photo")}
<input id="qp-photo" type="file" accept="image/*" capture="environment" multiple hidden></label>
<div id="qp-thumbs" class="qx-thumbs"></div></div>
<div class="qp-where"><span id="qp-position" class="qx-meta">{t("problem_no_position")}</span>
<button id="qp-locate" type="button" class="qx-btn qx-quiet">{t("problem_locate")}</button></div>
<p id="qp-msg" class="qx-msg" role="status"></p>
<button id="qp-send" class="qx-btn qx-big" type="submit">{t("problem_send")}</button></form>
<h2 class="qp-mine-title">{t("problem_mine")}</h2>
<ul id="qp-mine" class="qx-list qp-list"></ul>"""


def _categories(lang: str) -> dict[str, str]:
    return {c: (v[1] if lang == "en" else v[0]) for c, v in PROBLEM_CATEGORIES.items()}


def _case_statuses(lang: str) -> dict[str, str]:
    return {s.value: (s.value if lang == "en" else s.label_zh) for s in Status}


def community_config(ctx: Any) -> dict[str, Any]:
    catalog = ctx.core.store.catalog
    en = ctx.lang == "en"
    return {
        "urls": URLS,
        "states": list(STATES),
        # the steps each state allows (the domain's rule: problems.STEPS)
        "actions": {s: [a for a, froms in STEPS.items() if s in froms] for s in STATES},
        "categories": _categories(ctx.lang),
        "caseStatuses": _case_statuses(ctx.lang),
        "caseCategories": [
            {"code": c.code, "name": f"{c.code} {c.name_en if en else c.name_zh}"}
            for c in catalog.categories.values()
        ],
        "defaultCaseCategory": {c: v[2] for c, v in PROBLEM_CATEGORIES.items()},
        "maxNote": MAX_NOTE,
    }


def public_config(ctx: Any) -> dict[str, Any]:
    return {
        "urls": URLS,
        "categories": _categories(ctx.lang),
        "caseStatuses": _case_statuses(ctx.lang),
        "photo": dict(PHOTO),
        "crs": PHONE_CRS,
        "maxText": MAX_TEXT,
        "refreshMs": PUBLIC_REFRESH_MS,
    }


SCRIPTS = ("gridcc/qxyproblems.js",)
STYLES = ("qxyproblems.css",)
SECTIONS = {
    "community": Section(
        name="problems",
        tab="problem_tab",
        html=community_html,
        config=community_config,
        scripts=SCRIPTS,
        styles=STYLES,
        words=("problem_",),
    ),
    "public": Section(
        name="problems",
        tab="problem_tab_public",
        html=public_html,
        config=public_config,
        scripts=SCRIPTS,
        styles=STYLES,
        words=("problem_",),
    ),
}


def _may_see_photo(parts: Parts, viewer: Any, problem_id: int) -> bool:
    try:
        parts.problems.for_viewer(viewer, problem_id)
    except QxyError:
        return False
    return True


MAY_SEE_PHOTO = {"problem": _may_see_photo}
