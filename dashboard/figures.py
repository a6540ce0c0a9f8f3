"""Plotly figures for the screens. Geometry is referenced by URL, never inlined."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

# Open cases per cell: calm blue-grey at zero, through amber, to red at 8 and more.
LOAD_COLORSCALE = [
    [0.0, "#16283a"],
    [0.0625, "#16283a"],
    [0.0626, "#1f6f8b"],
    [0.25, "#2aa198"],
    [0.45, "#e0b341"],
    [0.7, "#f07f2e"],
    [1.0, "#e3342f"],
]
LOAD_MAX = 8
RISK_COLORS = (
    "#16283a",
    "#2f9e6e",
    "#e0b341",
    "#f07f2e",
    "#e3342f",
)  # none ok watch at-risk overdue
RISK_LEVELS = ("none", "ok", "watch", "at_risk", "overdue")


def _discrete(colors: tuple[str, ...]) -> list[list[Any]]:
    """A colorscale of flat bands, one per integer 0..n-1 when zmin=-0.5 and zmax=n-0.5."""
    n = len(colors)
    scale: list[list[Any]] = []
    for i, color in enumerate(colors):
        scale += [[i / n, color], [(i + 1) / n, color]]
    return scale


RISK_COLORSCALE = _discrete(RISK_COLORS)


def _colorbar(
    title: str, tickvals: list[int] | None = None, ticktext: list[str] | None = None
) -> dict[str, Any]:
    bar: dict[str, Any] = {
        "title": {"text": title, "font": {"color": "#c9d6e3"}},
        "tickfont": {"color": "#c9d6e3"},
        "thickness": 12,
        "len": 0.5,
        "x": 0.99,
        "xanchor": "right",
        "bgcolor": "rgba(11,20,32,0.6)",
    }
    if tickvals is not None:
        bar.update(tickvals=tickvals, ticktext=ticktext, tickmode="array")
    else:
        bar["ticklabelposition"] = "outside bottom"  # the top label clears the title
    return bar


def map_modes(words: dict[str, str]) -> dict[str, dict[str, Any]]:
    """How the map looks in each mode; the browser restyles between them."""
    return {
        "load": {
            "colorscale": LOAD_COLORSCALE,
            "zmin": 0,
            "zmax": LOAD_MAX,
            "colorbar": _colorbar(words["legend"]),
        },
        "risk": {
            "colorscale": RISK_COLORSCALE,
            "zmin": -0.5,
            "zmax": len(RISK_LEVELS) - 0.5,
            "colorbar": _colorbar(
                words["legend_risk"],
                list(range(len(RISK_LEVELS))),
                [words[f"risk_{level}"] for level in RISK_LEVELS],
            ),
        },
    }


BACKGROUND = "#0b1420"
# A blank MapLibre style: no tiles, no glyphs, nothing fetched from the internet.
BLANK_STYLE = {
    "version": 8,
    "sources": {},
    "layers": [
        {"id": "background", "type": "background", "paint": {"background-color": BACKGROUND}}
    ],
}


def zoom_for(
    bounds: tuple[float, float, float, float], width_px: int = 1150, height_px: int = 780
) -> float:
    """A MapLibre zoom (512-px tiles) that fits lon/lat ``bounds`` (WGS-84) in a viewport."""
    minx, miny, maxx, maxy = bounds
    lon_span = max(maxx - minx, 1e-6)
    lat_rad = math.radians((miny + maxy) / 2)
    lat_span = max(maxy - miny, 1e-6) / math.cos(lat_rad)
    zoom_x = math.log2(width_px * 360 / (512 * lon_span))
    zoom_y = math.log2(height_px * 360 / (512 * lat_span))
    return round(min(zoom_x, zoom_y) - 0.15, 2)


def load_map(
    codes: Sequence[str],
    names: Sequence[str],
    open_by_cell: Mapping[str, int],
    *,
    cells_url: str,
    outline_url: str,
    center: tuple[float, float],
    zoom: float,
    hover_open: str,
    legend: str,
    attribution: str,
) -> go.Figure:
    """The wall's map: every cell coloured by its open-case count."""
    z = [int(open_by_cell.get(code, 0)) for code in codes]
    trace = go.Choroplethmap(
        geojson=cells_url,
        featureidkey="id",
        locations=list(codes),
        z=z,
        customdata=list(names),
        zmin=0,
        zmax=LOAD_MAX,
        colorscale=LOAD_COLORSCALE,
        marker={"line": {"width": 0.4, "color": "#35526e"}, "opacity": 0.92},
        colorbar=_colorbar(legend),
        hovertemplate=f"%{{customdata}}<br>%{{location}}<br>{hover_open} %{{z}}<extra></extra>",
    )
    fig = go.Figure(trace)
    fig.update_layout(
        map={
            "style": BLANK_STYLE,
            "center": {"lon": center[0], "lat": center[1]},
            "zoom": zoom,
            "layers": [
                {
                    "sourcetype": "geojson",
                    "source": outline_url,
                    "type": "line",
                    "color": "#8fb3d9",
                    "line": {"width": 2},
                }
            ],
        },
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        paper_bgcolor=BACKGROUND,
        plot_bgcolor=BACKGROUND,
        uirevision="wall",
        annotations=[
            {
                "text": attribution,
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 0.005,
                "y": 0.005,
                "xanchor": "left",
                "yanchor": "bottom",
                "font": {"size": 11, "color": "#7f93a8"},
            }
        ],
    )
    return fig
