"""The three lists' tab: on the community's desk (its needs with their suggested resources
and an accept button, its projects' progress) and on a unit's page (its resources, its
projects with their needs and a progress form). ``assets/gridcc/qxylists.js`` fills them;
what it needs to know (categories, the community's cells, limits, states) is the config."""

from __future__ import annotations

from html import escape
from typing import Any

from cases.quanxinyuan import access, matching
from cases.quanxinyuan.categories import CATEGORIES
from cases.quanxinyuan.lists_items import AMOUNT_MAX, NOTE_CHARS, TEXT_CHARS, TITLE_CHARS
from dashboard.i18n import labels
from dashboard.quanxinyuan.frame import Section

# How each state looks (the frame's qx-s-* chips).
STATE_LOOKS = {
    "need": {"open": "open", "matched": "going", "done": "done", "withdrawn": "gone"},
    "resource": {"available": "open", "committed": "going", "withdrawn": "gone"},
    "project": {"active": "going", "done": "done"},
}
PROGRESS_STEPS = (25, 50, 75, 100)


def _form(lang: str, kind: str) -> str:
    w = labels(lang)

    def t(key: str) -> str:
        return escape(w[key])

    amount = "quantity" if kind == "need" else "capacity"
    cell = (
        f'<label>{t("lists_cell")}<select name="cell_code"></select></label>'
        if kind == "need"
        else ""
    )
    return f"""<form id="ql-{kind}-form" class="qx-card qx-form ql-form" novalidate>
<h2>{t("lists_add_" + kind)}</h2>
<label>{t("lists_category")}<select name="category" required></select></label>
<label>{t("lists_title")}<input name="title" maxlength="{TITLE_CHARS}" required></label>
<div class="qx-row"><label>{t("lists_" + amount)}<input name="{amount}" type="number" min="1"
 max="{AMOUNT_MAX}" value="1" inputmode="numeric"></label>{cell}</div>
<label>{t("lists_text")}<textarea name="text" rows="3" maxlength="{TEXT_CHARS}"></textarea></label>
<p class="qx-msg" role="status"></p>
<button class="qx-btn qx-big" type="submit">{t("lists_submit_" + kind)}</button></form>"""


def community_html(lang: str) -> str:
    w = labels(lang)
    return f"""<div class="ql">{_form(lang, "need")}<div class="ql-main">
<h2 class="ql-h">{escape(w["lists_needs"])}</h2><ul id="ql-needs" class="qx-list"></ul>
<h2 class="ql-h">{escape(w["lists_projects"])}</h2><ul id="ql-projects" class="qx-list"></ul>
</div></div>"""


def unit_html(lang: str) -> str:
    w = labels(lang)
    return f"""<div class="ql">{_form(lang, "resource")}<div class="ql-main">
<h2 class="ql-h">{escape(w["lists_projects"])}</h2><ul id="ql-projects" class="qx-list"></ul>
<h2 class="ql-h">{escape(w["lists_resources"])}</h2><ul id="ql-resources" class="qx-list"></ul>
</div></div>"""


def config(ctx: Any) -> dict[str, Any]:
    viewer = ctx.viewer
    code = access.community_of(viewer)
    en = ctx.lang == "en"
    places = ctx.parts.platform.places
    return {
        "role": "community" if code is not None else "unit",
        "community_code": code,
        "unit_id": access.unit_of(viewer),
        "categories": [[k, v[1] if en else v[0]] for k, v in CATEGORIES.items()],
        "cells": places.cells_of(code) if code else [],
        "limits": {
            "title": TITLE_CHARS,
            "text": TEXT_CHARS,
            "note": NOTE_CHARS,
            "amount": AMOUNT_MAX,
            "suggestions": matching.LIMIT,
        },
        "states": STATE_LOOKS,
        "progress_steps": list(PROGRESS_STEPS),
    }


def _section(html: Any) -> Section:
    return Section(
        name="lists",
        tab="lists_tab",
        html=html,
        config=config,
        scripts=("gridcc/qxylists.js",),
        styles=("qxylists.css",),
        words=("lists_",),
    )


SECTIONS = {"community": _section(community_html), "unit": _section(unit_html)}
