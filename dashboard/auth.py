"""Who is asking: sessions for people, bearer tokens for systems, kiosk links for the wall.

Every API route, Dash page and socket connection asks ``current_actor()`` and checks the
role itself; hiding a button is never the protection.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from html import escape
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Flask, Response, jsonify, redirect, request, session

from cases import access
from cases.model import storable
from cases.users import UserDirectory
from cases.workflow import Actor, Role
from dashboard.bodies import json_object

F = TypeVar("F", bound=Callable[..., Any])
Policy = Callable[[Actor], bool]


class Auth:
    def __init__(self, users: UserDirectory, open_wall: bool) -> None:
        self.users = users
        # In development the wall and its read APIs are open, so the demo needs no login.
        self.open_wall = open_wall

    def current_actor(self) -> Actor | None:
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            user = self.users.by_token(header[7:].strip())
            return user.actor if user else None
        username = session.get("user")
        if username:
            user = self.users.get(username)
            if user is not None:
                return user.actor
        if self.open_wall:
            return Actor("anonymous", Role.WALL)
        return None

    def _authenticate(self, username: str, password: str) -> Any:
        # A name no store can hold (NUL, lone surrogates) names nobody: a plain refusal.
        if not storable(username):
            return None
        return self.users.authenticate(username, password)

    def may_report(self) -> bool:
        return access.may_report(self.current_actor())

    def require(self, allowed: Policy = access.may_see_sequence) -> Callable[[F], F]:
        """A route decorator: 401 without an identity, 403 when the access policy's
        question ``allowed`` says no for this actor."""

        def decorate(view: F) -> F:
            @wraps(view)
            def guarded(*args: Any, **kwargs: Any) -> Any:
                actor = self.current_actor()
                if actor is None:
                    return jsonify({"error": "unauthenticated", "message": "log in first"}), 401
                if not allowed(actor):
                    return jsonify(
                        {
                            "error": "forbidden",
                            "message": f"not open to your role ({actor.role.value})",
                        }
                    ), 403
                return view(*args, **kwargs)

            return guarded  # type: ignore[return-value]

        return decorate

    def init_app(self, server: Flask) -> None:
        server.extensions["gridcc_auth"] = self
        server.register_blueprint(self._blueprint())

        @server.before_request
        def _kiosk() -> Any:
            # A wall display is set up once with ?kiosk=<token> (a wall user's token only);
            # the session then keeps it, and the token leaves the address bar at once.
            token = request.args.get("kiosk")
            if not token:
                return None
            user = self.users.by_token(token)
            if user is not None and user.role is Role.WALL:
                session.clear()
                session.permanent = True
                session["user"] = user.username
            args = [(k, v) for k, v in request.args.items(multi=True) if k != "kiosk"]
            return redirect(request.path + (f"?{urlencode(args)}" if args else ""))

    def _blueprint(self) -> Blueprint:
        bp = Blueprint("auth", __name__)

        @bp.post("/api/login")
        def api_login() -> tuple[Response, int]:
            body = json_object()
            if body is None:
                return jsonify(
                    {"error": "invalid_body", "message": "send a JSON object: username, password"}
                ), 400
            user = self._authenticate(str(body.get("username", "")), str(body.get("password", "")))
            if user is None:
                return jsonify(
                    {"error": "bad_credentials", "message": "wrong username or password"}
                ), 401
            session.clear()  # a fresh session for every login: no fixation, no kiosk leftovers
            session["user"] = user.username
            return jsonify({"username": user.username, "role": user.role.value}), 200

        @bp.route("/login", methods=["GET", "POST"])
        def login_page() -> Any:
            error = ""
            if request.method == "POST":
                user = self._authenticate(
                    request.form.get("username", ""), request.form.get("password", "")
                )
                if user is not None:
                    session.clear()
                    session["user"] = user.username
                    return redirect(_safe_next(request.args.get("next")))
                error = "用户名或密码错误 / wrong username or password"
            return Response(_login_html(error), mimetype="text/html")

        @bp.post("/logout")
        def logout() -> Any:
            session.pop("user", None)
            return redirect("/login")

        @bp.get("/api/me")
        def me() -> tuple[Response, int]:
            actor = self.current_actor()
            if actor is None:
                return jsonify({"error": "unauthenticated", "message": "log in first"}), 401
            return jsonify(
                {"name": actor.name, "role": actor.role.value, "department": actor.department}
            ), 200

        return bp


def _safe_next(target: str | None) -> str:
    # Only a local path: never an open redirect to another site (no scheme, no host, no
    # backslash or control character that a browser might read as "//").
    if not target or any(ord(ch) < 32 or ch == "\\" for ch in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _login_html(error: str) -> str:
    message = f'<p class="login-error">{escape(error)}</p>' if error else ""
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>登录 · gridcc</title><link rel="stylesheet" href="/assets/wall.css"></head>
<body><form class="login" method="post">
<h1>历下区网格化管理指挥中心</h1>{message}
<label>用户名 Username<input name="username" autocomplete="username" required></label>
<label>密码 Password<input name="password" type="password"
 autocomplete="current-password" required></label>
<button type="submit">登录 Log in</button></form></body></html>"""
