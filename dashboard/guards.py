"""What every response and every state-changing request passes: CSRF checks and security
headers.

CSRF: a request that changes state and rides on the session cookie must carry the
session's CSRF token (Flask-WTF makes and checks it), in the form field ``csrf_token`` or
the header ``X-CSRFToken``. Dash's renderer sends that header from the ``_csrf_token``
cookie, which is set here for the page's scripts. A request with an API key (no ambient
credential) needs none; ``/api/login`` and ``/api/kiosk`` take only JSON, which another
site cannot send without asking first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, jsonify, request, session
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from wtforms import ValidationError

from dashboard.auth import SESSION_ID, Auth
from dashboard.quanxinyuan.public_auth import PUBLIC_SESSION

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_COOKIE = "_csrf_token"
# The public's sign-in to 泉心愿 (dashboard.quanxinyuan.public_auth): its page sets the
# token's cookie before anyone is signed in, and its routes check the token like /login.
PUBLIC_PAGE = "/qxy"
PUBLIC_API = "/api/qxy/public/"
CSRF_HEADER = "X-CSRFToken"
JSON_ONLY = frozenset({"/api/login", "/api/kiosk"})


def content_security_policy(tile_url: str, inline_script_hashes: Sequence[str]) -> str:
    """Only our own origin: scripts from /assets (and Dash's one inline start-up script, by
    hash), MapLibre's workers from blob:, tiles from the configured tile server if any.
    Styles allow inline attributes, which React sets on elements."""
    tiles = ""
    if tile_url:
        parts = urlsplit(tile_url.replace("{", "").replace("}", ""))
        tiles = f" {parts.scheme}://{parts.netloc}" if parts.netloc else ""
    hashes = " ".join(inline_script_hashes)  # Dash gives them quoted: 'sha256-…'
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {hashes}".rstrip(),
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data: blob:{tiles}",
            "font-src 'self'",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "child-src blob:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def init_app(server: Flask, auth: Auth, csp: str) -> None:
    """``csp``: the Content-Security-Policy every response carries."""
    server.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked below, by credential
    server.config["WTF_CSRF_TIME_LIMIT"] = None  # valid as long as the session stands
    server.config["WTF_CSRF_SSL_STRICT"] = False  # the origin is checked by SameSite cookies

    @server.before_request
    def _csrf() -> Any:
        if request.method in SAFE_METHODS:
            return None
        if request.path in JSON_ONLY:
            return None  # the route refuses anything but JSON
        public = PUBLIC_SESSION in session or request.path.startswith(PUBLIC_API)
        if request.path == "/login" or SESSION_ID in session or public:
            if auth.presented_credential() is not None:
                return None  # the request is who its key or token says, not the cookie
            token = request.headers.get(CSRF_HEADER) or request.form.get("csrf_token", "")
            try:
                validate_csrf(token)
            except (ValidationError, CSRFError) as exc:
                return jsonify({"error": "csrf", "message": f"CSRF token: {exc}"}), 403
        return None

    @server.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Content-Security-Policy", csp)
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        signed_in = SESSION_ID in session or PUBLIC_SESSION in session
        if (signed_in or request.path == PUBLIC_PAGE) and response.mimetype == "text/html":
            # For Dash's renderer, which sends it back as X-CSRFToken.
            response.set_cookie(
                CSRF_COOKIE,
                generate_csrf(),
                samesite="Strict",
                secure=request.is_secure,
                httponly=False,
            )
        return response
