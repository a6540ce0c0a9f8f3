"""How the map looks: its colours, its blank style and its legend, sent to the browser in the
page's config (assets/gridcc/mapcolor.js builds the MapLibre paint from them, so no colour
is copied into JS). Geometry is referenced by URL, never inlined."""

from __future__ import annotations

from typing import Any

# Open cases per shape: calm blue-grey at zero, then from teal through amber to red at the
# top of the scale (8 open cases, or the most any shape has when that is more).
LOAD_NONE = "#16283a"
LOAD_RAMP = (
    (0.0, "#1f6f8b"),
    (0.25, "#2aa198"),
    (0.45, "#e0b341"),
    (0.7, "#f07f2e"),
    (1.0, "#e3342f"),
)  # (fraction of the scale's top, colour); the first stop sits at half a case
LOAD_MAX = 8
RISK_COLORS = (
    "#16283a",
    "#2f9e6e",
    "#e0b341",
    "#f07f2e",
    "#e3342f",
)  # none ok watch at-risk overdue
RISK_LEVELS = ("none", "ok", "watch", "at_risk", "overdue")
# The headline counters that count a risk level, by their words' key (dashboard/i18n.py).
RISK_COUNTER_WORDS = {"at_risk": "at_risk", "overdue": "overdue"}

BACKGROUND = "#0b1420"
OUTLINE = "#8fb3d9"
BORDER = "#35526e"
SELECTED = "#3fb6ff"
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
    """The colour of a risk level on the map, and of its headline counter."""
    return RISK_COLORS[RISK_LEVELS.index(level)]


def risk_words(words: dict[str, str]) -> list[str]:
    """A word per risk level; the counters' own words where a counter counts that level."""
    return [words[RISK_COUNTER_WORDS.get(level, f"risk_{level}")] for level in RISK_LEVELS]


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
        },
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
                "colors": list(RISK_COLORS),
                "words": risk_words(words),
            },
        },
    }
