"""The wall's page as the server renders it: one set of risk words and colours for the
counters, the legend and the map; the map's buttons above it; street names over the cells."""

from __future__ import annotations

import json
from typing import Any

from app import GridCC
from dashboard import ids, wall
from dashboard.figures import RISK_LEVELS, map_look, risk_color
from dashboard.i18n import LANGS, labels
from dashboard.wall import WallContext
from tests.dashboard.conftest import login


def _layout(g: GridCC, lang: str = "zh") -> Any:
    ctx = WallContext(store=g.store, grid=g.grid, auth=g.server.extensions["gridcc_auth"])
    client = login(g, "op")
    cookie = f"session={client.get_cookie('session').value}"
    with g.server.test_request_context("/", headers={"Cookie": cookie}):
        return wall.layout(ctx, lang)


def _find(component: Any, **match: Any) -> list[Any]:
    """Every component under ``component`` whose attributes equal ``match``."""
    found = []
    if all(getattr(component, k, None) == v for k, v in match.items()):
        found.append(component)
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found.extend(_find(child, **match))
    return found


def test_counters_legend_and_map_say_a_risk_level_in_one_word_and_colour(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    for lang in LANGS:
        page = _layout(g, lang)
        config = json.loads(_find(page, id=ids.CONFIG)[0].to_plotly_json()["props"]["data-config"])
        risk = config["map"]["modes"]["risk"]  # what the map paints and its legend says
        assert risk["colors"] == [risk_color(level) for level in RISK_LEVELS]
        for counter_id, level in (
            (ids.COUNTER_AT_RISK, "at_risk"),
            (ids.COUNTER_OVERDUE, "overdue"),
        ):
            value = _find(page, id=counter_id)[0]
            (counter,) = [c for c in _find(page, className="counter risk") if value in c.children]
            label = counter.children[0].children
            i = RISK_LEVELS.index(level)
            assert (label, counter.style["--risk"]) == (risk["words"][i], risk["colors"][i]), lang
        assert risk == map_look(labels(lang))["modes"]["risk"]


def test_the_map_buttons_are_in_a_toolbar_above_the_map(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    (panel,) = _find(_layout(g), className="map-panel")
    toolbar, live_map = panel.children
    assert live_map.id == ids.MAP and not _find(live_map, id=ids.MAP_MODE)
    assert _find(toolbar, id=ids.MAP_MODE)


def test_the_cells_carry_their_streets_names_and_the_alert_list_its_rules(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    config = json.loads(
        _find(_layout(g), id=ids.CONFIG)[0].to_plotly_json()["props"]["data-config"]
    )
    street_names = {label[0] for label in g.grid.level_labels("street")}
    assert {label[0] for label in config["levels"]["cell"]["labels"]} == street_names
    assert config["levels"]["street"]["labels"] == [list(x) for x in g.grid.level_labels("street")]
    assert config["alertFrom"] == "at_risk" and config["timing"]["alertRows"] > 0
    assert config["departments"]["chengguan"]["zh"]
    assert _find(_layout(g), id=ids.ALERTS)
