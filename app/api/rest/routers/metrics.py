"""Meeting-health metrics: one pair, every pair (JSON pages or a CSV stream), rollups and
time series. Every response states the window and the policy figures it used."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import Response, StreamingResponse

from app.api.access import MetricsRead
from app.api.pipeline import read_again
from app.api.problems import problem_responses
from app.api.rest.csv_rows import ExportStream, csv_text
from app.api.rest.responses import Paging
from app.api.runtime import runtime_of
from app.api.schemas.common import Instant
from app.api.schemas.metrics import (
    Basis,
    PairMetricsOut,
    PairMetricsPage,
    PairMetricsResponse,
    PointOut,
    SummaryOut,
    SummaryResponse,
    TimeseriesResponse,
)
from app.domain.cadence import CadenceState
from app.domain.metric_figures import SignalCode
from app.domain.metric_windows import Bucket
from app.domain.pairs import PairKind
from app.domain.queries import MetricsFilter
from app.services import metric_rollups, metrics
from app.services.context import ServiceContext
from app.services.metric_rollups import RollupRequest, RollupScope
from app.services.metrics import MetricsBasis, PairListRequest, PairOrder

router = APIRouter(tags=["metrics"])

WINDOW_PROBLEMS = ("invalid_window", "window_too_long")
From = Annotated[
    Instant | None,
    Query(
        alias="from",
        description="Window start, inclusive (default: `to` − 90 days). Before `to`"
        " (`invalid_window`), at most 1,096 days before it (`window_too_long`).",
    ),
]
To = Annotated[
    Instant | None, Query(alias="to", description="Window end, exclusive (default: now).")
]
CSV = "text/csv"
GroupId = Annotated[
    UUID | None,
    Query(
        description="A group: only pairs with either of their two people in it; a group of"
        " the organization, provisioned over SCIM (`unknown_reference`)."
    ),
]


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"


def _json(body: Basis) -> Response:
    return Response(body.model_dump_json(), media_type="application/json")


@router.get(
    "/v1/pairs/{pair_id}/metrics",
    operation_id="pairs-metrics",
    response_model=PairMetricsResponse,
    responses=problem_responses("not_found", *WINDOW_PROBLEMS),
)
async def pair_metrics(
    pair_id: UUID, ctx: MetricsRead, start: From = None, end: To = None
) -> Response:
    """Every metric of one pair over `[from, to)`, by the published formulas (no content)."""
    measured, found = await metrics.pair_metrics(ctx, pair_id, start, end)
    return _json(PairMetricsResponse(data=PairMetricsOut.of(found), **Basis.fields_of(measured)))


def _wants_csv(format_: Format | None, accept: str | None) -> bool:
    if format_ is not None:
        return format_ is Format.CSV
    return accept is not None and CSV in accept and "application/json" not in accept


@router.get(
    "/v1/metrics/pairs",
    operation_id="metrics-pairs",
    response_model=PairMetricsPage,
    responses={
        200: {
            "content": {
                CSV: {
                    "schema": {"type": "string"},
                    "example": "pair_id,lead_id,member_id,kind,…\r\n",
                }
            },
            "description": "A page as JSON, or every row as CSV (`?format=csv` or"
            " `Accept: text/csv`), streamed.",
        },
        **problem_responses("invalid_cursor", "unknown_reference", *WINDOW_PROBLEMS),
    },
)
async def list_pair_metrics(
    request: Request,
    ctx: MetricsRead,
    paging: Paging,
    start: From = None,
    end: To = None,
    lead_id: Annotated[
        UUID | None, Query(description="A person of the organization (`unknown_reference`).")
    ] = None,
    team_of: Annotated[
        UUID | None,
        Query(
            description="A manager: pairs led by them or anyone below them; a person of the"
            " organization (`unknown_reference`)."
        ),
    ] = None,
    state: CadenceState | None = None,
    signal: SignalCode | None = None,
    kind: PairKind | None = None,
    group_id: GroupId = None,
    sort: Annotated[
        PairOrder,
        Query(
            description="`pair_id`, or `health_score` (lowest first) / `-health_score`;"
            " pairs without a score come last."
        ),
    ] = PairOrder.PAIR_ID,
    format_: Annotated[Format | None, Query(alias="format")] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    """One row per pair the caller may see. JSON is paged (`limit`, `cursor`); CSV streams
    every row, with the JSON field names as columns."""
    wanted = PairListRequest(
        MetricsFilter(
            lead_id=lead_id, team_of=team_of, kind=kind, cadence_state=state, group_id=group_id
        ),
        signal,
        sort,
    )
    if _wants_csv(format_, accept):
        measured, checked = await metrics.export_request(ctx, start, end, wanted)
        return _csv_response(request, ctx, measured, checked)
    measured, page = await metrics.pairs_page(ctx, start, end, wanted, paging)
    return _json(
        PairMetricsPage(
            data=[PairMetricsOut.of(found) for found in page.items],
            next_cursor=page.next_cursor,
            **Basis.fields_of(measured),
        )
    )


def _csv_response(
    request: Request, ctx: ServiceContext, measured: MetricsBasis, wanted: PairListRequest
) -> StreamingResponse:
    """Rows are read while they are sent, a chunk per short read transaction of its own."""
    chunks = metrics.exported_chunks(lambda: read_again(runtime_of(request), ctx), measured, wanted)
    window, policy = measured.window, measured.policy
    return ExportStream(
        csv_text(chunks),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="pair-metrics.csv"',
            "Rapport-Window": f"from={window.start.isoformat()}; to={window.end.isoformat()}",
            "Rapport-Policy": (
                f"target_cadence_days={policy.target_cadence_days};"
                f" grace_days={policy.grace_days}; late_cancel_hours={policy.late_cancel_hours}"
            ),
        },
    )


ROLLUP_PROBLEMS = ("invalid_scope", "not_your_team", "unknown_reference", *WINDOW_PROBLEMS)
Scope = Annotated[
    RollupScope,
    Query(
        description="`org`, `lead` (pairs person_id leads) or `team` (pairs led by"
        " person_id or anyone below them). `lead` and `team` need person_id, `org` takes"
        " none (`invalid_scope`)."
    ),
]


@router.get(
    "/v1/metrics/summary",
    operation_id="metrics-summary",
    response_model=SummaryResponse,
    responses=problem_responses(*ROLLUP_PROBLEMS),
)
async def summary(
    ctx: MetricsRead,
    scope: Scope,
    person_id: UUID | None = None,
    kind: PairKind | None = None,
    group_id: GroupId = None,
    start: From = None,
    end: To = None,
) -> Response:
    """Counts summed over the scope's pairs, rates recomputed from the sums, pairs per
    cadence state, the health score's mean and quartiles, and how many pairs raise each
    signal."""
    wanted = RollupRequest(scope, person_id, kind, group_id)
    measured, rollup = await metric_rollups.summary(ctx, wanted, start, end)
    data = SummaryOut.of(rollup, scope.value, person_id, kind)
    return _json(SummaryResponse(data=data, **Basis.fields_of(measured)))


@router.get(
    "/v1/metrics/timeseries",
    operation_id="metrics-timeseries",
    response_model=TimeseriesResponse,
    responses=problem_responses(*ROLLUP_PROBLEMS),
)
async def timeseries(
    ctx: MetricsRead,
    scope: Scope,
    bucket: Annotated[Bucket, Query(description="ISO `week` or calendar `month` (UTC).")],
    person_id: UUID | None = None,
    kind: PairKind | None = None,
    group_id: GroupId = None,
    start: From = None,
    end: To = None,
) -> Response:
    """The same counts and rates per bucket, each bucket clipped to the window (gaps are
    counted between held meetings of the same bucket)."""
    wanted = RollupRequest(scope, person_id, kind, group_id)
    measured, points = await metric_rollups.timeseries(ctx, wanted, bucket, start, end)
    return _json(
        TimeseriesResponse(
            bucket=bucket,
            scope=scope.value,
            person_id=person_id,
            data=[PointOut.of(window, totals) for window, totals in points],
            **Basis.fields_of(measured),
        )
    )
