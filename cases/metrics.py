"""What a running gridcc counts, for Prometheus (``GET /metrics``, dashboard/metrics_api.py).

One place for every metric's name, help and labels; the parts that count import it.
Nothing here carries a token, a name or a phone: labels are roles, reasons and stores.
Under several worker processes prometheus_client's multiprocess mode (``PROMETHEUS_
MULTIPROC_DIR``) adds up every process's figures.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

# Seconds, from a few milliseconds (a quiet deployment) to the heartbeat's catch-up.
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

EVENTS_PUBLISHED = Counter(
    "gridcc_events_published_total", "Case events published to the screens by the outbox"
)
ACCEPTED_TO_PUBLISHED = Histogram(
    "gridcc_accepted_to_published_seconds",
    "From an event's commit to its publication by the outbox",
    buckets=LATENCY_BUCKETS,
)
PUBLISHED_TO_DELIVERED = Histogram(
    "gridcc_published_to_delivered_seconds",
    "From an event's publication to its frame handed to this process's sockets",
    buckets=LATENCY_BUCKETS,
)
OUTBOX_LAG = Gauge(
    "gridcc_outbox_lag_events",
    "Events committed and not yet published (on the process holding the outbox's lease)",
    multiprocess_mode="max",
)
OUTBOX_LEASE = Gauge(
    "gridcc_outbox_lease_held",
    "1 while this process holds the deployment's outbox lease",
    multiprocess_mode="sum",
)
CONNECTED_CLIENTS = Gauge(
    "gridcc_connected_clients",
    "Sockets admitted, by role",
    ["role"],
    multiprocess_mode="livesum",
)
INTAKE_REFUSALS = Counter(
    "gridcc_intake_refusals_total", "Reports refused at the intake, by reason", ["reason"]
)
RESEND_FAILURES = Counter(
    "gridcc_urgent_resend_failures_total",
    "New screens whose standing urgent alerts could not be resent (after retries)",
)
DB_POOL_CHECKED_OUT = Gauge(
    "gridcc_db_pool_checked_out",
    "Database connections in use",
    multiprocess_mode="livesum",
)
DB_POOL_SIZE = Gauge(
    "gridcc_db_pool_size",
    "Database connections the pool keeps open (its size, overflow apart)",
    multiprocess_mode="livesum",
)
WRITE_BATCH = Histogram(
    "gridcc_write_batch_reports",
    "Reports made in one write transaction (group commit, cases/group_commit.py)",
    buckets=(1, 2, 4, 8, 16, 32, 64),
)
