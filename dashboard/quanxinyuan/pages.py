"""The platform's pages: /community (a community's desk), /unit (a 双报到 unit's page) and
/qxy (the public's phone page; its sign-in by phone when signed out).

Staff pages need a person signed in with a cookie and the access policy's yes
(``cases.access.may_view_page``); each shows the sections the areas offer for that page.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, redirect, request
from flask_wtf.csrf import generate_csrf

from cases import access
from cases.quanxinyuan import access as qxy_access
from dashboard.i18n import LANGS, labels
from dashboard.quanxinyuan.frame import PageContext, Section, message_page, render

if TYPE_CHECKING:
    from dashboard.quanxinyuan import Parts

SIGNIN = Section(
    name="signin",
    tab="qxy_signin_tab",
    html=lambda lang: signin_html(lang),
    scripts=("gridcc/qxysignin.js",),
    words=("qxy_",),
)


def sections_for(page: str) -> list[Section]:
    from dashboard.quanxinyuan import area_modules

    return [m.SECTIONS[page] for m in area_modules() if page in getattr(m, "SECTIONS", {})]


def signin_html(lang: str) -> str:
    w = labels(lang)

    def t(key: str) -> str:
        return escape(w[key])

    return f"""<form id="qx-signin" class="qx-card qx-form" novalidate>
<p>{t("qxy_signin_intro")}</p>
<label>{t("qxy_phone")}<input id="qx-phone" name="phone" type="tel" inputmode="numeric"
 autocomplete="tel" maxlength="14" placeholder="138 0000 0000"></label>
<button id="qx-send-code" class="qx-btn qx-quiet" type="button">{t("qxy_send_code")}</button>
<label>{t("qxy_code")}<input id="qx-code" name="code" inputmode="numeric"
 autocomplete="one-time-code" maxlength="6"></label>
<label>{t("qxy_name")}<input id="qx-name" name="name" maxlength="32"></label>
<label class="qx-consent"><input id="qx-consent" type="checkbox"> {t("qxy_consent")}</label>
<p id="qx-signin-msg" class="qx-msg" role="status"></p>
<button id="qx-verify" class="qx-btn qx-big" type="submit">{t("qxy_signin")}</button></form>"""


def _lang(parts: Parts, actor: Any) -> str:
    asked = request.args.get("lang")
    users = parts.core.users
    if asked in LANGS:
        if actor is not None and users.lang_of(actor.name) != asked:
            users.remember_lang(actor.name, asked)
        return asked
    return (users.lang_of(actor.name) if actor is not None else None) or "zh"


def _html(text: str, status: int = 200) -> Response:
    response = Response(text, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _signout_form(lang: str, action: str) -> str:
    return (
        f'<form method="post" action="{action}"><input type="hidden" name="csrf_token" '
        f'value="{escape(generate_csrf())}"><button class="qx-link" type="submit">'
        f"{escape(labels(lang)['qxy_signout'])}</button></form>"
    )


def pages_blueprint(parts: Parts) -> Blueprint:
    bp = Blueprint("qxy_pages", __name__)
    auth = parts.web.auth

    def staff_page(page: str) -> Any:
        identity = auth.identify()
        actor = identity.actor
        if actor is None or not identity.by_cookie:
            return redirect(f"/login?next=/{page}")
        lang = _lang(parts, actor)
        w = labels(lang)
        if not access.may_view_page(actor, page):
            return _html(message_page(lang, w["qxy_title"], w["qxy_denied"], "/", "/"), 403)
        ctx = PageContext(lang, actor, parts.core, parts)
        if page == "community":
            code = qxy_access.community_of(actor) or ""
            place = parts.platform.places.communities.get(code)
            who = f"{place.street_name} · {place.community_name}" if place else code
        else:
            unit = parts.units.get(qxy_access.unit_of(actor)) if parts.units else None
            who = unit.name if unit is not None else actor.department or actor.name
        title = w["qxy_title_community" if page == "community" else "qxy_title_unit"]
        text = render(
            page,
            ctx,
            sections_for(page),
            title=title,
            who=who,
            socket=True,
            signout=_signout_form(lang, "/logout"),
        )
        return _html(text)

    @bp.get("/community")
    def community() -> Any:
        return staff_page("community")

    @bp.get("/unit")
    def unit() -> Any:
        return staff_page("unit")

    @bp.get("/qxy")
    def public_page() -> Any:
        asked = request.args.get("lang")
        lang = asked if asked is not None and asked in LANGS else "zh"
        w = labels(lang)
        person = parts.public.current()
        ctx = PageContext(lang, person, parts.core, parts)
        if person is None:
            text = render("public", ctx, [SIGNIN], title=w["qxy_title"], who="", socket=False)
        else:
            who = person.name or person.masked_phone
            text = render(
                "public",
                ctx,
                sections_for("public"),
                title=w["qxy_title"],
                who=who,
                socket=False,
                signout=_signout_form(lang, "/qxy/signout"),
            )
        response = _html(text)
        # The phone page may ask for the position (a problem's place) and the camera.
        response.headers["Permissions-Policy"] = "geolocation=(self), camera=(self), microphone=()"
        return response

    @bp.post("/qxy/signout")
    def public_signout() -> Any:
        from flask import session

        from dashboard.quanxinyuan.public_auth import PUBLIC_SESSION

        parts.residents.end(session.pop(PUBLIC_SESSION, None))
        return redirect("/qxy")

    return bp
