"""Signing in and out: the sign-in page and its JSON twin, sign-out, the wall's kiosk
sign-in, and ``/api/me``. Failed sign-ins are rate-limited (``dashboard.limits``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Flask, Response, jsonify, redirect, request
from flask_wtf.csrf import generate_csrf

from cases import access
from cases.workflow import Actor
from dashboard import ids
from dashboard.auth import Auth
from dashboard.bodies import json_object
from dashboard.limits import Limits
from dashboard.login_page import WRONG_ZH, kiosk_html, login_html


def login_blueprint(auth: Auth, limits: Limits) -> Blueprint:
    bp = Blueprint("login", __name__)

    @bp.post("/api/login")
    @limits.per_name
    @limits.per_address
    def api_login() -> tuple[Response, int]:
        # JSON only: a form on another site cannot send it without the browser asking us
        # first (CORS), so nobody is signed in as someone else (login CSRF).
        if not request.is_json:
            return _error(415, "unsupported_media_type", "send application/json")
        body = json_object()
        if body is None:
            return _error(400, "invalid_body", "send a JSON object: username, password")
        user = auth.authenticate(str(body.get("username", "")), str(body.get("password", "")))
        if user is None:
            return _error(401, "bad_credentials", "wrong username or password")
        auth.sign_in(user.username)
        return jsonify(
            {
                "username": user.username,
                "role": user.role.value,
                "csrf_token": generate_csrf(),
                "home": landing(user.actor, None),
            }
        ), 200

    @bp.route("/login", methods=["GET", "POST"])
    @limits.per_name
    @limits.per_address
    def login_page() -> Any:
        if request.method == "POST":  # the form's CSRF token is checked before we get here
            user = auth.authenticate(
                request.form.get("username", ""), request.form.get("password", "")
            )
            if user is not None:
                auth.sign_in(user.username)
                return redirect(landing(user.actor, request.args.get("next")))
            return Response(login_html(WRONG_ZH, generate_csrf()), 401, mimetype="text/html")
        return Response(login_html("", generate_csrf()), mimetype="text/html")

    @bp.post("/logout")
    def logout() -> Any:
        auth.sign_out()
        if request.is_json or request.path.startswith("/api/"):
            return jsonify({"signed_out": True})
        return redirect("/login")

    bp.add_url_rule("/api/logout", "api_logout", logout, methods=["POST"])

    @bp.get("/kiosk")
    def kiosk_page() -> Response:
        return Response(kiosk_html(), mimetype="text/html")

    @bp.post("/api/kiosk")
    @limits.per_address
    def kiosk_sign_in() -> tuple[Response, int]:
        body = json_object()
        token = body.get("token") if body is not None else None
        if not isinstance(token, str) or not auth.sign_in_kiosk(token):
            return _error(401, "bad_credentials", "not a wall key, or revoked")
        return jsonify({"role": "wall"}), 200

    @bp.get("/api/me")
    def me() -> tuple[Response, int]:
        actor = auth.current_actor()
        if actor is None:
            return _error(401, "unauthenticated", "log in first")
        return jsonify(
            {"name": actor.name, "role": actor.role.value, "department": actor.department}
        ), 200

    return bp


def refuse_kiosk_query(server: Flask) -> None:
    """The old kiosk link carried the key in the query, where every access log and proxy
    keeps it. It is not taken any more: the address is cleaned and the wall is asked to use
    ``/kiosk#<key>``."""

    @server.before_request
    def _kiosk_in_query() -> Any:
        if "kiosk" not in request.args:
            return None
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "kiosk"]
        return redirect("/kiosk?moved=1" + (f"&{urlencode(args)}" if args else ""))


def _error(status: int, error: str, message: str) -> tuple[Response, int]:
    return jsonify({"error": error, "message": message}), status


def landing(actor: Actor, wanted: str | None) -> str:
    """Where a person goes after signing in: the page they asked for, else their role's
    own page (an operator to the desk, a lead to the map, a liaison to their desk)."""
    target = _safe_next(wanted)
    if wanted and target != "/":
        return target
    home = access.home_page(actor)
    return ids.PAGE_PATHS[home] if home is not None else "/"


def _safe_next(target: str | None) -> str:
    # Only a local path: never an open redirect to another site (no scheme, no host, no
    # backslash or control character that a browser might read as "//").
    if not target or any(ord(ch) < 32 or ch == "\\" for ch in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target
