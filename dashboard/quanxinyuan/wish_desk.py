"""微心愿 on the web: the community's tab (publish a wish, its wishes by state, confirm or
withdraw), a unit's tab (wishes open to claim, its claims, reporting one fulfilled with a
photo), the public's tab (a resident's own wishes, read only), and their API.

Routes (JSON; a refusal is ``{error, message}`` with its status):
- ``GET  /api/qxy/wishes[?state=]``: the wishes the viewer sees, as they may see them;
- ``GET  /api/qxy/wishes/<id>``;
- ``POST /api/qxy/wishes``: publish {title, text, category, cell_code, resident_name,
  resident_phone, due, photos: [base64]} (the cell's community only);
- ``POST /api/qxy/wishes/<id>/<step>``: claim {version} (a unit), fulfil {note, photos,
  version} (the claimant), confirm {note}, withdraw {reason}, release {reason} (the
  community);
- ``GET  /api/qxy/units[?community=]``, ``GET /api/qxy/units/<id>``: the 双报到 units (the
  contact only to the unit's community and the unit itself).
Every rule is asked of ``cases.quanxinyuan.access`` (through ``Wishes``), never decided here.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from flask import Blueprint, jsonify, request

from cases.actors import Actor
from cases.quanxinyuan import access
from cases.quanxinyuan.categories import CATEGORIES
from cases.quanxinyuan.photos import MAX_PHOTOS, decode
from cases.quanxinyuan.platform import NotFound, QxyError
from cases.quanxinyuan.units import LEVELS, Units
from cases.quanxinyuan.wishes import STATES, Wishes, local_today
from dashboard.i18n import labels
from dashboard.quanxinyuan.frame import PageContext, Section
from dashboard.quanxinyuan.photos_api import viewer_of

if TYPE_CHECKING:
    from dashboard.quanxinyuan import Parts

STEPS = ("claim", "fulfil", "confirm", "withdraw", "release")
PHOTO_SIDE = 1280  # the phone shrinks a photo to this many pixels on its longest side
PHOTO_QUALITY = 0.78
SCRIPTS = ("gridcc/qxywishes.js",)
STYLES = ("qxywishes.css",)


def build(parts: Parts) -> Blueprint:
    parts.units = Units(parts.platform)
    parts.wishes = Wishes(parts.platform, parts.photos, parts.units)
    return wishes_api(parts)


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise QxyError("body", "send a JSON object", 400)
    return body


def _version(body: dict[str, Any]) -> int | None:
    v = body.get("version")
    if v is None:
        return None
    if not isinstance(v, int) or isinstance(v, bool):
        raise QxyError("version", "version: a whole number")
    return v


def wishes_api(parts: Parts) -> Blueprint:
    bp = Blueprint("qxy_wishes", __name__)

    def viewer() -> Any:
        found = viewer_of(parts)
        if found is None:
            raise QxyError("signed_out", "sign in first", 401)
        return found

    def staff() -> Actor:
        actor = parts.web.auth.current_actor()
        if actor is None:
            if parts.public.current() is not None:
                raise QxyError("forbidden", "the community and the units do that", 403)
            raise QxyError("signed_out", "sign in first", 401)
        return actor

    wishes: Wishes = parts.wishes
    units: Units = parts.units

    @bp.get("/api/qxy/wishes")
    def list_wishes() -> Any:
        who = viewer()
        found = wishes.seen_by(who, request.args.get("state") or None)
        today = local_today(parts.platform.now()).isoformat()
        return jsonify({"wishes": found, "today": today})

    @bp.get("/api/qxy/wishes/<int:wish_id>")
    def one_wish(wish_id: int) -> Any:
        return jsonify(wishes.get(viewer(), wish_id))

    @bp.post("/api/qxy/wishes")
    def publish() -> Any:
        actor = staff()
        body = _body()
        wish = wishes.publish(
            actor,
            title=body.get("title"),
            text=body.get("text"),
            category=body.get("category"),
            cell_code=body.get("cell_code"),
            resident_name=body.get("resident_name"),
            resident_phone=body.get("resident_phone"),
            due=body.get("due"),
            photos=decode(body.get("photos")),
        )
        return jsonify(wishes.get(actor, wish.id)), 201

    @bp.post("/api/qxy/wishes/<int:wish_id>/<step>")
    def step(wish_id: int, step: str) -> Any:
        if step not in STEPS:
            raise QxyError("step", f"step: one of {', '.join(STEPS)}", 404)
        actor = staff()
        body = _body()
        version = _version(body)
        if step == "claim":
            wishes.claim(wish_id, actor, version)
        elif step == "fulfil":
            wishes.fulfil(
                wish_id,
                actor,
                note=body.get("note"),
                photos=decode(body.get("photos")),
                version=version,
            )
        elif step == "confirm":
            wishes.confirm(wish_id, actor, note=body.get("note"), version=version)
        elif step == "withdraw":
            wishes.withdraw(wish_id, actor, reason=body.get("reason"), version=version)
        else:
            wishes.release(wish_id, actor, reason=body.get("reason"), version=version)
        return jsonify(wishes.get(actor, wish_id))

    @bp.get("/api/qxy/units")
    def list_units() -> Any:
        who = staff()
        places = parts.platform.places
        if (code := access.community_of(who)) is not None:
            found = units.list(code)
        elif access.is_center(who):
            found = units.list(request.args.get("community") or None)
        elif (uid := access.unit_of(who)) is not None:
            found = [u for u in [units.get(uid)] if u is not None]
        else:
            raise QxyError("forbidden", "the units are for the community and the center", 403)
        return jsonify({"units": [u.wire(who, places) for u in found]})

    @bp.get("/api/qxy/units/<unit_id>")
    def one_unit(unit_id: str) -> Any:
        who = staff()
        unit = units.get(unit_id)
        if unit is None or not access.may_read_platform(who):
            raise NotFound("unit", unit_id)
        return jsonify(unit.wire(who, parts.platform.places))

    return bp


def _may_see_photo(parts: Parts, viewer: Any, item_id: int) -> bool:
    wish = parts.wishes.photo_owner(item_id)
    return wish is not None and access.may_see_wish_photos(viewer, wish)


MAY_SEE_PHOTO = {"wish": _may_see_photo}


# -- the tabs ---------------------------------------------------------------------------
def _t(lang: str, key: str) -> str:
    return escape(labels(lang)[key])


def _categories(lang: str) -> dict[str, str]:
    return {code: (zh if lang == "zh" else en) for code, (zh, en) in CATEGORIES.items()}


def _common(ctx: PageContext) -> dict[str, Any]:
    parts = ctx.parts
    return {
        "categories": _categories(ctx.lang),
        "levels": {k: (zh if ctx.lang == "zh" else en) for k, (zh, en) in LEVELS.items()},
        "states": list(STATES),
        "today": local_today(parts.platform.now()).isoformat(),
        "max_photos": MAX_PHOTOS,
        "photo_side": PHOTO_SIDE,
        "photo_quality": PHOTO_QUALITY,
        "max_body": 900_000,
    }


def community_config(ctx: PageContext) -> dict[str, Any]:
    code = access.community_of(ctx.viewer) or ""
    places = ctx.parts.platform.places
    return {**_common(ctx), "page": "community", "community": code, "cells": places.cells_of(code)}


def unit_config(ctx: PageContext) -> dict[str, Any]:
    return {**_common(ctx), "page": "unit", "unit": access.unit_of(ctx.viewer)}


def public_config(ctx: PageContext) -> dict[str, Any]:
    return {**_common(ctx), "page": "public"}


def _state_filters(lang: str) -> str:
    buttons = [
        f'<button type="button" class="wi-filter" data-state="" aria-pressed="true">'
        f"{_t(lang, 'wish_all')}</button>"
    ]
    for state in STATES:
        buttons.append(
            f'<button type="button" class="wi-filter" data-state="{state}" aria-pressed="false">'
            f'{_t(lang, "wish_state_" + state)}<span class="wi-n" data-n="{state}"></span></button>'
        )
    return f'<div class="wi-filters" role="group">{"".join(buttons)}</div>'


def community_html(lang: str) -> str:
    t = _t
    return f"""<div class="wi-layout">
<form id="wi-publish" class="qx-card qx-form wi-publish" novalidate>
<h2>{t(lang, "wish_publish_title")}</h2>
<label>{t(lang, "wish_title")}<input name="title" maxlength="128" required
 placeholder="{t(lang, "wish_title_hint")}"></label>
<div class="qx-row"><label>{t(lang, "wish_category")}<select name="category"></select></label>
<label>{t(lang, "wish_cell")}<select name="cell_code"></select></label></div>
<div class="qx-row"><label>{t(lang, "wish_resident_name")}<input name="resident_name"
 maxlength="64"></label><label>{t(lang, "wish_resident_phone")}<input name="resident_phone"
 type="tel" inputmode="numeric" maxlength="14"></label></div>
<label>{t(lang, "wish_due")}<input name="due" type="date" required></label>
<label>{t(lang, "wish_text")}<textarea name="text" rows="3" maxlength="2000"></textarea></label>
<label>{t(lang, "wish_photos")}<input name="photos" type="file" accept="image/*" multiple></label>
<p class="qx-msg" data-msg role="status"></p>
<button class="qx-btn qx-big" type="submit">{t(lang, "wish_publish")}</button></form>
<div class="wi-board"><div class="wi-board-head"><h2>{t(lang, "wish_board")}</h2>
{_state_filters(lang)}</div>
<ul class="qx-list wi-list" id="wi-community-list"></ul></div></div>"""


def unit_html(lang: str) -> str:
    t = _t
    return f"""<div class="wi-layout wi-unit">
<div class="wi-board"><h2 class="wi-h">{t(lang, "wish_open_to_claim")}
<span class="wi-n" data-n="open"></span></h2>
<p class="qx-meta">{t(lang, "wish_open_hint")}</p>
<ul class="qx-list wi-list" id="wi-open-list"></ul></div>
<div class="wi-board"><h2 class="wi-h">{t(lang, "wish_my_claims")}
<span class="wi-n" data-n="mine"></span></h2>
<ul class="qx-list wi-list" id="wi-mine-list"></ul></div></div>"""


def public_html(lang: str) -> str:
    t = _t
    return f"""<div class="wi-board"><h2 class="wi-h">{t(lang, "wish_my_wishes")}</h2>
<p class="qx-meta">{t(lang, "wish_public_hint")}</p>
<ul class="qx-list wi-list" id="wi-public-list"></ul></div>"""


SECTIONS = {
    "community": Section(
        name="wishes",
        tab="wish_tab",
        html=community_html,
        config=community_config,
        scripts=SCRIPTS,
        styles=STYLES,
        words=("wish_",),
    ),
    "unit": Section(
        name="wishes",
        tab="wish_tab",
        html=unit_html,
        config=unit_config,
        scripts=SCRIPTS,
        styles=STYLES,
        words=("wish_",),
    ),
    "public": Section(
        name="wishes",
        tab="wish_tab_public",
        html=public_html,
        config=public_config,
        scripts=SCRIPTS,
        styles=STYLES,
        words=("wish_",),
    ),
}
