"""泉心愿's pages (dashboard/quanxinyuan/pages.py): the community's desk (/community), a
双报到 unit's page (/unit) and the public's phone page (/qxy), each the tabs the areas
offer for it (HTML, ``Cache-Control: no-store``)."""

from __future__ import annotations

from typing import Any

from dashboard.i18n import LANGS
from dashboard.openapi.auth_paths import HTML, REDIRECT
from dashboard.openapi.common import PUBLIC, Operation, Paths, query_param

TAGS = ["qxy pages"]


def _page(summary: str, responses: dict[str, Any]) -> Operation:
    return {
        "summary": summary,
        "security": PUBLIC,
        "tags": TAGS,
        "parameters": [query_param("lang", {"type": "string", "enum": list(LANGS)})],
        "responses": {"200": {"description": "The page", "content": HTML}, **responses},
    }


def _staff_page(summary: str, who: str) -> dict[str, Operation]:
    return {
        "get": _page(
            summary + " (HTML); without a staff session cookie (a key is not enough) it "
            "sends the browser to /login",
            {
                "302": REDIRECT,
                "403": {
                    "description": f"cases.access.may_view_page says no: {who}",
                    "content": HTML,
                },
            },
        )
    }


def paths() -> Paths:
    return {
        "/community": _staff_page(
            "A community's desk: its wishes, calls, problems and lists",
            "not a community's liaison (access.community_of)",
        ),
        "/unit": _staff_page(
            "A 双报到 unit's page: the wishes open to claim, its claims, resources and projects",
            "not a unit's account (role unit, with its unit as department)",
        ),
        "/qxy": {
            "get": _page(
                "The public's phone page (HTML): the sign-in by phone when signed out, "
                "else their tabs (their wishes, calls, problems)",
                {},
            )
        },
        "/qxy/signout": {
            "post": {
                "summary": "Sign the public out (the form on /qxy), back to /qxy",
                "security": PUBLIC,
                "tags": TAGS,
                "responses": {
                    "302": REDIRECT,
                    "403": {"description": "CSRF token missing (form field csrf_token)"},
                },
            }
        },
    }
