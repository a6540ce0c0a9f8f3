"""The urgent fast path on a page: one hidden node whose config the browser's banner
(assets/gridcc/urgentbanner.js) reads — the words, what this person may do, the URLs — and,
on the wall, the panel of open urgent cases with their clocks ticking."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from dash import html

from cases import access, urgent
from cases.model import CLOSED_STATES, CaseError
from cases.urgent_targets import STEPS
from cases.workflow import ACTIONS, Actor, authorize, check
from dashboard.i18n import labels
from dashboard.urgent_alerts import alert_payload

ROOT_ID = "urgent-root"
PANEL_ID = "urgent-panel"
MAX_BANNERS = 3  # the newest shown in full; the others counted (the wall's panel lists all)


def urgent_config(actor: Actor | None, lang: str, panel: bool) -> dict[str, Any]:
    words = labels(lang)
    return {
        "lang": lang,
        "labels": {k: v for k, v in words.items() if k.startswith("urgent_")},
        "steps": list(STEPS),
        "center": access.may_watch_urgent(actor),
        "mayAcknowledge": actor is not None and actor.role in ACTIONS["acknowledge"].roles,
        "mayDrill": access.may_start_drill(actor),
        "panel": panel and access.may_watch_urgent(actor),
        "panelId": PANEL_ID,
        "closedStates": sorted(s.value for s in CLOSED_STATES),
        "urls": {
            "open": "/api/urgent",
            "case": "/api/cases/{id}",
            "action": "/api/cases/{id}/actions/{name}",
            "drill": "/api/urgent/drill",
        },
        "refreshMs": 15000,
        "maxBanners": MAX_BANNERS,
    }


def urgent_node(actor: Actor | None, lang: str, panel: bool = False) -> html.Div | None:
    """The banner's config node (None: this screen receives no alert at all)."""
    if not access.alert_rooms(actor):
        return None
    children = [html.Section(id=PANEL_ID, className="urgent-panel", hidden=True)] if panel else []
    return html.Div(
        id=ROOT_ID,
        className="urgent-root",
        children=children,
        **{"data-urgent": json.dumps(urgent_config(actor, lang, panel), ensure_ascii=False)},  # type: ignore[arg-type]
    )


def urgent_sheet(store: Any, case: Any, actor: Actor, now: datetime, lang: str) -> dict[str, Any]:
    """The case view's urgent part: the response clock of an urgent case, or the flag this
    person may raise on it (the workflow's flag_urgent, as a screen asks for it)."""
    if not case.urgent:
        flag = ACTIONS["flag_urgent"]
        try:
            authorize(flag, actor, case)
            check(flag, case, now)
        except CaseError:
            return {"urgent": False, "flag": None}
        return {"urgent": False, "flag": flag.as_json(lang)}
    payload = alert_payload(case, store.catalog, now)
    target = store.catalog.urgent_target(case.category_code)
    payload["targets"] = {step: target.minutes(step) for step in STEPS}
    payload["urgent"] = True
    payload["now"] = int(now.timestamp())
    assert urgent.response_clock(case, target, now) is not None
    return payload
