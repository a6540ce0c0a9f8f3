"""Rate limits (Flask-Limiter): failed sign-ins per name and per address, and requests per
API key. Counted in Redis when the deployment has one (every process shares the count,
under this deployment's own prefix), else in this process's memory.

A breach answers 429 with Retry-After; a Redis that drops out never fails a request (the
limiter falls back to memory until it is back).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address

from cases import redis_client
from dashboard import errors
from dashboard.auth import Auth
from dashboard.bodies import json_object
from dashboard.login_page import TOO_MANY_ZH, login_html

LOGIN_SCOPE = "sign-in"


def _failed(response: Response) -> bool:
    return response.status_code == 401


def login_name() -> str:
    """The name a sign-in is for (form or JSON), as the limit's key."""
    body = json_object() if request.is_json else None
    name = body.get("username") if body is not None else request.form.get("username")
    return "name:" + (str(name)[:64] if name else "")


class Limits:
    def __init__(self, server: Flask, auth: Auth, settings: Any) -> None:
        self.auth = auth
        storage = settings.redis_url or "memory://"
        # A pool that waits for a free connection (cases/redis_client.py).
        options: dict[str, Any] = (
            {"connection_pool": redis_client.client(storage).connection_pool}
            if settings.redis_url
            else {}
        )
        self.limiter = Limiter(
            self._limit_key,
            app=server,
            storage_uri=storage,
            storage_options=options,
            key_prefix=f"{settings.fanout_channel}-limits",
            strategy="moving-window",
            headers_enabled=True,
            swallow_errors=True,
            in_memory_fallback_enabled=True,
            default_limits=[settings.key_rate_limit],
            default_limits_exempt_when=lambda: self._key_name() is None,
        )
        self.limiter.request_filter(lambda: request.endpoint in (None, "static"))
        # Sign-ins per name: every attempt counts, taken before the password is checked, so
        # a burst of parallel guesses cannot pass the check together (a failure-only count
        # is known only after each answer). Per address: failures only (a shared office).
        self.per_name = self.limiter.shared_limit(
            settings.login_rate_limit, LOGIN_SCOPE, key_func=login_name, methods=["POST"]
        )
        self.per_address = self.limiter.shared_limit(
            settings.login_address_limit,
            LOGIN_SCOPE + "-address",
            key_func=get_remote_address,
            deduct_when=_failed,
        )
        # The public doors (Open311's reads, anyone's): per client address; a key has its own.
        self.public = self.limiter.shared_limit(
            settings.public_rate_limit,
            "public",
            key_func=get_remote_address,
            exempt_when=lambda: self._key_name() is not None,
        )
        server.register_error_handler(RateLimitExceeded, _too_many)

    def _key_name(self) -> str | None:
        # Asked of every request: one without a credential (a page's assets, a browser with
        # its session) is no key's, and needs no look-up in the store.
        if self.auth.presented_credential() is None:
            return None
        return self.auth.identify().key_name

    def _limit_key(self) -> str:
        """Per API key for the keys' limit (the only default limit)."""
        name = self._key_name()
        return f"key:{name}" if name else get_remote_address()


def _too_many(exc: RateLimitExceeded) -> tuple[Response, int]:
    message = f"too many requests ({exc.description}); wait"
    if request.path == "/login":
        return Response(login_html(TOO_MANY_ZH, ""), status=429, mimetype="text/html"), 429
    return errors.answer(429, "rate_limited", message)
