"""The people on patrol on the live map (the wall and the lead's map): what a page's config
carries for them (assets/gridcc/peoplelayer.js draws it; no threshold, colour or word is
kept in the browser), each part only for a screen whose person may see it.

- ``people``: the dots of the people on patrol (``access.may_see_positions``); a dot older
  than ``staleS`` looks stale, one older than ``maxAgeS`` (cases.positions.MAX_AGE_S) goes.
- the map mode ``patrol`` (巡查覆盖): each cell patrolled today or not yet, a community or
  street partly (``access.may_see_patrol_coverage``).
- ``nearestUrl``: the case view's nearest people on patrol (``access.may_see_nearest``).
"""

from __future__ import annotations

from typing import Any

from cases import access
from cases.actors import Role
from cases.positions import MAX_AGE_S
from cases.workflow import Actor
from dashboard.i18n import labels

MODE = "patrol"
STALE_S = 20.0  # a phone sends every ~15 s: a dot this old has missed one
LABEL_ZOOM = 14.0  # names beside the dots from this zoom on
MAX_LABELS = 150  # names drawn at most (the ones on screen)
DOT_COLORS = {"fresh": "#3ee07f", "stale": "#8a97a6", "ring": "#ffffff"}
# (zoom, CSS px): small over the whole district (a thousand people must not hide the cells
# beneath them), larger from a street on
DOT_RADIUS = ((11.0, 2.2), (16.0, 7.0))
# 0 not yet, 1 partly (a community or street), 2 patrolled
COVERAGE_COLORS = ("#6b3440", "#c08a2d", "#2f9e6e")
COVERAGE_URL = "/api/patrol/coverage"
COVERAGE_REFRESH_MS = 60_000
NEAREST_URL = "/api/cases/{id}/nearest"


def coverage_mode(words: dict[str, str]) -> dict[str, Any]:
    """The map mode 巡查覆盖 (as map_look's modes: assets/gridcc/mapcolor.js paints it)."""
    return {
        "title": words["legend_patrol"],
        "hover": words["legend_patrol"],
        "colors": list(COVERAGE_COLORS),
        "words": [words["patrol_none"], words["patrol_some"], words["patrol_all"]],
        "aggregate": "share",  # a community or street: none, some or all of its cells
        "url": COVERAGE_URL,
        "refreshMs": COVERAGE_REFRESH_MS,
    }


def people_look() -> dict[str, Any]:
    return {
        "event": "positions",
        "maxAgeS": MAX_AGE_S,
        "staleS": STALE_S,
        "labelZoom": LABEL_ZOOM,
        "maxLabels": MAX_LABELS,
        "colors": dict(DOT_COLORS),
        "radius": [list(stop) for stop in DOT_RADIUS],
    }


def shows_coverage(actor: Actor | None) -> bool:
    return access.may_see_patrol_coverage(actor)


def with_people(
    config: dict[str, Any],
    actor: Actor | None,
    lang: str,
    roles: frozenset[Role] = access.POSITION_ROLES,
) -> dict[str, Any]:
    """``config`` (a live map page's) with what ``actor`` may see of the people on patrol
    (``roles``: the ``POSITION_ROLES`` setting)."""
    seen = access.may_see_positions(actor, roles)
    out = {**config, "people": people_look() if seen else None}
    if shows_coverage(actor):
        modes = {**config["map"]["modes"], MODE: coverage_mode(labels(lang))}
        out["map"] = {**config["map"], "modes": modes}
    out["nearestUrl"] = NEAREST_URL if access.may_see_nearest(actor, roles) else None
    return out
