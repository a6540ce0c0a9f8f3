"""What the shared case view (assets/gridcc/caseview.js) reads from its page's config.

Every desk that shows a case (the operators' desk, the lead's map, a department's desk)
puts ``case_view_config`` into its page config, so the view reads the same words, the
departments one may send a case to, the names of statuses, roles and actions, and the
wall's risk levels and colours (``browser_rules`` and ``map_config``: never a copy).
"""

from __future__ import annotations

from typing import Any

from cases.model import Status
from cases.store import Store
from cases.workflow import ACTIONS, ROLE_ZH
from dashboard.i18n import labels
from dashboard.wall import browser_rules, map_config
from geo.grid import Grid

CELL_URL = "/geo/cell.geojson"
CASE_TIMING = {
    "clockRefreshMs": 60_000,  # the SLA clock is read again (its calendar is the server's)
    "requestMs": 20_000,  # a read or an action unanswered this long has failed
}


def case_view_config(store: Store, grid: Grid, lang: str, tile_url: str = "") -> dict[str, Any]:
    """The case view's part of a page config (merge it into the page's own)."""
    en = lang == "en"
    catalog = store.catalog
    return {
        **browser_rules(),  # riskLevels, riskOpen, riskAt, timeZone
        "lang": lang,
        "labels": labels(lang),
        "departments": [
            {"code": d.code, "name": d.name_en if en else d.name_zh}
            for d in catalog.departments.values()
        ],
        "statuses": {s.value: (s.value if en else s.label_zh) for s in Status},
        "roles": {r.value: (r.value if en else ROLE_ZH[r]) for r in ROLE_ZH},
        # for keys that name an action: "not offered now" says which (the rules stay in the sheet)
        "actionLabels": {a.name: (a.label_en if en else a.label_zh) for a in ACTIONS.values()},
        "map": map_config(grid, lang, tile_url),  # the small map; risk colours: map.modes.risk
        "cellUrl": CELL_URL,
        "caseTiming": dict(CASE_TIMING),
    }
