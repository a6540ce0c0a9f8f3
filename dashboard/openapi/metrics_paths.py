"""The running figures for Prometheus (dashboard/metrics_api.py)."""

from __future__ import annotations

from dashboard.openapi.common import SIGNED_IN, Paths, operation


def paths() -> Paths:
    text = {
        "description": "Every metric in Prometheus's text format (under several workers, "
        "every worker's figures added up)",
        "content": {"text/plain": {"schema": {"type": "string"}}},
    }
    return {
        "/metrics": {
            "get": operation(
                "The running figures: events published, latencies, sockets by role, outbox "
                "lag, intake refusals by reason, the store's pool",
                {200: text},
                errors=(401, 403),
                security=SIGNED_IN,
                description="For a key of scope `metrics` (`gridcc key create prometheus "
                "--scope metrics`; the scraper sends it as `Authorization: Bearer …`) or an "
                "admin signed in; in development, open to anyone like the wall. No figure "
                "names a person or carries a token: labels are roles and reasons.",
                tags=("meta",),
            )
        }
    }
