"""How the map looks: its colours, its blank style and its legend, sent to the browser in the
page's config (assets/gridcc/mapcolor.js builds the MapLibre paint from them, so no colour
is copied into JS). Geometry is referenced by URL, never inlined."""

from __future__ import annotations

from typing import Any

from cases import sla

# Open cases per shape: a dark blue-grey at zero, then from a clear blue at one case through
# teal and amber to red at the top of the scale (8 open cases, or the most any shape has
# when that is more). One case must stand out from none on a wall seen from across a room
# (tests/js/mapcolor.test.js measures the contrast).
LOAD_NONE = "#152536"
LOAD_RAMP = (
    (0.0, "#2f8fdc"),
    (0.25, "#27c2b0"),
    (0.5, "#f2c14e"),
    (0.75, "#f3812f"),
    (1.0, "#e8393a"),
)  # (fraction of the scale's top, colour); the first stop sits at half a case
LOAD_MAX = 8
# Risk levels: "none" (no open case) and cases.sla's levels, each with its one colour. The
# map, its legend, the headline counters and the alert list all take theirs from here, and
# their words from dashboard/i18n.py ``risk_<level>``.
RISK_LEVELS = ("none", *sla.RISK_LEVELS)
RISK_COLORS = {
    "none": LOAD_NONE,
    "ok": "#2f9e6e",
    "watch": "#e0b341",
    "at_risk": "#f3812f",
    "overdue": "#e8393a",
}

BACKGROUND = "#0b1420"
OUTLINE = "#8fb3d9"
BORDER = "#2c4763"
SELECTED = "#3fb6ff"
CONTEXT = "#9fc2e4"  # the streets' borders over the cells
MUTED = "#2a3440"
# A blank MapLibre style: no sources, no tiles, no glyphs, no sprite; nothing is fetched.
BLANK_STYLE = {
    "version": 8,
    "sources": {},
    "layers": [
        {"id": "background", "type": "background", "paint": {"background-color": BACKGROUND}}
    ],
}


def risk_color(level: str) -> str:
    """The colour of a risk level: on the map, its legend, the counters and the alert list."""
    return RISK_COLORS[level]


def risk_word(words: dict[str, str], level: str) -> str:
    """The word of a risk level, wherever it is shown."""
    return words[f"risk_{level}"]


def risk_words(words: dict[str, str]) -> list[str]:
    """A word per risk level, in the order of RISK_LEVELS."""
    return [risk_word(words, level) for level in RISK_LEVELS]


def map_look(words: dict[str, str]) -> dict[str, Any]:
    """Everything the map view needs to draw: style, colours per mode, legend words."""
    return {
        "style": BLANK_STYLE,
        "colors": {
            "outline": OUTLINE,
            "border": BORDER,
            "selected": SELECTED,
            "muted": MUTED,
            "label": "#e6eef6",
            "context": CONTEXT,
        },
        # Over cells and communities, the streets' borders (and names: dashboard/wall.py).
        "context": "street",
        "modes": {
            "load": {
                "title": words["legend"],
                "hover": words["hover_open"],
                "none": LOAD_NONE,
                "ramp": [list(stop) for stop in LOAD_RAMP],
                "max": LOAD_MAX,
            },
            "risk": {
                "title": words["legend_risk"],
                "hover": words["legend_risk"],
                "colors": [risk_color(level) for level in RISK_LEVELS],
                "words": risk_words(words),
            },
        },
    }
