"""The frame of 泉心愿's plain pages (the community's desk /community, a unit's /unit, the
public's phone page /qxy): a header, a tab per section, and the page's config.

Like the patrol page, these are plain pages served by Flask, not Dash: a phone on a weak
connection loads a few kilobytes and a few small scripts. Each area of the platform adds
a ``Section`` (its pane's HTML, its scripts, its config); ``assets/gridcc/qxyframe.js``
starts every section's script (registered with ``gridcc.qxy.register``), switches tabs,
and on the staff pages hands each section the platform's live events from the page's
socket (a section re-reads what changed; after a reconnect, everything).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from dashboard.i18n import labels

ASSETS = Path(__file__).resolve().parent.parent.parent / "assets"
FRAME_SCRIPTS = ("gridcc/http.js", "gridcc/dom.js", "gridcc/qxyphoto.js", "gridcc/qxyframe.js")
SOCKET_SCRIPT = "vendor/socket.io.min.js"
FRAME_STYLE = "qxy.css"


@dataclass(frozen=True)
class Section:
    """One tab of a page: ``html(lang)`` its pane, ``config(ctx)`` what its script reads
    (``ctx``: the page's ``PageContext``), ``words`` the key prefixes of its words."""

    name: str
    tab: str  # a words key
    html: Callable[[str], str]
    config: Callable[[Any], dict[str, Any]] = lambda _ctx: {}
    scripts: tuple[str, ...] = ()
    styles: tuple[str, ...] = ()
    words: tuple[str, ...] = ()


@dataclass
class PageContext:
    """What a page is rendered for: the language, who is looking, and the platform."""

    lang: str
    viewer: Any  # an Actor (staff) or a PublicPerson
    core: Any
    parts: Any  # dashboard.quanxinyuan.Parts
    extra: dict[str, Any] = field(default_factory=dict)


def asset(name: str) -> str:
    path = ASSETS / name
    version = str(int(path.stat().st_mtime)) if path.exists() else "0"
    return f"/assets/{name}?v={version}"


def words_for(lang: str, prefixes: tuple[str, ...]) -> dict[str, str]:
    table = labels(lang)
    return {k: v for k, v in table.items() if k.startswith(("qxy_", *prefixes))}


def render(
    page: str,
    ctx: PageContext,
    sections: list[Section],
    *,
    title: str,
    who: str,
    socket: bool,
    head_extra: str = "",
    signout: str = "",
) -> str:
    """The page ``page`` (community, unit or public) with ``sections`` as tabs."""
    lang = ctx.lang
    prefixes = tuple(p for s in sections for p in s.words)
    config = {
        "page": page,
        "lang": lang,
        "socket": socket,
        "words": words_for(lang, prefixes),
        "sections": [{"name": s.name, "config": s.config(ctx)} for s in sections],
    }
    data = json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")
    scripts = ((SOCKET_SCRIPT,) if socket else ()) + FRAME_SCRIPTS
    scripts += tuple(dict.fromkeys(s for sec in sections for s in sec.scripts))
    styles = (FRAME_STYLE, *dict.fromkeys(s for sec in sections for s in sec.styles))
    w = labels(lang)
    other = "zh" if lang == "en" else "en"
    tabs = "".join(
        f'<button role="tab" data-tab="{escape(s.name)}" aria-selected="{str(i == 0).lower()}">'
        f'{escape(w.get(s.tab, s.tab))}<span class="qx-n" data-count="{escape(s.name)}">'
        "</span></button>"
        for i, s in enumerate(sections)
    )
    panes = "".join(
        f'<section class="qx-pane" data-pane="{escape(s.name)}"{"" if i == 0 else " hidden"}>'
        f"{s.html(lang)}</section>"
        for i, s in enumerate(sections)
    )
    links = "".join(f'<link rel="stylesheet" href="{asset(s)}">' for s in styles)
    tags = "".join(f'<script src="{asset(s)}" defer></script>' for s in scripts)
    return f"""<!doctype html><html lang="{"en" if lang == "en" else "zh-CN"}"><head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="theme-color" content="#a4262c"><title>{escape(title)} · gridcc</title>{links}
<script type="application/json" id="qxy-config">{data}</script>{tags}{head_extra}</head>
<body class="qx-{escape(page)}"><main id="qxy-app" class="qx">
<header class="qx-head"><h1>{escape(title)}</h1><span class="qx-who">{escape(who)}</span>
<span id="qx-live" class="qx-live" hidden></span>
<a class="qx-lang" href="?lang={other}">{"中文" if other == "zh" else "EN"}</a>{signout}</header>
<nav class="qx-tabs" role="tablist">{tabs}</nav>{panes}
</main></body></html>"""


def message_page(lang: str, title: str, text: str, link: str = "", link_text: str = "") -> str:
    more = (
        f'<p class="qx-card"><a href="{escape(link)}">{escape(link_text)}</a></p>' if link else ""
    )
    return f"""<!doctype html><html lang="{"en" if lang == "en" else "zh-CN"}"><head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><link rel="stylesheet" href="{asset(FRAME_STYLE)}">
</head><body><main class="qx"><header class="qx-head"><h1>{escape(title)}</h1></header>
<p class="qx-card">{escape(text)}</p>{more}</main></body></html>"""
