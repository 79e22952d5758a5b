"""`/metrics` in Prometheus's text format (prometheus-client), as RAPPORT_METRICS_ACCESS
allows; app.measurements defines what is measured.

Under several workers each process writes its samples to PROMETHEUS_MULTIPROC_DIR (which
`rapport serve` creates for them) and any worker answers for all. Labels are operation
ids, methods, statuses and budgets — bounded sets — never an id, an organization or a
path."""

from __future__ import annotations

import os
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)

from app.api.pipeline import CHALLENGE, INVALID
from app.api.problems import ApiProblem
from app.api.runtime import runtime_of

MULTIPROCESS_DIRECTORY = "PROMETHEUS_MULTIPROC_DIR"

router = APIRouter()


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
