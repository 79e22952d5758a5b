"""What the service measures for Prometheus (served by app.api.prometheus): requests by
operation and status, their latency, the statements each sends, the database connections
in use, and the requests refused by rate limits."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter(
    "rapport_requests",
    "Requests answered, by operation id, method and status.",
    ["operation", "method", "status"],
)
LATENCY = Histogram(
    "rapport_request_duration_seconds",
    "Time from the request's arrival to the end of its response, by operation id.",
    ["operation", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
STATEMENTS = Histogram(
    "rapport_request_statements",
    "SQL statements one request sent, by operation id (a growing count is an N+1).",
    ["operation"],
    buckets=(0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64),
)
CONNECTIONS_IN_USE = Gauge(
    "rapport_database_connections_in_use",
    "Database connections taken from the pools of all workers.",
    multiprocess_mode="livesum",
)

RATE_LIMITED = Counter(
    "rapport_rate_limited",
    "Requests refused with 429, by the budget they exceeded (key or organization).",
    ["budget"],
)

GRAPHQL_QUERIES = Counter(
    "rapport_graphql_queries",
    "GraphQL queries executed, by how: by_level (app.api.graphql.levels), or graphql_core"
    " when a query needed graphql-core's own answer (an error, introspection, an abstract"
    " type) after the attempt by level.",
    ["execution"],
)


def observe(operation: str, method: str, status: int, seconds: float, statements: int) -> None:
    """One answered request."""
    REQUESTS.labels(operation, method, str(status)).inc()
    LATENCY.labels(operation, method).observe(seconds)
    STATEMENTS.labels(operation).observe(statements)


def connections_in_use(change: int) -> None:
    CONNECTIONS_IN_USE.inc(change)


# Events out (app.services.webhook_delivery, app.services.scheduler).
WEBHOOK_ATTEMPTS = Counter(
    "rapport_webhook_attempts",
    "Webhook delivery attempts, by outcome: succeeded, retry, gone (410: endpoint disabled),"
    " exhausted (the last attempt failed: endpoint marked failing).",
    ["outcome"],
)
WEBHOOK_ATTEMPT_SECONDS = Histogram(
    "rapport_webhook_attempt_duration_seconds",
    "Time a receiver took to answer one delivery attempt.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
WEBHOOK_DELIVERY_LAG = Histogram(
    "rapport_webhook_delivery_lag_seconds",
    "From an event's commit to its delivery's success (retries included).",
    buckets=(0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 3600.0),
)
WEBHOOK_PENDING = Gauge(
    "rapport_webhook_pending_deliveries",
    "Deliveries waiting to be sent (all organizations), as a worker last counted them.",
    # The latest count wins: a delivery process that died and was replaced leaves its
    # last value behind, which must not outweigh the live one's.
    multiprocess_mode="mostrecent",
)
WEBHOOK_OLDEST_PENDING = Gauge(
    "rapport_webhook_oldest_pending_seconds",
    "Age of the oldest delivery still waiting, as a worker last counted it (0: none).",
    multiprocess_mode="mostrecent",
)
SCHEDULER_TICKS = Histogram(
    "rapport_scheduler_tick_duration_seconds",
    "Time one scheduler tick took (the replica holding the lock).",
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 30.0),
)
SCHEDULER_LAST_TICK = Gauge(
    "rapport_scheduler_last_tick_timestamp_seconds",
    "When this service's scheduler last finished a tick (Unix time): `time() - this` is its"
    " lag; events of time passing are at most this late plus a minute.",
    multiprocess_mode="max",
)
SCHEDULER_EVENTS = Counter(
    "rapport_scheduler_events",
    "Events written because time passed (a pair's cadence state, a meeting left unrecorded).",
)
IDEMPOTENCY_PURGED = Counter(
    "rapport_idempotency_answers_purged",
    "Stored answers of Idempotency-Keys deleted after their 24 hours, by the scheduler.",
)
