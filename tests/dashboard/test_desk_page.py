"""The operators' desk page (dashboard/desk_page.py), role by role, and what its config
tells the browser: the case view's words, the departments, the wall's risk colours, and
keys that name only actions of the workflow."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from app import GridCC
from cases import clock
from cases.db import make_engine
from cases.model import Report
from cases.store import Store
from cases.workflow import ACTIONS
from dashboard import figures
from dashboard.case_rows import sla_clock
from dashboard.desk_page import ACTION_KEYS, layout
from dashboard.i18n import LABELS
from dashboard.ids import DESK_CONFIG
from dashboard.site import render
from dashboard.wall import WallContext
from geo.grid import Grid
from tests.dashboard.conftest import login

ROOT = Path(__file__).resolve().parents[2]
Center = tuple[GridCC, dict[str, str]]


def _layout(g: GridCC, client: Any, lang: str = "zh") -> Any:
    ctx = WallContext(store=g.store, grid=g.grid, auth=g.server.extensions["gridcc_auth"])
    cookie = f"session={client.get_cookie('session').value}" if client else ""
    with g.server.test_request_context("/desk", headers={"Cookie": cookie} if cookie else {}):
        return layout(ctx, lang)


def _render(g: GridCC, client: Any, lang: str = "zh") -> str:
    return str(_layout(g, client, lang))


def _config(g: GridCC, client: Any, lang: str = "zh") -> dict[str, Any]:
    """The desk's config, as the browser reads it from its node."""
    found = []

    def walk(node: Any) -> None:
        if getattr(node, "id", None) == DESK_CONFIG:
            found.append(json.loads(getattr(node, "data-desk-config")))
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and not isinstance(child, str):
                walk(child)

    walk(_layout(g, client, lang))
    assert len(found) == 1, "one config node"
    return found[0]


def test_operators_and_leads_get_the_desk(center: Center) -> None:
    g, _ = center
    for name, role in (("op", "值班员"), ("lead", "值班长")):
        page = _render(g, login(g, name))
        assert "desk-queue" in page and "desk-case" in page and "data-desk-config" in page
        assert f"{name} · {role}" in page and "受理派遣台" in page
        assert "wall-denied" not in page
        cfg = _config(g, login(g, name))
        assert cfg["me"] == {"name": name, "role": "operator" if name == "op" else "lead"}
        assert cfg["lang"] == "zh" and cfg["labels"] == LABELS["zh"]
    english = _render(g, login(g, "op"), "en")
    assert (
        "Operators' desk" in english and _config(g, login(g, "op"), "en")["labels"] == LABELS["en"]
    )


def test_other_roles_are_told_the_desk_is_not_theirs_and_strangers_to_sign_in(
    center: Center,
) -> None:
    g, _ = center
    for name in ("li-cg", "wall", "admin"):
        page = _render(g, login(g, name))
        assert "此页面不对您的角色开放" in page, name
        assert "data-desk-config" not in page and "/login" not in page, name
    english = _render(g, login(g, "li-cg"), "en")
    assert "This page is not open to your role." in english
    anonymous = _render(g, None)
    assert "/login?next=/desk" in anonymous and "data-desk-config" not in anonymous


def test_the_router_serves_the_desk(center: Center) -> None:
    g, _ = center
    ctx = WallContext(g.store, g.grid, g.server.extensions["gridcc_auth"])
    with g.server.test_request_context("/desk"):
        assert "/login?next=/desk" in str(render(ctx, "/desk", "?lang=en"))


def test_the_config_reads_the_rules_from_their_one_place(center: Center) -> None:
    g, _ = center
    cfg = _config(g, login(g, "op"))
    # the wall's risk levels and colours, not a copy
    assert cfg["riskLevels"] == list(figures.RISK_LEVELS)
    assert cfg["map"]["modes"]["risk"]["colors"] == [
        figures.risk_color(level) for level in figures.RISK_LEVELS
    ]
    assert [d["code"] for d in cfg["departments"]] == list(g.store.catalog.departments)
    assert cfg["actionLabels"]["file"] == "立案" and set(cfg["actionLabels"]) == set(ACTIONS)
    assert cfg["actionKeys"] == ACTION_KEYS


def test_each_key_names_an_action_and_fills_only_parameters_it_declares() -> None:
    for key, binding in ACTION_KEYS.items():
        action = ACTIONS[binding["action"]]
        declared = {p.name for p in action.params}
        assert set(binding.get("fill", {})) <= declared, key
        # a key sends at once only where nothing is left to ask
        if binding["direct"]:
            assert not action.needs_reason, key


def test_every_word_the_desk_s_browser_reads_is_there_in_both_languages() -> None:
    used: set[str] = set()
    for name in ("caseview.js", "caseform.js", "casefmt.js", "desk.js"):
        source = (ROOT / "assets" / "gridcc" / name).read_text(encoding="utf-8")
        used |= set(re.findall(r"\b(?:w|W|words|self\.words|this\.words)\.([a-z][a-z_]+)", source))
    assert {"cv_conflict", "cv_reload", "desk_pick", "key_not_offered"} <= used
    for lang in ("zh", "en"):
        assert used <= set(LABELS[lang]), (lang, used - set(LABELS[lang]))
    sources = ("patrol", "hotline", "wish", "department", "citizen")
    assert all(f"source_{s}" in LABELS["zh"] and f"source_{s}" in LABELS["en"] for s in sources)


def test_the_sheet_s_clock_says_whether_it_runs_now(tmp_path: Path, grid: Grid) -> None:
    at = [datetime(2026, 11, 24, 10, 0, tzinfo=clock.LOCAL_TZ)]  # a Tuesday morning
    store = Store(make_engine(f"sqlite:///{tmp_path / 'clock.db'}"), now=lambda: at[0])
    store.create_schema()
    lon, lat = grid.geometries[3].representative_point().coords[0]

    def report(category: str) -> Any:
        r = Report("patrol", category, "x", lon, lat, grid.codes[3])
        return store.open_case(r)[0]

    working, calendar = report("SR01"), report("SR03")  # 8 working hours; 4 calendar hours
    assert working.working_hours and not calendar.working_hours
    assert sla_clock(store, working, at[0])["ticking"] is True
    night = datetime(2026, 11, 24, 22, 0, tzinfo=clock.LOCAL_TZ)
    assert sla_clock(store, working, night)["ticking"] is False
    assert sla_clock(store, calendar, night)["ticking"] is True
    store.engine.dispose()
