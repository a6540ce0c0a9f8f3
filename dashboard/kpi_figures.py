"""Charts of the KPI page: closure times against the 3- and 7-day lines, KPI trends."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from dashboard import rates

INK = "#c9d6e3"
GRID = "#1e3247"
PANEL = "#101d2c"


def _style(fig: go.Figure, title: str) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": 16, "color": INK}, "x": 0.01},
        paper_bgcolor=PANEL,
        plot_bgcolor=PANEL,
        font={"color": INK},
        margin={"l": 56, "r": 20, "t": 48, "b": 44},
        legend={"orientation": "h", "y": -0.18},
    )
    fig.update_xaxes(gridcolor=GRID, zerolinecolor=GRID)
    fig.update_yaxes(gridcolor=GRID, zerolinecolor=GRID)
    return fig


def closure_histogram(
    hours: Sequence[float], words: Mapping[str, str], marks: Sequence[tuple[float, str]]
) -> go.Figure:
    """How long closed cases took, in 6-hour bins to 10 days, with a line at each of
    ``marks`` (days, and the text beside the line). The text is the caller's: on the KPI
    page, the KPI of that name with its own n/d (never a share of the closed cases under
    the KPI's name: one name, one number)."""
    values = np.asarray(hours, dtype=float)
    edges = np.arange(0, 240 + 6, 6)
    counts, _ = np.histogram(np.clip(values, 0, 239.99), bins=edges)
    centers = (edges[:-1] + edges[1:]) / 2
    colors = ["#2f9e6e" if c <= 72 else "#e0b341" if c <= 168 else "#e3342f" for c in centers]
    hover = f"%{{x:.2f}} {words['days']}<br>%{{y}} {words['cases_unit']}<extra></extra>"
    fig = go.Figure(
        go.Bar(x=centers / 24, y=counts, width=0.25, marker={"color": colors}, hovertemplate=hover)
    )
    for row, (days, text) in enumerate(marks):
        fig.add_vline(x=days, line={"color": INK, "dash": "dash", "width": 1.5})
        fig.add_annotation(
            x=days,
            y=1 - 0.09 * row,
            yref="paper",
            text=text,
            showarrow=False,
            xanchor="left",
            yanchor="top",
            font={"color": INK},
            bgcolor="rgba(16,29,44,0.8)",
        )
    fig.update_xaxes(title=words["days_to_close"], range=[0, 10])
    fig.update_yaxes(title=words["cases_unit"])
    title = words["closure_title"].format(n=len(values))
    return _style(fig, title)


def kpi_trend(
    per_day: Mapping[str, Mapping[str, Mapping[str, Any]]],
    definitions: Sequence[Mapping[str, Any]],
    codes: Sequence[str],
    words: Mapping[str, str],
) -> go.Figure:
    """Daily values of the chosen rates by day of report, with their targets."""
    days = list(per_day)
    fig = go.Figure()
    palette = ["#3fb6ff", "#2f9e6e", "#e0b341", "#c678dd"]
    by_code = {d["code"]: d for d in definitions}
    # Targets close together (99% and 99.5%) are labelled on either side of their lines.
    places = ["bottom right", "top left", "top right", "bottom left"]
    for color, code, place in zip(palette, codes, places, strict=False):
        d = by_code[code]
        results = [per_day[day][code] for day in days]
        # Each point where its shown value says (tenths, rounded toward worse), so the line
        # and its label never disagree.
        ys = [None if r.get("tenths") is None else r["tenths"] / 10 for r in results]
        fig.add_trace(
            go.Scatter(
                x=days,
                y=ys,
                name=d["name"],
                mode="lines+markers",
                line={"color": color, "width": 2},
                connectgaps=False,
                # Shown as every rate is (dashboard/rates.py), not by plotly's rounding.
                customdata=[rates.percent(r) for r in results],
                hovertemplate="%{x}<br>%{customdata}<extra>" + d["name"] + "</extra>",
            )
        )
        if d["target"]:
            fig.add_hline(
                y=d["target"] * 100,
                line={"color": color, "dash": "dot", "width": 1},
                annotation_text=f"{words['target']} {d['target'] * 100:g}%",
                annotation_font={"color": color},
                annotation_position=place,
            )
    shown = [y for trace in fig.data for y in trace.y if y is not None]
    fig.update_yaxes(title="%", range=[min([80.0, *shown]) - 2, 100.5])
    fig.update_xaxes(title=None)  # dates speak for themselves; the legend sits below
    return _style(fig, words["trend_title"])
