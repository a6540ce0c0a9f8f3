"""The phone page of a grid worker on patrol (/patrol): start and end a patrol, share the
position while on it, report a case with photos and the phone's position, see their own
reports and the tasks sent to them (核实, 核查), check in on arrival.

It is a plain page served by Flask, not a Dash page: a phone on a weak connection loads a
few kilobytes of HTML and five small scripts (assets/gridcc/http.js, patrolqueue.js,
patrolstore.js, patrolview.js, patrol.js) instead of Dash's renderer, React and the map. The server
renders the frame (the category list included); the page's config carries its words,
timings and thresholds, so the scripts hard-code none. Reports go through the one intake
(POST /api/reports) with a report id made on the phone: a report made offline is kept on
the phone and sent when the connection returns, and a resend is the same case.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, redirect, request
from flask_wtf.csrf import generate_csrf

from cases import access
from cases.model import STATUS_ZH, Status
from cases.patrols import Patrols
from cases.workflow import CHECK_IN_RADIUS_M
from dashboard.i18n import LANGS, labels
from dashboard.patrol_api import MINE_DAYS, patrol_api
from dashboard.urgent_page import urgent_config

if TYPE_CHECKING:
    from app import Core
    from dashboard.web import Web

ASSETS = Path(__file__).resolve().parent.parent / "assets"
SERVICE_WORKER = "/patrol-sw.js"  # keeps the page for opening offline (patrolsw.js)
SCRIPTS = (
    "gridcc/http.js",
    "gridcc/patrolqueue.js",
    "gridcc/patrolstore.js",
    "gridcc/patrolview.js",
    "gridcc/patrol.js",
)
STYLE = "patrol.css"
# The urgent fast path on the phone: the banner and its alarm (assets/gridcc/urgentbanner.js)
# on the page's own socket, for a worker who may be alerted (access.alert_rooms).
URGENT_SCRIPTS = ("vendor/socket.io.min.js", "gridcc/dom.js", "gridcc/urgentbanner.js")
URGENT_STYLE = "urgent.css"
PATROL_TIMING = {
    "positionMs": 15_000,  # share the position this often while on patrol
    "freshFixMs": 60_000,  # a fix older than this is not sent as where one is
    "refreshMs": 60_000,  # re-read my cases and tasks
    "pumpMs": 10_000,  # look at the offline queue this often (and at once when online)
    "retryMinMs": 5_000,  # a failed send waits this long, doubling to retryMaxMs
    "retryMaxMs": 120_000,
    "requestMs": 20_000,  # a request gives up after this long (weak connections)
    "keepSentMs": 600_000,  # an arrived report stays listed (and on the phone) this long
}
PHOTO = {"maxSide": 1600, "quality": 0.8, "maxCount": 4}  # resized on the phone before upload
# Phones' browsers give WGS-84 (navigator.geolocation); an app on a Chinese map SDK sends
# gcj02 or bd09 and the API converts.
PHONE_CRS = "wgs84"


def _words(lang: str) -> dict[str, str]:
    words = labels(lang)
    return {k: v for k, v in words.items() if k.startswith("patrol_")}


def _version(name: str) -> str:
    path = ASSETS / name
    return str(int(path.stat().st_mtime)) if path.exists() else "0"


def _asset(name: str) -> str:
    return f"/assets/{name}?v={_version(name)}"


def patrol_config(core: Core, lang: str, actor: Any, person: Any) -> dict[str, Any]:
    catalog = core.store.catalog
    en = lang == "en"
    return {
        "lang": lang,
        "words": _words(lang),
        "me": {"name": actor.name, "person": person.id, "personName": person.name},
        "urls": {
            "start": "/api/patrol/start",
            "end": "/api/patrol/end",
            "position": "/api/patrol/position",
            "checkIn": "/api/patrol/check-in",
            "mine": "/api/patrol/mine",
            "report": "/api/reports",
            "photos": "/api/cases/{id}/photos",
            "action": "/api/cases/{id}/actions/{name}",
            "logout": "/logout",
            "serviceWorker": SERVICE_WORKER,
        },
        "timing": dict(PATROL_TIMING),
        "photo": dict(PHOTO),
        "crs": PHONE_CRS,
        "source": "patrol",
        "checkInRadiusM": CHECK_IN_RADIUS_M,
        "mineDays": MINE_DAYS,
        "statuses": {s.value: (s.value if en else STATUS_ZH[s]) for s in Status},
        "categories": {c.code: c.name_en if en else c.name_zh for c in catalog.categories.values()},
    }


def _category_options(core: Core, lang: str) -> str:
    groups: dict[str, list[str]] = {}
    for c in core.store.catalog.categories.values():
        group = c.class_en if lang == "en" else c.class_zh
        name = c.name_en if lang == "en" else c.name_zh
        groups.setdefault(group, []).append(
            f'<option value="{escape(c.code)}">{escape(name)}</option>'
        )
    return "".join(
        f'<optgroup label="{escape(g)}">{"".join(opts)}</optgroup>' for g, opts in groups.items()
    )


def page_html(core: Core, lang: str, actor: Any, person: Any) -> str:
    w = labels(lang)
    config = json.dumps(patrol_config(core, lang, actor, person), ensure_ascii=False)
    config = config.replace("<", "\\u003c")  # never ends the script element early
    other = "zh" if lang == "en" else "en"
    alerted = bool(access.alert_rooms(actor))
    names = SCRIPTS + (URGENT_SCRIPTS if alerted else ())
    scripts = "".join(f'<script src="{_asset(s)}" defer></script>' for s in names)
    urgent = ""
    if alerted:
        cfg = json.dumps(urgent_config(actor, lang, panel=False), ensure_ascii=False)
        urgent = (
            f'<link rel="stylesheet" href="{_asset(URGENT_STYLE)}">'
            f'<div id="urgent-root" class="urgent-root" data-urgent="{escape(cfg)}"></div>'
        )

    def t(key: str) -> str:
        return escape(w[key])

    return f"""<!doctype html><html lang="{"en" if lang == "en" else "zh-CN"}"><head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="theme-color" content="#0f4c81"><title>{t("patrol_title")} · gridcc</title>
<link rel="stylesheet" href="{_asset(STYLE)}">
<script type="application/json" id="patrol-config">{config}</script>{scripts}</head>
<body>{urgent}<main id="patrol-app" class="pt">
<header class="pt-head"><h1>{t("patrol_title")}</h1>
<span class="pt-who">{escape(person.name)}</span>
<span id="pt-net" class="pt-net">{t("patrol_online")}</span>
<a class="pt-lang" href="/patrol?lang={other}">{"中文" if other == "zh" else "EN"}</a></header>
<section class="pt-card" id="pt-patrol"><div class="pt-state">
<strong id="pt-state">{t("patrol_off")}</strong><span id="pt-since"></span></div>
<div id="pt-where" class="pt-where" hidden>{t("patrol_locating")}</div>
<button id="pt-toggle" class="pt-big" type="button">{t("patrol_start")}</button></section>
<nav class="pt-tabs" role="tablist">
<button role="tab" data-tab="report" aria-selected="true">{t("patrol_tab_report")}</button>
<button role="tab" data-tab="mine" aria-selected="false">{t("patrol_tab_mine")}
<span id="pt-n-mine" class="pt-n"></span></button>
<button role="tab" data-tab="tasks" aria-selected="false">{t("patrol_tab_tasks")}
<span id="pt-n-tasks" class="pt-n"></span></button></nav>
<section id="pt-report" class="pt-pane"><form id="pt-form" class="pt-form" novalidate>
<label>{t("patrol_category")}<select id="pt-category" name="category">
<option value="">{t("patrol_choose")}</option>{_category_options(core, lang)}</select></label>
<label>{t("patrol_text")}<textarea id="pt-text" name="description" rows="3" maxlength="2000"
 placeholder="{t("patrol_text_hint")}"></textarea></label>
<div class="pt-photos"><span>{t("patrol_photos")}</span><div id="pt-thumbs"></div>
<label class="pt-add">{t("patrol_add_photo")}<input id="pt-photo" type="file"
 accept="image/jpeg,image/png,image/*" capture="environment" multiple></label></div>
<div class="pt-pos"><span>{t("patrol_position")}</span><span id="pt-pos">
{t("patrol_locating")}</span></div>
<p id="pt-msg" class="pt-msg" role="status"></p>
<button id="pt-send" class="pt-big" type="submit">{t("patrol_submit")}</button></form>
<div id="pt-queue" class="pt-queue" hidden><h2>{t("patrol_queue")}</h2><ul id="pt-queue-list">
</ul></div></section>
<section id="pt-mine" class="pt-pane" hidden><ul id="pt-mine-list" class="pt-list"></ul></section>
<section id="pt-tasks" class="pt-pane" hidden><ul id="pt-task-list" class="pt-list"></ul></section>
<footer class="pt-foot"><form method="post" action="/logout">
<input type="hidden" name="csrf_token" value="{escape(generate_csrf())}">
<button type="submit">{t("patrol_logout")}</button></form></footer>
</main></body></html>"""


def denied_html(lang: str) -> str:
    w = labels(lang)
    return f"""<!doctype html><html lang="{"en" if lang == "en" else "zh-CN"}"><head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(w["patrol_title"])}</title><link rel="stylesheet" href="{_asset(STYLE)}">
</head><body><main class="pt"><header class="pt-head"><h1>{escape(w["patrol_title"])}</h1>
</header><p class="pt-card">{escape(w["patrol_denied"])}</p>
<p class="pt-card"><a href="/login?next=/patrol">/login</a></p></main></body></html>"""


def patrol_blueprint(web: Web, core: Core) -> Blueprint:
    """The page and its API (``dashboard.patrol_api``), on the web instance's positions."""
    store = core.store
    patrols = Patrols(
        store.engine, lambda x, y: core.grid.locate(x, y).cell_code, web.positions, store.now
    )
    bp = Blueprint("patrol", __name__)
    # Who is on patrol (``Patrols.on_patrol``) for the other parts of this instance.
    bp.record_once(lambda state: state.app.extensions.setdefault("gridcc_patrols", patrols))
    grid = core.grid

    def place_of(code: str) -> str:
        return str(grid.names[grid.index_of(code)])

    bp.register_blueprint(patrol_api(store, core.roster, patrols, web.auth, web.limits, place_of))
    auth, users = web.auth, core.users

    @bp.get("/patrol-sw.js")
    def service_worker() -> Response:
        """The page's service worker (assets/gridcc/patrolsw.js): served from here, since a
        worker's scope cannot reach above its own path (/assets/… could not keep /patrol)."""
        script = (ASSETS / "gridcc" / "patrolsw.js").read_text(encoding="utf-8")
        response = Response(script, mimetype="text/javascript")
        response.headers["Cache-Control"] = "no-cache"
        return response

    @bp.get("/patrol")
    def page() -> Any:
        identity = auth.identify()
        actor = identity.actor
        asked = request.args.get("lang")
        if actor is None or not identity.by_cookie:
            return redirect("/login?next=/patrol")
        if asked in LANGS:
            if users.lang_of(actor.name) != asked:
                users.remember_lang(actor.name, asked)
            lang = asked
        else:
            lang = users.lang_of(actor.name) or "zh"
        person = core.roster.by_username(actor.name)
        if person is None or not access.may_patrol(actor, person.kind):
            return Response(denied_html(lang), status=403, mimetype="text/html")
        response = Response(page_html(core, lang, actor, person), mimetype="text/html")
        # This page alone may ask for the phone's position (and its camera, for photos).
        response.headers["Permissions-Policy"] = "geolocation=(self), camera=(self), microphone=()"
        response.headers["Cache-Control"] = "no-store"
        return response

    return bp
