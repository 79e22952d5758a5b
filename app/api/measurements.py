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


def observe(operation: str, method: str, status: int, seconds: float, statements: int) -> None:
    """One answered request."""
    REQUESTS.labels(operation, method, str(status)).inc()
    LATENCY.labels(operation, method).observe(seconds)
    STATEMENTS.labels(operation).observe(statements)


def connections_in_use(change: int) -> None:
    CONNECTIONS_IN_USE.inc(change)
