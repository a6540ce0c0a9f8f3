"""The router: a path with no page says so in the page's language."""

from __future__ import annotations

from collections.abc import Callable

from app import GridCC
from dashboard.site import PageContext, render


def test_an_unknown_path_says_there_is_no_such_page(make_app: Callable[..., GridCC]) -> None:
    g = make_app()
    ctx = PageContext(g.store, g.grid, g.server.extensions["gridcc_auth"])
    with g.server.test_request_context("/nowhere"):
        assert "没有这个页面" in str(render(ctx, "/nowhere", ""))
        english = str(render(ctx, "/nowhere", "?lang=en"))
        assert "There is no such page" in english and "/?lang=en" in english
