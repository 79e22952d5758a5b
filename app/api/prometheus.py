"""`/metrics` in Prometheus's text format (prometheus-client): requests by operation and
status, their latency, the statements each sends, the database connections in use.

Under several workers each process writes its samples to PROMETHEUS_MULTIPROC_DIR (which
`rapport serve` creates for them) and any worker answers for all. Labels are operation
ids, methods and statuses — bounded sets — never an id, an organization or a path."""

from __future__ import annotations

import os
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from app.api.access import CHALLENGE, INVALID
from app.api.problems import ApiProblem
from app.api.runtime import runtime_of

MULTIPROCESS_DIRECTORY = "PROMETHEUS_MULTIPROC_DIR"

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

router = APIRouter()


def observe(operation: str, method: str, status: int, seconds: float, statements: int) -> None:
    """One answered request."""
    REQUESTS.labels(operation, method, str(status)).inc()
    LATENCY.labels(operation, method).observe(seconds)
    STATEMENTS.labels(operation).observe(statements)


def connections_in_use(change: int) -> None:
    CONNECTIONS_IN_USE.inc(change)


def _check_access(request: Request) -> None:
    settings = runtime_of(request).settings
    if settings.metrics_access == "off":
        raise ApiProblem("not_found", "Metrics are off (RAPPORT_METRICS_ACCESS=off).")
    if settings.metrics_access == "open":
        return
    scheme, _, presented = request.headers.get("authorization", "").partition(" ")
    expected = settings.metrics_token
    if not presented:
        raise ApiProblem(
            "unauthorized", "Metrics need Authorization: Bearer <metrics token>.", CHALLENGE
        )
    if (
        scheme.lower() != "bearer"
        or expected is None
        or not secrets.compare_digest(
            presented.strip().encode(), expected.get_secret_value().encode()
        )
    ):
        raise ApiProblem("invalid_credential", "This is not the metrics token.", INVALID)


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Every worker's samples (RAPPORT_METRICS_ACCESS decides who may read them)."""
    _check_access(request)
    if os.environ.get(MULTIPROCESS_DIRECTORY):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
