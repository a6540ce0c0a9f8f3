"""微志愿 on the web: the community's tab (publish a call, each call's live "7 of 10 signed
up, 2 reported" and its sign-up list, close or cancel, import teams), the public's tab
(become a volunteer, the open calls, sign up, their own sign-ups with check-in and a
report with a photo), and their API routes.

Routes (each asks ``cases.quanxinyuan.access``; the domain asks again):
  staff   GET /api/qxy/calls (the community: its calls with sign-ups; the center: every
          call, counts only); POST /api/qxy/calls (publish); POST /api/qxy/calls/<id>/close,
          /cancel; GET /api/qxy/teams; POST /api/qxy/teams/import; GET /api/qxy/volunteers
  public  GET /api/qxy/calls/open, /api/qxy/calls/mine; POST /api/qxy/calls/<id>/signup,
          /withdraw, /checkin, /report; POST /api/qxy/volunteer; GET /api/qxy/teams?community=
"""

from __future__ import annotations

import logging
from html import escape
from typing import TYPE_CHECKING, Any

from flask import Blueprint, jsonify, request
from flask_limiter.util import get_remote_address

from cases import clock
from cases.quanxinyuan import access
from cases.quanxinyuan.call_model import CHECK_IN_BEFORE
from cases.quanxinyuan.calls import MAX_WANTED, Calls
from cases.quanxinyuan.photos import decode
from cases.quanxinyuan.platform import QxyError
from cases.quanxinyuan.residents import PublicPerson
from cases.quanxinyuan.volunteers import Volunteers
from dashboard.i18n import labels
from dashboard.quanxinyuan.frame import PageContext, Section
from dashboard.quanxinyuan.photos_api import viewer_of
from dashboard.quanxinyuan.public_auth import me_json

if TYPE_CHECKING:
    from dashboard.quanxinyuan import Parts

_log = logging.getLogger(__name__)
PHOTO = {"maxSide": 1280, "quality": 0.8, "maxCount": 2}  # resized on the phone first
PUBLIC_STEP_LIMIT = "30 per minute"  # a phone's steps (sign up, check in, report…)
PUBLIC_REFRESH_MS = 20_000  # the phone page has no socket: it re-reads while visible
SCRIPTS = ("gridcc/qxycalls.js",)
STYLES = ("qxycalls.css",)


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise QxyError("body", "send a JSON object", 400)
    return body


def _staff(parts: Parts) -> Any:
    actor = parts.web.auth.current_actor()
    if actor is None:
        raise QxyError("signed_out", "sign in first", 401)
    return actor


def _person(parts: Parts) -> PublicPerson:
    person = parts.public.current()
    if person is None:
        raise QxyError("signed_out", "sign in with your phone", 401)
    return person


def _volunteer(parts: Parts) -> PublicPerson:
    person = _person(parts)
    if not access.may_sign_up(person):
        raise QxyError("not_volunteer", "become a volunteer first", 403)
    return person


class Finisher:
    """Marks the calls past their end done (``Calls.finish_due``) when calls are read: one
    indexed SELECT when none is due, no thread to stop, and idempotent across processes
    (each call's end is one conditional UPDATE)."""

    def __init__(self, calls: Calls) -> None:
        self.calls = calls

    def __call__(self) -> None:
        try:
            self.calls.finish_due()
        except Exception:  # the read still answers; the next one tries again
            _log.exception("finishing the calls past their end failed")


def build(parts: Parts) -> Blueprint:
    volunteers = Volunteers(parts.platform, parts.residents)
    calls = Calls(parts.platform, parts.photos)
    parts.teams = volunteers
    parts.calls = calls
    finish = Finisher(calls)
    bp = Blueprint("qxy_calls", __name__)

    def person_key() -> str:
        person = parts.public.current()
        return f"qxy-public:{person.id}" if person is not None else get_remote_address()

    limited = parts.web.limits.limiter.limit(PUBLIC_STEP_LIMIT, key_func=person_key)

    # -- the community (and the center's reads) ------------------------------------------
    @bp.get("/api/qxy/calls")
    def list_calls() -> Any:
        actor = _staff(parts)
        if not access.may_read_calls(actor):
            raise QxyError("forbidden", "the calls are the communities' and the center's", 403)
        finish()
        code = access.community_of(actor)
        if code is not None:
            return jsonify({"calls": calls.of_community(actor, code)})
        return jsonify({"calls": calls.for_center(actor)})

    @bp.post("/api/qxy/calls")
    def publish() -> Any:
        actor = _staff(parts)
        code = access.community_of(actor)
        if code is None or not access.may_publish_call(actor, code):
            raise QxyError("forbidden", "only a community publishes calls", 403)
        b = _body()
        made = calls.publish(
            actor,
            code,
            task=b.get("task"),
            text=b.get("text"),
            place=b.get("place"),
            starts_at=b.get("starts_at"),
            ends_at=b.get("ends_at"),
            wanted=b.get("wanted"),
            cell_code=b.get("cell") or None,
            lon=b.get("lon"),
            lat=b.get("lat"),
            team_id=b.get("team") or None,
        )
        return jsonify(made.counts()), 201

    @bp.post("/api/qxy/calls/<int:call_id>/close")
    def close(call_id: int) -> Any:
        actor = _staff(parts)
        _may_run(actor, calls, call_id)
        return jsonify(calls.close(actor, call_id, str(_body().get("reason") or "")).counts())

    @bp.post("/api/qxy/calls/<int:call_id>/cancel")
    def cancel(call_id: int) -> Any:
        actor = _staff(parts)
        _may_run(actor, calls, call_id)
        return jsonify(calls.cancel(actor, call_id, str(_body().get("reason") or "")).counts())

    @bp.get("/api/qxy/volunteers")
    def list_volunteers() -> Any:
        actor = _staff(parts)
        code = access.community_of(actor)
        if code is None or not access.may_see_personal(actor, code):
            raise QxyError("forbidden", "a community sees its own volunteers only", 403)
        return jsonify({"volunteers": volunteers.volunteers_of(code)})

    @bp.get("/api/qxy/teams")
    def list_teams() -> Any:
        viewer = viewer_of(parts)
        if viewer is None:
            raise QxyError("signed_out", "sign in first", 401)
        if not access.may_read_teams(viewer):
            raise QxyError("forbidden", "not for this account", 403)
        code = request.args.get("community") or access.community_of(viewer)
        teams = volunteers.teams(code)
        out = [{**t.wire(), "members": volunteers.members(t.id)} for t in teams[:500]]
        return jsonify(
            {
                "teams": out,
                "count": len(teams),
                "volunteers": volunteers.count_volunteers(code),
            }
        )

    @bp.post("/api/qxy/teams/import")
    def import_teams() -> Any:
        actor = _staff(parts)
        code = access.community_of(actor)
        if not access.may_keep_teams(actor, code):
            raise QxyError("forbidden", "a community imports its own teams", 403)
        upload = request.files.get("file")
        data = upload.read() if upload is not None else request.get_data(cache=False)
        from cases.quanxinyuan.volunteers import TeamsRefused

        try:
            n = volunteers.import_teams(data, actor=_label(actor), only_community=code)
        except TeamsRefused as exc:
            body = {"error": "file", "message": str(exc), "problems": exc.wire(), "more": exc.more}
            return jsonify(body), 400
        return jsonify({"teams": n})

    # -- the public ----------------------------------------------------------------------
    @bp.post("/api/qxy/volunteer")
    @limited
    def become() -> Any:
        person = _person(parts)
        b = _body()
        now = volunteers.become(
            person,
            str(b.get("community") or ""),
            team_id=str(b.get("team") or "") or None,
            name=str(b["name"]) if b.get("name") is not None else None,
        )
        return jsonify(me_json(now))

    @bp.get("/api/qxy/calls/open")
    def open_calls() -> Any:
        person = _person(parts)
        finish()
        return jsonify({"calls": calls.open_for(person), "me": me_json(person)})

    @bp.get("/api/qxy/calls/mine")
    def my_signups() -> Any:
        person = _person(parts)
        finish()
        return jsonify({"signups": calls.mine(person)})

    @bp.post("/api/qxy/calls/<int:call_id>/signup")
    @limited
    def sign_up(call_id: int) -> Any:
        return jsonify(calls.sign_up(_volunteer(parts), call_id).wire()), 201

    @bp.post("/api/qxy/calls/<int:call_id>/withdraw")
    @limited
    def withdraw(call_id: int) -> Any:
        return jsonify(calls.withdraw(_volunteer(parts), call_id).wire())

    @bp.post("/api/qxy/calls/<int:call_id>/checkin")
    @limited
    def check_in(call_id: int) -> Any:
        return jsonify(calls.check_in(_volunteer(parts), call_id).wire())

    @bp.post("/api/qxy/calls/<int:call_id>/report")
    @limited
    def report(call_id: int) -> Any:
        person = _volunteer(parts)
        b = _body()
        bodies = decode(b.get("photos"))
        if len(bodies) > PHOTO["maxCount"]:
            raise QxyError("photos", f"at most {PHOTO['maxCount']} photos")
        return jsonify(calls.report(person, call_id, b.get("text"), bodies).wire())

    return bp


def _may_run(actor: Any, calls: Calls, call_id: int) -> None:
    found = calls.get(call_id)
    if not access.may_run_call(actor, found.community_code):
        raise QxyError("forbidden", "only the organising community ends its call", 403)


def _label(actor: Any) -> str:
    role = getattr(actor.role, "value", actor.role)
    return f"{actor.name} ({role})"


def _may_see_signup_photo(parts: Parts, viewer: Any, signup_id: int) -> bool:
    found = parts.calls.signup(signup_id) if parts.calls is not None else None
    if found is None:
        return False
    call = parts.calls.get(found.call_id)
    return access.may_see_signup_photo(viewer, call.community_code, found.person_id)


MAY_SEE_PHOTO = {"signup": _may_see_signup_photo}


# -- the tabs --------------------------------------------------------------------------------
def _t(lang: str) -> Any:
    w = labels(lang)
    return lambda key: escape(w[key])


def community_html(lang: str) -> str:
    t = _t(lang)
    return f"""<div class="qc-desk">
<form id="qc-publish" class="qx-card qx-form qc-publish" novalidate>
<h2>{t("call_publish")}</h2>
<label>{t("call_task")}<input id="qc-task" name="task" maxlength="128" required
 placeholder="{t("call_task_hint")}"></label>
<label>{t("call_text")}<textarea id="qc-text" name="text" rows="2" maxlength="2000"></textarea>
</label>
<label>{t("call_place")}<input id="qc-place" name="place" maxlength="128"></label>
<label>{t("call_starts")}<input id="qc-starts" name="starts" type="datetime-local" required>
</label>
<label>{t("call_ends")}<input id="qc-ends" name="ends" type="datetime-local" required></label>
<div class="qx-row">
<label>{t("call_wanted")}<input id="qc-wanted" name="wanted" type="number" min="1"
 max="{MAX_WANTED}" value="10" required></label>
<label>{t("call_cell")}<select id="qc-cell" name="cell"></select></label>
</div>
<label>{t("call_team")}<select id="qc-team" name="team"></select></label>
<p id="qc-publish-msg" class="qx-msg" role="status"></p>
<button id="qc-send" class="qx-btn qx-big" type="submit">{t("call_send")}</button>
</form>
<div class="qc-main">
<h2 class="qc-h">{t("call_calls")}</h2>
<ul id="qc-calls" class="qx-list qc-calls"></ul>
<section class="qx-card qc-teams"><h2>{t("call_teams")}</h2>
<p id="qc-teams-count" class="qx-meta"></p><ul id="qc-team-list" class="qc-team-list"></ul>
<form id="qc-teams-form" class="qc-teams-form">
<p class="qx-meta">{t("call_teams_upload")}</p>
<div class="qc-file-row"><label class="qx-btn qx-quiet qc-file">{t("call_teams_pick")}
<input id="qc-teams-file" type="file" accept=".csv,.xlsx,text/csv"></label>
<span id="qc-teams-file-name" class="qx-meta qc-file-name"></span>
<button id="qc-teams-send" class="qx-btn" type="submit" disabled>{t("call_teams_send")}</button>
</div><div id="qc-teams-msg" class="qx-msg" role="status"></div></form></section>
</div></div>"""


def public_html(lang: str) -> str:
    t = _t(lang)
    return f"""<form id="qc-become" class="qx-card qx-form" hidden novalidate>
<h2>{t("call_become")}</h2><p class="qx-meta">{t("call_become_intro")}</p>
<label>{t("call_your_name")}<input id="qc-name" maxlength="32" autocomplete="name"></label>
<label>{t("call_community")}<select id="qc-community"></select></label>
<label>{t("call_join_team")}<select id="qc-join-team"></select></label>
<p id="qc-become-msg" class="qx-msg" role="status"></p>
<button id="qc-become-send" class="qx-btn qx-big" type="submit">{t("call_become_send")}</button>
</form>
<p id="qc-me" class="qc-me" hidden></p>
<p id="qc-public-msg" class="qx-msg qc-public-msg" role="status"></p>
<div id="qc-mine-box" hidden><h2 class="qc-h">{t("call_mine")}</h2>
<ul id="qc-mine" class="qx-list"></ul></div>
<h2 class="qc-h">{t("call_open_calls")}</h2><ul id="qc-open" class="qx-list"></ul>
<p id="qc-refreshed" class="qx-meta qc-refreshed"></p>"""


def _base_config() -> dict[str, Any]:
    return {
        "tz": clock.LOCAL_TZ.key,
        "offset": "+08:00",
        "checkInBeforeMs": int(CHECK_IN_BEFORE.total_seconds() * 1000),
        "maxWanted": MAX_WANTED,
        "photo": dict(PHOTO),
    }


def community_config(ctx: PageContext) -> dict[str, Any]:
    code = access.community_of(ctx.viewer) or ""
    places = ctx.parts.platform.places
    return {
        **_base_config(),
        "page": "community",
        "community": code,
        "cells": places.cells_of(code),
    }


def public_config(ctx: PageContext) -> dict[str, Any]:
    places = ctx.parts.platform.places
    communities = sorted(
        (
            {"code": code, "name": p.community_name, "street": p.street_name}
            for code, p in places.communities.items()
        ),
        key=lambda c: (c["street"], c["code"]),
    )
    return {
        **_base_config(),
        "page": "public",
        "refreshMs": PUBLIC_REFRESH_MS,
        "communities": communities,
        "me": me_json(ctx.viewer) if isinstance(ctx.viewer, PublicPerson) else None,
    }


SECTIONS = {
    "community": Section(
        name="calls",
        tab="call_tab",
        html=community_html,
        config=community_config,
        scripts=SCRIPTS,
        styles=STYLES,
        words=("call_",),
    ),
    "public": Section(
        name="calls",
        tab="call_tab_public",
        html=public_html,
        config=public_config,
        scripts=SCRIPTS,
        styles=STYLES,
        words=("call_",),
    ),
}
