"""Who is asking: a server-side session for people, an API key for systems, a kiosk
session for a wall display.

Every API route, Dash page and socket connection asks ``current_actor()`` and checks the
access policy itself; hiding a button is never the protection. The browser's cookie holds
only a random session id; ``cases.sessions`` decides on every request whether it still
stands (signed out, ended by an admin, user deactivated, idle, too old).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, g, jsonify, request, session

from cases import access
from cases.keys import KeyRing
from cases.model import storable
from cases.sessions import KIOSK, SessionBook
from cases.users import User, UserDirectory
from cases.workflow import ROLE_ZH, Actor, Role

F = TypeVar("F", bound=Callable[..., Any])
Policy = Callable[[Actor], bool]
SESSION_ID = "sid"
# Open311 GeoReport v2 sends its key as the ``api_key`` field of a POST's form (never taken
# from the address, where logs keep it), not a header.
API_KEY_PARAM_PREFIXES = ("/open311/",)


@dataclass(frozen=True)
class Identity:
    """Who a request (or socket) is, and by what credential, so that ending the credential
    can end what was opened with it."""

    actor: Actor | None
    session_hash: str | None = None  # a server-side session
    key_name: str | None = None  # an API key
    username: str | None = None  # a person's own API token

    @property
    def by_cookie(self) -> bool:
        return self.session_hash is not None


NOBODY = Identity(None)


class Auth:
    def __init__(
        self, users: UserDirectory, keys: KeyRing, sessions: SessionBook, open_wall: bool
    ) -> None:
        self.users = users
        self.keys = keys
        self.sessions = sessions
        # In development the wall and its read APIs are open, so the demo needs no login.
        self.open_wall = open_wall
        # Called with a session's hash when it ends here (the hub closes its sockets).
        self.on_session_end: list[Callable[[str], None]] = []

    def identify(self) -> Identity:
        """This request's identity, looked up once per request."""
        if "gridcc_identity" not in g:
            g.gridcc_identity = self._identify()
        identity: Identity = g.gridcc_identity
        return identity

    def current_actor(self) -> Actor | None:
        return self.identify().actor

    def presented_credential(self) -> str | None:
        """The API key or token this request carries, if any (read without the store)."""
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            return header[7:].strip()
        if request.path.startswith(API_KEY_PARAM_PREFIXES) and request.form.get("api_key"):
            return request.form["api_key"]
        return None

    def _identify(self) -> Identity:
        credential = self.presented_credential()
        if credential is not None:
            return self.by_credential(credential)
        sid = session.get(SESSION_ID)
        if isinstance(sid, str) and sid:
            info = self.sessions.resolve(sid)
            if info is not None:
                actor = self._session_actor(info.username, info.key_name)
                if actor is not None:
                    return Identity(actor, session_hash=info.id_hash)
        if self.open_wall:
            return Identity(Actor("anonymous", Role.WALL))
        return NOBODY

    def by_credential(self, credential: str) -> Identity:
        """An API key, or a person's own API token."""
        if not credential or not storable(credential):
            return NOBODY
        key = self.keys.by_key(credential)
        if key is not None:
            return Identity(key.actor, key_name=key.name)
        user = self.users.by_token(credential)
        return Identity(user.actor, username=user.username) if user else NOBODY

    def _session_actor(self, username: str, key_name: str | None) -> Actor | None:
        if key_name is not None:
            key = self.keys.get(key_name)
            return key.actor if key is not None and key.active else None
        user = self.users.get(username)
        return user.actor if user else None

    def authenticate(self, username: str, password: str) -> User | None:
        # A name no store can hold (NUL, lone surrogates) names nobody: a plain refusal.
        if not storable(username) or not storable(password):
            return None
        return self.users.authenticate(username, password)

    def sign_in(self, username: str, kind: str = "login", key_name: str | None = None) -> None:
        """A fresh server-side session for every sign-in: no fixation, no leftovers."""
        self.sign_out()
        session.clear()
        session[SESSION_ID] = self.sessions.open(username, kind, key_name)
        g.pop("gridcc_identity", None)

    def sign_in_kiosk(self, credential: str) -> bool:
        """A wall display signs in with a wall key (or a wall user's token)."""
        identity = self.by_credential(credential)
        actor = identity.actor
        if actor is None or actor.role is not Role.WALL:
            return False
        self.sign_in(identity.username or actor.name, KIOSK, identity.key_name)
        return True

    def sign_out(self) -> None:
        sid = session.get(SESSION_ID)
        if isinstance(sid, str) and sid:
            ended = self.sessions.revoke(sid)
            for hook in self.on_session_end:
                hook(ended)
        session.clear()
        g.pop("gridcc_identity", None)

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
                    return jsonify(
                        {
                            "error": "unauthenticated",
                            "message": "log in first",
                            "message_zh": "请先登录",
                        }
                    ), 401
                if not allowed(actor):
                    return jsonify(
                        {
                            "error": "forbidden",
                            "message": f"not open to your role ({actor.role.value})",
                            "message_zh": f"您的角色（{ROLE_ZH[actor.role]}）无权进行此操作",
                        }
                    ), 403
                return view(*args, **kwargs)

            return guarded  # type: ignore[return-value]

        return decorate

    def init_app(self, server: Flask) -> None:
        server.extensions["gridcc_auth"] = self
