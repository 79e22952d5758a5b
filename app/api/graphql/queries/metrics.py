"""The Query fields of metrics."""

from __future__ import annotations

from uuid import UUID

import strawberry

from app.api.graphql.context import GraphInfo, or_none
from app.api.graphql.decorators import resolves
from app.api.graphql.shared_models import graph
from app.api.graphql.types.metrics import (
    From,
    GroupId,
    MetricsSummary,
    PairMetrics,
    Timeseries,
    TimeseriesPoint,
    To,
    basis_of,
    pair_metrics_of,
)
from app.api.schemas.metrics import PointOut, SummaryOut
from app.domain.access import Scope
from app.domain.metric_windows import Bucket
from app.domain.pairs import PairKind
from app.services import metric_rollups, metrics
from app.services.metric_rollups import RollupRequest, RollupScope


@strawberry.type
class MetricsQuery:
    @resolves(
        "One pair's metrics over [from, to), or null if the caller may not see the pair"
        " (metrics:read; GET /v1/pairs/{id}/metrics)."
    )
    async def pair_metrics(
        self, info: GraphInfo, id: UUID, start: From = None, end: To = None
    ) -> PairMetrics | None:
        info.context.require(Scope.METRICS_READ)
        info.context.address(info, pair_id=id)
        measured = await or_none(metrics.pair_metrics(info.context.service_context, id, start, end))
        return None if measured is None else pair_metrics_of(*measured)

    @resolves(
        "A rollup: `ORG`, `LEAD` (the pairs personId leads) or `TEAM` (pairs led by personId"
        " or anyone below them) (metrics:read)."
    )
    async def metrics_summary(
        self,
        info: GraphInfo,
        scope: RollupScope,
        person_id: UUID | None = None,
        kind: PairKind | None = None,
        group_id: GroupId = None,
        start: From = None,
        end: To = None,
    ) -> MetricsSummary | None:
        info.context.require(Scope.METRICS_READ)
        info.context.address(info)
        wanted = RollupRequest(scope, person_id, kind, group_id)
        measured, rollup = await metric_rollups.summary(
            info.context.service_context, wanted, start, end
        )
        return MetricsSummary.of(measured, SummaryOut.of(rollup, scope.value, person_id, kind))

    @resolves("The summary's counts and rates per bucket (metrics:read).")
    async def timeseries(
        self,
        info: GraphInfo,
        bucket: Bucket,
        scope: RollupScope,
        person_id: UUID | None = None,
        kind: PairKind | None = None,
        group_id: GroupId = None,
        start: From = None,
        end: To = None,
    ) -> Timeseries | None:
        info.context.require(Scope.METRICS_READ)
        info.context.address(info)
        wanted = RollupRequest(scope, person_id, kind, group_id)
        measured, points = await metric_rollups.timeseries(
            info.context.service_context, wanted, bucket, start, end
        )
        return Timeseries(
            **basis_of(measured),
            bucket=bucket,
            points=[graph(TimeseriesPoint, PointOut.of(w, t)) for w, t in points],
        )
