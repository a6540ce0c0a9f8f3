"""The public's sign-in to 泉心愿: a phone number verified by a one-time code
(``cases.quanxinyuan.residents``), no staff account.

The session's random token rides in the signed Flask session under ``PUBLIC_SESSION``
(the staff's sign-in is ``sid``: the two never stand for each other). A public session
opens only the public routes (``/api/qxy/public/…`` and the areas' public routes, which
ask ``PublicAuth.current()``); every staff route asks the staff's auth, which knows
nothing of it. Changes carry the CSRF token like the staff's (dashboard.guards).

Routes: POST ``/api/qxy/public/code`` {phone}; POST ``/api/qxy/public/verify`` {phone, code,
name, consent}; POST ``/api/qxy/public/signout``; GET/POST ``/api/qxy/public/me``.
Asking for codes is limited per address as well as per phone.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify, request, session
from flask_limiter.util import get_remote_address

from cases.quanxinyuan.platform import QxyError
from cases.quanxinyuan.residents import PublicPerson, Residents

PUBLIC_SESSION = "qsid"
CODE_LIMIT = "20 per hour"  # per address, beside residents' per phone
VERIFY_LIMIT = "60 per hour"


class PublicAuth:
    def __init__(self, residents: Residents) -> None:
        self.residents = residents

    def current(self) -> PublicPerson | None:
        """The member of the public this request is signed in as (None: nobody)."""
        if "qxy_public" not in g:
            g.qxy_public = self.residents.resolve(session.get(PUBLIC_SESSION))
        person: PublicPerson | None = g.qxy_public
        return person


def me_json(person: PublicPerson) -> dict[str, Any]:
    """Their own record, as they see it (their phone masked: it is on their phone)."""
    return {
        "id": person.id,
        "name": person.name,
        "phone": person.masked_phone,
        "community": person.community_code,
        "volunteer": person.volunteer,
        "team": person.team_id,
    }


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise QxyError("body", "send a JSON object", 400)
    return body


def public_auth_api(public: PublicAuth, limits: Any) -> Blueprint:
    bp = Blueprint("qxy_public_auth", __name__)
    residents = public.residents

    @bp.post("/api/qxy/public/code")
    @limits.limiter.limit(CODE_LIMIT, key_func=get_remote_address)
    def code() -> Any:
        phone = residents.request_code(_body().get("phone"))
        return jsonify({"sent": True, "phone": phone[:3] + "****" + phone[-4:]}), 202

    @bp.post("/api/qxy/public/verify")
    @limits.limiter.limit(VERIFY_LIMIT, key_func=get_remote_address)
    def verify() -> Any:
        body = _body()
        token, person = residents.verify(
            body.get("phone"),
            body.get("code"),
            name=str(body.get("name") or ""),
            consent=body.get("consent") is True,
        )
        session[PUBLIC_SESSION] = token
        g.qxy_public = person
        return jsonify(me_json(person))

    @bp.post("/api/qxy/public/signout")
    def signout() -> Any:
        residents.end(session.pop(PUBLIC_SESSION, None))
        return jsonify({"signed_out": True})

    @bp.get("/api/qxy/public/me")
    def me() -> Any:
        person = public.current()
        if person is None:
            return jsonify({"error": "signed_out", "message": "sign in with your phone"}), 401
        return jsonify(me_json(person))

    @bp.post("/api/qxy/public/me")
    def update_me() -> Any:
        person = public.current()
        if person is None:
            return jsonify({"error": "signed_out", "message": "sign in with your phone"}), 401
        body = _body()
        changed = residents.update(
            person.id,
            name=body.get("name") if "name" in body else None,
            community_code=body.get("community") if "community" in body else None,
            volunteer=body.get("volunteer") if "volunteer" in body else None,
        )
        return jsonify(me_json(changed))

    return bp
