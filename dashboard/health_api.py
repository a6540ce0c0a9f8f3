"""Health for load balancers and orchestrators, open to anyone, never touching a session.

``GET /healthz``
    the process answers (liveness: restart it when this fails);
``GET /readyz``
    the store answers within a second, and Redis when the deployment has it (readiness:
    send it no traffic while this is 503). The answer names the part that failed and the
    kind of failure, never an address, a URL or a password.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from cases.readiness import Readiness

HEADERS = {"Cache-Control": "no-store"}


def health_api(readiness: Readiness) -> Blueprint:
    bp = Blueprint("health", __name__)

    @bp.get("/healthz")
    def healthz() -> tuple[Response, int, dict[str, str]]:
        return jsonify({"status": "ok"}), 200, HEADERS

    @bp.get("/readyz")
    def readyz() -> tuple[Response, int, dict[str, str]]:
        findings = readiness.findings()
        failed = [f.part for f in findings if not f.ok]
        body = {
            "status": "unready" if failed else "ready",
            "failed": failed,
            "checks": {f.part: f.error or "ok" for f in findings},
        }
        return jsonify(body), 503 if failed else 200, HEADERS

    return bp
