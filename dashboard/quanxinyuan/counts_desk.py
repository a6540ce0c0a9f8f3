"""泉心愿's counts on the web: the counts API (the center's, a community's own), the counts
per cell for the wall's map layer, the wall's panel figures, and the community's small tab
of its own figures.

- GET /api/qxy/counts?by=district|street|community&period=month|all|30d|YYYY-MM|a..b —
  the center reads every row; a community reads its own community's row only (``by`` is
  then ignored). Counts only: never a name or a phone.
- GET /api/qxy/cells — per cell, what waits there now (open wishes, calls filling up,
  open problems): the center's map layer.
- GET /api/qxy/panel — the wall's panel: this month's and all time's district figures and
  the calls filling up ("7 of 10").
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, jsonify, request

from cases.quanxinyuan import access as qxy_access
from cases.quanxinyuan import count_defs
from cases.quanxinyuan.count_defs import count_definitions
from cases.quanxinyuan.counts import CELL_COUNTS, Counts
from dashboard.i18n import labels
from dashboard.quanxinyuan.frame import Section

if TYPE_CHECKING:
    from dashboard.quanxinyuan import Parts

COUNTS_URL = "/api/qxy/counts"
CELLS_URL = "/api/qxy/cells"
PANEL_URL = "/api/qxy/panel"
FILLING_SHOWN = 3  # calls filling up listed on the wall's panel
# The community's tab: these figures, this month and all time.
COMMUNITY_SHOWN = (
    "wishes_published",
    "wishes_fulfilled",
    "wishes_open",
    "wishes_in_hand",
    "calls_published",
    "signups",
    "reports",
    "calls_filling",
    "problems_uploaded",
    "problems_solved",
    "problems_open",
    "units",
    "teams",
    "volunteers",
)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _denied(status: int) -> tuple[Response, int]:
    if status == 401:
        return jsonify({"error": "unauthenticated", "message": "log in first"}), 401
    return jsonify({"error": "forbidden", "message": "not open to you"}), 403


def panel_figures(counts: Counts) -> dict[str, Any]:
    """What the wall's panel shows, district-wide: this month so far, all time, and the
    calls filling up."""
    month = counts.period("month")
    this_month = counts.district(month)
    all_time = counts.district(counts.period("all"))
    filling = counts.filling(FILLING_SHOWN + 1)
    return {
        "period": month.wire(),
        "month": this_month["counts"],
        "all": all_time["counts"],
        "places_filled": this_month["places_filled"],
        "filling": filling[:FILLING_SHOWN],
        "filling_more": max(0, this_month["counts"]["calls_filling"] - FILLING_SHOWN),
        "at": counts.platform.now().isoformat(),
    }


def build(parts: Parts) -> Blueprint:
    counts = parts.counts = Counts(parts.platform)
    bp = Blueprint("qxy_counts", __name__)
    auth = parts.web.auth

    @bp.get(COUNTS_URL)
    def read_counts() -> Any:
        actor = auth.current_actor()
        if actor is None:
            return _denied(401)
        if not qxy_access.may_read_counts(actor):
            return _denied(403)
        period = counts.period(request.args.get("period"))
        level = request.args.get("by", "district")
        own = qxy_access.counts_scope(actor)
        rows = counts.table(level, period, community=own)
        lang = "en" if request.args.get("lang") == "en" else "zh"
        return _no_store(
            jsonify(
                {
                    "period": period.wire(),
                    "by": "community" if own else level,
                    "rows": rows,
                    "names": count_defs.words(lang),
                }
            )
        )

    @bp.get(CELLS_URL)
    def read_cells() -> Any:
        actor = auth.current_actor()
        if actor is None:
            return _denied(401)
        if not qxy_access.may_see_platform_map(actor):
            return _denied(403)
        return _no_store(jsonify({"fields": list(CELL_COUNTS), "cells": counts.cells()}))

    @bp.get(PANEL_URL)
    def read_panel() -> Any:
        actor = auth.current_actor()
        if actor is None:
            return _denied(401)
        if not qxy_access.may_see_platform_map(actor):
            return _denied(403)
        return _no_store(jsonify(panel_figures(counts)))

    return bp


def community_html(lang: str) -> str:
    """The table (qxycounts.js fills it) and every figure's definition and formula (a
    community's worker does not open /kpi, where the center reads them)."""
    w = labels(lang)
    defs = {d["code"]: d for d in count_definitions(lang)}
    items = "".join(
        f"<dt>{escape(d['name'])}</dt><dd>{escape(d['definition'])}"
        f"<br><code>{escape(d['formula'])}</code></dd>"
        for d in (defs[f"qxy_{code}"] for code in COMMUNITY_SHOWN)
    )
    return (
        '<div class="qx-card qxc-card"><table class="qxc-table"><thead><tr>'
        f"<th>{escape(w['qxc_count'])}</th><th>{escape(w['qxc_period_month'])}</th>"
        f"<th>{escape(w['qxc_period_all'])}</th></tr></thead>"
        '<tbody id="qxc-rows"></tbody></table>'
        f'<details class="qxc-defs"><summary>{escape(w["qxc_definitions"])}</summary>'
        f"<dl>{items}</dl></details></div>"
    )


def community_config(ctx: Any) -> dict[str, Any]:
    """The figures of a period first (this month, all time), then those of the moment."""
    names = count_defs.words(ctx.lang)
    now = [code for code in COMMUNITY_SHOWN if count_defs.BY_CODE[code].now]
    return {
        "url": COUNTS_URL,
        "shown": [[code, names[code]] for code in COMMUNITY_SHOWN if code not in now],
        "nowShown": [[code, names[code]] for code in now],
        "nowTitle": labels(ctx.lang)["qxc_period_now"],
    }


SECTIONS = {
    "community": Section(
        name="counts",
        tab="qxc_tab",
        html=community_html,
        config=community_config,
        scripts=("gridcc/qxycounts.js",),
        styles=("qxycounts.css",),
        words=("qxc_",),
    )
}
